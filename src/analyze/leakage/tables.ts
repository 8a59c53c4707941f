import * as aq from "arquero";
import type { ColumnTable } from "arquero";
import type { CrossSplitPairs } from "./duplicates";
import type { SharedGroup } from "./groups";
import { splitsOf, type SplitCodes } from "./splits";
import type { TimeOverlap } from "./time";

/** What the searches found, as rows of the dataset. */
export interface Found {
  ids: ArrayLike<string>;
  splits: SplitCodes;
  exact: CrossSplitPairs | null;
  near: CrossSplitPairs | null;
  groupField: string | null;
  shared: SharedGroup[];
  timeField: string | null;
  overlaps: TimeOverlap[];
  /** The time field's values, for the tables' first and last times. */
  timeValues: ArrayLike<unknown> | null;
}

/** One row per finding (a duplicate set, a group, an earlier/later pair of splits); `rows`: every sample named. */
export function findingsTable(f: Found): { table: ColumnTable; rows: Set<number> } {
  const cols: Record<string, unknown[]> = { kind: [], finding: [], splits: [], samples: [], ids: [] };
  const named = new Set<number>();
  const add = (kind: string, finding: string, rows: readonly number[]) => {
    cols.kind.push(kind);
    cols.finding.push(finding);
    cols.splits.push(splitsOf(rows, f.splits).counts);
    cols.samples.push(rows.length);
    cols.ids.push(rows.map((r) => f.ids[r]));
    for (const r of rows) named.add(r);
  };
  for (const [kind, pairs] of [
    ["exact", f.exact],
    ["near", f.near],
  ] as const) {
    for (const [set, rows] of pairs?.sets ?? []) add(`${kind} duplicates`, `${kind} duplicate set ${set}`, rows);
  }
  for (const g of f.shared) add("group", `${f.groupField} ${String(g.value)}`, g.rows);
  for (const o of f.overlaps) add("time", `${o.later} dated before the latest ${o.earlier} (${f.timeField})`, o.rows);
  return { table: aq.table(cols), rows: named };
}

/** One row per duplicate pair across splits, each side with its split. */
export function pairsTable(f: Found): ColumnTable {
  const cols: Record<string, unknown[]> = { kind: [], set: [], id_a: [], split_a: [], id_b: [], split_b: [] };
  const splitOf = (r: number) => f.splits.names[f.splits.codes[r]];
  for (const [kind, p] of [
    ["exact", f.exact],
    ["near", f.near],
  ] as const) {
    p?.a.forEach((a, k) => {
      const b = p.b[k];
      cols.kind.push(kind);
      cols.set.push(p.set[k]);
      cols.id_a.push(f.ids[a]);
      cols.split_a.push(splitOf(a));
      cols.id_b.push(f.ids[b]);
      cols.split_b.push(splitOf(b));
    });
  }
  return aq.table(cols);
}

/** One row per group in more than one split. */
export function groupsTable(f: Found): ColumnTable {
  const perSplit = f.shared.map((g) => splitsOf(g.rows, f.splits));
  return aq.table({
    group: f.shared.map((g) => String(g.value)),
    splits: perSplit.map((s) => s.names.join(", ")),
    per_split: perSplit.map((s) => s.counts),
    samples: f.shared.map((g) => g.rows.length),
    ids: f.shared.map((g) => g.rows.map((r) => f.ids[r])),
  });
}

/** One row per earlier and later split that overlap in time. */
export function timeTable(f: Found): ColumnTable {
  const text = (r: number) => {
    const v = f.timeValues![r];
    return v instanceof Date ? v.toISOString() : String(v);
  };
  return aq.table({
    earlier: f.overlaps.map((o) => o.earlier),
    later: f.overlaps.map((o) => o.later),
    earlier_latest: f.overlaps.map((o) => text(o.earlierLatest)),
    later_earliest: f.overlaps.map((o) => text(o.laterEarliest)),
    samples: f.overlaps.map((o) => o.rows.length),
    ids: f.overlaps.map((o) => o.rows.map((r) => f.ids[r])),
  });
}
