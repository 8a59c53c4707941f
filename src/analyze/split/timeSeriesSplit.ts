/**
 * scikit-learn's TimeSeriesSplit (1.7.2, no gap, no size limits) over units in time order: the
 * last `k * floor(m / (k + 1))` units form k test folds of `floor(m / (k + 1))` consecutive units;
 * the units before them are only ever trained on (fold -1). Fold f trains on everything earlier.
 * `timeOrder` lists the units sorted by time.
 */
export function timeSeriesSplit(timeOrder: ArrayLike<number>, k: number): Int32Array {
  const m = timeOrder.length;
  const testSize = Math.floor(m / (k + 1));
  const start = m - k * testSize;
  const fold = new Int32Array(m);
  for (let p = 0; p < m; p++) fold[timeOrder[p]] = p < start ? -1 : Math.floor((p - start) / testSize);
  return fold;
}
