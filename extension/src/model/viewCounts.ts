/**
 * What the rows of the current view hold, for the side panel beside the whole dataset's counts:
 * one typed-array pass per field over the view's rows.
 */

/** Rows of the view with each code of a dictionary-coded column (-1: no value, not counted). */
export function codeCounts(codes: Int32Array, distinct: number, view: Int32Array): Float64Array {
  const counts = new Float64Array(distinct);
  for (let i = 0; i < view.length; i++) {
    const code = codes[view[i]];
    if (code >= 0) counts[code]++;
  }
  return counts;
}

/** Smallest and largest finite value of the view's rows; null when none has one. */
export function extentOf(values: Float64Array, view: Int32Array): [number, number] | null {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < view.length; i++) {
    const v = values[view[i]];
    if (!Number.isFinite(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return lo <= hi ? [lo, hi] : null;
}
