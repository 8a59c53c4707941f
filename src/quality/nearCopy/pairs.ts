/**
 * Near copies among a dataset's images: candidate pairs from two k-NN lists, each pair then
 * compared pixel by pixel (verify.ts). The lists: the layout-and-content rows of
 * nearDuplicates.ts, which find copies that are re-lit, re-encoded or captioned, and the raw CNN
 * embeddings, which barely move when a copy is shifted or cropped (on sign-digits' hands,
 * either list alone ranks ~10 % of the planted copies below its first 20 neighbours, the two
 * together ~2 %).
 */

import * as os from "node:os";
import type { KnnResult } from "../../embed/knn";
import { checkPairs, FOUND_WIDTH, Pyramids } from "./check";
import { checkInWorkers } from "./checkPool";
import type { NearCopyOptions, PairScore } from "./verify";

export interface VerifiedPair {
  /** Row positions, a < b. */
  a: number;
  b: number;
  score: PairScore;
}

/** Every pair (a < b) that is among the other's first neighbours in any of the lists. */
export function candidatePairs(lists: readonly KnnResult[]): [number, number][] {
  const seen = new Set<number>(),
    out: [number, number][] = [];
  for (const nn of lists) {
    const n = nn.rows;
    for (let r = 0; r < n; r++)
      for (let p = r * nn.k; p < (r + 1) * nn.k; p++) {
        const o = nn.indices[p];
        if (o < 0 || o === r) continue;
        const [a, b] = r < o ? [r, o] : [o, r];
        const key = a * n + b;
        if (seen.has(key)) continue;
        seen.add(key);
        out.push([a, b]);
      }
  }
  return out.sort((p, q) => p[0] - q[0] || p[1] - q[1]);
}

/** Fewer pairs than this per thread are checked on the main thread (a worker takes ~0.1 s to start). */
const PAIRS_PER_WORKER = 2000;

/**
 * The candidate pairs that are near copies, in the pairs' order. Each image is loaded once;
 * the pairs are compared on every core when there are enough of them.
 */
export async function verifyPairs(
  pairs: readonly [number, number][],
  load: (row: number) => Promise<Uint8Array | null>,
  options: NearCopyOptions & {
    onProgress?: (done: number, total: number) => void;
    /** Threads comparing pairs (default: every core, with at least PAIRS_PER_WORKER pairs each). */
    threads?: number;
  } = {},
): Promise<VerifiedPair[]> {
  const { onProgress, threads: asked, ...thresholds } = options;
  const rows = [...new Set(pairs.flat())];
  const pixels = new Map<number, Uint8Array | null>();
  // Load with a few files in flight: most of the time is the decoder's, in libvips' threads.
  let next = 0;
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      while (next < rows.length) {
        const r = rows[next++];
        pixels.set(r, await load(r));
      }
    }),
  );
  const flat = Int32Array.from(pairs.flat());
  const threads = asked ?? Math.min(os.availableParallelism(), Math.floor(pairs.length / PAIRS_PER_WORKER));
  let done = 0;
  const found =
    threads > 1
      ? await checkInWorkers(flat, pixels, thresholds, threads, (n) => onProgress?.((done += n), pairs.length))
      : checkPairs(flat, new Pyramids((r) => pixels.get(r)), thresholds);
  onProgress?.(pairs.length, pairs.length);
  const out: VerifiedPair[] = [];
  for (let f = 0; f < found.length; f += FOUND_WIDTH)
    out.push({
      a: found[f],
      b: found[f + 1],
      score: { correlation: found[f + 2], zoom: found[f + 3], motion: found[f + 4] },
    });
  return out;
}

/**
 * The verified pairs as a neighbour list (duplicateGroups' input): each row's partners, most
 * correlated first; the rest of a row's slots hold -1 with similarity -Infinity.
 */
export function verifiedGraph(rows: number, pairs: readonly VerifiedPair[]): KnnResult {
  const partners: { row: number; correlation: number }[][] = Array.from({ length: rows }, () => []);
  for (const p of pairs) {
    partners[p.a].push({ row: p.b, correlation: p.score.correlation });
    partners[p.b].push({ row: p.a, correlation: p.score.correlation });
  }
  const k = Math.max(1, ...partners.map((l) => l.length));
  const indices = new Int32Array(rows * k).fill(-1),
    similarity = new Float32Array(rows * k).fill(-Infinity);
  partners.forEach((list, r) => {
    list.sort((p, q) => q.correlation - p.correlation || p.row - q.row);
    list.forEach((p, j) => {
      indices[r * k + j] = p.row;
      similarity[r * k + j] = p.correlation;
    });
  });
  return { rows, k, indices, similarity, ranOn: "ts" };
}
