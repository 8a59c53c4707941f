import { BlindspotError } from "../../errors";

/** Rows of class probabilities, row-major `n x k`. */
export interface ProbabilityMatrix {
  values: Float64Array;
  k: number;
}

function check(truth: ArrayLike<number>, probs: ProbabilityMatrix): number {
  const n = probs.values.length / probs.k;
  if (n !== truth.length || n % 1 !== 0) {
    throw new BlindspotError({
      message: `${truth.length} labels but ${probs.values.length / probs.k} rows of ${probs.k} probabilities`,
      hint: "pass one row of class probabilities per sample",
    });
  }
  return n;
}

/**
 * Mean negative log-likelihood of the true class. As scikit-learn does, probabilities are
 * clipped to [eps, 1 - eps] (eps of float64) and each row is rescaled to sum to 1 first.
 */
export function logLoss(truth: ArrayLike<number>, probs: ProbabilityMatrix): number {
  const n = check(truth, probs),
    { values, k } = probs;
  const eps = Number.EPSILON;
  let loss = 0;
  for (let i = 0; i < n; i++) {
    let sum = 0;
    for (let c = 0; c < k; c++) sum += Math.min(1 - eps, Math.max(eps, values[i * k + c]));
    const p = Math.min(1 - eps, Math.max(eps, values[i * k + truth[i]])) / sum;
    loss -= Math.log(p);
  }
  return loss / n;
}

/**
 * Share of samples whose true class is among the `topK` highest scores. Ties are broken as
 * scikit-learn's stable sort reversed breaks them: the later class ranks first.
 */
export function topKAccuracy(truth: ArrayLike<number>, probs: ProbabilityMatrix, topK: number): number {
  const n = check(truth, probs),
    { values, k } = probs;
  let hits = 0;
  for (let i = 0; i < n; i++) {
    const t = truth[i],
      own = values[i * k + t];
    let above = 0;
    for (let c = 0; c < k; c++) {
      const v = values[i * k + c];
      if (v > own || (v === own && c > t)) above++;
    }
    if (above < topK) hits++;
  }
  return hits / n;
}
