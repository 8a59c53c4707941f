/**
 * k-means (Lloyd's iterations from a seeded k-means++ start) and the silhouette score, on rows of
 * a row-major Float32Array, distances accumulated in float64. The silhouette is scikit-learn's
 * `silhouette_score` (euclidean; a point alone in its cluster scores 0), given the same rows.
 */

import { mulberry32 } from "../dataset/view";

export interface KMeansResult {
  k: number;
  /** Per row, its cluster. */
  labels: Int32Array;
  /** k x dim, row-major. */
  centers: Float64Array;
  /** Sum of squared distances of the rows to their centers. */
  inertia: number;
  iterations: number;
}

/** Most Lloyd iterations; they stop earlier when no row changes cluster. */
const MAX_ITERATIONS = 100;

export function kMeans(rows: Float32Array, dim: number, k: number, seed = 0): KMeansResult {
  const n = rows.length / dim;
  if (!(Number.isInteger(k) && k >= 1 && k <= n))
    throw new RangeError(`k must be a whole number in [1, ${n}], got ${k}`);
  const rand = mulberry32(seed);
  const centers = new Float64Array(k * dim);
  const nearest = new Float64Array(n).fill(Infinity);
  // k-means++: each next center drawn with probability proportional to the squared distance to the nearest one.
  let pick = Math.floor(rand() * n);
  for (let c = 0; c < k; c++) {
    for (let d = 0; d < dim; d++) centers[c * dim + d] = rows[pick * dim + d];
    let total = 0;
    for (let i = 0; i < n; i++) {
      nearest[i] = Math.min(nearest[i], squaredDistance(rows, i, centers, c, dim));
      total += nearest[i];
    }
    let target = rand() * total;
    pick = n - 1;
    for (let i = 0; i < n; i++) {
      target -= nearest[i];
      if (target < 0) {
        pick = i;
        break;
      }
    }
  }
  const labels = new Int32Array(n).fill(-1);
  let iterations = 0,
    inertia = 0;
  for (; iterations < MAX_ITERATIONS; iterations++) {
    let changed = 0;
    inertia = 0;
    for (let i = 0; i < n; i++) {
      let best = 0,
        bestDistance = Infinity;
      for (let c = 0; c < k; c++) {
        const s = squaredDistance(rows, i, centers, c, dim);
        if (s < bestDistance) [best, bestDistance] = [c, s];
      }
      if (labels[i] !== best) changed++;
      labels[i] = best;
      inertia += bestDistance;
    }
    if (!changed) break;
    const counts = new Float64Array(k);
    centers.fill(0);
    for (let i = 0; i < n; i++) {
      counts[labels[i]]++;
      for (let d = 0; d < dim; d++) centers[labels[i] * dim + d] += rows[i * dim + d];
    }
    for (let c = 0; c < k; c++) {
      // An emptied cluster restarts at the row farthest from its center.
      if (!counts[c]) {
        const far = farthestRow(rows, labels, centers, dim, n);
        for (let d = 0; d < dim; d++) centers[c * dim + d] = rows[far * dim + d];
        labels[far] = c;
        continue;
      }
      for (let d = 0; d < dim; d++) centers[c * dim + d] /= counts[c];
    }
  }
  return { k, labels, centers, inertia, iterations };
}

function squaredDistance(rows: Float32Array, i: number, centers: Float64Array, c: number, dim: number): number {
  let s = 0;
  for (let d = 0, a = i * dim, b = c * dim; d < dim; d++) {
    const v = rows[a + d] - centers[b + d];
    s += v * v;
  }
  return s;
}

function farthestRow(rows: Float32Array, labels: Int32Array, centers: Float64Array, dim: number, n: number): number {
  let far = 0,
    farthest = -1;
  for (let i = 0; i < n; i++) {
    const s = squaredDistance(rows, i, centers, labels[i], dim);
    if (s > farthest) [far, farthest] = [i, s];
  }
  return far;
}

/** Euclidean distances between every pair of rows, n x n (symmetric, zero diagonal). */
export function pairwiseDistances(rows: Float32Array, dim: number): Float64Array {
  const n = rows.length / dim;
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = i + 1; j < n; j++) {
      let s = 0;
      for (let d = 0, a = i * dim, b = j * dim; d < dim; d++) {
        const v = rows[a + d] - rows[b + d];
        s += v * v;
      }
      out[i * n + j] = out[j * n + i] = Math.sqrt(s);
    }
  return out;
}

/** The mean silhouette of the labelled rows, from their pairwise distances (scikit-learn's silhouette_score). */
export function silhouette(distances: Float64Array, labels: Int32Array, k: number): number {
  const n = labels.length;
  const sizes = new Float64Array(k);
  for (const l of labels) sizes[l]++;
  const sums = new Float64Array(k);
  let total = 0;
  for (let i = 0; i < n; i++) {
    sums.fill(0);
    for (let j = 0; j < n; j++) sums[labels[j]] += distances[i * n + j];
    const own = labels[i];
    if (sizes[own] <= 1) continue; // alone in its cluster: 0
    const a = sums[own] / (sizes[own] - 1);
    let b = Infinity;
    for (let c = 0; c < k; c++) if (c !== own && sizes[c] > 0) b = Math.min(b, sums[c] / sizes[c]);
    total += (b - a) / Math.max(a, b);
  }
  return total / n;
}
