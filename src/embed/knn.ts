/**
 * Exact cosine k-nearest neighbours of embedding rows.
 *
 * - Rows are L2-normalised (into a copy), so cosine similarity is a dot product. A zero vector
 *   stays zero: its similarity to every row is 0, as with scikit-learn's cosine distance of 1.
 * - Without `queries`, every row is a query and is never its own neighbour (an identical copy
 *   at another index is). With `queries`, every data row is a candidate.
 * - Neighbours are ranked by similarity as float32, highest first; equal similarities rank the
 *   lower row index first, so results do not depend on block order. The engines differ only in
 *   rounding (~1e-7: TypeScript sums in double precision, onnxruntime in float32).
 * - k is capped at the number of candidates (n - 1 for self queries); the result says the k used.
 *
 * Work goes in blocks of rows. Self queries compute each pair of blocks once and feed both
 * directions (similarity is symmetric): half the multiply-adds of a full product. A pair of
 * blocks is computed by TypeScript (below: 2 queries x 4 items per step, 8 running sums over
 * contiguous rows) or by an ONNX graph on onnxruntime (knnGraph.ts: MatMul + TopK).
 *
 * Engine `auto` picks the ONNX graph for anything but tiny inputs, on CUDA when it loads and
 * otherwise on CPU: measured on 2 cores (AMD Zen 4, AVX-512), the TypeScript kernel does
 * ~2 G multiply-adds/s on one core and onnxruntime's CPU MatMul ~85 G on both. Exact 10-NN of
 * 100,000 x 512 (bench/knn.bench.ts): the graph ~86 CPU-seconds (~45 s on two free cores),
 * TypeScript ~20 min, scikit-learn's brute NearestNeighbors ~540 CPU-seconds.
 */

import { BlindspotError } from "../errors";
import type { Provider } from "../onnx/session";
import { openKnnGraph, type KnnGraph } from "./knnGraph";
import { phaseLabel, withProgress } from "../progress";

export type Progress = (phase: string, done: number, total: number) => void;

export interface KnnOptions {
  /** Rows to find neighbours for, [m, dim] row-major; default: every data row, itself excluded. */
  queries?: Float32Array;
  /** `auto` (default): the ONNX graph unless the input is tiny; `ts`: TypeScript; `onnx`: the graph. */
  engine?: "auto" | "ts" | "onnx";
  /** Where the ONNX graph runs (default `auto`: CUDA when it loads, else CPU). */
  provider?: Provider;
  onProgress?: Progress;
  signal?: AbortSignal;
}

export interface KnnResult {
  /** Query rows. */
  rows: number;
  /** Neighbours per query row: the k asked for, capped at the number of candidates. */
  k: number;
  /** Row indices of the neighbours, [queries, k] row-major, most similar first. */
  indices: Int32Array;
  /** Cosine similarities, [queries, k], matching `indices`. */
  similarity: Float32Array;
  /** What computed it: TypeScript, or the ONNX graph on CPU or CUDA. */
  ranOn: "ts" | "cpu" | "cuda";
}

/**
 * Queries x rows x dim below which `auto` stays in TypeScript. Measured at 600 x 600 x 128 (4.6e7):
 * TypeScript 37 ms, the graph 10 ms once its session is open and ~45 ms with the opening.
 */
const AUTO_ONNX_WORK = 5e7;
/** Block edge for TypeScript: two 256 x 512 float blocks stay in L2 (128: within 10%, 512: ~15% slower; measured). */
const TS_BLOCK = 256;

/** Exact k nearest neighbours by cosine similarity of the rows of `data` ([n, dim] row-major). */
export async function knn(data: Float32Array, dim: number, k: number, options: KnnOptions = {}): Promise<KnnResult> {
  return withProgress(phaseLabel("k-NN"), options, true, (o) => nearest(data, dim, k, o));
}

async function nearest(data: Float32Array, dim: number, k: number, options: KnnOptions): Promise<KnnResult> {
  const items = unitRows(data, dim, "data");
  const queries = options.queries && unitRows(options.queries, dim, "queries");
  return knnUnit(items, k, { ...options, queries });
}

/** Rows scaled to unit length, as the engines take them (see unitRows). */
export interface UnitRows {
  /** [rows rounded up to a multiple of 4, dim]: the padding rows are zero. */
  data: Float32Array;
  rows: number;
  dim: number;
}

/**
 * A unit-length copy of each row, padded with zero rows to a multiple of 4 (the TypeScript
 * kernel's step). Refuses NaN and infinities, which have no place in a ranking.
 */
export function unitRows(data: Float32Array, dim: number, what = "data"): UnitRows {
  if (!(data instanceof Float32Array))
    throw new BlindspotError({ message: `${what} must be a Float32Array of rows`, hint: "use Float32Array.from(...)" });
  if (!Number.isInteger(dim) || dim <= 0 || data.length % dim !== 0) {
    throw new BlindspotError({
      message: `${what} has ${data.length} values, not a whole number of rows of dimension ${dim}`,
    });
  }
  const rows = data.length / dim;
  const out = new Float32Array(Math.ceil(rows / 4) * 4 * dim);
  for (let r = 0; r < rows; r++) {
    const o = r * dim;
    let sum = 0;
    for (let t = 0; t < dim; t++) sum += data[o + t] * data[o + t];
    if (!Number.isFinite(sum))
      throw new BlindspotError({
        message: `${what} row ${r} has a value that is not a finite number`,
        hint: "drop or fix that embedding",
      });
    const scale = sum > 0 ? 1 / Math.sqrt(sum) : 0;
    for (let t = 0; t < dim; t++) out[o + t] = data[o + t] * scale;
  }
  return { data: out, rows, dim };
}

/** knn() on rows already made unit length: callers that search the same rows often keep them. */
export async function knnUnit(
  items: UnitRows,
  k: number,
  options: Omit<KnnOptions, "queries"> & { queries?: UnitRows } = {},
): Promise<KnnResult> {
  const { rows: n, dim } = items;
  const self = options.queries === undefined;
  const queries = options.queries ?? items;
  if (queries.dim !== dim)
    throw new BlindspotError({ message: `queries have dimension ${queries.dim}, the data ${dim}` });
  const m = queries.rows;
  if (!Number.isInteger(k) || k < 0) throw new BlindspotError({ message: `k must be a whole number >= 0, got ${k}` });
  const top = new TopK(m, Math.max(0, Math.min(k, self ? n - 1 : n)));
  const engine = options.engine ?? "auto";
  const useGraph = engine === "onnx" || (engine === "auto" && m * n * dim >= AUTO_ONNX_WORK);
  // Nothing to compute (fewer than 2 rows, or k = 0).
  if (top.k === 0) return top.result("ts");

  const tiles = useGraph
    ? graphTiles(await openKnnGraph(dim, { provider: options.provider }), items.data, queries.data, dim, top, self)
    : tsTiles(items.data, queries.data, dim, top, self);
  await forEachBlockPair(m, n, self, tiles, options);
  return top.result(tiles.ranOn);
}

/**
 * The best k (similarity, index) pairs of each query row, kept sorted in typed arrays:
 * higher similarity first, then lower index. An offer costs one comparison unless it enters.
 */
class TopK {
  readonly sim: Float32Array;
  readonly idx: Int32Array;

  constructor(
    readonly rows: number,
    readonly k: number,
  ) {
    this.sim = new Float32Array(rows * k).fill(-Infinity);
    this.idx = new Int32Array(rows * k).fill(0x7fffffff);
  }

  /** The similarity an offer to `row` must reach to be considered. */
  floor(row: number): number {
    return this.sim[row * this.k + this.k - 1];
  }

  offer(row: number, j: number, s: number): void {
    const { sim, idx } = this;
    const base = row * this.k;
    let p = base + this.k - 1;
    if (s < sim[p] || (s === sim[p] && j > idx[p])) return;
    while (p > base && (s > sim[p - 1] || (s === sim[p - 1] && j < idx[p - 1]))) {
      sim[p] = sim[p - 1];
      idx[p] = idx[p - 1];
      p--;
    }
    sim[p] = s;
    idx[p] = j;
  }

  result(ranOn: KnnResult["ranOn"]): KnnResult {
    return { rows: this.rows, k: this.k, indices: this.idx, similarity: this.sim, ranOn };
  }
}

/** Computes one pair of blocks and offers its similarities to the TopK (both ways when `both`). */
interface BlockPairs {
  block: number;
  ranOn: KnnResult["ranOn"];
  pair(q0: number, q1: number, i0: number, i1: number, both: boolean): Promise<void> | void;
}

/** Visits every block pair (self: the upper triangle only), with progress, abort and yields. */
async function forEachBlockPair(
  m: number,
  n: number,
  self: boolean,
  tiles: BlockPairs,
  options: Pick<KnnOptions, "onProgress" | "signal">,
): Promise<void> {
  const B = tiles.block;
  const qBlocks = Math.ceil(m / B),
    iBlocks = Math.ceil(n / B);
  const total = self ? (qBlocks * (qBlocks + 1)) / 2 : qBlocks * iBlocks;
  let done = 0;
  options.onProgress?.("knn", 0, total);
  for (let qb = 0; qb < qBlocks; qb++) {
    for (let ib = self ? qb : 0; ib < iBlocks; ib++) {
      options.signal?.throwIfAborted();
      await tiles.pair(qb * B, Math.min(m, qb * B + B), ib * B, Math.min(n, ib * B + B), self && ib !== qb);
      options.onProgress?.("knn", ++done, total);
      // Let timers, abort signals and progress output through between blocks.
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }
}

/** Block pairs computed in TypeScript into one reusable tile of similarities. */
function tsTiles(items: Float32Array, queries: Float32Array, dim: number, top: TopK, self: boolean): BlockPairs {
  const tile = new Float32Array(TS_BLOCK * TS_BLOCK);
  return {
    block: TS_BLOCK,
    ranOn: "ts",
    pair(q0, q1, i0, i1, both) {
      // Extents rounded up to the kernel's steps; the padding rows are zero and never offered.
      const nq = (q1 - q0 + 1) & ~1,
        ni = (i1 - i0 + 3) & ~3;
      dotTile(queries, items, dim, q0, nq, i0, ni, tile);
      for (let a = 0; a < q1 - q0; a++) {
        const q = q0 + a,
          row = a * ni;
        let floor = top.floor(q);
        for (let b = 0; b < i1 - i0; b++) {
          const s = tile[row + b],
            j = i0 + b;
          if (s >= floor && !(self && j === q)) {
            top.offer(q, j, s);
            floor = top.floor(q);
          }
          if (both && s >= top.floor(j)) top.offer(j, q, s);
        }
      }
    },
  };
}

/**
 * tile[a * ni + b] = x[q0 + a] . y[i0 + b] for a < nq (even), b < ni (multiple of 4): two query
 * rows against four item rows per step, eight sums over contiguous memory (each value loaded
 * once serves four or two products). Sums run in double precision, stored as float32.
 */
function dotTile(
  x: Float32Array,
  y: Float32Array,
  d: number,
  q0: number,
  nq: number,
  i0: number,
  ni: number,
  tile: Float32Array,
): void {
  for (let a = 0; a < nq; a += 2) {
    const xa = (q0 + a) * d,
      xb = xa + d;
    for (let b = 0; b < ni; b += 4) {
      const ya = (i0 + b) * d,
        yb = ya + d,
        yc = yb + d,
        yd = yc + d;
      let aa = 0,
        ab = 0,
        ac = 0,
        ad = 0,
        ba = 0,
        bb = 0,
        bc = 0,
        bd = 0;
      for (let t = 0; t < d; t++) {
        const u = x[xa + t],
          v = x[xb + t];
        const p = y[ya + t],
          q = y[yb + t],
          r = y[yc + t],
          s = y[yd + t];
        aa += u * p;
        ab += u * q;
        ac += u * r;
        ad += u * s;
        ba += v * p;
        bb += v * q;
        bc += v * r;
        bd += v * s;
      }
      const o = a * ni + b,
        o2 = o + ni;
      tile[o] = aa;
      tile[o + 1] = ab;
      tile[o + 2] = ac;
      tile[o + 3] = ad;
      tile[o2] = ba;
      tile[o2 + 1] = bb;
      tile[o2 + 2] = bc;
      tile[o2 + 3] = bd;
    }
  }
}

/** Block pairs computed by the ONNX graph; only each row's (and column's) best few come back. */
function graphTiles(
  graph: KnnGraph,
  items: Float32Array,
  queries: Float32Array,
  dim: number,
  top: TopK,
  self: boolean,
): BlockPairs {
  return {
    block: graph.block,
    ranOn: graph.provider,
    async pair(q0, q1, i0, i1, both) {
      const diagonal = self && q0 === i0;
      // A diagonal block holds each row itself: ask for one more and drop it.
      const kRows = Math.min(top.k + (diagonal ? 1 : 0), i1 - i0);
      const out = await graph.run(
        queries.subarray(q0 * dim, q1 * dim),
        items.subarray(i0 * dim, i1 * dim),
        kRows,
        both ? Math.min(top.k, q1 - q0) : 0,
      );
      for (let a = 0; a < q1 - q0; a++) {
        for (let c = a * kRows; c < (a + 1) * kRows; c++) {
          const j = i0 + out.rowIndex[c];
          if (!(diagonal && j === q0 + a)) top.offer(q0 + a, j, out.rowSim[c]);
        }
      }
      for (let b = 0; b < out.colIndex.length; b++)
        top.offer(i0 + Math.floor(b / out.kCols), q0 + out.colIndex[b], out.colSim[b]);
    },
  };
}
