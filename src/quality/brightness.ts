/**
 * Cleanvision's brightness percentiles without sorting every pixel: numpy sorts the float
 * brightness of all pixels and reads a few ranks; here the ranks are selected by an exact
 * integer key, 241 R^2 + 691 G^2 + 68 B^2 (the brightness is sqrt(key / 1000) / 255).
 *
 * Distinct keys differ by at least 1 in 6.5e7, far above float64 rounding, so numpy's float
 * order is the key order; pixels sharing a key can still differ in their float value by an
 * ulp (different R, G, B), so within a key the colours are ordered by their float value, as
 * numpy's sort would order their pixels (no key has more than 15 colours).
 *
 * Selection is a two-level counting of the key's bits (13 high, counted by the pixel pass;
 * then 13 low within the buckets a rank falls in), then a count of the colours of the few
 * keys at the wanted ranks. The two scans over the pixels are `KeyScans`: asm/pixels.ts has
 * them in WebAssembly, `keyScans` below in TypeScript.
 */

import { perceivedBrightness } from "./stats";

const BITS = 13;
export const SIDE = 1 << BITS;
const LOW = SIDE - 1;
/** Colours a key can have (15 at most, over all 2^24 colours). */
export const KEY_COLOURS = 16;

export interface Query {
  slot: number;
  rank: number;
}
export interface Located {
  bin: number;
  offset: number;
}

/** The scans of the second level and of the last step, over one image's keys. */
export interface KeyScans {
  /**
   * Ranks within buckets (the keys' top bits) resolved by the low bits: `slots[bucket]` numbers
   * the `rows` buckets asked about, or is -1. For each query, a slot and a rank among the keys
   * of its bucket in order: the low bits of the key at that rank, and the rank among the keys
   * equal to it.
   */
  lowRanks(slots: Int32Array, rows: number, queries: readonly Query[]): Located[];
  /**
   * The colours (0xRRGGBB) of the pixels whose key is one of `wanted`, and how many pixels
   * have each: those of bucket row s are wanted[first[s]] .. wanted[first[s + 1] - 1].
   */
  keyColours(slots: Int32Array, first: Int32Array, wanted: Uint32Array): { colours: Uint32Array; counts: Int32Array }[];
}

/**
 * The per-pixel brightness (as numpy computes it) at each of `ranks` of the sorted values;
 * `high` counts the keys by their top 13 bits (`highCounts`).
 */
export function brightnessAtRanks(
  high: Int32Array,
  scans: KeyScans,
  channels: 1 | 3,
  ranks: readonly number[],
): Float64Array {
  const first = locate(high, ranks);
  const slots = new Int32Array(SIDE).fill(-1);
  const buckets = [...new Set(first.map((f) => f.bin))].sort((a, b) => a - b);
  buckets.forEach((b, s) => (slots[b] = s));
  // The exact key at each rank, and the rank among that key's pixels.
  const found = scans.lowRanks(
    slots,
    buckets.length,
    first.map((f) => ({ slot: slots[f.bin], rank: f.offset })),
  );
  const exact = found.map(({ bin, offset }, r) => ({ key: (first[r].bin << BITS) | bin, offset }));

  // The wanted keys in order (so grouped by bucket), and their colours sorted by float value.
  const wanted = Uint32Array.from(new Set(exact.map((e) => e.key))).sort();
  const firstOfRow = new Int32Array(buckets.length + 1);
  for (const key of wanted) firstOfRow[slots[key >>> BITS] + 1]++;
  for (let s = 0; s < buckets.length; s++) firstOfRow[s + 1] += firstOfRow[s];
  const lists = scans.keyColours(slots, firstOfRow, wanted).map(({ colours, counts }) => {
    const entries = Array.from(colours, (c, k) => ({ value: colourBrightness(c, channels), count: counts[k] }));
    return entries.sort((a, b) => a.value - b.value);
  });
  return Float64Array.from(exact, ({ key, offset }) => {
    let before = 0;
    for (const { value, count } of lists[wanted.indexOf(key)]) {
      before += count;
      if (offset < before) return value;
    }
    throw new Error(`brightness selection: rank past the pixels of key ${key}`);
  });
}

/** numpy's brightness of a pixel of colour 0xRRGGBB (a gray image's value is R). */
function colourBrightness(colour: number, channels: 1 | 3): number {
  const r = colour >>> 16,
    g = (colour >>> 8) & 255,
    b = colour & 255;
  return channels === 1 ? r / 255 : perceivedBrightness(r, g, b);
}

/** The keys counted by their top 13 bits. */
export function highCounts(keys: Uint32Array): Int32Array {
  const high = new Int32Array(SIDE);
  for (let i = 0; i < keys.length; i++) high[keys[i] >>> BITS]++;
  return high;
}

/** The scans in TypeScript, over the keys and interleaved RGB pixels of an image. */
export function keyScans(keys: Uint32Array, rgb: Uint8Array): KeyScans {
  return {
    lowRanks(slots, rows, queries) {
      const low = new Int32Array(rows * SIDE);
      for (let i = 0; i < keys.length; i++) {
        const s = slots[keys[i] >>> BITS];
        if (s >= 0) low[s * SIDE + (keys[i] & LOW)]++;
      }
      const out = new Array<Located>(queries.length);
      for (let s = 0; s < rows; s++) {
        const mine = queries.flatMap((q, j) => (q.slot === s ? [j] : []));
        const found = locate(
          low.subarray(s * SIDE, (s + 1) * SIDE),
          mine.map((j) => queries[j].rank),
        );
        mine.forEach((j, m) => (out[j] = found[m]));
      }
      return out;
    },
    keyColours(slots, first, wanted) {
      const lists = Array.from(wanted, () => new Map<number, number>());
      for (let i = 0; i < keys.length; i++) {
        const s = slots[keys[i] >>> BITS];
        if (s < 0) continue;
        for (let j = first[s]; j < first[s + 1]; j++) {
          if (wanted[j] !== keys[i]) continue;
          const colour = (rgb[3 * i] << 16) | (rgb[3 * i + 1] << 8) | rgb[3 * i + 2];
          lists[j].set(colour, (lists[j].get(colour) ?? 0) + 1);
          break;
        }
      }
      return lists.map((m) => ({ colours: Uint32Array.from(m.keys()), counts: Int32Array.from(m.values()) }));
    },
  };
}

/** For each rank, the bin of `counts` it falls in and its rank within that bin (one pass over the bins). */
function locate(counts: Int32Array, ranks: readonly number[]): Located[] {
  const order = ranks.map((_, r) => r).sort((a, b) => ranks[a] - ranks[b]);
  const out = new Array<Located>(ranks.length);
  let before = 0,
    bin = 0;
  for (const r of order) {
    while (before + counts[bin] <= ranks[r]) before += counts[bin++];
    out[r] = { bin, offset: ranks[r] - before };
  }
  return out;
}
