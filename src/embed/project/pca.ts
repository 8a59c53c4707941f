/**
 * Exact PCA: the leading eigenvectors of the covariance of the mean-centred rows.
 *
 * - The covariance (dim x dim) is summed in double precision over blocks of centred rows, so a
 *   large mean (ReLU features) costs no accuracy: n * dim^2 / 2 multiply-adds.
 * - Its leading eigenvectors come from subspace iteration with Rayleigh-Ritz steps (Jacobi on the
 *   small projected matrix), run until the residual |C v - l v| is at rounding level (at most
 *   3,000 steps: only near-equal leading eigenvalues, where no direction is preferred, take that
 *   long). Up to 64 dimensions the subspace is the whole space and the first step is exact.
 * - Signs as scikit-learn's svd_flip: each component's largest entry (by magnitude) is positive,
 *   so results are deterministic and comparable to sklearn.decomposition.PCA.
 */

import { BlindspotError } from "../../errors";
import type { Progress } from "../knn";
import { phaseLabel, withProgress } from "../../progress";

export interface PcaOptions {
  /** Components to keep (default 2). */
  components?: number;
  onProgress?: Progress;
  signal?: AbortSignal;
}

export interface PcaModel {
  dim: number;
  mean: Float64Array;
  /** [components, dim] row-major, unit length, orthogonal. */
  components: Float64Array;
  /** Variance along each component (divided by n - 1, as scikit-learn). */
  explainedVariance: Float64Array;
  /** Each component's share of the total variance. */
  explainedVarianceRatio: Float64Array;
}

/** Rows centred and transposed per block: the covariance's inner loops then run over contiguous memory. */
const BLOCK_ROWS = 256;
/** Extra subspace vectors beyond the components asked: a wider gap, faster convergence. */
const OVERSAMPLE = 10;
/** Up to this dimension the subspace is the whole space: one exact Jacobi step, no iteration. */
const DIRECT_DIM = 64;
const MAX_ITERATIONS = 3000;

/** The rows of `data` ([n, dim]) projected on their leading principal components: [n, components]. */
export async function pca(data: Float32Array, dim: number, options: PcaOptions = {}): Promise<Float32Array> {
  return withProgress(phaseLabel("PCA"), options, true, async (o) => projectPca(await fitPca(data, dim, o), data));
}

export async function fitPca(data: Float32Array, dim: number, options: PcaOptions = {}): Promise<PcaModel> {
  const n = data.length / dim;
  const c = options.components ?? 2;
  if (!Number.isInteger(n) || n < 2)
    throw new BlindspotError({ message: `PCA needs at least 2 rows of dimension ${dim}, got ${data.length} values` });
  if (!Number.isInteger(c) || c < 1 || c > dim)
    throw new BlindspotError({ message: `components must be between 1 and the dimension ${dim}, got ${c}` });
  const mean = columnMeans(data, dim);
  const cov = await covariance(data, dim, mean, options);
  const { values, vectors } = leadingEigen(cov, dim, c);
  let total = 0;
  for (let i = 0; i < dim; i++) total += cov[i * dim + i];
  flipSigns(vectors, dim);
  return {
    dim,
    mean,
    components: vectors,
    explainedVariance: values.map((v) => v / (n - 1)),
    explainedVarianceRatio: values.map((v) => (total > 0 ? v / total : 0)),
  };
}

/** (row - mean) . component for every row and component: [n, components] float32. */
export function projectPca(model: PcaModel, data: Float32Array): Float32Array {
  const { dim, mean, components } = model;
  const c = components.length / dim,
    n = data.length / dim;
  const out = new Float32Array(n * c);
  for (let r = 0; r < n; r++) {
    for (let j = 0; j < c; j++) {
      let s = 0;
      for (let t = 0; t < dim; t++) s += (data[r * dim + t] - mean[t]) * components[j * dim + t];
      out[r * c + j] = s;
    }
  }
  return out;
}

function columnMeans(data: Float32Array, dim: number): Float64Array {
  const mean = new Float64Array(dim),
    n = data.length / dim;
  for (let r = 0; r < n; r++) for (let t = 0; t < dim; t++) mean[t] += data[r * dim + t];
  return mean.map((m) => m / n);
}

/** Sum over rows of (x - mean)(x - mean)^T, full symmetric dim x dim (not yet divided by n - 1). */
async function covariance(
  data: Float32Array,
  dim: number,
  mean: Float64Array,
  options: PcaOptions,
): Promise<Float64Array> {
  const n = data.length / dim;
  const cov = new Float64Array(dim * dim);
  const block = new Float64Array(dim * BLOCK_ROWS);
  for (let r0 = 0; r0 < n; r0 += BLOCK_ROWS) {
    options.signal?.throwIfAborted();
    const rows = Math.min(BLOCK_ROWS, n - r0);
    for (let r = 0; r < rows; r++)
      for (let t = 0; t < dim; t++) block[t * BLOCK_ROWS + r] = data[(r0 + r) * dim + t] - mean[t];
    for (let i = 0; i < dim; i++) {
      const a = i * BLOCK_ROWS;
      for (let j = i; j < dim; j++) {
        const b = j * BLOCK_ROWS;
        let s0 = 0,
          s1 = 0;
        let r = 0;
        for (; r + 1 < rows; r += 2) {
          s0 += block[a + r] * block[b + r];
          s1 += block[a + r + 1] * block[b + r + 1];
        }
        if (r < rows) s0 += block[a + r] * block[b + r];
        cov[i * dim + j] += s0 + s1;
      }
    }
    options.onProgress?.("pca", r0 + rows, n);
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  for (let i = 0; i < dim; i++) for (let j = 0; j < i; j++) cov[i * dim + j] = cov[j * dim + i];
  return cov;
}

/**
 * The c largest eigenvalues of the symmetric matrix `a` (dim x dim) and their eigenvectors
 * ([c, dim] row-major), by subspace iteration from a fixed start (the identity's first columns,
 * perturbed), with a Rayleigh-Ritz step every iteration.
 */
function leadingEigen(a: Float64Array, dim: number, c: number): { values: Float64Array; vectors: Float64Array } {
  const p = dim <= DIRECT_DIM ? dim : Math.min(dim, c + OVERSAMPLE);
  // Basis as p rows of length dim. A fixed, full-rank start keeps results deterministic.
  let basis = new Float64Array(p * dim);
  for (let j = 0; j < p; j++)
    for (let t = 0; t < dim; t++) basis[j * dim + t] = (t === j ? 1 : 0) + 1e-3 * Math.sin(1 + j * dim + t);
  orthonormalise(basis, p, dim);
  let values = new Float64Array(p);
  const scale = Math.max(...Array.from({ length: dim }, (_, i) => Math.abs(a[i * dim + i])), Number.MIN_VALUE);
  for (let it = 0; it < MAX_ITERATIONS; it++) {
    const image = multiply(a, basis, p, dim);
    // Rayleigh-Ritz: the best approximations to eigenpairs within span(basis).
    const h = new Float64Array(p * p);
    for (let i = 0; i < p; i++) for (let j = 0; j < p; j++) h[i * p + j] = dot(basis, i * dim, image, j * dim, dim);
    const small = jacobiEigen(h, p);
    basis = combine(small.vectors, basis, p, dim);
    values = small.values;
    const ritzImage = combine(small.vectors, image, p, dim);
    // Converged when the wanted Ritz pairs' residuals are at the matrix's rounding level.
    let worst = 0;
    for (let j = 0; j < c; j++) {
      let r2 = 0;
      for (let t = 0; t < dim; t++) r2 += (ritzImage[j * dim + t] - values[j] * basis[j * dim + t]) ** 2;
      worst = Math.max(worst, Math.sqrt(r2));
    }
    if (p === dim || worst <= 1e-11 * scale) break;
    basis = ritzImage;
    orthonormalise(basis, p, dim);
  }
  return { values: values.slice(0, c), vectors: basis.slice(0, c * dim) };
}

/** a (dim x dim, symmetric) times each of the p rows of `basis`. */
function multiply(a: Float64Array, basis: Float64Array, p: number, dim: number): Float64Array {
  const out = new Float64Array(p * dim);
  for (let j = 0; j < p; j++) for (let i = 0; i < dim; i++) out[j * dim + i] = dot(a, i * dim, basis, j * dim, dim);
  return out;
}

/** Rows of the result: sum over k of q[k][j] * rows[k] (q is p x p, column j = eigenvector j). */
function combine(q: Float64Array, rows: Float64Array, p: number, dim: number): Float64Array {
  const out = new Float64Array(p * dim);
  for (let j = 0; j < p; j++) {
    for (let k = 0; k < p; k++) {
      const w = q[k * p + j];
      for (let t = 0; t < dim; t++) out[j * dim + t] += w * rows[k * dim + t];
    }
  }
  return out;
}

function dot(x: Float64Array, xo: number, y: Float64Array, yo: number, len: number): number {
  let s = 0;
  for (let t = 0; t < len; t++) s += x[xo + t] * y[yo + t];
  return s;
}

/** Modified Gram-Schmidt on p rows, twice (one pass loses orthogonality for near-parallel rows). */
function orthonormalise(rows: Float64Array, p: number, dim: number): void {
  for (let pass = 0; pass < 2; pass++) {
    for (let j = 0; j < p; j++) {
      for (let k = 0; k < j; k++) {
        const d = dot(rows, j * dim, rows, k * dim, dim);
        for (let t = 0; t < dim; t++) rows[j * dim + t] -= d * rows[k * dim + t];
      }
      const norm = Math.sqrt(dot(rows, j * dim, rows, j * dim, dim));
      for (let t = 0; t < dim; t++) rows[j * dim + t] = norm > 0 ? rows[j * dim + t] / norm : 0;
    }
  }
}

/**
 * All eigenpairs of a small symmetric matrix (p x p) by cyclic Jacobi rotations, sorted by
 * eigenvalue, largest first. Eigenvector j is column j of `vectors`.
 */
export function jacobiEigen(matrix: Float64Array, p: number): { values: Float64Array; vectors: Float64Array } {
  const a = Float64Array.from(matrix);
  const v = new Float64Array(p * p);
  for (let i = 0; i < p; i++) v[i * p + i] = 1;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0,
      diag = 0;
    for (let i = 0; i < p; i++) {
      diag += a[i * p + i] ** 2;
      for (let j = i + 1; j < p; j++) off += a[i * p + j] ** 2;
    }
    if (off <= 1e-30 * diag || off === 0) break;
    for (let i = 0; i < p; i++) {
      for (let j = i + 1; j < p; j++) {
        const aij = a[i * p + j];
        if (aij === 0) continue;
        // The rotation that zeroes a[i][j] (Golub & Van Loan, symmetric Schur decomposition).
        const theta = (a[j * p + j] - a[i * p + i]) / (2 * aij);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const cos = 1 / Math.sqrt(t * t + 1),
          sin = t * cos;
        for (let k = 0; k < p; k++) {
          const aki = a[k * p + i],
            akj = a[k * p + j];
          a[k * p + i] = cos * aki - sin * akj;
          a[k * p + j] = sin * aki + cos * akj;
        }
        for (let k = 0; k < p; k++) {
          const aik = a[i * p + k],
            ajk = a[j * p + k];
          a[i * p + k] = cos * aik - sin * ajk;
          a[j * p + k] = sin * aik + cos * ajk;
        }
        for (let k = 0; k < p; k++) {
          const vki = v[k * p + i],
            vkj = v[k * p + j];
          v[k * p + i] = cos * vki - sin * vkj;
          v[k * p + j] = sin * vki + cos * vkj;
        }
      }
    }
  }
  const order = Array.from({ length: p }, (_, i) => i).sort((x, y) => a[y * p + y] - a[x * p + x] || x - y);
  const vectors = new Float64Array(p * p);
  order.forEach((from, to) => {
    for (let k = 0; k < p; k++) vectors[k * p + to] = v[k * p + from];
  });
  return { values: Float64Array.from(order, (i) => a[i * p + i]), vectors };
}

/** scikit-learn's svd_flip (v-based): each component's largest-magnitude entry made positive. */
function flipSigns(rows: Float64Array, dim: number): void {
  for (let j = 0; j < rows.length / dim; j++) {
    let best = j * dim;
    for (let t = j * dim; t < (j + 1) * dim; t++) if (Math.abs(rows[t]) > Math.abs(rows[best])) best = t;
    if (rows[best] < 0) for (let t = j * dim; t < (j + 1) * dim; t++) rows[t] = -rows[t];
  }
}
