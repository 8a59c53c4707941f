import { BlindspotError } from "../../errors";
import type { ImageBoxes } from "./boxes";
import { boxIou, type Overlaps } from "./overlap";

/** ObjectLab's parameters; the defaults are cleanlab's (cleanlab/internal/constants.py). */
export interface ObjectLabParams {
  /** Weight of IoU against centre distance in the similarity of two boxes. */
  alpha: number;
  /** Predictions at or below this probability cannot show a badly located label. */
  lowProbability: number;
  /** Predictions must be above this probability (at least, for overlooked) to show an overlooked or swapped label. */
  highProbability: number;
  /** Temperature of the softmin that pools an image's box scores. */
  temperature: number;
  /** Give labels that sit on another class's label (IoU >= 0.95) the lowest swap score. */
  overlappingLabelCheck: boolean;
}

export const OBJECTLAB_DEFAULTS: ObjectLabParams = {
  alpha: 0.9,
  lowProbability: 0.5,
  highProbability: 0.95,
  temperature: 0.1,
  overlappingLabelCheck: true,
};

const LABEL_OVERLAP = 0.95;

/** The parameters given, each checked to be a number in [0, 1] (the temperature above 0), over the defaults. */
export function objectLabParams(given: Partial<ObjectLabParams>): ObjectLabParams {
  const p = { ...OBJECTLAB_DEFAULTS };
  for (const key of ["alpha", "lowProbability", "highProbability", "temperature"] as const) {
    const v = given[key];
    if (v === undefined) continue;
    if (typeof v !== "number" || !(v >= 0 && v <= 1) || (key === "temperature" && v === 0)) {
      throw new BlindspotError({
        place: `boxLabelIssues: ${key}`,
        message: `must be a number in ${key === "temperature" ? "(0, 1]" : "[0, 1]"}, got ${JSON.stringify(v)}`,
        hint: `leave it out for cleanlab's default, ${OBJECTLAB_DEFAULTS[key]}`,
      });
    }
    p[key] = v;
  }
  p.overlappingLabelCheck = given.overlappingLabelCheck ?? true;
  return p;
}

/** Per-box scores, 0 (an issue beyond doubt) to 1 (fine), and the prediction that suggests each fix. */
export interface BoxScores {
  /** Per prediction: how far a confident prediction with no overlapping label is from being overlooked; NaN when it is not a candidate. */
  overlooked: Float64Array;
  /** Per label: how well a confident same-class prediction covers it. */
  badloc: Float64Array;
  /** Per label: how unlikely a confident prediction of another class sits on it. */
  swap: Float64Array;
  /** Per label: the prediction (index into `predictions`) behind a bad-location or swap score, -1 when none. */
  badlocFix: Int32Array;
  swapFix: Int32Array;
}

/** Overlooked, bad-location and swap scores of every box, as cleanlab's compute_*_box_scores define them. */
export function boxScores(boxes: ImageBoxes, o: Overlaps, p: ObjectLabParams): BoxScores {
  const { labels, predictions } = boxes;
  const L = labels.cls.length;
  const s: BoxScores = {
    overlooked: new Float64Array(predictions.cls.length),
    badloc: new Float64Array(L),
    swap: new Float64Array(L),
    badlocFix: new Int32Array(L).fill(-1),
    swapFix: new Int32Array(L).fill(-1),
  };
  for (let i = 0; i < boxes.sampleRows.length; i++) {
    const l0 = labels.start[i],
      l1 = labels.start[i + 1];
    const p0 = predictions.start[i],
      p1 = predictions.start[i + 1];
    const m = p1 - p0;
    const at = (a: number, b: number) => o.offset[i] + (a - l0) * m + (b - p0);

    for (let b = p0; b < p1; b++) {
      const prob = predictions.prob[b];
      let overlapsLabel = false;
      for (let a = l0; a < l1 && !overlapsLabel; a++) overlapsLabel = o.iou[at(a, b)] > 0;
      if (prob < p.highProbability || overlapsLabel) {
        s.overlooked[b] = NaN;
        continue;
      }
      let best = -Infinity;
      for (let a = l0; a < l1; a++)
        if (labels.cls[a] === predictions.cls[b]) best = Math.max(best, o.similarity[at(a, b)]);
      s.overlooked[b] = best === -Infinity ? o.minSimilarity * (1 - prob) : best;
    }

    for (let a = l0; a < l1; a++) {
      const k = labels.cls[a];
      // Bad location: the closest overlapping same-class prediction above the low probability.
      let best = -Infinity,
        fix = -1;
      for (let b = p0; b < p1; b++) {
        if (predictions.cls[b] !== k || !(predictions.prob[b] > p.lowProbability) || !(o.iou[at(a, b)] > 0)) continue;
        const sim = o.similarity[at(a, b)];
        if (sim > best) {
          best = sim;
          fix = b;
        }
      }
      s.badloc[a] = fix < 0 ? 1 : best;
      s.badlocFix[a] = fix;

      // Swap: the closest confident prediction of another class.
      if (p.overlappingLabelCheck && sitsOnOtherClass(labels.corners, labels.cls, l0, l1, a)) {
        s.swap[a] = o.minSimilarity;
        continue;
      }
      best = -Infinity;
      fix = -1;
      for (let b = p0; b < p1; b++) {
        if (predictions.cls[b] === k || !(predictions.prob[b] > p.highProbability)) continue;
        const sim = o.similarity[at(a, b)];
        if (sim > best) {
          best = sim;
          fix = b;
        }
      }
      s.swap[a] = fix < 0 ? 1 : Math.max(o.minSimilarity, 1 - best);
      s.swapFix[a] = fix;
    }
  }
  return s;
}

/** Whether label a nearly coincides (IoU >= 0.95) with a label of another class in its image. */
function sitsOnOtherClass(corners: Float64Array, cls: Int32Array, from: number, to: number, a: number): boolean {
  for (let b = from; b < to; b++) {
    if (b !== a && cls[b] !== cls[a] && boxIou(corners, a * 4, corners, b * 4) >= LABEL_OVERLAP) return true;
  }
  return false;
}
