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
  const sums = new Float64Array(bins),
    hits = new Float64Array(bins),
    counts = new Float64Array(bins);
  // Inner edges as numpy's linspace makes them (i * step), so boundary scores fall the same way.
  const step = 1 / bins;
  for (let i = 0; i < score.length; i++) {
    let b = 0;
    while (b < bins - 1 && (b + 1) * step < score[i]) b++;
    sums[b] += score[i];
    hits[b] += positive[i] ? 1 : 0;
    counts[b]++;
  }
  const fractionPositive: number[] = [],
    meanScore: number[] = [];
  for (let b = 0; b < bins; b++) {
    if (counts[b] === 0) continue;
    fractionPositive.push(hits[b] / counts[b]);
    meanScore.push(sums[b] / counts[b]);
  }
  return { fractionPositive: Float64Array.from(fractionPositive), meanScore: Float64Array.from(meanScore) };
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
  const count = new Float64Array(binCount),
    right = new Float64Array(binCount),
    confidence = new Float64Array(binCount);
  for (let i = 0; i < truth.length; i++) {
    let best = 0;
    for (let c = 1; c < k; c++) if (values[i * k + c] > values[i * k + best]) best = c;
    const p = values[i * k + best];
    const b = Math.min(binCount - 1, Math.max(0, Math.ceil(p * binCount) - 1));
    count[b]++;
    confidence[b] += p;
    if (best === truth[i]) right[b]++;
  }
  const lower = new Float64Array(binCount),
    upper = new Float64Array(binCount),
    accuracy = new Float64Array(binCount);
  let ece = 0,
    mce = 0;
  for (let b = 0; b < binCount; b++) {
    lower[b] = b / binCount;
    upper[b] = (b + 1) / binCount;
    if (count[b] === 0) {
      accuracy[b] = confidence[b] = NaN;
      continue;
    }
    accuracy[b] = right[b] / count[b];
    confidence[b] /= count[b];
    const gap = Math.abs(accuracy[b] - confidence[b]);
    ece += (count[b] / truth.length) * gap;
    mce = Math.max(mce, gap);
  }
  return { ece, mce, bins: { lower, upper, count, accuracy, confidence } };
}
