/** One check of an audit: when it applies, and the findings it makes. */

import type { AuditContext } from "./context";
import type { Draft, FindingKind } from "./finding";

export interface AuditCheck {
  /** Shown in progress and in the list of skipped checks. */
  name: string;
  kinds: FindingKind[];
  /** Why the check cannot run on this dataset, or null when it can. */
  skip(ctx: AuditContext): string | null;
  /** `earlier`: the findings of the checks before it (a gap on a drifted split is drift, not overfitting). */
  run(ctx: AuditContext, earlier: readonly Draft[]): Draft[] | Promise<Draft[]>;
}

/** The sample ids of the rows where `keep` holds. */
export function idsWhere(ctx: AuditContext, keep: (row: number) => boolean): string[] {
  return ctx.ids.filter((_, r) => keep(r));
}

/** "12.3 %" */
export const percent = (share: number) => `${(100 * share).toFixed(share < 0.1 ? 1 : 0)} %`;

/** Items by key, keys in order of first appearance. */
export function groupBy<T, K>(items: T[], key: (item: T) => K): Map<K, T[]> {
  const out = new Map<K, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = out.get(k);
    if (list) list.push(item);
    else out.set(k, [item]);
  }
  return out;
}
