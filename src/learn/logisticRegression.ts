/**
 * L2-regularised logistic regression fitted by L-BFGS, the model scikit-learn's
 * LogisticRegression(solver="lbfgs") fits: it minimises the mean log loss plus
 * ||W||^2 / (2 C n) (intercepts not penalised), the same optimum as C * (summed loss) + ||W||^2 / 2.
 * With three or more classes the loss is the multinomial (softmax) one over one weight vector per
 * class; with two, the binomial one over a single vector, as scikit-learn does.
 *
 * Features are n x d row-major; the hot loops run over typed arrays.
 */

import { BlindspotError } from "../errors";
import { minimize, type LbfgsOptions } from "./lbfgs";
import { multinomialWasm } from "./multinomialWasm";

export interface LogisticOptions extends LbfgsOptions {
  /** Inverse regularisation strength (default 1, scikit-learn's). */
  C?: number;
  /** Multinomial loss on the WebAssembly SIMD kernel (`auto`, the default, when built) or in TypeScript (`ts`). */
  engine?: "auto" | "ts";
}

export interface LogisticModel {
  classes: number;
  dim: number;
  /** One row of dim weights then the intercept, per class (one row for two classes). */
  weights: Float64Array;
  iterations: number;
  converged: boolean;
}

export function fitLogistic(
  X: Float64Array,
  y: Int32Array,
  classes: number,
  options: LogisticOptions = {},
): LogisticModel {
  const n = y.length,
    dim = X.length / Math.max(n, 1);
  const C = options.C ?? 1;
  if (!(C > 0) || !Number.isInteger(dim) || classes < 2) {
    throw new BlindspotError({
      place: "logistic regression",
      message: `needs C > 0 (got ${C}), n x d features (got ${X.length} values for ${n} labels) and 2+ classes`,
      hint: "pass one row of features per label",
    });
  }
  const rows = classes === 2 ? 1 : classes;
  const wasm = classes > 2 && options.engine !== "ts" ? multinomialWasm(X, y, n, dim, classes) : null;
  const objective = wasm
    ? withPenalty(wasm.evaluate, n, rows, dim, C)
    : classes === 2
      ? binomial(X, y, n, dim, C)
      : multinomial(X, y, n, dim, classes, C);
  try {
    const result = minimize(objective, new Float64Array(rows * (dim + 1)), options);
    return { classes, dim, weights: result.x, iterations: result.iterations, converged: result.converged };
  } finally {
    wasm?.release();
  }
}

/** n x classes probabilities of the rows of X. */
export function predictProbs(model: LogisticModel, X: Float64Array): Float64Array {
  const { classes: K, dim } = model;
  const n = X.length / dim;
  const out = new Float64Array(n * K);
  const z = new Float64Array(K === 2 ? 1 : K);
  for (let i = 0; i < n; i++) {
    scores(model.weights, X, i, dim, z);
    if (K === 2) {
      const p = sigmoid(z[0]);
      out[i * 2] = 1 - p;
      out[i * 2 + 1] = p;
    } else softmaxInto(z, out, i * K);
  }
  return out;
}

/** z[k] = w_k . x_i + b_k for each weight row. */
function scores(W: Float64Array, X: Float64Array, i: number, dim: number, z: Float64Array): void {
  const row = i * dim;
  for (let k = 0; k < z.length; k++) {
    const w = k * (dim + 1);
    // Four running sums: independent additions pipeline.
    let s0 = W[w + dim],
      s1 = 0,
      s2 = 0,
      s3 = 0,
      j = 0;
    for (; j + 3 < dim; j += 4) {
      s0 += W[w + j] * X[row + j];
      s1 += W[w + j + 1] * X[row + j + 1];
      s2 += W[w + j + 2] * X[row + j + 2];
      s3 += W[w + j + 3] * X[row + j + 3];
    }
    for (; j < dim; j++) s0 += W[w + j] * X[row + j];
    z[k] = s0 + s1 + (s2 + s3);
  }
}

function softmaxInto(z: Float64Array, out: Float64Array, at: number): number {
  let max = -Infinity;
  for (const v of z) max = Math.max(max, v);
  let sum = 0;
  for (let k = 0; k < z.length; k++) sum += out[at + k] = Math.exp(z[k] - max);
  for (let k = 0; k < z.length; k++) out[at + k] /= sum;
  return max + Math.log(sum);
}

function sigmoid(z: number): number {
  return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
}

function multinomial(X: Float64Array, y: Int32Array, n: number, dim: number, K: number, C: number) {
  return objective(X, n, dim, K, C, (i, z) => {
    const own = z[y[i]];
    const loss = softmaxInto(z, z, 0) - own;
    z[y[i]] -= 1;
    return loss;
  });
}

function binomial(X: Float64Array, y: Int32Array, n: number, dim: number, C: number) {
  return objective(X, n, dim, 1, C, (i, z) => {
    const t = y[i] === 1 ? 1 : 0,
      v = z[0];
    z[0] = sigmoid(v) - t;
    // log(1 + e^v) - t v, computed without overflow.
    return (v > 0 ? v + Math.log1p(Math.exp(-v)) : Math.log1p(Math.exp(v))) - t * v;
  });
}

/**
 * The mean of a per-sample loss plus the penalty, over `rows` weight rows. `lossOf` gets sample
 * i's scores and returns its loss, leaving in the scores the loss's derivative by each.
 */
function objective(
  X: Float64Array,
  n: number,
  dim: number,
  rows: number,
  C: number,
  lossOf: (i: number, z: Float64Array) => number,
) {
  const z = new Float64Array(rows);
  const summed = (W: Float64Array, grad: Float64Array): number => {
    grad.fill(0);
    let loss = 0;
    for (let i = 0; i < n; i++) {
      scores(W, X, i, dim, z);
      loss += lossOf(i, z);
      for (let k = 0; k < rows; k++) addScaledRow(grad, k * (dim + 1), X, i * dim, dim, z[k] / n);
    }
    return loss;
  };
  return withPenalty(summed, n, rows, dim, C);
}

/** The mean of a summed loss whose gradient is already the mean's, plus the penalty. */
function withPenalty(
  sum: (W: Float64Array, grad: Float64Array) => number,
  n: number,
  rows: number,
  dim: number,
  C: number,
) {
  const l2 = 1 / (C * n);
  return (W: Float64Array, grad: Float64Array): number => sum(W, grad) / n + penalty(W, grad, rows, dim, l2);
}

/** grad[at .. at + dim) += e * X[row .. row + dim), and the intercept slot after it += e (a top-level hot loop: V8 runs it faster than inside a closure). */
function addScaledRow(grad: Float64Array, at: number, X: Float64Array, row: number, dim: number, e: number): void {
  if (e === 0) return;
  let j = 0;
  for (; j + 3 < dim; j += 4) {
    grad[at + j] += e * X[row + j];
    grad[at + j + 1] += e * X[row + j + 1];
    grad[at + j + 2] += e * X[row + j + 2];
    grad[at + j + 3] += e * X[row + j + 3];
  }
  for (; j < dim; j++) grad[at + j] += e * X[row + j];
  grad[at + dim] += e;
}

/** l2 / 2 * ||W||^2 over the weights (not the intercepts), its gradient added. */
function penalty(W: Float64Array, grad: Float64Array, rows: number, dim: number, l2: number): number {
  let sum = 0;
  for (let k = 0; k < rows; k++)
    for (let j = 0; j < dim; j++) {
      const w = W[k * (dim + 1) + j];
      sum += w * w;
      grad[k * (dim + 1) + j] += l2 * w;
    }
  return (l2 / 2) * sum;
}
