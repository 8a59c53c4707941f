/**
 * Stable argsort of float64 keys by LSD radix sort: O(n), so sorting 10^6 rows stays a few tens
 * of milliseconds (a comparator sort of that size blocks the page for several hundred).
 */

const DIGITS = 1 << 16;

/**
 * Row indices ordered by key (ascending or descending); NaN keys last in both directions; equal
 * keys keep their row order. `rows` limits the sort to those rows (default: all).
 */
export function argsort(keys: Float64Array, descending = false, rows?: Int32Array): Int32Array {
  const n = rows ? rows.length : keys.length;
  const hi = new Uint32Array(n);
  const lo = new Uint32Array(n);
  const bits = new Float64Array(1);
  const words = new Uint32Array(bits.buffer);
  // Index of the high word in `words` depends on the platform's byte order.
  bits[0] = -0;
  const H = words[1] === 0x80000000 ? 1 : 0;
  const L = 1 - H;
  for (let i = 0; i < n; i++) {
    const v = keys[rows ? rows[i] : i];
    if (v !== v) {
      hi[i] = 0xffffffff;
      lo[i] = 0xffffffff;
      continue;
    }
    // `+ 0` turns -0 into 0 so the two compare equal.
    bits[0] = (descending ? -v : v) + 0;
    const h = words[H];
    // Flip every bit of negatives and the sign bit of positives: unsigned order = numeric order.
    if (h & 0x80000000) {
      hi[i] = ~h >>> 0;
      lo[i] = ~words[L] >>> 0;
    } else {
      hi[i] = (h | 0x80000000) >>> 0;
      lo[i] = words[L];
    }
  }
  let idx = new Int32Array(n);
  for (let i = 0; i < n; i++) idx[i] = i;
  let tmp = new Int32Array(n);
  const counts = new Uint32Array(DIGITS);
  for (const [word, shift] of [
    [lo, 0],
    [lo, 16],
    [hi, 0],
    [hi, 16],
  ] as const) {
    counts.fill(0);
    for (let i = 0; i < n; i++) counts[(word[i] >>> shift) & 0xffff]++;
    // A pass where every key has the same digit would not move anything.
    if (n === 0 || counts[(word[0] >>> shift) & 0xffff] === n) continue;
    let sum = 0;
    for (let d = 0; d < DIGITS; d++) {
      const c = counts[d];
      counts[d] = sum;
      sum += c;
    }
    for (let i = 0; i < n; i++) {
      const j = idx[i];
      tmp[counts[(word[j] >>> shift) & 0xffff]++] = j;
    }
    [idx, tmp] = [tmp, idx];
  }
  if (rows) for (let i = 0; i < n; i++) idx[i] = rows[idx[i]];
  return idx;
}
