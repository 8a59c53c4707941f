import { marginals } from "./confusion";

/** Per-class precision, recall, F1 and support, with their averages (scikit-learn's definitions). */
export interface ClassScores {
  precision: Float64Array;
  recall: Float64Array;
  f1: Float64Array;
  support: Float64Array;
  macro: { precision: number; recall: number; f1: number };
  micro: { precision: number; recall: number; f1: number };
  weighted: { precision: number; recall: number; f1: number };
}

/** A ratio that is 0 when nothing was counted (scikit-learn's zero_division default, without the warning). */
const ratio = (a: number, b: number) => (b === 0 ? 0 : a / b);
const harmonic = (p: number, r: number) => (p + r === 0 ? 0 : (2 * p * r) / (p + r));

/**
 * Scores from a confusion matrix. Averages run over the classes that occur in the truth or the
 * predictions, as scikit-learn's do when no label list is given.
 */
export function classScores(matrix: Float64Array, k: number): ClassScores {
  const { truth, predicted, total, correct } = marginals(matrix, k);
  const precision = new Float64Array(k),
    recall = new Float64Array(k),
    f1 = new Float64Array(k);
  const macro = { precision: 0, recall: 0, f1: 0 },
    weighted = { precision: 0, recall: 0, f1: 0 };
  let present = 0;
  for (let c = 0; c < k; c++) {
    const tp = matrix[c * k + c];
    precision[c] = ratio(tp, predicted[c]);
    recall[c] = ratio(tp, truth[c]);
    f1[c] = harmonic(precision[c], recall[c]);
    if (truth[c] === 0 && predicted[c] === 0) continue;
    present++;
    macro.precision += precision[c];
    macro.recall += recall[c];
    macro.f1 += f1[c];
    weighted.precision += precision[c] * truth[c];
    weighted.recall += recall[c] * truth[c];
    weighted.f1 += f1[c] * truth[c];
  }
  for (const key of ["precision", "recall", "f1"] as const) {
    macro[key] = ratio(macro[key], present);
    weighted[key] = ratio(weighted[key], total);
  }
  // Single-label: every miss is one false positive and one false negative.
  const micro = { precision: ratio(correct, total), recall: ratio(correct, total), f1: ratio(correct, total) };
  return { precision, recall, f1, support: truth, macro, micro, weighted };
}

/** Share of samples predicted right. */
export function accuracy(matrix: Float64Array, k: number): number {
  const { total, correct } = marginals(matrix, k);
  return ratio(correct, total);
}

/** Mean recall over the classes that occur in the truth. */
export function balancedAccuracy(matrix: Float64Array, k: number): number {
  const { truth } = marginals(matrix, k);
  let sum = 0,
    classes = 0;
  for (let c = 0; c < k; c++) {
    if (truth[c] === 0) continue;
    sum += matrix[c * k + c] / truth[c];
    classes++;
  }
  return ratio(sum, classes);
}

/** Cohen's kappa: agreement beyond what the marginals give by chance. */
export function cohenKappa(matrix: Float64Array, k: number): number {
  const { truth, predicted, total, correct } = marginals(matrix, k);
  let chance = 0;
  for (let c = 0; c < k; c++) chance += truth[c] * predicted[c];
  chance /= total * total;
  return (correct / total - chance) / (1 - chance);
}

/** Matthews correlation coefficient, multi-class form (Gorodkin's R_K, as scikit-learn computes it). */
export function matthews(matrix: Float64Array, k: number): number {
  const { truth, predicted, total, correct } = marginals(matrix, k);
  let tp = 0,
    pp = 0,
    tt = 0;
  for (let c = 0; c < k; c++) {
    tp += truth[c] * predicted[c];
    pp += predicted[c] * predicted[c];
    tt += truth[c] * truth[c];
  }
  const covariance = correct * total - tp;
  const denominator = Math.sqrt((total * total - tt) * (total * total - pp));
  return denominator === 0 ? 0 : covariance / denominator;
}
