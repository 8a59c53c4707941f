import * as aq from "arquero";
import type { ColumnTable } from "arquero";
import { values } from "../dataset/columns";
import { mulberry32 } from "../dataset/view";
import { BlindspotError } from "../errors";
import type { Sliceable } from "./sliceable";

export interface SliceOptions {
  /** Bootstrap resamples per slice for the confidence intervals (default 200; 0 for none). */
  bootstrap?: number;
  /** Confidence level of the intervals (default 0.95). */
  confidence?: number;
  /** Seed of the resampling, so intervals are reproducible (default 0). */
  seed?: number;
  /** Numeric fields with more distinct values than this are cut into quantile bins (default 12). */
  maxValues?: number;
  /** Number of quantile bins for such fields (default 5). */
  bins?: number;
}

/** An evaluation that can also be split by a property of its objects (COCO area ranges). */
interface ObjectSliceable extends Sliceable {
  objectSlices(): { field: string; values: { value: string; evaluation: Sliceable }[] };
}

const NONE = "(none)";

/**
 * Metrics of one or several evaluations (models side by side) for every combination of values
 * of `by` (sample fields, or `object_size` for detection), with the number of samples and
 * percentile bootstrap intervals over samples. One row per model and slice, worst headline
 * metric first. With no `by`, one row per model over all samples.
 */
export function bySlice(
  evaluations: Sliceable | Sliceable[],
  by: string | string[] = [],
  options: SliceOptions = {},
): ColumnTable {
  const evs = Array.isArray(evaluations) ? evaluations : [evaluations];
  const fields = Array.isArray(by) ? by : [by];
  if (!evs.length)
    throw new BlindspotError({
      message: "no evaluation to slice",
      hint: "pass the result of evaluateDetections or evaluateClassification",
    });
  const metrics = evs[0].metrics;
  if (evs.some((e) => e.metrics.join() !== metrics.join()))
    throw new BlindspotError({
      message: "the evaluations report different metrics, so they cannot sit side by side",
      hint: "compare evaluations of one kind (all detection or all classification)",
    });
  const B = options.bootstrap ?? 200,
    level = options.confidence ?? 0.95;
  const rand = mulberry32(options.seed ?? 0);

  const out: Record<string, unknown[]> = { model: [], ...Object.fromEntries(fields.map((f) => [f, []])), samples: [] };
  for (const m of metrics) ((out[m] = []), (out[`${m}_low`] = []), (out[`${m}_high`] = []));
  for (const ev of evs) {
    for (const { key, evaluation, rows } of slicesOf(ev, fields, options)) {
      out.model.push(ev.field);
      fields.forEach((f, i) => out[f].push(key[i]));
      out.samples.push(rows.length);
      const point = evaluation.metricsOf(rows);
      const { low, high } =
        B > 0 && rows.length
          ? interval(evaluation, rows, B, level, rand)
          : { low: point.map(() => NaN), high: point.map(() => NaN) };
      metrics.forEach((m, j) => {
        out[m].push(nullIfNaN(point[j]));
        out[`${m}_low`].push(nullIfNaN(low[j]));
        out[`${m}_high`].push(nullIfNaN(high[j]));
      });
    }
  }
  const headline = metrics[0];
  return aq.table(out).orderby(aq.escape((d: Record<string, number | null>) => d[headline] ?? Infinity));
}

interface Slice {
  key: string[];
  evaluation: Sliceable;
  rows: Int32Array;
}

/** The slices of one evaluation: sample rows grouped by the sample fields, crossed with object slices. */
function slicesOf(ev: Sliceable, fields: string[], options: SliceOptions): Slice[] {
  const objectSlices = "objectSlices" in ev ? (ev as ObjectSliceable).objectSlices() : null;
  const sampleFields = fields.filter((f) => f !== objectSlices?.field);
  const known = ev.dataset.samples.columnNames();
  for (const f of sampleFields) {
    if (!known.includes(f)) {
      const extra = objectSlices ? `, or ${objectSlices.field}` : "";
      throw new BlindspotError({
        place: f,
        message: `no sample field ${JSON.stringify(f)} to slice by`,
        hint: `sample fields: ${known.join(", ")}${extra}`,
      });
    }
  }
  const keys = sampleFields.map((f) => sliceValues(values<unknown>(ev.dataset.samples, f), options));
  const groups = new Map<string, { key: string[]; rows: number[] }>();
  const n = ev.dataset.samples.numRows();
  for (let r = 0; r < n; r++) {
    const key = keys.map((k) => k[r]);
    const id = JSON.stringify(key);
    const g = groups.get(id) ?? { key, rows: [] };
    g.rows.push(r);
    groups.set(id, g);
  }
  const bySample = [...groups.values()].map((g) => ({ key: g.key, rows: Int32Array.from(g.rows) }));
  const objectVariants = fields.includes(objectSlices?.field ?? "\u0000")
    ? objectSlices!.values
    : [{ value: "", evaluation: ev }];
  const out: Slice[] = [];
  for (const variant of objectVariants) {
    for (const g of bySample) {
      const key = fields.map((f) => (f === objectSlices?.field ? variant.value : g.key[sampleFields.indexOf(f)]));
      out.push({ key, evaluation: variant.evaluation, rows: g.rows });
    }
  }
  return out;
}

/** A slice label per row: the value as text, or a quantile bin for numeric fields of many values. */
function sliceValues(column: ArrayLike<unknown>, options: SliceOptions): string[] {
  const text = Array.from(column, (v) => (v == null ? NONE : typeof v === "object" ? JSON.stringify(v) : String(v)));
  const numbers = Array.from(column).filter((v): v is number => typeof v === "number" && Number.isFinite(v));
  if (
    numbers.length !== Array.from(column).filter((v) => v != null).length ||
    new Set(numbers).size <= (options.maxValues ?? 12)
  )
    return text;
  const sorted = Float64Array.from(numbers).sort();
  const bins = options.bins ?? 5;
  const edges = [...new Set(Array.from({ length: bins + 1 }, (_, i) => quantile(sorted, i / bins)))];
  const label = (v: number) => {
    let b = 0;
    while (b < edges.length - 2 && v >= edges[b + 1]) b++;
    const last = b === edges.length - 2;
    return `[${fmt(edges[b])}, ${fmt(edges[b + 1])}${last ? "]" : ")"}`;
  };
  return Array.from(column, (v) => (typeof v === "number" && Number.isFinite(v) ? label(v) : NONE));
}

/** Percentile bootstrap: resample the slice's samples with replacement B times. */
function interval(
  ev: Sliceable,
  rows: Int32Array,
  B: number,
  level: number,
  rand: () => number,
): { low: Float64Array; high: Float64Array } {
  return percentileInterval(bootstrapDraws(ev, rows, B, rand), level);
}

/** Each metric over B resamples (with replacement) of the rows: one array of B values per metric. */
export function bootstrapDraws(ev: Sliceable, rows: Int32Array, B: number, rand: () => number): Float64Array[] {
  const draws = ev.metrics.map(() => new Float64Array(B));
  const sample = new Int32Array(rows.length);
  for (let b = 0; b < B; b++) {
    for (let i = 0; i < rows.length; i++) sample[i] = rows[Math.floor(rand() * rows.length)];
    const v = ev.metricsOf(sample);
    draws.forEach((d, j) => (d[b] = v[j]));
  }
  return draws;
}

/** The central `level` interval of each metric's draws (undefined draws left out; NaN when none is defined). */
export function percentileInterval(draws: Float64Array[], level: number): { low: Float64Array; high: Float64Array } {
  const low = new Float64Array(draws.length),
    high = new Float64Array(draws.length);
  draws.forEach((d, j) => {
    const defined = d.filter((v) => !Number.isNaN(v)).sort();
    low[j] = defined.length ? quantile(defined, (1 - level) / 2) : NaN;
    high[j] = defined.length ? quantile(defined, 1 - (1 - level) / 2) : NaN;
  });
  return { low, high };
}

/** numpy's default (linear) quantile of sorted values. */
export function quantile(sorted: Float64Array, q: number): number {
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos),
    hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

const fmt = (v: number) => (Number.isInteger(v) ? String(v) : v.toPrecision(3));
const nullIfNaN = (v: number) => (Number.isNaN(v) ? null : v);
