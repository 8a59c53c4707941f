/**
 * Threshold curves of a binary score, computed as scikit-learn 1.2 computes them, so that
 * curves and areas agree to rounding: distinct score values are the thresholds, from the
 * highest down, with cumulative true and false positives at each.
 */

interface Counts {
  tps: Float64Array;
  fps: Float64Array;
  thresholds: Float64Array;
}

/** Cumulative true / false positives at each distinct score, highest score first. */
function thresholdCounts(positive: ArrayLike<boolean | number>, score: ArrayLike<number>): Counts {
  const n = score.length;
  const order = Int32Array.from({ length: n }, (_, i) => i).sort((a, b) => score[b] - score[a]);
  const tps: number[] = [],
    fps: number[] = [],
    thresholds: number[] = [];
  let tp = 0;
  for (let j = 0; j < n; j++) {
    const i = order[j];
    if (positive[i]) tp++;
    // A threshold closes where the next score differs (or at the end).
    if (j === n - 1 || score[order[j + 1]] !== score[i]) {
      tps.push(tp);
      fps.push(j + 1 - tp);
      thresholds.push(score[i]);
    }
  }
  return { tps: Float64Array.from(tps), fps: Float64Array.from(fps), thresholds: Float64Array.from(thresholds) };
}

export interface PrCurve {
  /** Ordered by increasing threshold, with the final point (precision 1, recall 0) appended. */
  precision: Float64Array;
  recall: Float64Array;
  thresholds: Float64Array;
}

/** Precision and recall at every threshold (scikit-learn's precision_recall_curve). */
export function precisionRecallCurve(positive: ArrayLike<boolean | number>, score: ArrayLike<number>): PrCurve {
  const { tps, fps, thresholds } = thresholdCounts(positive, score);
  // Every threshold, lowest first (scikit-learn >= 1.1 no longer stops at full recall).
  const m = tps.length,
    last = m - 1,
    all = tps[last];
  const precision = new Float64Array(m + 1),
    recall = new Float64Array(m + 1),
    kept = new Float64Array(m);
  for (let j = 0; j < m; j++) {
    const src = last - j;
    const predicted = tps[src] + fps[src];
    precision[j] = predicted === 0 ? 0 : tps[src] / predicted;
    recall[j] = all === 0 ? 1 : tps[src] / all;
    kept[j] = thresholds[src];
  }
  precision[m] = 1;
  recall[m] = 0;
  return { precision, recall, thresholds: kept };
}

/** Average precision: precision weighted by each step of recall (no interpolation). */
export function averagePrecision(positive: ArrayLike<boolean | number>, score: ArrayLike<number>): number {
  const { precision, recall } = precisionRecallCurve(positive, score);
  let sum = 0;
  for (let j = 0; j + 1 < recall.length; j++) sum -= (recall[j + 1] - recall[j]) * precision[j];
  return sum;
}

export interface RocCurve {
  fpr: Float64Array;
  tpr: Float64Array;
  /** The first threshold is the highest score plus one (no sample predicted positive). */
  thresholds: Float64Array;
}

/** ROC curve without the collinear points (scikit-learn's roc_curve, drop_intermediate=True). */
export function rocCurve(positive: ArrayLike<boolean | number>, score: ArrayLike<number>): RocCurve {
  const { tps, fps, thresholds } = thresholdCounts(positive, score);
  const n = tps.length;
  const keep: number[] = [];
  for (let j = 0; j < n; j++) {
    // Keep the ends and every corner: a point where the second difference is not zero.
    const corner =
      j === 0 ||
      j === n - 1 ||
      n <= 2 ||
      fps[j + 1] - 2 * fps[j] + fps[j - 1] !== 0 ||
      tps[j + 1] - 2 * tps[j] + tps[j - 1] !== 0;
    if (corner) keep.push(j);
  }
  const m = keep.length + 1;
  const fpr = new Float64Array(m),
    tpr = new Float64Array(m),
    kept = new Float64Array(m);
  const fAll = fps[n - 1],
    tAll = tps[n - 1];
  kept[0] = thresholds[keep[0]] + 1;
  keep.forEach((j, i) => {
    fpr[i + 1] = fAll === 0 ? NaN : fps[j] / fAll;
    tpr[i + 1] = tAll === 0 ? NaN : tps[j] / tAll;
    kept[i + 1] = thresholds[j];
  });
  return { fpr, tpr, thresholds: kept };
}

/** Area under the ROC curve by the trapezoidal rule. */
export function rocAuc(positive: ArrayLike<boolean | number>, score: ArrayLike<number>): number {
  const { fpr, tpr } = rocCurve(positive, score);
  let area = 0;
  for (let j = 1; j < fpr.length; j++) area += ((fpr[j] - fpr[j - 1]) * (tpr[j] + tpr[j - 1])) / 2;
  return area;
}
