/**
 * Slices nobody named: the groups of samples, described by a few field values at once ("camera
 * cam_e and night"), where a model errs most, found by SliceLine (sliceline.ts) over metadata
 * fields, binned numbers and times, and tags (features.ts). Each slice comes with its size, its
 * errors, its mean error with a bootstrap interval, and its samples.
 *
 * Errors per sample: a field or an array given, or from an evaluation: a detector's false
 * positives plus false negatives, a classifier's wrong answers.
 */

import * as aq from "arquero";
import type { ColumnTable } from "arquero";
import { values } from "../../dataset/columns";
import type { Dataset } from "../../dataset/dataset";
import { mulberry32 } from "../../dataset/view";
import { BlindspotError } from "../../errors";
import { datasetOf, errorsOf, type Evaluated, meanErrorInterval } from "./errors";
import { type FeatureOptions, sliceFeatures, type SliceFeature } from "./features";
import { sliceLine } from "./sliceline";

export interface FindSlicesOptions extends FeatureOptions {
  /**
   * Per-sample error (>= 0): a sample field (numbers, or true for an error), or one value per sample.
   * Default for an evaluation: `<key>_fp + <key>_fn` (detection) or not `<key>_correct` (classification).
   */
  errors?: string | ArrayLike<number>;
  /** Fields slices are made of ("tags" for every tag); default: every field with a few values, numbers and times binned, tags. */
  fields?: string[];
  /** Slices returned (default 10; slices tied with the last come too). */
  k?: number;
  /** Most field values in one slice (default 3). */
  maxDepth?: number;
  /** Fewest samples in a slice: a count, or a share of the samples in (0, 1) (default 1 % of them, at least 10). */
  minSupport?: number;
  /**
   * SliceLine's weight of the slice's error against its size, in (0, 1] (default 0.95, SystemDS's; the sliceline
   * package's 0.6 asks a slice of a fifth of the samples to err 3.7 times as much as the average to count at all).
   */
  alpha?: number;
  /** Bootstrap resamples for each slice's interval (default 200; 0 for none). */
  bootstrap?: number;
  confidence?: number;
  seed?: number;
}

export const FIND_SLICES_DEFAULTS = {
  k: 10,
  maxDepth: 3,
  alpha: 0.95,
  bootstrap: 200,
  confidence: 0.95,
  seed: 0,
} as const;

export interface FindSlicesSummary {
  samples: number;
  /** Where the errors came from (a field, "given", or the evaluation's fields). */
  errors: string;
  averageError: number;
  minSupport: number;
  features: { name: string; kind: SliceFeature["kind"]; values: number }[];
  slices: number;
  /** The worst slice: its description, size, mean error and how many times the average that is. */
  top: { slice: string; size: number; averageError: number; ratio: number } | null;
}

export interface FoundSlices {
  dataset: Dataset;
  /** rank, slice (its description), one column per feature (its value or null), score, size, errors, average_error, average_error_low, average_error_high, max_error. */
  slices: ColumnTable;
  /** rank, id: each slice's samples. */
  members: ColumnTable;
  /** id, error: the per-sample errors searched. */
  errors: ColumnTable;
  /** id and each feature's value per sample (numbers and times as their bins): what the slices were found in. */
  features: ColumnTable;
  summary: FindSlicesSummary;
}

export function findSlices(input: Dataset | Evaluated, options: FindSlicesOptions = {}): FoundSlices {
  const ds = datasetOf(input);
  const { errors, source, used } = errorsOf(ds, input, options.errors, "findSlices");
  const features = sliceFeatures(ds, options.fields, used, options);
  if (!features.length)
    throw new BlindspotError({
      place: "findSlices.fields",
      message: "no field to make slices of",
      hint: `name some: fields: [...] of ${ds.samples.columnNames().join(", ")}`,
    });
  const n = errors.length;
  const k = options.k ?? FIND_SLICES_DEFAULTS.k;
  const found = sliceLine(
    features.map((f) => f.codes),
    features.map((f) => f.values.length),
    errors,
    {
      alpha: options.alpha ?? FIND_SLICES_DEFAULTS.alpha,
      k,
      maxLevel: options.maxDepth ?? FIND_SLICES_DEFAULTS.maxDepth,
      minSupport: options.minSupport ?? Math.max(10, Math.ceil(n / 100)),
    },
  );
  const ids = Array.from(values<string>(ds.samples, "id"));
  const rowsOf = (codes: Int32Array) =>
    Int32Array.from({ length: n }, (_, i) => i).filter((i) =>
      features.every((f, j) => codes[j] < 0 || f.codes[i] === codes[j]),
    );
  const B = options.bootstrap ?? FIND_SLICES_DEFAULTS.bootstrap;
  const level = options.confidence ?? FIND_SLICES_DEFAULTS.confidence;
  const rand = mulberry32(options.seed ?? FIND_SLICES_DEFAULTS.seed);
  const rows: Record<string, unknown>[] = [];
  const members: { rank: number; id: string }[] = [];
  found.slices.forEach((s, r) => {
    const inSlice = rowsOf(s.codes);
    const interval = meanErrorInterval(ds, errors, inSlice, B, level, rand);
    const row: Record<string, unknown> = { rank: r + 1, slice: describe(features, s.codes) };
    features.forEach((f, j) => (row[f.name] = s.codes[j] < 0 ? null : f.values[s.codes[j]]));
    Object.assign(row, {
      score: s.score,
      size: s.size,
      errors: s.errorSum,
      average_error: s.averageError,
      average_error_low: interval?.low ?? null,
      average_error_high: interval?.high ?? null,
      max_error: s.maxError,
    });
    rows.push(row);
    for (const i of inSlice) members.push({ rank: r + 1, id: ids[i] });
  });
  const columns = [
    "rank",
    "slice",
    ...features.map((f) => f.name),
    "score",
    "size",
    "errors",
    "average_error",
    "average_error_low",
    "average_error_high",
    "max_error",
  ];
  const top = found.slices[0];
  return {
    dataset: ds,
    slices: aq.table(Object.fromEntries(columns.map((c) => [c, rows.map((r) => r[c] ?? null)]))),
    members: aq.table({ rank: members.map((m) => m.rank), id: members.map((m) => m.id) }),
    errors: aq.table({ id: ids, error: Array.from(errors) }),
    features: aq.table({
      id: ids,
      ...Object.fromEntries(features.map((f) => [f.name, Array.from(f.codes, (c) => f.values[c])])),
    }),
    summary: {
      samples: n,
      errors: source,
      averageError: found.averageError,
      minSupport: found.minSupport,
      features: features.map((f) => ({ name: f.name, kind: f.kind, values: f.values.length })),
      slices: found.slices.length,
      top: top
        ? {
            slice: describe(features, top.codes),
            size: top.size,
            averageError: top.averageError,
            ratio: top.averageError / found.averageError,
          }
        : null,
    },
  };
}

/** "camera = cam_e & time_of_day = night". */
function describe(features: SliceFeature[], codes: Int32Array): string {
  return features.flatMap((f, j) => (codes[j] < 0 ? [] : [`${f.name} = ${f.values[codes[j]]}`])).join(" & ");
}
