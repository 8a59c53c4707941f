/**
 * Data drift between a reference set (training, last month) and a current one (production, this
 * week), field by field, as Evidently 0.7.23 decides it by default: up to 1,000 reference rows, a
 * two-sample Kolmogorov-Smirnov test for numbers (p <= 0.05 drifts), chi-square for categories and
 * numbers with 3 to 5 values, a two-proportion Z-test for two values (p < 0.05); above 1,000, the
 * Wasserstein distance over the reference's standard deviation for numbers and the Jensen-Shannon
 * distance for categories (>= 0.1 drifts). PSI comes beside every field. The dataset drifts when at
 * least half of its fields do (Evidently's drift share).
 */

import * as aq from "arquero";
import type { ColumnTable } from "arquero";
import { values } from "../../dataset/columns";
import { Dataset } from "../../dataset/dataset";
import { View } from "../../dataset/view";
import { BlindspotError } from "../../errors";
import { binnedShares, fieldPair, psi, testScore, type DriftTest, type FieldPair } from "./tests";

export type { DriftTest } from "./tests";

export interface DriftOptions {
  /**
   * Sample fields compared (default: every field both sets have but ids, file paths, tags, the split, and text
   * fields with a value per sample such as sequence names). Times (ISO text) compare as numbers.
   */
  fields?: string[];
  /** A test for every field instead of Evidently's choice. */
  test?: DriftTest;
  /** The threshold of every field's test instead of the test's default. */
  threshold?: number;
  /** Share of drifted fields from which the dataset drifts (default 0.5). */
  driftShare?: number;
}

/** Evidently's default thresholds: p-values drift at or below (KS) or below (chi-square, Z); distances at or above. */
export const DRIFT_THRESHOLDS: Record<DriftTest, number> = {
  ks: 0.05,
  chisquare: 0.05,
  z: 0.05,
  wasserstein: 0.1,
  jensenshannon: 0.1,
};

export interface DriftSummary {
  reference: number;
  current: number;
  fields: number;
  drifted: string[];
  share: number;
  datasetDrift: boolean;
}

export interface Drift {
  reference: Dataset | View;
  current: Dataset | View;
  /** field, kind ("num" or "cat"), test, score, threshold, drifted, psi, reference_rows, current_rows; drifted first. */
  fields: ColumnTable;
  summary: DriftSummary;
}

const NOT_FIELDS = new Set(["id", "filepath", "tags", "problems", "split"]);
const ISO_TIME = /^\d{4}-\d\d-\d\d([T ]\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:?\d\d)?)?$/;

export function drift(reference: Dataset | View, current: Dataset | View, options: DriftOptions = {}): Drift {
  const ref = samplesOf(reference),
    cur = samplesOf(current);
  const result = compareSets(setOf(ref), setOf(cur), options);
  return { reference, current, ...result };
}

/** The sample fields of a set of samples: their names, how many samples, and each field's values. */
export interface SampleSet {
  names: string[];
  rows: number;
  column(field: string): ArrayLike<unknown>;
}

/** A table's samples, or those at `rows` of it. */
export function setOf(samples: ColumnTable, rows?: ArrayLike<number>): SampleSet {
  return {
    names: samples.columnNames(),
    rows: rows ? rows.length : samples.numRows(),
    column: (field) => {
      const all = values<unknown>(samples, field);
      return rows ? Array.from(rows, (r) => all[r]) : all;
    },
  };
}

const COLUMNS = ["field", "kind", "test", "score", "threshold", "drifted", "psi", "reference_rows", "current_rows"];

/** The fields table and summary of drift(), over any two sets of samples. */
export function compareSets(
  ref: SampleSet,
  cur: SampleSet,
  options: DriftOptions,
  exclude: readonly string[] = [],
): Omit<Drift, "reference" | "current"> {
  if (ref.rows < 2)
    throw new BlindspotError({
      place: "drift: reference",
      message: `the reference set has ${ref.rows} sample${ref.rows === 1 ? "" : "s"}: no distribution to compare with`,
      hint: "pass a reference of at least two samples (the training split, or an earlier month)",
    });
  const names =
    options.fields ?? ref.names.filter((c) => !NOT_FIELDS.has(c) && !exclude.includes(c) && cur.names.includes(c));
  const rows: Record<string, unknown>[] = [];
  for (const field of names) {
    for (const [what, t] of [
      ["reference", ref],
      ["current", cur],
    ] as const)
      if (!t.names.includes(field))
        throw new BlindspotError({
          place: "drift.fields",
          message: `the ${what} set has no sample field "${field}"`,
          hint: `its fields are: ${t.names.join(", ")}`,
        });
    const pair = prepare(ref.column(field), cur.column(field));
    if (!pair) continue; // nothing to compare
    // Unnamed text fields with a value per sample or so (names, sequences) are identifiers, not distributions.
    if (!options.fields && !pair.numeric && pair.distinct > Math.max(50, (sum(pair.ref) + sum(pair.cur)) / 2)) continue;
    const test = options.test ?? defaultTest(pair);
    const score = testScore(test, pair);
    const threshold = options.threshold ?? DRIFT_THRESHOLDS[test];
    const pValue = test === "ks" || test === "chisquare" || test === "z";
    const drifted = test === "ks" ? score <= threshold : pValue ? score < threshold : score >= threshold;
    const shares = binnedShares(pair);
    rows.push({
      field,
      kind: pair.numeric ? "num" : "cat",
      test,
      score,
      threshold,
      drifted,
      psi: psi(shares.ref, shares.cur),
      reference_rows: pair.numeric ? pair.ref.length : sum(pair.ref),
      current_rows: pair.numeric ? pair.cur.length : sum(pair.cur),
    });
  }
  rows.sort((x, y) => Number(y.drifted) - Number(x.drifted));
  const driftedFields = rows.filter((r) => r.drifted).map((r) => r.field as string);
  const share = rows.length ? driftedFields.length / rows.length : 0;
  return {
    fields: aq.table(Object.fromEntries(COLUMNS.map((c) => [c, rows.map((r) => r[c])]))),
    summary: {
      reference: ref.rows,
      current: cur.rows,
      fields: rows.length,
      drifted: driftedFields,
      share,
      datasetDrift: rows.length > 0 && share >= (options.driftShare ?? 0.5),
    },
  };
}

/** Evidently's choice by the reference's size and the number of distinct values in both sets. */
function defaultTest(pair: FieldPair): DriftTest {
  const referenceRows = pair.numeric ? pair.ref.length : sum(pair.ref);
  const manyNumbers = pair.numeric && pair.distinct > 5;
  if (referenceRows <= 1000) return manyNumbers ? "ks" : pair.distinct > 2 ? "chisquare" : "z";
  return manyNumbers ? "wasserstein" : "jensenshannon";
}

const sum = (xs: Float64Array) => xs.reduce((s, v) => s + v, 0);

/**
 * Both sets' values that are there (null, undefined and NaN left out, as Evidently drops them),
 * ISO times as milliseconds; null when either set has none.
 */
function prepare(reference: ArrayLike<unknown>, current: ArrayLike<unknown>): FieldPair | null {
  const a = numbersOf(reference),
    b = numbersOf(current);
  if (a && b) return a.length && b.length ? fieldPair(a, b) : null;
  const [ta, tb] = [timesOf(reference), timesOf(current)];
  if (ta && tb) return ta.length && tb.length ? fieldPair(ta, tb) : null;
  const pair = fieldPair(reference as ArrayLike<string>, current as ArrayLike<string>, { skipMissing: true });
  return sum(pair.ref) && sum(pair.cur) ? pair : null;
}

const missing = (v: unknown) => v === null || v === undefined || (typeof v === "number" && Number.isNaN(v));

/** The numbers that are there, or null when a value is neither a number nor missing. */
function numbersOf(column: ArrayLike<unknown>): Float64Array | null {
  const out = new Float64Array(column.length);
  let n = 0;
  for (let r = 0; r < column.length; r++) {
    const v = column[r];
    if (typeof v === "number") {
      if (!Number.isNaN(v)) out[n++] = v;
    } else if (v !== null && v !== undefined) return null;
  }
  return out.subarray(0, n);
}

/** ISO times that are there as milliseconds, or null when a value is something else. */
function timesOf(column: ArrayLike<unknown>): Float64Array | null {
  const out = new Float64Array(column.length);
  let n = 0;
  for (let r = 0; r < column.length; r++) {
    const v = column[r];
    if (missing(v)) continue;
    if (typeof v !== "string" || !ISO_TIME.test(v)) return null;
    out[n++] = Date.parse(v);
  }
  return out.subarray(0, n);
}

export function samplesOf(x: Dataset | View): ColumnTable {
  if (x instanceof Dataset) return x.samples;
  if (x instanceof View) return x.samples();
  throw new BlindspotError({
    place: "drift",
    message: "drift compares two datasets or views",
    hint: 'e.g. drift(ds.where("split", "train"), ds.where("split", "production"))',
  });
}
