/**
 * numpy's sum of float64 values (np.add.reduce over contiguous memory), bit for bit: below 8
 * values left to right; up to 128, eight interleaved running sums combined in pairs; above, the
 * two halves (cut at a multiple of 8) summed the same way and added. Needed where a reference's
 * result hangs on the last bit of a sum (cleanlab's calibrated confident joint).
 */
export function pairwiseSum(a: ArrayLike<number>, from = 0, to = a.length): number {
  const n = to - from;
  if (n < 8) {
    let s = 0;
    for (let i = from; i < to; i++) s += a[i];
    return s;
  }
  if (n <= 128) {
    const r = [a[from], a[from + 1], a[from + 2], a[from + 3], a[from + 4], a[from + 5], a[from + 6], a[from + 7]];
    const whole = from + n - (n % 8);
    for (let i = from + 8; i < whole; i += 8) for (let j = 0; j < 8; j++) r[j] += a[i + j];
    let s = r[0] + r[1] + (r[2] + r[3]) + (r[4] + r[5] + (r[6] + r[7]));
    for (let i = whole; i < to; i++) s += a[i];
    return s;
  }
  const half = Math.floor(n / 2 / 8) * 8;
  return pairwiseSum(a, from, from + half) + pairwiseSum(a, from + half, to);
}
