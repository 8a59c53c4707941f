/**
 * Order statistics without sorting: `orderStatistics(values, ranks)` returns the values that
 * would sit at `ranks` (ascending, 0-based) once sorted, rearranging `values` in place.
 * Multiple quickselect (Hoare's partition, median of three): each partition sends the ranks on
 * its left and on its right their own way, so k ranks cost O(n log k) instead of a sort's
 * O(n log n) or k quickselects' O(n k) (the 12 ranks of 5 quantile bins of 10^6 numbers: ~25 ms).
 */
export function orderStatistics(values: Float64Array, ranks: readonly number[]): number[] {
  const wanted = [...new Set(ranks)].sort((a, b) => a - b);
  selectAll(values, wanted, 0, wanted.length, 0, values.length - 1);
  return ranks.map((k) => values[k]);
}

/** Ranges this short are sorted outright. */
const SMALL = 16;

/** Puts the value of each rank ks[from..to) at its place within a[lo..hi]. */
function selectAll(a: Float64Array, ks: readonly number[], from: number, to: number, lo: number, hi: number): void {
  while (from < to) {
    if (hi - lo < SMALL) {
      insertionSort(a, lo, hi);
      return;
    }
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
    // Now a[lo..j] <= pivot <= a[i..hi], and anything between equals the pivot (already in place).
    let left = from;
    while (left < to && ks[left] <= j) left++;
    let right = left;
    while (right < to && ks[right] < i) right++;
    selectAll(a, ks, from, left, lo, j);
    from = right;
    lo = i;
  }
}

function insertionSort(a: Float64Array, lo: number, hi: number): void {
  for (let i = lo + 1; i <= hi; i++) {
    const v = a[i];
    let j = i - 1;
    while (j >= lo && a[j] > v) {
      a[j + 1] = a[j];
      j--;
    }
    a[j + 1] = v;
  }
}

function swap(a: Float64Array, i: number, j: number): void {
  const t = a[i];
  a[i] = a[j];
  a[j] = t;
}
