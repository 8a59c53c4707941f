/**
 * Per-class confident thresholds (cleanlab's count.get_confident_thresholds): the mean predicted
 * probability of class k over the samples labelled k, the expected self-confidence of a clean
 * label. A class no sample has gets 2, above any probability, so that nothing counts as
 * confidently in it; every threshold is at least 2e-6.
 */

import { pairwiseSum } from "../stats/pairwiseSum";

/** Probabilities are n x K row-major; labels are class indices 0..K-1. */
export interface ClassProbs {
  labels: Int32Array;
  probs: Float64Array;
  classes: number;
}

/** cleanlab's constants (internal/constants.py). */
export const FLOAT_TOLERANCE = 1e-6;
const THRESHOLD_FLOOR = 2 * FLOAT_TOLERANCE;
const ABSENT_CLASS_THRESHOLD = 2;

export function confidentThresholds({ labels, probs, classes: K }: ClassProbs): Float64Array {
  const own: number[][] = Array.from({ length: K }, () => []);
  for (let i = 0; i < labels.length; i++) own[labels[i]].push(probs[i * K + labels[i]]);
  // np.mean: numpy's pairwise sum over the samples in order, then the division.
  return Float64Array.from(own, (p) =>
    p.length ? Math.max(THRESHOLD_FLOOR, pairwiseSum(p) / p.length) : ABSENT_CLASS_THRESHOLD,
  );
}
