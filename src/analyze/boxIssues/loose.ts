/**
 * Loose boxes: a label drawn around its object with room to spare, which ObjectLab's bad-location
 * score lets pass (a box grown 30 % each way about its object's centre still overlaps it by about
 * 0.6 and shares its centre, and cleanlab's similarity weighs both). Here a label is loose when the
 * prediction that matches it best (same class, highest IoU, at least `minConfidence`) lies inside
 * it and is much smaller: score = confidence x (1 - predicted area / label area), 0 when the match
 * sticks out of the label (a shifted or tight box, not a loose one), null without a match.
 */

import type { ImageBoxes } from "./boxes";

export interface LooseOptions {
  /** Least confidence of the prediction that shows the object's extent (default 0.5, cleanlab's lowProbability). */
  minConfidence?: number;
  /** Flagged from this score on (default 0.3: a label about 20 % larger each way than a sure prediction). */
  minScore?: number;
}

export const LOOSE_DEFAULTS = { minConfidence: 0.5, minScore: 0.3 } as const;

/** Share of the prediction's area that must lie inside the label for the label to be loose around it. */
const INSIDE = 0.9;

export interface LooseScores {
  /** Per label (BoxSide order): the score, NaN without a matching prediction. */
  score: Float64Array;
  /** Per label: the index of the matching prediction in `predictions`, -1 when none. */
  match: Int32Array;
}

export function looseScores(boxes: ImageBoxes, minConfidence: number): LooseScores {
  const { labels: L, predictions: P } = boxes;
  const n = L.cls.length;
  const score = new Float64Array(n).fill(NaN);
  const match = new Int32Array(n).fill(-1);
  const a = L.corners,
    b = P.corners;
  for (let image = 0; image + 1 < L.start.length; image++) {
    for (let l = L.start[image]; l < L.start[image + 1]; l++) {
      const labelArea = (a[4 * l + 2] - a[4 * l]) * (a[4 * l + 3] - a[4 * l + 1]);
      let bestIou = 0;
      for (let p = P.start[image]; p < P.start[image + 1]; p++) {
        if (P.cls[p] !== L.cls[l] || P.prob[p] < minConfidence) continue;
        const w = Math.min(a[4 * l + 2], b[4 * p + 2]) - Math.max(a[4 * l], b[4 * p]);
        const h = Math.min(a[4 * l + 3], b[4 * p + 3]) - Math.max(a[4 * l + 1], b[4 * p + 1]);
        if (w <= 0 || h <= 0) continue;
        const predictedArea = (b[4 * p + 2] - b[4 * p]) * (b[4 * p + 3] - b[4 * p + 1]);
        const overlap = w * h;
        const iou = overlap / (labelArea + predictedArea - overlap);
        if (iou <= bestIou) continue;
        bestIou = iou;
        match[l] = p;
        score[l] = overlap < INSIDE * predictedArea ? 0 : P.prob[p] * Math.max(0, 1 - predictedArea / labelArea);
      }
    }
  }
  return { score, match };
}
