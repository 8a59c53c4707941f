/**
 * Cleanvision's brightness percentiles without sorting every pixel: numpy sorts the float
 * brightness of all pixels and reads a few ranks; here the ranks are selected by an exact
 * integer key, 241 R^2 + 691 G^2 + 68 B^2 (the brightness is sqrt(key / 1000) / 255).
 *
 * Distinct keys differ by at least 1 in 6.5e7, far above float64 rounding, so numpy's float
 * order is the key order; pixels sharing a key can still differ in their float value by an
 * ulp (different R, G, B), so within a key the floats are sorted as numpy would.
 *
 * Selection is a two-level counting of the key's bits (13 high, then 13 low within the
 * buckets a rank falls in); only the floats of the few keys at the wanted ranks are sorted.
 */

import { perceivedBrightness } from "./stats";

const BITS = 13;
const SIDE = 1 << BITS;
const LOW = SIDE - 1;

/**
 * The per-pixel brightness (as numpy computes it) at each of `ranks` of the sorted values;
 * `high` counts the keys by their top 13 bits (`highCounts`).
 */
export function brightnessAtRanks(keys: Uint32Array, high: Int32Array, rgb: Uint8Array, channels: 1 | 3, ranks: readonly number[]): Float64Array {
  const n = keys.length;
  const first = locate(high, ranks);

  // Second level: the low bits of the keys in the buckets the ranks fell in; those pixels
  // are kept as candidates for the last step.
  const slotOfBucket = new Int32Array(SIDE).fill(-1);
  const buckets = [...new Set(first.map((f) => f.bin))];
  buckets.forEach((b, s) => (slotOfBucket[b] = s));
  const low = new Int32Array(buckets.length * SIDE);
  const candidates = new Int32Array(buckets.reduce((sum, b) => sum + high[b], 0));
  for (let i = 0, c = 0; i < n; i++) {
    const s = slotOfBucket[keys[i] >>> BITS];
    if (s < 0) continue;
    low[s * SIDE + (keys[i] & LOW)]++;
    candidates[c++] = i;
  }
  const exact = new Array<{ key: number; offset: number; count: number }>(ranks.length);
  buckets.forEach((bucket, s) => {
    const mine = first.flatMap((f, r) => (f.bin === bucket ? [r] : []));
    const found = locate(low.subarray(s * SIDE, (s + 1) * SIDE), mine.map((r) => first[r].offset));
    mine.forEach((r, j) => (exact[r] = { key: (bucket << BITS) | found[j].bin, offset: found[j].offset, count: low[s * SIDE + found[j].bin] }));
  });

  // The floats of the pixels with each wanted key, sorted.
  const keyIndex = new Map<number, number>();
  const values: Float64Array[] = [];
  for (const e of exact) {
    if (!keyIndex.has(e.key)) {
      keyIndex.set(e.key, values.length);
      values.push(new Float64Array(e.count));
    }
  }
  const filled = new Int32Array(values.length);
  for (let c = 0; c < candidates.length; c++) {
    const i = candidates[c];
    const v = keyIndex.get(keys[i]);
    if (v === undefined) continue;
    values[v][filled[v]++] = channels === 1 ? rgb[3 * i] / 255 : perceivedBrightness(rgb[3 * i], rgb[3 * i + 1], rgb[3 * i + 2]);
  }
  values.forEach(sortUnlessConstant);
  return Float64Array.from(exact, (e) => values[keyIndex.get(e.key)!][e.offset]);
}

/** The keys counted by their top 13 bits. */
export function highCounts(keys: Uint32Array): Int32Array {
  const high = new Int32Array(SIDE);
  for (let i = 0; i < keys.length; i++) high[keys[i] >>> BITS]++;
  return high;
}

/** For each rank, the bin of `counts` it falls in and its rank within that bin (one pass over the bins). */
function locate(counts: Int32Array, ranks: readonly number[]): { bin: number; offset: number }[] {
  const order = ranks.map((_, r) => r).sort((a, b) => ranks[a] - ranks[b]);
  const out = new Array<{ bin: number; offset: number }>(ranks.length);
  let before = 0, bin = 0;
  for (const r of order) {
    while (before + counts[bin] <= ranks[r]) before += counts[bin++];
    out[r] = { bin, offset: ranks[r] - before };
  }
  return out;
}

/** Sorts in place; most keys hold one colour, whose floats are all equal. */
function sortUnlessConstant(v: Float64Array): void {
  for (let i = 1; i < v.length; i++) {
    if (v[i] !== v[0]) {
      v.sort();
      return;
    }
  }
}
