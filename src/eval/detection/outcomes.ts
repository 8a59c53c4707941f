import type { DetectionData } from "./data";
import { iouMatrix } from "./iou";

export const TP = 1,
  FP = 2,
  FN = 3;
export const OUTCOME_NAMES = ["", "tp", "fp", "fn"] as const;

/**
 * Each object's outcome at one IoU threshold, with FiftyOne's conventions: predictions in
 * descending score order take the unmatched truth of highest IoU (ties: the later one), crowds
 * last and able to take many predictions; no area ranges and no cap on detections. With
 * class-agnostic matching a prediction may take truth of another label: it is then a false
 * positive and the truth a false negative, and the pair is a confusion between the two labels.
 */
export interface Outcomes {
  /** TP / FP / FN per prediction and per truth object. */
  dtOutcome: Uint8Array;
  gtOutcome: Uint8Array;
  /** Index of the matched object on the other side, -1 if none. */
  dtMatch: Int32Array;
  gtMatch: Int32Array;
  dtIou: Float64Array;
  gtIou: Float64Array;
}

export function matchAtIou(data: DetectionData, iou: number): Outcomes {
  const { gt, dt } = data;
  const o: Outcomes = {
    dtOutcome: new Uint8Array(dt.n).fill(FP),
    gtOutcome: new Uint8Array(gt.n).fill(FN),
    dtMatch: new Int32Array(dt.n).fill(-1),
    gtMatch: new Int32Array(gt.n).fill(-1),
    dtIou: new Float64Array(dt.n).fill(NaN),
    gtIou: new Float64Array(gt.n).fill(NaN),
  };
  const thr = Math.min(iou, 1 - 1e-10);
  const K = data.classes.length,
    I = data.sampleRows.length;
  let ious = new Float64Array(1024);
  for (let grp = 0; grp < K * I; grp++) {
    const gFrom = gt.start[grp],
      G = gt.start[grp + 1] - gFrom;
    const dFrom = dt.start[grp],
      D = dt.start[grp + 1] - dFrom;
    if (G === 0 || D === 0) continue;
    const sorted = Array.from(dt.order.subarray(dFrom, dFrom + D)).sort((a, b) => dt.score[b] - dt.score[a] || a - b);
    // Non-crowd truth first, crowds last, each in source order.
    const truth = Array.from(gt.order.subarray(gFrom, gFrom + G)).sort((a, b) => gt.crowd[a] - gt.crowd[b] || a - b);
    if (D * G > ious.length) ious = new Float64Array(D * G * 2);
    iouMatrix(data, sorted, truth, ious);
    for (let d = 0; d < D; d++) {
      const di = sorted[d];
      let best = thr,
        hit = -1;
      for (let g = 0; g < G; g++) {
        const gi = truth[g];
        if (o.gtMatch[gi] >= 0 && !gt.crowd[gi]) continue;
        if (gt.crowd[gi] && gt.label[gi] !== dt.label[di]) continue;
        if (hit >= 0 && !gt.crowd[truth[hit]] && gt.crowd[gi]) break;
        const v = ious[d * G + g];
        if (v < best) continue;
        best = v;
        hit = g;
      }
      if (hit < 0) continue;
      const gi = truth[hit];
      const same = gt.label[gi] === dt.label[di];
      if (o.gtMatch[gi] < 0) {
        o.gtMatch[gi] = di;
        o.gtIou[gi] = best;
        o.gtOutcome[gi] = same ? TP : FN;
      }
      o.dtOutcome[di] = same ? TP : FP;
      o.dtMatch[di] = gi;
      o.dtIou[di] = best;
    }
  }
  return o;
}
