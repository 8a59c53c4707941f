import { precisionRecallCurve } from "./curves";

export interface ThresholdSweep {
  /** Distinct scores, lowest first: a sample is predicted positive when its score is >= the threshold. */
  thresholds: Float64Array;
  precision: Float64Array;
  recall: Float64Array;
  f1: Float64Array;
  /** The threshold with the highest F1 (the highest such threshold on ties) and its scores. */
  best: { threshold: number; precision: number; recall: number; f1: number };
}

/** Precision, recall and F1 at every threshold of a binary score, and the best-F1 threshold. */
export function thresholdSweep(positive: ArrayLike<boolean | number>, score: ArrayLike<number>): ThresholdSweep {
  const curve = precisionRecallCurve(positive, score);
  const m = curve.thresholds.length;
  // The curve ends with the (precision 1, recall 0) point, which has no threshold.
  const precision = curve.precision.slice(0, m),
    recall = curve.recall.slice(0, m),
    f1 = new Float64Array(m);
  let best = 0;
  for (let j = 0; j < m; j++) {
    const p = precision[j],
      r = recall[j];
    f1[j] = p + r === 0 ? 0 : (2 * p * r) / (p + r);
    if (f1[j] >= f1[best]) best = j;
  }
  return {
    thresholds: curve.thresholds,
    precision,
    recall,
    f1,
    best: { threshold: curve.thresholds[best], precision: precision[best], recall: recall[best], f1: f1[best] },
  };
}
