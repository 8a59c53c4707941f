/**
 * Leakage between the splits of a dataset: the same image (exact or near duplicate) on both
 * sides of a split, a group (scene, video, patient, sender) with samples in several splits, and
 * splits meant to follow one another in time that overlap. Each finding names its samples.
 */

import * as aq from "arquero";
import type { ColumnTable } from "arquero";
import { values } from "../../dataset/columns";
import type { Dataset } from "../../dataset/dataset";
import { checkField } from "../../dataset/fieldCheck";
import { BlindspotError } from "../../errors";
import { withProgress } from "../../progress";
import { computeQuality, type QualityOptions } from "../../quality/issues";
import { crossSplitPairs, type CrossSplitPairs } from "./duplicates";
import { groupsAcrossSplits } from "./groups";
import { splitCodes, splitsOf, type SplitCodes } from "./splits";
import { readTimes, timeOverlaps } from "./time";

/** The duplicate sets leakage reads, written by computeQuality. */
export const DUPLICATE_FIELDS = { exact: "quality_exact_duplicate_group", near: "quality_near_duplicate_group" };
/** Time order when `time` names only the field: these splits, of those the dataset has. */
const DEFAULT_ORDER = ["train", "val", "test"];

export interface LeakageOptions {
  /** Sample field holding the split (default `split`). */
  splits?: string;
  /** Sample field whose values must each stay in one split: scene, video, patient, sender. */
  groups?: string;
  /**
   * Time field of splits meant to follow one another, and their order (earliest first; default
   * train, val, test, of those present): samples of a later split dated before the latest of an
   * earlier one are leaks. Dates, date text or numbers; missing and unparsable values are counted.
   */
  time?: string | { field: string; order?: string[] };
  /**
   * Look for exact and near duplicates across splits (default true). The duplicate sets of
   * computeQuality(ds, { mode: "dataset" }) are used; when missing they are computed first.
   */
  duplicates?: boolean;
  /** Options of that computeQuality run. */
  quality?: Omit<QualityOptions, "mode" | "onProgress" | "signal">;
  /** Called with (images done, total) while duplicates are computed. */
  onProgress?: (done: number, total: number) => void;
  signal?: AbortSignal;
}

export interface LeakageSummary {
  /** Any finding at all. */
  leaked: boolean;
  /** Distinct samples named by the findings. */
  samples: number;
  splitField: string;
  /** Samples per split; samples without a split are `unsplit` and take no part. */
  splits: Record<string, number>;
  unsplit: number;
  /** Null when duplicates were not looked for. */
  crossSplitPairs: { exact: number; near: number; sets: number; samples: number } | null;
  groupsAcrossSplits: { field: string; groups: number; samples: number } | null;
  timeOverlap: {
    field: string;
    order: string[];
    samples: number;
    missing: number;
    /** Values that are no time: counted, a few named (sample id and value); the rest are used. */
    unparsable: { count: number; examples: { id: string; value: string }[] };
  } | null;
}

/** What leakage() found: a summary and tables whose rows name their samples (`ids`). */
export class Leakage {
  constructor(
    readonly dataset: Dataset,
    readonly summary: LeakageSummary,
    /** One row per finding: kind, finding, splits, samples, ids. */
    readonly findings: ColumnTable,
    /** Duplicate pairs across splits: kind, set, id_a, split_a, id_b, split_b. */
    readonly pairs: ColumnTable,
    /** Groups in several splits: group, splits, per_split, samples, ids. */
    readonly groups: ColumnTable,
    /** Time overlaps: earlier, later, earlier_latest, later_earliest, samples, ids. */
    readonly time: ColumnTable,
    /** Fields the analysis read. */
    readonly fields: { splits: string; groups: string | null; time: string | null },
  ) {}
}

export async function leakage(ds: Dataset, options: LeakageOptions = {}): Promise<Leakage> {
  return withProgress("leakage: duplicates", options, false, (o) => findLeakage(ds, o));
}

async function findLeakage(ds: Dataset, options: LeakageOptions): Promise<Leakage> {
  const names = ds.samples.columnNames();
  if (ds.count() === 0)
    throw new BlindspotError({
      message: "the dataset has no samples: there is nothing to check for leakage",
      hint: "load a dataset with samples in at least two splits",
    });
  const splitField = checkField(options.splits ?? "split", names, "splits", "sample field");
  const splits = splitCodes(values(ds.samples, splitField));
  if (splits.names.length === 0)
    throw new BlindspotError({
      place: "splits",
      message: `no sample has a value in ${JSON.stringify(splitField)}`,
      hint: "name the field that holds each sample's split with { splits: FIELD } (CLI: --splits FIELD)",
    });
  const groupField = options.groups === undefined ? null : checkField(options.groups, names, "groups", "sample field");
  const time = options.time === undefined ? null : timeOption(options.time, names, splits);
  const ids = values<string>(ds.samples, "id");

  let exact: CrossSplitPairs | null = null,
    near: CrossSplitPairs | null = null;
  if (options.duplicates ?? true) {
    if (!names.includes(DUPLICATE_FIELDS.exact) || !names.includes(DUPLICATE_FIELDS.near))
      await computeQuality(ds, {
        ...options.quality,
        mode: "dataset",
        onProgress: options.onProgress,
        signal: options.signal,
      });
    const exactOf = values<unknown>(ds.samples, DUPLICATE_FIELDS.exact);
    exact = crossSplitPairs(exactOf, splits);
    const sameExact = (a: number, b: number) => exactOf[a] !== null && exactOf[a] === exactOf[b];
    near = crossSplitPairs(values(ds.samples, DUPLICATE_FIELDS.near), splits, sameExact);
  }
  const shared = groupField === null ? [] : groupsAcrossSplits(values(ds.samples, groupField), splits);
  const times = time === null ? null : readTimes(values(ds.samples, time.field));
  if (time && times && times.missing + times.unparsable.count === ds.count())
    throw new BlindspotError({
      place: "time",
      message:
        `no value of ${JSON.stringify(time.field)} is a time (${times.unparsable.count} unparsable, ` +
        `${times.missing} missing; e.g. ${times.unparsable.examples.map((e) => JSON.stringify(e.value)).join(", ")})`,
      hint: "name a field of dates, ISO date text (2024-05-01T10:00:00Z) or numbers",
    });
  const overlaps = time === null || times === null ? [] : timeOverlaps(times, splits, time.order);

  const findings: Record<string, unknown[]> = { kind: [], finding: [], splits: [], samples: [], ids: [] };
  const named = new Set<number>();
  const addFinding = (kind: string, finding: string, rows: readonly number[]) => {
    findings.kind.push(kind);
    findings.finding.push(finding);
    findings.splits.push(splitsOf(rows, splits).counts);
    findings.samples.push(rows.length);
    findings.ids.push(rows.map((r) => ids[r]));
    for (const r of rows) named.add(r);
  };
  const pairRows = (pairs: CrossSplitPairs | null, kind: string) => {
    if (!pairs) return;
    for (const [set, rows] of pairs.sets) addFinding(`${kind} duplicates`, `${kind} duplicate set ${set}`, rows);
  };
  pairRows(exact, "exact");
  pairRows(near, "near");
  for (const g of shared) addFinding("group", `${groupField} ${String(g.value)}`, g.rows);
  for (const o of overlaps)
    addFinding("time", `${o.later} dated before the latest ${o.earlier} (${time!.field})`, o.rows);

  const pairs: Record<string, unknown[]> = { kind: [], set: [], id_a: [], split_a: [], id_b: [], split_b: [] };
  for (const [kind, p] of [
    ["exact", exact],
    ["near", near],
  ] as const) {
    if (!p) continue;
    p.a.forEach((a, k) => {
      const b = p.b[k];
      pairs.kind.push(kind);
      pairs.set.push(p.set[k]);
      pairs.id_a.push(ids[a]);
      pairs.split_a.push(splits.names[splits.codes[a]]);
      pairs.id_b.push(ids[b]);
      pairs.split_b.push(splits.names[splits.codes[b]]);
    });
  }
  const groupColumn = values<unknown>(ds.samples, groupField ?? "id");
  const timeColumn = time === null ? null : values<unknown>(ds.samples, time.field);
  const timeText = (r: number) =>
    timeColumn![r] instanceof Date ? (timeColumn![r] as Date).toISOString() : String(timeColumn![r]);

  const summary: LeakageSummary = {
    leaked: named.size > 0,
    samples: named.size,
    splitField,
    splits: Object.fromEntries(splits.names.map((n, c) => [n, splits.counts[c]])),
    unsplit: splits.unsplit,
    crossSplitPairs:
      exact && near
        ? {
            exact: exact.a.length,
            near: near.a.length,
            sets: exact.sets.size + near.sets.size,
            samples: new Set([...exact.sets.values(), ...near.sets.values()].flat()).size,
          }
        : null,
    groupsAcrossSplits:
      groupField === null
        ? null
        : { field: groupField, groups: shared.length, samples: shared.reduce((n, g) => n + g.rows.length, 0) },
    timeOverlap:
      time === null || times === null
        ? null
        : {
            field: time.field,
            order: time.order.map((c) => splits.names[c]),
            samples: new Set(overlaps.flatMap((o) => o.rows)).size,
            missing: times.missing,
            unparsable: {
              count: times.unparsable.count,
              examples: times.unparsable.examples.map((e) => ({ id: ids[e.row], value: e.value })),
            },
          },
  };
  return new Leakage(
    ds,
    summary,
    aq.table(findings),
    aq.table(pairs),
    aq.table({
      group: shared.map((g) => String(groupColumn[g.rows[0]])),
      splits: shared.map((g) => splitsOf(g.rows, splits).names.join(", ")),
      per_split: shared.map((g) => splitsOf(g.rows, splits).counts),
      samples: shared.map((g) => g.rows.length),
      ids: shared.map((g) => g.rows.map((r) => ids[r])),
    }),
    aq.table({
      earlier: overlaps.map((o) => o.earlier),
      later: overlaps.map((o) => o.later),
      earlier_latest: overlaps.map((o) => timeText(o.earlierLatest)),
      later_earliest: overlaps.map((o) => timeText(o.laterEarliest)),
      samples: overlaps.map((o) => o.rows.length),
      ids: overlaps.map((o) => o.rows.map((r) => ids[r])),
    }),
    { splits: splitField, groups: groupField, time: time?.field ?? null },
  );
}

/** The time option checked: its field, and its order as split codes (at least two splits). */
function timeOption(
  option: NonNullable<LeakageOptions["time"]>,
  names: readonly string[],
  splits: SplitCodes,
): { field: string; order: number[] } {
  const spec = typeof option === "string" ? { field: option } : option;
  const field = checkField(spec?.field, names, "time", "sample field");
  const order = spec.order ?? DEFAULT_ORDER.filter((s) => splits.names.includes(s));
  if (!Array.isArray(order) || order.length < 2)
    throw new BlindspotError({
      place: "time.order",
      message: `a time order needs at least two splits, got ${JSON.stringify(order)}`,
      hint: `name the splits earliest first, e.g. { field: ${JSON.stringify(field)}, order: ["train", "val", "test"] }; splits: ${splits.names.join(", ")}`,
    });
  return { field, order: order.map((s) => splits.names.indexOf(checkField(s, splits.names, "time.order", "split"))) };
}
