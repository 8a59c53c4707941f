import { BlindspotError } from "../../errors";

/**
 * Confusion matrix of single-label predictions, row-major `k x k`: entry [t * k + p] counts the
 * samples of true class t predicted as p (scikit-learn's orientation). Classes are indices 0..k-1.
 */
export function confusionMatrix(truth: ArrayLike<number>, predicted: ArrayLike<number>, k: number): Float64Array {
  if (truth.length !== predicted.length) {
    throw new BlindspotError({
      message: `truth has ${truth.length} entries but predictions have ${predicted.length}`,
      hint: "pass one prediction per sample, in the same order",
    });
  }
  const matrix = new Float64Array(k * k);
  for (let i = 0; i < truth.length; i++) {
    const t = truth[i],
      p = predicted[i];
    if (!(t >= 0 && t < k && p >= 0 && p < k) || t % 1 !== 0 || p % 1 !== 0) {
      throw new BlindspotError({
        place: `entry ${i}`,
        message: `class index out of range 0..${k - 1}: truth ${t}, prediction ${p}`,
        hint: "map labels to class indices with the same class list for truth and predictions",
      });
    }
    matrix[t * k + p]++;
  }
  return matrix;
}

/** Row sums (true counts per class) and column sums (predicted counts per class). */
export function marginals(
  matrix: Float64Array,
  k: number,
): { truth: Float64Array; predicted: Float64Array; total: number; correct: number } {
  const truth = new Float64Array(k),
    predicted = new Float64Array(k);
  let total = 0,
    correct = 0;
  for (let t = 0; t < k; t++) {
    for (let p = 0; p < k; p++) {
      const v = matrix[t * k + p];
      truth[t] += v;
      predicted[p] += v;
      total += v;
    }
    correct += matrix[t * k + t];
  }
  return { truth, predicted, total, correct };
}
