/**
 * numpy's statistics as Cleanvision calls them: np.percentile with the default "linear"
 * method (numpy 2.x `_quantile`, `_get_indexes`, `_lerp`), np.median and np.std (population).
 */

/** Where np.percentile(a, p) reads in the sorted values: two ranks and the weight between them. */
export interface PercentilePosition {
  lo: number;
  hi: number;
  gamma: number;
}

export function percentilePosition(n: number, p: number): PercentilePosition {
  const v = (n - 1) * (p / 100);
  const prev = Math.floor(v);
  // numpy clamps both ranks to the last value when v reaches it (the weight no longer matters).
  if (v >= n - 1) return { lo: n - 1, hi: n - 1, gamma: v - prev };
  return { lo: prev, hi: prev + 1, gamma: v - prev };
}

/** numpy's `_lerp`: the form it picks by weight keeps the result exact at both ends. */
export function lerp(a: number, b: number, t: number): number {
  const d = b - a;
  return t >= 0.5 ? b - d * (1 - t) : a + d * t;
}

/** np.percentile(values, p) (linear), for values in any order. */
export function percentile(values: ArrayLike<number>, p: number): number {
  const sorted = Float64Array.from(values).sort();
  const { lo, hi, gamma } = percentilePosition(sorted.length, p);
  return lerp(sorted[lo], sorted[hi], gamma);
}

/** np.median(values): the middle value, or the mean of the two middle values. */
export function median(values: ArrayLike<number>): number {
  const sorted = Float64Array.from(values).sort();
  const m = sorted.length >> 1;
  return sorted.length % 2 ? sorted[m] : (sorted[m - 1] + sorted[m]) / 2;
}

/** np.std(values): population standard deviation. */
export function std(values: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i];
  const mean = sum / values.length;
  let ss = 0;
  for (let i = 0; i < values.length; i++) ss += (values[i] - mean) ** 2;
  return Math.sqrt(ss / values.length);
}
