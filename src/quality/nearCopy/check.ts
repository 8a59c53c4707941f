/**
 * The work of verifyPairs (pairs.ts) on one thread: candidate pairs compared one by one, each
 * image's pyramid made once and kept while its row still comes up (pairs arrive sorted). Every
 * pair's score comes back, copy or not, so that the pair cache can keep it.
 */

import type { Gray } from "./gray";
import { comparable, comparePair } from "./verify";

/** Pyramids of the most recent rows kept (~150 KB each). */
const KEPT_PYRAMIDS = 1024;
/** Values per pair compared: correlation, zoom, motion (see PairScore). */
export const SCORE_WIDTH = 3;

/** Pyramids by row, made on first use; null for a row without pixels. */
export class Pyramids {
  private readonly kept = new Map<number, Gray[]>();

  constructor(private readonly pixels: (row: number) => Uint8Array | null | undefined) {}

  get(row: number): Gray[] | null {
    const hit = this.kept.get(row);
    if (hit) {
      // Most recently used last: the first entry is the one to drop.
      this.kept.delete(row);
      this.kept.set(row, hit);
      return hit;
    }
    const p = this.pixels(row);
    if (!p) return null;
    const made = comparable(p);
    this.kept.set(row, made);
    if (this.kept.size > KEPT_PYRAMIDS) this.kept.delete(this.kept.keys().next().value!);
    return made;
  }
}

/**
 * The scores of `pairs` (row a, row b, flat), SCORE_WIDTH values each, in the pairs' order; NaN
 * for a pair with an image that has no pixels.
 */
export function scorePairs(pairs: Int32Array, pyramids: Pyramids): Float64Array {
  const scores = new Float64Array((pairs.length / 2) * SCORE_WIDTH).fill(NaN);
  for (let p = 0, at = 0; p < pairs.length; p += 2, at += SCORE_WIDTH) {
    const a = pyramids.get(pairs[p]),
      b = pyramids.get(pairs[p + 1]);
    if (!a || !b) continue;
    const score = comparePair(a, b);
    scores[at] = score.correlation;
    scores[at + 1] = score.zoom;
    scores[at + 2] = score.motion;
  }
  return scores;
}
