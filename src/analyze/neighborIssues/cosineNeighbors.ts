/**
 * Every row's k nearest other rows by cosine distance (1 - cosine similarity, clipped to [0, 2]),
 * in float64, as cleanlab's Datalab builds its k-NN graph: scikit-learn's brute-force
 * NearestNeighbors(metric="cosine") on the rows normalised to unit length, then cleanlab's
 * correction for exact duplicates (identical rows are each other's nearest neighbours, at
 * distance 0, before any other row).
 */

export interface Neighbors {
  k: number;
  /** [n, k] row-major, nearest first. */
  distances: Float64Array;
  indices: Int32Array;
}

/** Rows per block of the distance computation: a block of row norms and products stays in cache. */
const BLOCK = 64;

export function cosineNeighbors(rows: Float64Array, n: number, dim: number, k: number): Neighbors {
  const unit = new Float64Array(n * dim);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < dim; j++) s += rows[i * dim + j] * rows[i * dim + j];
    const norm = Math.sqrt(s);
    // scikit-learn's normalize leaves a zero row as it is (its norm counts as 1).
    for (let j = 0; j < dim; j++) unit[i * dim + j] = rows[i * dim + j] / (norm === 0 ? 1 : norm);
  }
  const twin = exactDuplicateOf(rows, n, dim);
  const distances = new Float64Array(n * k).fill(Infinity),
    indices = new Int32Array(n * k).fill(-1);
  const d = new Float64Array(BLOCK * n);
  for (let a0 = 0; a0 < n; a0 += BLOCK) {
    const a1 = Math.min(n, a0 + BLOCK);
    for (let a = a0; a < a1; a++) {
      const row = d.subarray((a - a0) * n, (a - a0 + 1) * n);
      for (let b = 0; b < n; b++) {
        let s = 0;
        for (let j = 0; j < dim; j++) s += unit[a * dim + j] * unit[b * dim + j];
        row[b] = Math.min(2, Math.max(0, 1 - s));
      }
      keepNearest(row, a, twin, k, distances, indices);
    }
  }
  return { k, distances, indices };
}

/**
 * Row a's k nearest: its exact duplicates first, at distance 0 (lowest index first), then the
 * nearest other rows (ties: lower index first), never itself.
 */
function keepNearest(
  row: Float64Array,
  a: number,
  twin: Int32Array,
  k: number,
  distances: Float64Array,
  indices: Int32Array,
): void {
  let m = 0;
  const base = a * k;
  for (let b = 0; b < row.length && m < k; b++) {
    if (b !== a && twin[b] === twin[a]) {
      distances[base + m] = 0;
      indices[base + m++] = b;
    }
  }
  // Insertion into the k-long sorted tail: k is small (10 by default).
  const from = m;
  for (let b = 0; b < row.length; b++) {
    if (b === a || twin[b] === twin[a]) continue;
    const v = row[b];
    let at = Math.min(m, k);
    if (at === k && !(v < distances[base + k - 1])) continue;
    while (at > from && v < distances[base + at - 1]) at--;
    for (let t = Math.min(m, k - 1); t > at; t--) {
      distances[base + t] = distances[base + t - 1];
      indices[base + t] = indices[base + t - 1];
    }
    distances[base + at] = v;
    indices[base + at] = b;
    if (m < k) m++;
  }
}

/** A group number per row, shared by rows with identical values (bit for bit). */
function exactDuplicateOf(rows: Float64Array, n: number, dim: number): Int32Array {
  const group = new Int32Array(n);
  const seen = new Map<string, number>();
  const bytes = new Uint8Array(rows.buffer, rows.byteOffset, rows.byteLength);
  const decoder = new TextDecoder("latin1");
  for (let i = 0; i < n; i++) {
    const key = decoder.decode(bytes.subarray(i * dim * 8, (i + 1) * dim * 8));
    let g = seen.get(key);
    if (g === undefined) seen.set(key, (g = i));
    group[i] = g;
  }
  return group;
}
