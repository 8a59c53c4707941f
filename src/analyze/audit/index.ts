/**
 * audit(): every analysis the dataset supports, in one call, its findings ranked by what they cost
 * the model (rank.ts), each with a one-line statement, its samples, its evidence and a fix; and the
 * checks that could not run, with why.
 */

import * as aq from "arquero";
import type { ColumnTable } from "arquero";
import type { Dataset } from "../../dataset/dataset";
import { computeQuality } from "../../quality/issues";
import type { AuditCheck } from "./check";
import { coverageCheck } from "./checks/coverage";
import { driftCheck } from "./checks/drift";
import { duplicatesCheck } from "./checks/duplicates";
import { fairnessCheck } from "./checks/fairness";
import { labelsCheck } from "./checks/labels";
import { leakageCheck } from "./checks/leakage";
import { overconfidenceCheck } from "./checks/overconfidence";
import { qualityCheck } from "./checks/quality";
import { slicesCheck } from "./checks/slices";
import { trainTestGapCheck } from "./checks/trainTestGap";
import { auditContext, type AuditContext, type AuditOptions } from "./context";
import type { Draft, Finding, FindingKind, Skipped } from "./finding";
import { rankFindings } from "./rank";

export { AUDIT_DEFAULTS, type AuditOptions } from "./context";
export { FINDING_KINDS, type Effect, type Finding, type FindingKind, type Skipped } from "./finding";

/** The checks, in the order they run. */
export const AUDIT_CHECKS: readonly AuditCheck[] = [
  qualityCheck,
  duplicatesCheck,
  leakageCheck,
  coverageCheck,
  labelsCheck,
  slicesCheck,
  fairnessCheck,
  driftCheck,
  overconfidenceCheck,
  trainTestGapCheck,
];

export interface AuditSummary {
  samples: number;
  /** The ground-truth and prediction fields audited (null: none). */
  labels: string | null;
  predictions: string | null;
  /** Per-sample errors the effects are measured on (null without predictions). */
  errors: string | null;
  checks: { ran: string[]; skipped: number };
  findings: number;
  byKind: Partial<Record<FindingKind, number>>;
  /** The first finding's statement. */
  top: string | null;
}

export interface Audit {
  dataset: Dataset;
  /** Ranked, most costly first. */
  findings: Finding[];
  /** rank, kind, statement, samples, size, effect (excess share of errors), error_share, error_inside, error_inside_low, error_inside_high, error_outside, fix, id. */
  table: ColumnTable;
  /** finding (its id), rank, id: every finding's samples. */
  members: ColumnTable;
  skipped: Skipped[];
  summary: AuditSummary;
}

export async function audit(ds: Dataset, options: AuditOptions = {}): Promise<Audit> {
  const total = AUDIT_CHECKS.length + 1;
  options.onProgress?.(0, total);
  if (options.images !== false) await prepare(ds);
  options.onProgress?.(1, total);
  const ctx = auditContext(ds, options);
  const drafts: Draft[] = [];
  const skipped: Skipped[] = [];
  const ran: string[] = [];
  for (const [i, check] of AUDIT_CHECKS.entries()) {
    const reason = check.skip(ctx);
    if (reason) skipped.push({ check: check.name, reason });
    else {
      // One check failing on this data (a field it cannot read) leaves the others' findings standing.
      try {
        drafts.push(...(await check.run(ctx, drafts)));
        ran.push(check.name);
      } catch (err) {
        skipped.push({ check: check.name, reason: `failed: ${(err as Error).message}` });
      }
    }
    options.onProgress?.(i + 2, total);
  }
  const findings = rankFindings(ctx, drafts);
  return {
    dataset: ds,
    findings,
    table: findingsTable(findings),
    members: aq.table({
      finding: findings.flatMap((f) => f.samples.map(() => f.id)),
      rank: findings.flatMap((f) => f.samples.map(() => f.rank)),
      id: findings.flatMap((f) => f.samples),
    }),
    skipped,
    summary: summarize(ctx, findings, ran, skipped),
  };
}

/** Image quality scores and duplicate sets, when the dataset has images and none yet. */
async function prepare(ds: Dataset): Promise<void> {
  if (ds.imagesDir && !ds.samples.columnNames().includes("is_dark")) await computeQuality(ds, { mode: "dataset" });
}

function findingsTable(findings: Finding[]): ColumnTable {
  const column = <T>(get: (f: Finding) => T) => findings.map(get);
  return aq.table({
    rank: column((f) => f.rank),
    kind: column((f) => f.kind),
    statement: column((f) => f.statement),
    samples: column((f) => f.samples.length),
    size: column((f) => f.size),
    effect: column((f) => f.effect?.excess ?? null),
    error_share: column((f) => f.effect?.errorShare ?? null),
    error_inside: column((f) => f.effect?.inside ?? null),
    error_inside_low: column((f) => f.effect?.insideLow ?? null),
    error_inside_high: column((f) => f.effect?.insideHigh ?? null),
    error_outside: column((f) => f.effect?.outside ?? null),
    fix: column((f) => f.fix),
    id: column((f) => f.id),
  });
}

function summarize(ctx: AuditContext, findings: Finding[], ran: string[], skipped: Skipped[]): AuditSummary {
  const byKind: Partial<Record<FindingKind, number>> = {};
  for (const f of findings) byKind[f.kind] = (byKind[f.kind] ?? 0) + 1;
  return {
    samples: ctx.ids.length,
    labels: ctx.labels?.name ?? null,
    predictions: ctx.predictions?.name ?? null,
    errors: ctx.errors?.source ?? null,
    checks: { ran, skipped: skipped.length },
    findings: findings.length,
    byKind,
    top: findings[0]?.statement ?? null,
  };
}
