/**
 * Leak-free splits: `split(ds, options)` writes each sample's part (a `split` field for ratios, a
 * `fold` field for k-fold) so that groups and duplicate sets never straddle parts. Which splitter
 * runs follows from the options:
 *
 *   ratios (default 70/15/15)   random cut (ratioSplit), stratified (stratifiedGroupSplit for a
 *                               classification field, iterativeStratification for boxes), or a
 *                               time-ordered cut
 *   k                           KFold, StratifiedKFold, GroupKFold and TimeSeriesSplit as in
 *                               scikit-learn 1.7.2 (same folds without shuffling), stratified
 *                               group k-fold and iterative stratification where units merge or
 *                               labels are sets
 *
 * Units: samples sharing a `groups` value or a duplicate set (`computeQuality`'s
 * quality_exact_duplicate_group / quality_near_duplicate_group) are one unit, never split.
 */
import * as aq from "arquero";
import type { ColumnTable } from "arquero";
import { values } from "../../dataset/columns";
import type { Dataset } from "../../dataset/dataset";
import { checkField } from "../../dataset/fieldCheck";
import { BlindspotError } from "../../errors";
import { groupKFold } from "./groupKFold";
import { DUPLICATE_FIELDS, labelField, parseTimes, sampleLabels, type SampleLabels } from "./inputs";
import { iterativeStratification } from "./iterativeStratification";
import { kFold } from "./kFold";
import { checkK, parseRatios, type SplitOptions } from "./options";
import { indexOrder, seeded } from "./order";
import { ratioSplit } from "./ratioSplit";
import { stratifiedGroupSplit } from "./stratifiedGroupSplit";
import { stratifiedKFold } from "./stratifiedKFold";
import { splitTables } from "./tables";
import { timeSeriesSplit } from "./timeSeriesSplit";
import { buildUnits } from "./units";
import { checkFolds, checkOutputField, unreadableTimes } from "./checks";
import { earliest, timeOrder, usedRows } from "./time";
import { unitLabels } from "./unitLabels";

export type { SplitOptions } from "./options";

export type SplitMethod =
  | "ratio"
  | "stratified-ratio"
  | "time-ratio"
  | "kfold"
  | "stratified-kfold"
  | "group-kfold"
  | "stratified-group-kfold"
  | "iterative-stratified-kfold"
  | "iterative-stratified-ratio"
  | "time-series-kfold";

export interface SplitSummary {
  method: SplitMethod;
  /** The sample field written. */
  field: string;
  /** Parts in order: split names, or fold numbers as text ("train only": TimeSeriesSplit's first block). */
  parts: string[];
  /** Samples per part. */
  sizes: Record<string, number>;
  samples: number;
  /** Units kept whole (samples, groups, duplicate sets joined). */
  units: number;
  /** Duplicate sets of two or more samples that were kept whole. */
  duplicateSets: number;
  groups: string | null;
  time: string | null;
  /** The label field stratified by, or null. */
  stratifiedBy: string | null;
  seed: number;
  shuffle: boolean;
  /** Largest |count - ideal| over parts x labels of the ground truth (null without labels). */
  largestGap: number | null;
  /** Samples whose time could not be read: left without a part (null in the field). */
  unreadableTimes: { count: number; ids: string[] };
}

export interface SplitResult {
  summary: SplitSummary;
  /** One row per part: part, samples, units, share, intended. */
  counts: ColumnTable;
  /** One row per part and label: part, label, count, proportion, overall, ideal, gap. */
  classes: ColumnTable;
  /** The dataset that got the field (for views of the result). */
  dataset: Dataset;
}

/** Splits `ds` into parts (ratios) or folds (k), writing the part of every sample as a field; see the file's comment. */
export function split(ds: Dataset, options: SplitOptions = {}): SplitResult {
  const n = ds.count();
  if (n === 0)
    throw new BlindspotError({
      place: "split",
      message: "the dataset has no samples to split",
      hint: "load a dataset with samples (a filter may have left none)",
    });
  if (options.k !== undefined && options.ratios !== undefined)
    throw new BlindspotError({
      place: "split",
      message: "give either ratios or k, not both",
      hint: "ratios: [0.7, 0.15, 0.15] for train/val/test, or k: 5 for folds",
    });
  const byFolds = options.k !== undefined;
  const k = byFolds ? checkK(options.k) : 0;
  const ratios = byFolds ? null : parseRatios(options.ratios);
  const columns = ds.samples.columnNames();
  const stratify = options.stratify === false || options.stratify === undefined ? null : options.stratify;
  const groups = options.groups === undefined ? null : checkField(options.groups, columns, "groups");
  const time = options.time === undefined ? null : checkField(options.time, columns, "time");
  if (time && stratify)
    throw new BlindspotError({
      place: "time",
      message: "a time-ordered split cannot also be stratified",
      hint: "drop stratify, or split by groups instead of time",
    });
  const shuffle = options.shuffle ?? (!byFolds && !time);
  if (time && shuffle)
    throw new BlindspotError({
      place: "shuffle",
      message: "a time-ordered split is never shuffled",
      hint: "drop shuffle: true",
    });
  const name = checkOutputField(ds, options.field ?? (byFolds ? "fold" : "split"));
  const seed = options.seed ?? 0;
  const random = shuffle ? seeded(seed) : null;
  const ids = values<string>(ds.samples, "id");
  const progress = options.onProgress ?? (() => {});
  progress(0, 3);

  // Samples with a readable time (all samples without a time field).
  const times = time ? parseTimes(values<unknown>(ds.samples, time)) : null;
  const rows = usedRows(n, times);
  const unreadable = times ? unreadableTimes(times, ids, time!) : { count: 0, ids: [] };
  const pick = <T>(column: ArrayLike<T>) => (rows.length === n ? column : Array.from(rows, (i) => column[i]));
  const units = buildUnits(
    rows.length,
    groups ? pick(values<unknown>(ds.samples, groups)) : null,
    DUPLICATE_FIELDS.filter((f) => columns.includes(f)).map((f) => pick(values<unknown>(ds.samples, f))),
  );
  const field = stratify === null ? null : labelField(ds, stratify, true);
  const labels = field ? sampleLabels(ds, field, rows) : null;
  progress(1, 3);

  const m = rows.length;
  const unitSizes = new Int32Array(units.count);
  for (let r = 0; r < m; r++) unitSizes[units.unit[r]]++;
  const merged = units.count < m;
  const perUnit = (partOfUnit: Int32Array) => Int32Array.from(units.unit, (u) => partOfUnit[u]);
  const weighted = () => unitLabels(units.unit, units.count, labels!.start, labels!.labels, labels!.names.length);
  let method: SplitMethod;
  let part: Int32Array;
  let partNames: string[];
  let weights: number[];
  if (byFolds) {
    checkFolds(k, units.count, merged, groups, labels);
    partNames = Array.from({ length: k }, (_, f) => String(f));
    weights = new Array<number>(k).fill(1 / k);
    const equal = weights;
    if (times) {
      if (k + 1 > units.count)
        throw new BlindspotError({
          place: "k",
          message: `a time-ordered ${k}-fold split needs at least ${k + 1} ${merged ? "units" : "samples"}, there are ${units.count}`,
          hint: `use k: ${Math.max(2, units.count - 1)} or fewer`,
        });
      method = "time-series-kfold";
      const testSize = Math.floor(units.count / (k + 1));
      const first = units.count - k * testSize;
      part = perUnit(timeSeriesSplit(timeOrder(units.unit, units.count, times, rows), k));
      for (let r = 0; r < m; r++) if (part[r] < 0) part[r] = k;
      partNames.push("train only");
      weights = [...new Array<number>(k).fill(testSize / units.count), first / units.count];
    } else if (labels?.kind === "classification" && !merged) {
      method = "stratified-kfold";
      part = stratifiedKFold(labels.labels, labels.names.length, k, random);
    } else if (labels?.kind === "classification") {
      method = "stratified-group-kfold";
      part = perUnit(stratifiedGroupSplit(weighted(), equal, random));
    } else if (labels) {
      method = "iterative-stratified-kfold";
      part = perUnit(iterativeStratification(weighted(), equal, random));
    } else if (merged || groups) {
      method = "group-kfold";
      part = perUnit(groupKFold(unitSizes, k, random));
    } else {
      method = "kfold";
      part = kFold(m, k, random ? indexOrder(m, random) : null);
    }
  } else {
    ({ names: partNames, weights } = ratios!);
    if (times) {
      method = "time-ratio";
      const order = timeOrder(units.unit, units.count, times, rows);
      const unitTime = earliest(units.unit, units.count, times, rows);
      part = perUnit(ratioSplit(order, unitSizes, weights, (p) => unitTime[order[p]] === unitTime[order[p - 1]]));
    } else if (labels?.kind === "classification") {
      method = "stratified-ratio";
      part = perUnit(stratifiedGroupSplit(weighted(), weights, random));
    } else if (labels) {
      method = "iterative-stratified-ratio";
      part = perUnit(iterativeStratification(weighted(), weights, random));
    } else {
      method = "ratio";
      part = perUnit(ratioSplit(indexOrder(units.count, random), unitSizes, weights));
    }
  }
  progress(2, 3);

  writeField(ds, name, n, rows, part, (p) => (byFolds ? (p < k ? p : null) : partNames[p]));
  const shown = labels ?? reportLabels(ds, rows);
  const tables = splitTables(partNames, weights, part, units.unit, shown);
  progress(3, 3);
  const sizes = Object.fromEntries(partNames.map((p, i) => [p, tables.counts.get("samples", i) as number]));
  return {
    summary: {
      method,
      field: name,
      parts: partNames,
      sizes,
      samples: n,
      units: units.count,
      duplicateSets: units.duplicateSets,
      groups,
      time,
      stratifiedBy: labels?.field ?? null,
      seed,
      shuffle,
      largestGap: tables.largestGap,
      unreadableTimes: unreadable,
    },
    counts: tables.counts,
    classes: tables.classes,
    dataset: ds,
  };
}

/** The ground truth's labels, for the tables of a split that was not stratified (null without labels). */
function reportLabels(ds: Dataset, rows: Int32Array): SampleLabels | null {
  const field = labelField(ds, true, false);
  return field ? sampleLabels(ds, field, rows) : null;
}

/** Writes the part of each used row as sample field `name`; other samples get null. */
function writeField(
  ds: Dataset,
  name: string,
  n: number,
  rows: Int32Array,
  part: Int32Array,
  valueOf: (part: number) => string | number | null,
): void {
  const column = new Array<string | number | null>(n).fill(null);
  for (let r = 0; r < rows.length; r++) column[rows[r]] = valueOf(part[r]);
  ds.samples = ds.samples.assign(aq.table({ [name]: column }));
}
