/**
 * numpy's percentile with its default "linear" method, on values sorted ascending: the virtual
 * index n q + (1 - q) - 1 for q in [0, 1], interpolated as numpy's _lerp does (from the upper
 * value down when the fraction is 1/2 or more), so results agree to the last bit.
 */
export function percentile(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  const at = n * (q / 100) + (1 + (q / 100) * (1 - 1 - 1)) - 1;
  const lo = Math.max(0, Math.min(n - 1, Math.floor(at)));
  const hi = Math.min(n - 1, lo + 1);
  const t = at - Math.floor(at);
  const a = sorted[lo],
    b = sorted[hi];
  const diff = b - a;
  return t >= 0.5 ? b - diff * (1 - t) : a + diff * t;
}

/** numpy's median of values sorted ascending: the middle one, or the mean of the middle two. */
export function median(sorted: ArrayLike<number>): number {
  const n = sorted.length;
  return n % 2 ? sorted[(n - 1) / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
}
