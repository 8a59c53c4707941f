/**
 * Exact PCA: the leading eigenvectors of the covariance of the mean-centred rows.
 *
 * - The covariance (dim x dim) is summed in double precision over blocks of centred rows, so a
 *   large mean (ReLU features) costs no accuracy: n * dim^2 / 2 multiply-adds.
 * - Its leading eigenvectors come from leadingEigen (eigen.ts): Jacobi up to 64 dimensions,
 *   Lanczos above, run until the residual |C v - l v| is at rounding level.
 * - Signs as scikit-learn's svd_flip: each component's largest entry (by magnitude) is positive,
 *   so results are deterministic and comparable to sklearn.decomposition.PCA.
 */

import { BlindspotError } from "../../errors";
import { leadingEigen } from "./eigen";
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

/**
 * Sum over rows of (x - mean)(x - mean)^T, full symmetric dim x dim (not yet divided by n - 1).
 * Computed in 2 x 2 tiles (four sums per pass over a block's rows: half the loads of one dot product
 * at a time); an odd dimension is padded with a zero column.
 */
async function covariance(
  data: Float32Array,
  dim: number,
  mean: Float64Array,
  options: PcaOptions,
): Promise<Float64Array> {
  const n = data.length / dim;
  const even = dim + (dim & 1);
  const sums = new Float64Array(even * even);
  const block = new Float64Array(even * BLOCK_ROWS);
  for (let r0 = 0; r0 < n; r0 += BLOCK_ROWS) {
    options.signal?.throwIfAborted();
    const rows = Math.min(BLOCK_ROWS, n - r0);
    for (let r = 0; r < rows; r++)
      for (let t = 0; t < dim; t++) block[t * BLOCK_ROWS + r] = data[(r0 + r) * dim + t] - mean[t];
    for (let i = 0; i < even; i += 2) {
      const a0 = i * BLOCK_ROWS,
        a1 = a0 + BLOCK_ROWS;
      for (let j = i; j < even; j += 2) {
        const b0 = j * BLOCK_ROWS,
          b1 = b0 + BLOCK_ROWS;
        let s00 = 0,
          s01 = 0,
          s10 = 0,
          s11 = 0;
        for (let r = 0; r < rows; r++) {
          const x0 = block[a0 + r],
            x1 = block[a1 + r],
            y0 = block[b0 + r],
            y1 = block[b1 + r];
          s00 += x0 * y0;
          s01 += x0 * y1;
          s10 += x1 * y0;
          s11 += x1 * y1;
        }
        sums[i * even + j] += s00;
        sums[i * even + j + 1] += s01;
        sums[(i + 1) * even + j] += s10;
        sums[(i + 1) * even + j + 1] += s11;
      }
    }
    options.onProgress?.("pca", r0 + rows, n);
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  const cov = new Float64Array(dim * dim);
  for (let i = 0; i < dim; i++) for (let j = i; j < dim; j++) cov[i * dim + j] = cov[j * dim + i] = sums[i * even + j];
  return cov;
}

/** scikit-learn's svd_flip (v-based): each component's largest-magnitude entry made positive. */
function flipSigns(rows: Float64Array, dim: number): void {
  for (let j = 0; j < rows.length / dim; j++) {
    let best = j * dim;
    for (let t = j * dim; t < (j + 1) * dim; t++) if (Math.abs(rows[t]) > Math.abs(rows[best])) best = t;
    if (rows[best] < 0) for (let t = j * dim; t < (j + 1) * dim; t++) rows[t] = -rows[t];
  }
}
