import type { ProbabilityMatrix } from "./probabilistic";

/** Mean squared difference between the score and the outcome (scikit-learn's brier_score_loss). */
export function brierScore(positive: ArrayLike<boolean | number>, score: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < score.length; i++) sum += (score[i] - (positive[i] ? 1 : 0)) ** 2;
  return sum / score.length;
}

/** Per non-empty bin: the share of positives and the mean score (scikit-learn's calibration_curve, uniform). */
export function calibrationCurve(
  positive: ArrayLike<boolean | number>,
  score: ArrayLike<number>,
  bins = 10,
): { fractionPositive: Float64Array; meanScore: Float64Array } {
  const { count, accuracy, confidence } = binnedCalibration(score, positive, bins).bins;
  const kept = (xs: Float64Array) => xs.filter((_, b) => count[b] > 0);
  return { fractionPositive: kept(accuracy), meanScore: kept(confidence) };
}

export interface Reliability {
  /** Expected calibration error: per-bin |accuracy - confidence|, weighted by the bin's share of samples. */
  ece: number;
  /** Maximum calibration error over the non-empty bins. */
  mce: number;
  /** Per bin (lower edge exclusive, upper edge inclusive): samples, accuracy and mean confidence (NaN when empty). */
  bins: {
    lower: Float64Array;
    upper: Float64Array;
    count: Float64Array;
    accuracy: Float64Array;
    confidence: Float64Array;
  };
}

/**
 * Top-label calibration: each sample's confidence is its highest class probability and it is
 * right when that class (the first, on ties) is the true one; equal-width bins over (0, 1].
 */
export function reliability(truth: ArrayLike<number>, probs: ProbabilityMatrix, binCount = 15): Reliability {
  const { values, k } = probs;
  const confidence = new Float64Array(truth.length),
    right = new Uint8Array(truth.length);
  for (let i = 0; i < truth.length; i++) {
    let best = 0;
    for (let c = 1; c < k; c++) if (values[i * k + c] > values[i * k + best]) best = c;
    confidence[i] = values[i * k + best];
    right[i] = best === truth[i] ? 1 : 0;
  }
  return binnedCalibration(confidence, right, binCount);
}

/**
 * Calibration of any scores against their outcomes on equal-width bins over (0, 1]: for a
 * classifier's top-label confidence the ECE, for a detector's box scores against "matched" the
 * detection calibration error (D-ECE, Kueppers et al. 2020), where each bin's accuracy is its precision.
 */
export function binnedCalibration(
  score: ArrayLike<number>,
  right: ArrayLike<boolean | number>,
  binCount = 15,
): Reliability {
  const count = new Float64Array(binCount),
    hits = new Float64Array(binCount),
    confidence = new Float64Array(binCount);
  // Edges as numpy's linspace makes them (i * step), a score on an edge in the bin below it, as scikit-learn's calibration_curve bins.
  const step = 1 / binCount;
  const edge = (b: number) => (b >= binCount ? 1 : b * step);
  for (let i = 0; i < score.length; i++) {
    const p = score[i];
    let b = Math.min(binCount - 1, Math.max(0, Math.ceil(p * binCount) - 1));
    if (b < binCount - 1 && p > edge(b + 1)) b++;
    else if (b > 0 && p <= edge(b)) b--;
    count[b]++;
    confidence[b] += p;
    if (right[i]) hits[b]++;
  }
  const lower = new Float64Array(binCount),
    upper = new Float64Array(binCount),
    accuracy = new Float64Array(binCount);
  let ece = 0,
    mce = 0;
  for (let b = 0; b < binCount; b++) {
    lower[b] = edge(b);
    upper[b] = edge(b + 1);
    if (count[b] === 0) {
      accuracy[b] = confidence[b] = NaN;
      continue;
    }
    accuracy[b] = hits[b] / count[b];
    confidence[b] /= count[b];
    const gap = Math.abs(accuracy[b] - confidence[b]);
    ece += (count[b] / score.length) * gap;
    mce = Math.max(mce, gap);
  }
  return { ece, mce, bins: { lower, upper, count, accuracy, confidence } };
}
