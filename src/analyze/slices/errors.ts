/** Per-sample errors for slice and cluster searches: a field, given numbers, or an evaluation's outcomes. */

import { values } from "../../dataset/columns";
import type { Dataset } from "../../dataset/dataset";
import { BlindspotError } from "../../errors";
import { bootstrapDraws, percentileInterval } from "../../eval/slices";

/** An evaluation whose per-sample outcomes were written to its dataset under `key`. */
export interface Evaluated {
  readonly dataset: Dataset;
  readonly key: string;
}

/** The dataset of a dataset or an evaluation. */
export function datasetOf(input: Dataset | Evaluated): Dataset {
  return "key" in input && "dataset" in input ? input.dataset : (input as Dataset);
}

/** The per-sample errors, where they came from, and the fields they were made of (not slices themselves). */
export function errorsOf(
  ds: Dataset,
  input: Dataset | Evaluated,
  given: string | ArrayLike<number> | undefined,
  place: string,
  /** "keep": samples the evaluation left out (no label or no prediction) keep NaN instead of failing. */
  missing: "fail" | "keep" = "fail",
): { errors: Float64Array; source: string; used: Set<string> } {
  const n = ds.count();
  const fieldErrors = (field: string) => Float64Array.from(values<unknown>(ds.samples, field), (v) => Number(v ?? NaN));
  let errors: Float64Array, source: string, used: string[];
  if (typeof given === "string") {
    if (!ds.samples.columnNames().includes(given))
      throw new BlindspotError({
        place: `${place}.errors`,
        message: `no sample field "${given}"`,
        hint: `sample fields are: ${ds.samples.columnNames().join(", ")}`,
      });
    [errors, source, used] = [fieldErrors(given), given, [given]];
  } else if (given !== undefined) {
    if (given.length !== n)
      throw new BlindspotError({
        place: `${place}.errors`,
        message: `${given.length} errors for ${n} samples`,
        hint: "give one error per sample, in the samples' order",
      });
    [errors, source, used] = [Float64Array.from(given), "given", []];
  } else if ("key" in input) {
    const key = input.key,
      has = (f: string) => ds.samples.columnNames().includes(f);
    if (has(`${key}_fp`) && has(`${key}_fn`)) {
      const fp = fieldErrors(`${key}_fp`),
        fn = fieldErrors(`${key}_fn`);
      errors = fp.map((v, i) => v + fn[i]);
      source = `${key}_fp + ${key}_fn`;
    } else if (has(`${key}_correct`)) {
      errors = fieldErrors(`${key}_correct`).map((v) => (Number.isNaN(v) ? NaN : 1 - v));
      source = `not ${key}_correct`;
    } else
      throw new BlindspotError({
        place: `${place}.errors`,
        message: `the evaluation "${key}" wrote no per-sample outcomes to the dataset`,
        hint: "pass errors: a field name or one value per sample",
      });
    used = ds.samples.columnNames().filter((c) => c.startsWith(`${key}_`));
  } else
    throw new BlindspotError({
      place: `${place}.errors`,
      message: "no per-sample errors: a dataset alone does not say where the model errs",
      hint: 'pass an evaluation, or errors: a field (e.g. "eval_model_fn") or one value per sample',
    });
  const bad = errors.findIndex((v) => !(v >= 0) && !(missing === "keep" && Number.isNaN(v)));
  if (bad >= 0)
    throw new BlindspotError({
      place: `${place}.errors`,
      message: `sample ${String(values(ds.samples, "id")[bad])} has error ${errors[bad]}: errors are numbers >= 0`,
      hint: "give every sample an error (0 for none); leave unscored samples out with ds.filter(...) first",
    });
  return { errors, source, used: new Set(used) };
}

/**
 * The percentile bootstrap interval of the mean error over some rows (`B` resamples of them,
 * drawn with `rand`), or null for B = 0.
 */
export function meanErrorInterval(
  ds: Dataset,
  errors: Float64Array,
  rows: Int32Array,
  B: number,
  level: number,
  rand: () => number,
): { low: number; high: number } | null {
  if (B <= 0) return null;
  const meanError = {
    dataset: ds,
    field: "error",
    metrics: ["average_error"],
    metricsOf: (r: Int32Array) => Float64Array.of(r.reduce((s, i) => s + errors[i], 0) / r.length),
  };
  const { low, high } = percentileInterval(bootstrapDraws(meanError, rows, B, rand), level);
  return { low: low[0], high: high[0] };
}
