/**
 * Order statistics without sorting: `orderStatistics(values, ranks)` returns the values that
 * would sit at `ranks` (ascending, 0-based) once sorted, rearranging `values` in place.
 * Quickselect (Hoare's partition, median of three), one rank after another, each searching
 * only right of the previous one: O(n) per rank instead of a sort's O(n log n) (a sort of
 * 10^6 numbers took ~0.2 s here, the quantiles of a field this way ~0.02 s).
 */
export function orderStatistics(values: Float64Array, ranks: readonly number[]): number[] {
  const sorted = [...ranks].sort((a, b) => a - b);
  const out = new Map<number, number>();
  let lo = 0;
  for (const k of sorted) {
    if (!out.has(k)) out.set(k, select(values, k, lo, values.length - 1));
    lo = k;
  }
  return ranks.map((k) => out.get(k)!);
}

/** The value of rank k within a[lo..hi]; afterwards a[lo..k-1] <= a[k] <= a[k+1..hi]. */
function select(a: Float64Array, k: number, lo: number, hi: number): number {
  while (hi > lo) {
    const mid = (lo + hi) >>> 1;
    // Median of three as the pivot, so sorted or constant runs stay linear.
    if (a[mid] < a[lo]) swap(a, mid, lo);
    if (a[hi] < a[lo]) swap(a, hi, lo);
    if (a[hi] < a[mid]) swap(a, hi, mid);
    const pivot = a[mid];
    let i = lo,
      j = hi;
    while (i <= j) {
      while (a[i] < pivot) i++;
      while (a[j] > pivot) j--;
      if (i <= j) swap(a, i++, j--);
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return a[k];
  }
  return a[k];
}

function swap(a: Float64Array, i: number, j: number): void {
  const t = a[i];
  a[i] = a[j];
  a[j] = t;
}
