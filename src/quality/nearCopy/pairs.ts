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
import { Pyramids, SCORE_WIDTH, scorePairs } from "./check";
import { checkInWorkers } from "./checkPool";
import { PairScoreCache } from "./scoreCache";
import { isNearCopy, type NearCopyOptions, type PairScore } from "./verify";

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

/** The images verifyPairs compares, by row. */
export interface PairImages {
  /** The image's grey square (nearCopy/load.ts), or null when it cannot be decoded. */
  load(row: number): Promise<Uint8Array | null>;
  /** The image's content hash (image/cache.ts hashBytes), which keys the pair cache; null: not cached. */
  hash?(row: number): string | null;
}

/**
 * The candidate pairs that are near copies, in the pairs' order. Pairs scored before come from
 * the pair cache (`cacheRoot`, see image/cache.ts cacheRootOf); each image of the others is
 * loaded once, and they are compared on every core when there are enough of them.
 */
export async function verifyPairs(
  pairs: readonly [number, number][],
  images: PairImages,
  options: NearCopyOptions & {
    onProgress?: (done: number, total: number) => void;
    /** Threads comparing pairs (default: every core, with at least PAIRS_PER_WORKER pairs each). */
    threads?: number;
    cacheRoot?: string | null;
  } = {},
): Promise<VerifiedPair[]> {
  const { onProgress, threads: asked, cacheRoot, ...thresholds } = options;
  const cache = images.hash && pairs.length ? PairScoreCache.openAt(cacheRoot) : undefined;
  const hashes = new Map<number, string | null>();
  const hashOf = (r: number) => {
    if (!hashes.has(r)) hashes.set(r, images.hash!(r));
    return hashes.get(r)!;
  };
  const keys = cache
    ? pairs.map(([a, b]) => {
        const ha = hashOf(a),
          hb = hashOf(b);
        return ha && hb ? PairScoreCache.key(ha, hb) : null;
      })
    : [];
  const cached = cache?.getMany(keys.map((k) => k ?? "")) ?? { scores: new Float64Array(0), found: new Uint8Array(0) };
  const todo = pairs.flatMap((_, i) => (cached.found[i] ? [] : [i]));
  const fresh = await scoreInParallel(
    todo.map((i) => pairs[i]),
    images,
    asked,
    (n) => onProgress?.(pairs.length - todo.length + n, pairs.length),
  );
  if (cache) {
    const kept = todo.flatMap((i, t) => (keys[i] !== null && !Number.isNaN(fresh[t * SCORE_WIDTH]) ? [t] : []));
    const rows = new Float64Array(kept.length * SCORE_WIDTH);
    kept.forEach((t, j) => rows.set(fresh.subarray(t * SCORE_WIDTH, (t + 1) * SCORE_WIDTH), j * SCORE_WIDTH));
    cache.putMany(
      kept.map((t) => keys[todo[t]]!),
      rows,
    );
  }
  onProgress?.(pairs.length, pairs.length);
  const scoreAt = new Map(todo.map((i, t) => [i, t]));
  const out: VerifiedPair[] = [];
  pairs.forEach(([a, b], i) => {
    const t = scoreAt.get(i);
    const from = t === undefined ? cached.scores : fresh;
    const at = (t ?? i) * SCORE_WIDTH;
    const score = { correlation: from[at], zoom: from[at + 1], motion: from[at + 2] };
    if (!Number.isNaN(score.correlation) && isNearCopy(score, thresholds)) out.push({ a, b, score });
  });
  return out;
}

/** Every pair's score (SCORE_WIDTH values each, NaN without pixels), each image loaded once. */
async function scoreInParallel(
  pairs: readonly [number, number][],
  images: PairImages,
  asked: number | undefined,
  onDone: (pairsDone: number) => void,
): Promise<Float64Array> {
  const rows = [...new Set(pairs.flat())];
  const pixels = new Map<number, Uint8Array | null>();
  // Load with a few files in flight: most of the time is the decoder's, in libvips' threads.
  let next = 0;
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      while (next < rows.length) {
        const r = rows[next++];
        pixels.set(r, await images.load(r));
      }
    }),
  );
  const flat = Int32Array.from(pairs.flat());
  const threads = asked ?? Math.min(os.availableParallelism(), Math.floor(pairs.length / PAIRS_PER_WORKER));
  let done = 0;
  return threads > 1
    ? await checkInWorkers(flat, pixels, threads, (n) => onDone((done += n)))
    : scorePairs(flat, new Pyramids((r) => pixels.get(r)));
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
