import { BlindspotError } from "../errors";
import { orderStatistics } from "./stats/select";

/** A sample field as categories: a code per sample and the label of each code. */
export interface FieldCodes {
  field: string;
  labels: string[];
  codes: Int32Array;
  /** True when numbers were cut into quantile bins. */
  binned: boolean;
  /** The bins' edges when binned: bin b holds edges[b] <= v < edges[b + 1] (the last one closed). */
  edges: number[] | null;
}

export interface CodeOptions {
  /** Numeric fields with more distinct values than this are cut into quantile bins. */
  maxValues: number;
  /** Number of quantile bins. */
  bins: number;
  /** Other fields with more distinct values than this are refused (null is returned). */
  maxCategories: number;
}

/** Label of a missing value. */
export const NONE = "(none)";

/**
 * Codes of a column: numbers with few distinct values and every other kind of value as their
 * text, sorted (numbers numerically), missing values last as "(none)"; numbers with many
 * distinct values as quantile bins "[lo, hi)" (numpy's linear quantiles, as bySlice cuts them).
 * Null when a non-numeric column has more than `maxCategories` distinct values (an id, a time
 * stamp): such a field is no context to count by.
 */
export function fieldCodes(field: string, column: ArrayLike<unknown>, o: CodeOptions): FieldCodes | null {
  if (ArrayBuffer.isView(column)) return numericCodes(field, column, o);
  let first: unknown = null;
  for (let i = 0; i < column.length && first === null; i++) if (column[i] != null) first = column[i];
  if (typeof first === "number") return numericCodes(field, column, o) ?? textCodes(field, column, o.maxCategories);
  return textCodes(field, column, o.maxCategories);
}

/** fieldCodes of a field the user named: too many text values is an error that says what to do. */
export function namedFieldCodes(field: string, column: ArrayLike<unknown>, o: CodeOptions, place: string): FieldCodes {
  const c = fieldCodes(field, column, o);
  if (c !== null) return c;
  throw new BlindspotError({
    place: `${place}: ${field}`,
    message: `${JSON.stringify(field)} has more than ${o.maxCategories} distinct values (an id or a time stamp?)`,
    hint: "leave it out, derive a coarser field from it (hour, day), or raise maxCategories",
  });
}

function textCodes(field: string, column: ArrayLike<unknown>, maxCategories: number): FieldCodes | null {
  const n = column.length;
  const index = new Map<unknown, number>();
  const first = new Int32Array(n);
  let none = -1;
  for (let i = 0; i < n; i++) {
    const v = column[i];
    if (v == null) {
      if (none < 0) none = index.size;
      first[i] = none;
      if (!index.has(NONE_KEY)) index.set(NONE_KEY, none);
      continue;
    }
    const key = typeof v === "object" ? JSON.stringify(v) : v;
    let code = index.get(key);
    if (code === undefined) {
      if (index.size >= maxCategories + (none >= 0 ? 1 : 0)) return null;
      index.set(key, (code = index.size));
    }
    first[i] = code;
  }
  const keys = [...index.keys()];
  const order = keys
    .map((k, code) => ({ code, text: k === NONE_KEY ? NONE : String(k), missing: k === NONE_KEY }))
    .sort((a, b) => Number(a.missing) - Number(b.missing) || (a.text < b.text ? -1 : a.text > b.text ? 1 : 0));
  const remap = new Int32Array(keys.length);
  order.forEach((o, k) => (remap[o.code] = k));
  for (let i = 0; i < n; i++) first[i] = remap[first[i]];
  return { field, labels: order.map((o) => o.text), codes: first, binned: false, edges: null };
}
const NONE_KEY = Symbol("none");

/** Codes of a column of numbers (NaN and null missing); null when it holds something else too. */
function numericCodes(field: string, column: ArrayLike<unknown>, o: CodeOptions): FieldCodes | null {
  const n = column.length;
  const all = new Float64Array(n);
  let present = 0;
  // Distinct values, tracked until there are too many to be categories.
  const distinct = new Set<number>();
  for (let i = 0; i < n; i++) {
    const v = column[i];
    if (typeof v !== "number") {
      if (v == null) continue;
      return null;
    }
    if (Number.isNaN(v)) continue;
    all[present++] = v;
    if (distinct.size <= o.maxValues) distinct.add(v);
  }
  const finite = all.subarray(0, present);
  const binned = distinct.size > o.maxValues;
  // Left edges of the categories: each distinct value, or the distinct quantile edges.
  const edges = binned ? quantileEdges(finite, o.bins) : [...distinct].sort((a, b) => a - b);
  const k = binned ? edges.length - 1 : edges.length;
  const labels = binned
    ? Array.from({ length: k }, (_, b) => `[${fmt(edges[b])}, ${fmt(edges[b + 1])}${b === k - 1 ? "]" : ")"}`)
    : edges.map(String);
  const missing = present < n;
  if (missing) labels.push(NONE);
  const codes = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const v = column[i];
    codes[i] = typeof v === "number" && !Number.isNaN(v) ? Math.min(k - 1, bucket(edges, v)) : k;
  }
  return { field, labels, codes, binned, edges: binned ? edges : null };
}

/**
 * The distinct values of numpy's linear quantiles at 0, 1/bins, ..., 1 (as bySlice cuts
 * numbers), from order statistics (reorders `values`).
 */
function quantileEdges(values: Float64Array, bins: number): number[] {
  const positions = Array.from({ length: bins + 1 }, (_, i) => ((values.length - 1) * i) / bins);
  const ranks = positions.flatMap((p) => [Math.floor(p), Math.min(Math.floor(p) + 1, values.length - 1)]);
  const at = orderStatistics(values, ranks);
  const edges = positions.map((p, i) => at[2 * i] + (at[2 * i + 1] - at[2 * i]) * (p - Math.floor(p)));
  return [...new Set(edges)];
}

/** Index of the last edge <= v (binary search). */
function bucket(edges: readonly number[], v: number): number {
  let lo = 0,
    hi = edges.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (edges[mid] <= v) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

const fmt = (v: number) => (Number.isInteger(v) ? String(v) : v.toPrecision(3));
