/**
 * Eigenpairs of symmetric matrices, for PCA:
 * - jacobiEigen: every pair of a small dense matrix (cyclic Jacobi rotations);
 * - tridiagonalEigen: every pair of a symmetric tridiagonal matrix (implicit QL with Wilkinson-type shifts);
 * - leadingEigen: the c largest pairs of a large one, by Lanczos with full reorthogonalisation.
 *   Lanczos needs a few times c matrix-vector products where subspace iteration needed hundreds of
 *   block products (1,792 dimensions, 50 components: ~1 s against ~50 s).
 */

import { gaussian, mulberry32 } from "./random";

/** Up to this dimension the whole matrix goes to Jacobi: exact, no iteration. */
const DIRECT_DIM = 64;
/** A Ritz pair is converged when its residual |A v - l v| is below this times the largest diagonal entry. */
const TOLERANCE = 1e-11;
/** A Krylov space is exhausted (an invariant subspace found) when the next vector's norm falls below this, relatively. */
const BREAKDOWN = 1e-13;

export interface Eigenpairs {
  /** Largest first. */
  values: Float64Array;
  /** One eigenvector per value, row-major [count, dim], unit length, orthogonal. */
  vectors: Float64Array;
}

/** The c largest eigenvalues of the symmetric `a` (dim x dim, row-major) and their eigenvectors. */
export function leadingEigen(a: Float64Array, dim: number, c: number): Eigenpairs {
  if (dim <= DIRECT_DIM) {
    const all = jacobiEigen(a, dim);
    const vectors = new Float64Array(c * dim);
    for (let j = 0; j < c; j++) for (let t = 0; t < dim; t++) vectors[j * dim + t] = all.vectors[t * dim + j];
    return { values: all.values.slice(0, c), vectors };
  }
  return lanczos(a, dim, c);
}

/**
 * Lanczos from a fixed pseudo-random start. Every new vector is orthogonalised (twice) against all
 * before it, so no spurious copies appear. When the Krylov space closes before c pairs converge (a
 * rank-deficient covariance), it restarts from a new vector orthogonal to all so far: the
 * tridiagonal matrix then splits into blocks and the zero eigenvalues get their vectors too.
 * Convergence is tested every few steps on the Ritz pairs' residuals, |beta_m * y_m|.
 */
function lanczos(a: Float64Array, dim: number, c: number): Eigenpairs {
  let scale = Number.MIN_VALUE;
  for (let i = 0; i < dim; i++) scale = Math.max(scale, Math.abs(a[i * dim + i]));
  const next = gaussian(mulberry32(1));
  let basis = new Float64Array(Math.min(dim, 2 * c + 20) * dim);
  const alpha: number[] = [],
    beta: number[] = [];
  const w = new Float64Array(dim);
  let v = Float64Array.from({ length: dim }, next);
  normalise(v);
  let nextCheck = Math.min(dim, 2 * c + 10);
  for (let m = 0; ;) {
    if ((m + 1) * dim > basis.length) {
      const grown = new Float64Array(Math.min(dim, 2 * (m + 1)) * dim);
      grown.set(basis);
      basis = grown;
    }
    basis.set(v, m * dim);
    for (let i = 0; i < dim; i++) w[i] = dot(a, i * dim, v, 0, dim);
    alpha.push(dot(w, 0, v, 0, dim));
    m++;
    orthogonalise(w, basis, m, dim);
    let b = Math.sqrt(dot(w, 0, w, 0, dim));
    const exhausted = b <= BREAKDOWN * scale;
    if (m === dim || (m >= c && (m >= nextCheck || exhausted))) {
      const ritz = tridiagonalEigen(Float64Array.from(alpha), Float64Array.from(beta), m);
      let worst = 0;
      for (let j = 0; j < c; j++)
        worst = Math.max(worst, Math.abs((exhausted ? 0 : b) * ritz.vectors[(m - 1) * m + j]));
      if (m === dim || worst <= TOLERANCE * scale) return ritzVectors(ritz, basis, m, c, dim);
      nextCheck = Math.min(dim, m + Math.max(10, c >> 1));
    }
    if (exhausted) {
      // A fresh direction outside the space spanned so far; the tridiagonal matrix splits here.
      for (let t = 0; t < dim; t++) w[t] = next();
      orthogonalise(w, basis, m, dim);
      b = 0;
      v = Float64Array.from(w);
      normalise(v);
    } else v = w.map((x) => x / b);
    beta.push(b);
  }
}

/** The c leading Ritz vectors: basis rows combined by the tridiagonal matrix's eigenvectors. */
function ritzVectors(ritz: Eigenpairs, basis: Float64Array, m: number, c: number, dim: number): Eigenpairs {
  const vectors = new Float64Array(c * dim);
  for (let j = 0; j < c; j++)
    for (let k = 0; k < m; k++) {
      const y = ritz.vectors[k * m + j];
      for (let t = 0; t < dim; t++) vectors[j * dim + t] += y * basis[k * dim + t];
    }
  for (let j = 0; j < c; j++) normalise(vectors.subarray(j * dim, (j + 1) * dim));
  return { values: ritz.values.slice(0, c), vectors };
}

/** Removes from w its components along the first m basis rows, twice (once loses orthogonality to rounding). */
function orthogonalise(w: Float64Array, basis: Float64Array, m: number, dim: number): void {
  for (let pass = 0; pass < 2; pass++)
    for (let k = 0; k < m; k++) {
      const d = dot(w, 0, basis, k * dim, dim);
      for (let t = 0; t < dim; t++) w[t] -= d * basis[k * dim + t];
    }
}

function normalise(v: Float64Array): void {
  const norm = Math.sqrt(dot(v, 0, v, 0, v.length));
  for (let t = 0; t < v.length; t++) v[t] = norm > 0 ? v[t] / norm : 0;
}

function dot(x: Float64Array, xo: number, y: Float64Array, yo: number, len: number): number {
  let s0 = 0,
    s1 = 0,
    t = 0;
  for (; t + 1 < len; t += 2) {
    s0 += x[xo + t] * y[yo + t];
    s1 += x[xo + t + 1] * y[yo + t + 1];
  }
  if (t < len) s0 += x[xo + t] * y[yo + t];
  return s0 + s1;
}

/**
 * Every eigenpair of the symmetric tridiagonal matrix with `diagonal` (m) and `offDiagonal` (m - 1),
 * by implicit QL steps (Golub & Van Loan 8.3), largest first. Eigenvector j is column j of
 * `vectors` (m x m, row-major).
 */
export function tridiagonalEigen(diagonal: Float64Array, offDiagonal: Float64Array, m: number): Eigenpairs {
  const d = Float64Array.from(diagonal);
  const e = new Float64Array(m);
  e.set(offDiagonal.subarray(0, m - 1));
  const z = new Float64Array(m * m);
  for (let i = 0; i < m; i++) z[i * m + i] = 1;
  for (let l = 0; l < m; l++) {
    for (let steps = 0; ; steps++) {
      // The first negligible off-diagonal entry at or after l ends the block to deflate.
      let end = l;
      while (end < m - 1 && Math.abs(e[end]) > Number.EPSILON * (Math.abs(d[end]) + Math.abs(d[end + 1]))) end++;
      if (end === l) break;
      if (steps >= 60) throw new Error(`tridiagonal eigenvalues did not converge at row ${l}`);
      // Shift from the leading 2 x 2 block's eigenvalue nearer d[l].
      let g = (d[l + 1] - d[l]) / (2 * e[l]);
      let r = Math.hypot(g, 1);
      g = d[end] - d[l] + e[l] / (g + (g >= 0 ? r : -r));
      let s = 1,
        cos = 1,
        p = 0,
        i = end - 1;
      for (; i >= l; i--) {
        const f = s * e[i],
          b = cos * e[i];
        r = Math.hypot(f, g);
        e[i + 1] = r;
        if (r === 0) {
          // Underflow: the block splits; deflate and start again.
          d[i + 1] -= p;
          e[end] = 0;
          break;
        }
        s = f / r;
        cos = g / r;
        g = d[i + 1] - p;
        r = (d[i] - g) * s + 2 * cos * b;
        p = s * r;
        d[i + 1] = g + p;
        g = cos * r - b;
        for (let k = 0; k < m; k++) {
          const upper = z[k * m + i + 1],
            lower = z[k * m + i];
          z[k * m + i + 1] = s * lower + cos * upper;
          z[k * m + i] = cos * lower - s * upper;
        }
      }
      if (i >= l) continue;
      d[l] -= p;
      e[l] = g;
      e[end] = 0;
    }
  }
  return sortedPairs(d, z, m);
}

/** Eigenvalues largest first (ties by position), eigenvector columns moved with them. */
function sortedPairs(values: Float64Array, columns: Float64Array, p: number): Eigenpairs {
  const order = Array.from({ length: p }, (_, i) => i).sort((x, y) => values[y] - values[x] || x - y);
  const vectors = new Float64Array(p * p);
  order.forEach((from, to) => {
    for (let k = 0; k < p; k++) vectors[k * p + to] = columns[k * p + from];
  });
  return { values: Float64Array.from(order, (i) => values[i]), vectors };
}

/**
 * All eigenpairs of a small symmetric matrix (p x p) by cyclic Jacobi rotations, sorted by
 * eigenvalue, largest first. Eigenvector j is column j of `vectors`.
 */
export function jacobiEigen(matrix: Float64Array, p: number): Eigenpairs {
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
  return sortedPairs(
    Float64Array.from({ length: p }, (_, i) => a[i * p + i]),
    v,
    p,
  );
}
