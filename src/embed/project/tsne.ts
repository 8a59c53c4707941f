/**
 * Barnes-Hut t-SNE to 2-D (van der Maaten 2014), with scikit-learn's TSNE defaults and schedule:
 *
 * - Input affinities from the exact cosine k-NN (k = 3 * perplexity + 1): squared distances
 *   between unit rows, d^2 = 2 - 2 cos; each row's Gaussian bandwidth found by binary search to
 *   the perplexity; P = (P + P^T) / sum. On unit-length rows this is scikit-learn's Euclidean P.
 * - Initial layout: PCA of the unit rows scaled to a first-axis standard deviation of 1e-4
 *   (deterministic), or seeded Gaussian noise of that size with init "random".
 * - Gradient descent: 250 iterations with P exaggerated 12x and momentum 0.5, then momentum 0.8;
 *   learning rate max(n / 12 / 4, 50); per-coordinate gains (+0.2 / x0.8, at least 0.01); stops
 *   after 300 iterations without a lower error (checked every 50) or a gradient norm <= 1e-7.
 * - Repulsion by Barnes-Hut (quadtree.ts, theta 0.5); attraction exact over P's non-zeros.
 *
 * The same input and options give the same output.
 */

import { BlindspotError } from "../../errors";
import { knn, unitRows, type KnnOptions, type KnnResult, type Progress } from "../knn";
import { fitPca, projectPca } from "./pca";
import { QuadTree } from "./quadtree";
import { gaussian, mulberry32 } from "./random";
import { phaseLabel, withProgress } from "../../progress";

export interface TsneOptions {
  /** Effective number of neighbours (default 30); below the number of rows. */
  perplexity?: number;
  /** Gradient-descent iterations in all (default 1,000, at least 250). */
  iterations?: number;
  /** Initial layout (default "pca"). */
  init?: "pca" | "random";
  /** Seed of the "random" initial layout (default 0). */
  seed?: number;
  /** Barnes-Hut accuracy: cells smaller than theta x their distance are summarised (default 0.5). */
  theta?: number;
  /** Where the k-NN runs (see knn()). */
  provider?: KnnOptions["provider"];
  onProgress?: Progress;
  signal?: AbortSignal;
}

export interface TsneResult {
  /** [n, 2] row-major. */
  points: Float32Array;
  /** KL(P || Q) at the last iteration (Q by Barnes-Hut), as scikit-learn's kl_divergence_. */
  klDivergence: number;
  iterations: number;
}

const EXAGGERATION = 12;
const EXPLORATION_ITERATIONS = 250;
const CHECK_EVERY = 50;
const MAX_WITHOUT_PROGRESS = 300;
const MIN_GRAD_NORM = 1e-7;
const MIN_GAIN = 0.01;
/** float32's smallest normal number: scikit-learn's floor inside the KL logarithm. */
const TINY = 1.1754943508222875e-38;

/** The rows of `data` ([n, dim]) laid out in 2-D by t-SNE: [n, 2] row-major. */
export async function tsne(data: Float32Array, dim: number, options: TsneOptions = {}): Promise<Float32Array> {
  return withProgress(phaseLabel("t-SNE"), options, true, async (o) => (await tsneFit(data, dim, o)).points);
}

export async function tsneFit(data: Float32Array, dim: number, options: TsneOptions = {}): Promise<TsneResult> {
  const n = data.length / dim;
  const perplexity = options.perplexity ?? 30;
  const iterations = options.iterations ?? 1000;
  if (!Number.isInteger(n) || n < 2)
    throw new BlindspotError({ message: `t-SNE needs at least 2 rows of dimension ${dim}` });
  if (!(perplexity > 0 && perplexity < n))
    throw new BlindspotError({
      message: `perplexity must be above 0 and below the number of rows (${n}), got ${perplexity}`,
    });
  if (!(iterations >= EXPLORATION_ITERATIONS))
    throw new BlindspotError({
      message: `t-SNE needs at least ${EXPLORATION_ITERATIONS} iterations, got ${iterations}`,
    });
  const k = Math.min(n - 1, Math.floor(3 * perplexity + 1));
  const nn = await knn(data, dim, k, {
    provider: options.provider,
    onProgress: options.onProgress,
    signal: options.signal,
  });
  const p = jointProbabilities(nn, perplexity);
  const y = await initialLayout(data, dim, options);
  return descend(y, p, iterations, options);
}

/** Sparse symmetric P in compressed rows: row i's entries are cols/vals[rowStart[i]..rowStart[i + 1]). */
interface SparseP {
  rowStart: Int32Array;
  cols: Int32Array;
  vals: Float64Array;
}

/** Per-row bandwidths to the perplexity (scikit-learn's binary search), then symmetrised and normalised. */
function jointProbabilities(nn: KnnResult, perplexity: number): SparseP {
  const { rows: n, k, indices, similarity } = nn;
  const conditional = new Float64Array(n * k);
  const target = Math.log(perplexity);
  for (let i = 0; i < n; i++) {
    const d2 = Array.from(similarity.subarray(i * k, i * k + k), (s) => Math.max(0, 2 - 2 * s));
    let beta = 1,
      lo = -Infinity,
      hi = Infinity;
    for (let step = 0; step < 100; step++) {
      let sum = 0,
        weighted = 0;
      for (let j = 0; j < k; j++) sum += conditional[i * k + j] = Math.exp(-d2[j] * beta);
      if (sum === 0) sum = 1e-8;
      for (let j = 0; j < k; j++) weighted += d2[j] * (conditional[i * k + j] /= sum);
      const diff = Math.log(sum) + beta * weighted - target;
      if (Math.abs(diff) <= 1e-5) break;
      if (diff > 0) {
        lo = beta;
        beta = hi === Infinity ? beta * 2 : (beta + hi) / 2;
      } else {
        hi = beta;
        beta = lo === -Infinity ? beta / 2 : (beta + lo) / 2;
      }
    }
  }
  // P + P^T: every (i, j) entry also lands at (j, i); entries of the same cell are merged per row.
  const entries: Map<number, number>[] = Array.from({ length: n }, () => new Map());
  for (let i = 0; i < n; i++) {
    for (let c = i * k; c < i * k + k; c++) {
      const j = indices[c],
        v = conditional[c];
      entries[i].set(j, (entries[i].get(j) ?? 0) + v);
      entries[j].set(i, (entries[j].get(i) ?? 0) + v);
    }
  }
  const rowStart = new Int32Array(n + 1);
  entries.forEach((m, i) => (rowStart[i + 1] = rowStart[i] + m.size));
  const cols = new Int32Array(rowStart[n]),
    vals = new Float64Array(rowStart[n]);
  let total = 0;
  entries.forEach((m, i) => {
    const sorted = [...m.entries()].sort((a, b) => a[0] - b[0]);
    sorted.forEach(([j, v], e) => {
      cols[rowStart[i] + e] = j;
      vals[rowStart[i] + e] = v;
      total += v;
    });
  });
  for (let e = 0; e < vals.length; e++) vals[e] /= Math.max(total, Number.EPSILON);
  return { rowStart, cols, vals };
}

async function initialLayout(data: Float32Array, dim: number, options: TsneOptions): Promise<Float64Array> {
  const n = data.length / dim;
  if ((options.init ?? "pca") === "random") {
    const next = gaussian(mulberry32(options.seed ?? 0));
    return Float64Array.from({ length: 2 * n }, () => 1e-4 * next());
  }
  if (options.init !== undefined && options.init !== "pca")
    throw new BlindspotError({ message: `init must be "pca" or "random", got ${JSON.stringify(options.init)}` });
  // PCA of the unit rows: the geometry the affinities come from.
  const unit = unitRows(data, dim).data.subarray(0, data.length);
  const points = projectPca(await fitPca(unit, dim, { components: Math.min(2, dim), signal: options.signal }), unit);
  const y = new Float64Array(2 * n);
  for (let r = 0; r < n; r++)
    for (let c = 0; c < Math.min(2, dim); c++) y[2 * r + c] = points[r * Math.min(2, dim) + c];
  let mean = 0,
    variance = 0;
  for (let r = 0; r < n; r++) mean += y[2 * r] / n;
  for (let r = 0; r < n; r++) variance += (y[2 * r] - mean) ** 2 / n;
  const scale = variance > 0 ? 1e-4 / Math.sqrt(variance) : 1;
  return y.map((v) => v * scale);
}

/** scikit-learn's two-phase gradient descent; returns the layout and the final KL divergence. */
async function descend(y: Float64Array, p: SparseP, iterations: number, options: TsneOptions): Promise<TsneResult> {
  const n = y.length / 2;
  const theta2 = (options.theta ?? 0.5) ** 2;
  const rate = Math.max(n / EXAGGERATION / 4, 50);
  const grad = new Float64Array(2 * n),
    update = new Float64Array(2 * n),
    gains = new Float64Array(2 * n).fill(1);
  let error = Infinity,
    best = Infinity,
    bestAt = 0,
    it = 0;
  for (; it < iterations; it++) {
    const exploring = it < EXPLORATION_ITERATIONS;
    if (it === EXPLORATION_ITERATIONS) {
      // A new phase starts afresh, as scikit-learn's second _gradient_descent call.
      update.fill(0);
      gains.fill(1);
      best = Infinity;
      bestAt = it;
    }
    const check = (it + 1) % CHECK_EVERY === 0 || it === iterations - 1;
    error = gradient(y, p, exploring ? EXAGGERATION : 1, theta2, grad, check);
    const momentum = exploring ? 0.5 : 0.8;
    let norm = 0;
    for (let c = 0; c < 2 * n; c++) {
      gains[c] = update[c] * grad[c] < 0 ? gains[c] + 0.2 : Math.max(gains[c] * 0.8, MIN_GAIN);
      const g = grad[c] * gains[c];
      norm += g * g;
      update[c] = momentum * update[c] - rate * g;
      y[c] += update[c];
    }
    if ((it + 1) % CHECK_EVERY === 0) {
      if (error < best) {
        best = error;
        bestAt = it;
      } else if (!exploring && it - bestAt > MAX_WITHOUT_PROGRESS) break;
      if (Math.sqrt(norm) <= MIN_GRAD_NORM) break;
    }
    if ((it + 1) % 10 === 0) {
      options.signal?.throwIfAborted();
      options.onProgress?.("tsne", it + 1, iterations);
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }
  options.onProgress?.("tsne", iterations, iterations);
  return { points: Float32Array.from(y), klDivergence: error, iterations: Math.min(it + 1, iterations) };
}

/**
 * The KL gradient into `grad` (4 (attraction - repulsion / Z)) with P scaled by `exaggeration`;
 * returns KL(P || Q) when `withError` (else NaN).
 */
function gradient(
  y: Float64Array,
  p: SparseP,
  exaggeration: number,
  theta2: number,
  grad: Float64Array,
  withError: boolean,
): number {
  const n = y.length / 2;
  const tree = new QuadTree(y);
  const repulsion = new Float64Array(2 * n);
  let z = 0;
  for (let i = 0; i < n; i++) z += tree.repulsion(i, theta2, repulsion);
  let error = 0;
  for (let i = 0; i < n; i++) {
    let ax = 0,
      ay = 0;
    for (let e = p.rowStart[i]; e < p.rowStart[i + 1]; e++) {
      const j = p.cols[e],
        pij = p.vals[e] * exaggeration;
      const dx = y[2 * i] - y[2 * j],
        dy = y[2 * i + 1] - y[2 * j + 1];
      const q = 1 / (1 + dx * dx + dy * dy);
      ax += pij * q * dx;
      ay += pij * q * dy;
      if (withError) error += pij * Math.log(Math.max(pij, TINY) / Math.max(q / z, TINY));
    }
    grad[2 * i] = 4 * (ax - repulsion[2 * i] / z);
    grad[2 * i + 1] = 4 * (ay - repulsion[2 * i + 1] / z);
  }
  return withError ? error : NaN;
}
