/**
 * The k-NN block computation as an ONNX graph, run by onnxruntime (CUDA or CPU):
 *
 *   S = Gemm(a, b, transB=1)                 a: [m, dim] query rows, b: [p, dim] item rows (unit length)
 *   rows:    TopK(S, kRows, axis=1)          each query row's best items in the block
 *   columns: TopK(Transpose(S), kCols, axis=1)   each item row's best queries (symmetric self-search)
 *
 * Indices come back as int32 (a Cast in the graph; no BigInt on the JavaScript side). TopK puts
 * equal values in lower-index order, as the TypeScript engine does. The column pass transposes
 * first: TopK along axis 0 ran ~5x slower on onnxruntime's CPU provider (measured).
 */

import { GraphBuilder } from "../onnx/graph";
import * as ort from "onnxruntime-node";
import { openSession, type Provider, type RanOn } from "../onnx/session";

export interface BlockNeighbours {
  /** Per query row (a's rows), kRows similarities and item indices local to b. */
  rowSim: Float32Array;
  rowIndex: Int32Array;
  /** Per item row (b's rows), kCols similarities and query indices local to a; empty without a column pass. */
  colSim: Float32Array;
  colIndex: Int32Array;
  kCols: number;
}

export interface KnnGraph {
  provider: RanOn;
  /** Rows per block: big enough to keep the device busy, small enough for the similarity tile. */
  block: number;
  run(a: Float32Array, b: Float32Array, kRows: number, kCols: number): Promise<BlockNeighbours>;
}

/**
 * Block edge per device. CPU: 2,048 and 4,096 measured within 5% of each other, 8,192 over twice
 * slower (the tile outgrows the cache). CUDA: 8,192 (a 256 MB tile) keeps launches and copies few.
 */
const BLOCK: Record<RanOn, number> = { cpu: 2048, cuda: 8192 };

export async function openKnnGraph(dim: number, options: { provider?: Provider } = {}): Promise<KnnGraph> {
  const rows = await openSession(buildKnnGraph(dim, false), { provider: options.provider });
  // The column graph runs where the row graph did (no second CUDA attempt after a CPU fallback).
  const both = await openSession(buildKnnGraph(dim, true), { provider: rows.provider });
  return {
    provider: rows.provider,
    block: BLOCK[rows.provider],
    async run(a, b, kRows, kCols) {
      const feeds: Record<string, ort.Tensor> = {
        a: new ort.Tensor("float32", a, [a.length / dim, dim]),
        b: new ort.Tensor("float32", b, [b.length / dim, dim]),
        k_rows: new ort.Tensor("int64", BigInt64Array.of(BigInt(kRows)), [1]),
      };
      if (kCols > 0) feeds.k_cols = new ort.Tensor("int64", BigInt64Array.of(BigInt(kCols)), [1]);
      const out = await (kCols > 0 ? both : rows).session.run(feeds);
      return {
        rowSim: out.row_sim.data as Float32Array,
        rowIndex: out.row_index.data as Int32Array,
        colSim: kCols > 0 ? (out.col_sim.data as Float32Array) : new Float32Array(0),
        colIndex: kCols > 0 ? (out.col_index.data as Int32Array) : new Int32Array(0),
        kCols,
      };
    },
  };
}

/** The graph's bytes: rows only, or rows and columns. */
export function buildKnnGraph(dim: number, columns: boolean): Uint8Array {
  const g = new GraphBuilder({ name: columns ? "knn_block_both" : "knn_block_rows" });
  const a = g.input("a", "float32", ["m", dim]);
  const b = g.input("b", "float32", ["p", dim]);
  const sim = g.node("Gemm", [a, b], { transB: 1 });
  const best = (s: string, k: string, prefix: string, shape: string[]) => {
    const [values, indices] = g.nodeOutputs("TopK", [s, k], { axis: 1, largest: 1, sorted: 1 }, { outputs: 2 });
    g.output(values, "float32", shape, `${prefix}_sim`);
    g.output(g.node("Cast", [indices], { to: 6 }), "int32", shape, `${prefix}_index`);
  };
  best(sim, g.input("k_rows", "int64", [1]), "row", ["m", "k_rows"]);
  if (columns)
    best(g.node("Transpose", [sim], { perm: [1, 0] }), g.input("k_cols", "int64", [1]), "col", ["p", "k_cols"]);
  return g.build();
}
