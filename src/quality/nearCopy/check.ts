/**
 * The work of verifyPairs (pairs.ts) on one thread: candidate pairs compared one by one, each
 * image's pyramid made once and kept while its row still comes up (pairs arrive sorted).
 */

import type { Gray } from "./gray";
import { comparable, comparePair, isNearCopy, type NearCopyOptions } from "./verify";

/** Pyramids of the most recent rows kept (~150 KB each). */
const KEPT_PYRAMIDS = 1024;
/** Values per near copy found: a, b, correlation, zoom, motion. */
export const FOUND_WIDTH = 5;

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

/** The near copies among `pairs` (row a, row b, flat), FOUND_WIDTH values each, in the pairs' order. */
export function checkPairs(pairs: Int32Array, pyramids: Pyramids, options: NearCopyOptions): Float64Array {
  const found: number[] = [];
  for (let p = 0; p < pairs.length; p += 2) {
    const a = pyramids.get(pairs[p]),
      b = pyramids.get(pairs[p + 1]);
    if (!a || !b) continue;
    const score = comparePair(a, b);
    if (isNearCopy(score, options)) found.push(pairs[p], pairs[p + 1], score.correlation, score.zoom, score.motion);
  }
  return Float64Array.from(found);
}
