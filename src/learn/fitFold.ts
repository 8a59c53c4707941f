/**
 * One fold of a cross-validation: a logistic regression fitted on the rows of the other folds,
 * its probabilities for the rows of this one. Classes missing from the training rows get
 * probability 0 (scikit-learn's model knows only the classes it saw).
 */

import { BlindspotError } from "../errors";
import { fitLogistic, predictProbs, type LogisticOptions } from "./logisticRegression";

export interface FoldData {
  /** n x d features, row-major. */
  X: Float64Array;
  y: Int32Array;
  /** Each row's fold, 0..k-1. */
  folds: Int32Array;
  k: number;
  classes: number;
  options: LogisticOptions;
}

export interface FoldFit {
  fold: number;
  /** The fold's rows, and their probabilities (rows x classes). */
  rows: Int32Array;
  probs: Float64Array;
  iterations: number;
  converged: boolean;
}

export function fitFold({ X, y, folds, classes: K, options }: FoldData, fold: number): FoldFit {
  const dim = X.length / y.length;
  const train = Int32Array.from(folds.keys()).filter((i) => folds[i] !== fold);
  const test = Int32Array.from(folds.keys()).filter((i) => folds[i] === fold);
  const present = trainingClasses(y, folds, fold);
  const local = new Int32Array(K).fill(-1);
  present.forEach((c, j) => (local[c] = j));
  const model = fitLogistic(
    rowsOf(X, train, dim),
    Int32Array.from(train, (i) => local[y[i]]),
    present.length,
    options,
  );
  const p = predictProbs(model, rowsOf(X, test, dim));
  const probs = new Float64Array(test.length * K);
  for (let r = 0; r < test.length; r++) present.forEach((c, j) => (probs[r * K + c] = p[r * present.length + j]));
  return { fold, rows: test, probs, iterations: model.iterations, converged: model.converged };
}

function rowsOf(X: Float64Array, rows: Int32Array, dim: number): Float64Array {
  const out = new Float64Array(rows.length * dim);
  rows.forEach((r, i) => out.set(X.subarray(r * dim, (r + 1) * dim), i * dim));
  return out;
}

/** The classes of the rows outside `fold`, ascending. */
function trainingClasses(y: Int32Array, folds: Int32Array, fold: number): number[] {
  const seen = new Set<number>();
  for (let i = 0; i < y.length; i++) if (folds[i] !== fold) seen.add(y[i]);
  return [...seen].sort((a, b) => a - b);
}

/** Refuses folds whose other folds hold fewer than two classes: no model can be fitted for them. */
export function checkFolds({ y, folds, k }: FoldData): void {
  for (let f = 0; f < k; f++) {
    const present = trainingClasses(y, folds, f).length;
    if (present < 2) {
      throw new BlindspotError({
        place: `crossValProbs: fold ${f}`,
        message: `the other folds hold ${present} class${present === 1 ? "" : "es"}, nothing to learn from`,
        hint: "use fewer folds, or label samples of more classes",
      });
    }
  }
}
