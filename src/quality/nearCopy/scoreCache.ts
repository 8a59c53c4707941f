/**
 * Pair scores kept between runs, by the content hashes of the two images in the order they were
 * compared (the comparison is not symmetric: zoom inverts). A rerun of mode "dataset" on the same
 * images, or on a dataset that shares them, aligns only the pairs it has not seen. The three
 * float64 values of a score are stored bit for bit, so a cached score equals a fresh one exactly.
 */

import { createHash } from "node:crypto";
import { ResultCache } from "../../image/cache";
import { SCORE_WIDTH } from "./check";
import { NEAR_COPY } from "./verify";

/** Bump when comparePair's scores change; the constants that stop a pair early are part of the key too. */
const SCORE_VERSION = 1;

export class PairScoreCache {
  private constructor(private readonly cache: ResultCache) {}

  /** The cache under `cacheRoot` (see cacheRootOf), or undefined for none. */
  static openAt(cacheRoot: string | null | undefined): PairScoreCache | undefined {
    const cache = ResultCache.openAt(cacheRoot, {
      name: "near-copy-pairs",
      version: [SCORE_VERSION, NEAR_COPY.side, NEAR_COPY.coarsestCorrelation, NEAR_COPY.coarseCorrelation].join("-"),
      width: SCORE_WIDTH * 2, // float32 slots holding float64 bits
    });
    return cache && new PairScoreCache(cache);
  }

  /** The key of image `a` compared with image `b` (content hashes). */
  static key(a: string, b: string): string {
    return createHash("sha256").update(a).update(":").update(b).digest("hex");
  }

  /** Scores by key, SCORE_WIDTH values each; `found[i]` is 0 where key i has none. */
  getMany(keys: readonly string[]): { scores: Float64Array; found: Uint8Array } {
    const { rows, found } = this.cache.getMany(keys);
    return { scores: new Float64Array(rows.buffer, rows.byteOffset, keys.length * SCORE_WIDTH), found };
  }

  /** Keeps the scores (SCORE_WIDTH values per key) and writes them to disk. */
  putMany(keys: readonly string[], scores: Float64Array): void {
    // Same-type typed-array copies move bytes, so the float64 bits survive the float32 view.
    this.cache.putMany(keys, new Float32Array(scores.buffer, scores.byteOffset, keys.length * SCORE_WIDTH * 2));
    this.cache.close();
  }
}
