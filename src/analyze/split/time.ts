import { indexOrder } from "./order";

/** Rows with a readable time, or all rows. */
export function usedRows(n: number, times: Float64Array | null): Int32Array {
  if (!times) return indexOrder(n, null);
  const rows: number[] = [];
  for (let i = 0; i < n; i++) if (!Number.isNaN(times[i])) rows.push(i);
  return Int32Array.from(rows);
}

/** Earliest time of each unit. */
export function earliest(unit: Int32Array, count: number, times: Float64Array, rows: Int32Array): Float64Array {
  const t = new Float64Array(count).fill(Infinity);
  for (let r = 0; r < unit.length; r++) t[unit[r]] = Math.min(t[unit[r]], times[rows[r]]);
  return t;
}

/** Units sorted by their earliest time; equal times keep the units' order (a stable sort, as sklearn's sorted input). */
export function timeOrder(unit: Int32Array, count: number, times: Float64Array, rows: Int32Array): Int32Array {
  const t = earliest(unit, count, times, rows);
  return indexOrder(count, null).sort((a, b) => t[a] - t[b] || a - b);
}
