/**
 * Units laid end to end in `order` (shuffled, or by time) and cut at the cumulative ratios: a unit
 * belongs to the part its middle sample falls in. `sameAsPrevious[p]`, when given, keeps the unit
 * at position p with the one before it (equal times never straddle a cut). Returns the part of
 * each unit.
 */
export function ratioSplit(
  order: ArrayLike<number>,
  size: ArrayLike<number>,
  weights: ArrayLike<number>,
  sameAsPrevious: ((p: number) => boolean) | null = null,
): Int32Array {
  let total = 0;
  for (let p = 0; p < order.length; p++) total += size[order[p]];
  const ends = new Float64Array(weights.length);
  for (let f = 0, sum = 0; f < weights.length; f++) ends[f] = (sum += weights[f]) * total;
  const partOf = new Int32Array(size.length);
  let done = 0;
  let part = 0;
  for (let p = 0; p < order.length; p++) {
    const u = order[p];
    const middle = done + size[u] / 2;
    if (!(p > 0 && sameAsPrevious?.(p))) while (part < weights.length - 1 && middle >= ends[part]) part++;
    partOf[u] = part;
    done += size[u];
  }
  return partOf;
}
