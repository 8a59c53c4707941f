/**
 * UMAP to 2-D with umap-js, seeded and reproducible.
 *
 * umap-js takes its randomness from the `random` parameter only (initial layout and negative
 * sampling), so a seeded mulberry32 makes the same input give the same output. Its own neighbour
 * search (NN-descent over random-projection trees) is approximate and slow; the exact cosine k-NN
 * (knn.ts) is handed over instead through setPrecomputedKNN, in UMAP's convention: each row's
 * list starts with the row itself at distance 0, distances are cosine distances (1 - similarity).
 * With the neighbours given, umap-js reads nothing of the data but its row count.
 */

import { UMAP } from "umap-js";
import { BlindspotError } from "../../errors";
import { knn, type KnnOptions, type Progress } from "../knn";
import { mulberry32 } from "./random";
import { phaseLabel, withProgress } from "../../progress";

export interface UmapOptions {
  /** Seed of the random layout and sampling (default 0). */
  seed?: number;
  /** Neighbourhood size, the row itself included, as in umap-learn (default 15). */
  nNeighbors?: number;
  /** How tightly points pack (default 0.1). */
  minDist?: number;
  /** Optimisation epochs (default umap-js's: 500 up to 2,500 rows, fewer above). */
  nEpochs?: number;
  /** Where the k-NN runs (see knn()). */
  provider?: KnnOptions["provider"];
  onProgress?: Progress;
  signal?: AbortSignal;
}

/** Epochs between yields to the event loop (progress, abort). */
const EPOCHS_PER_YIELD = 10;

/** The rows of `data` ([n, dim]) laid out in 2-D: [n, 2] row-major. */
export async function umap(data: Float32Array, dim: number, options: UmapOptions = {}): Promise<Float32Array> {
  return withProgress(phaseLabel("UMAP"), options, true, (o) => layout(data, dim, o));
}

async function layout(data: Float32Array, dim: number, options: UmapOptions): Promise<Float32Array> {
  const n = data.length / dim;
  if (!(n >= 3)) throw new BlindspotError({ message: `UMAP needs at least 3 rows, got ${n}` });
  const nNeighbors = Math.min(options.nNeighbors ?? 15, n - 1);
  const nn = await knn(data, dim, nNeighbors - 1, {
    provider: options.provider,
    onProgress: options.onProgress,
    signal: options.signal,
  });
  const indices: number[][] = [],
    distances: number[][] = [];
  for (let r = 0; r < n; r++) {
    const row = Array.from(nn.indices.subarray(r * nn.k, (r + 1) * nn.k));
    indices.push([r, ...row]);
    distances.push([0, ...Array.from(nn.similarity.subarray(r * nn.k, (r + 1) * nn.k), (s) => Math.max(0, 1 - s))]);
  }
  const model = new UMAP({
    nComponents: 2,
    nNeighbors,
    minDist: options.minDist ?? 0.1,
    nEpochs: options.nEpochs,
    random: mulberry32(options.seed ?? 0),
  });
  model.setPrecomputedKNN(indices, distances);
  const epochs = model.initializeFit(Array.from({ length: n }, () => []));
  for (let e = 0; e < epochs;) {
    options.signal?.throwIfAborted();
    for (const end = Math.min(epochs, e + EPOCHS_PER_YIELD); e < end; e++) model.step();
    options.onProgress?.("umap", e, epochs);
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  return Float32Array.from(model.getEmbedding().flat());
}
