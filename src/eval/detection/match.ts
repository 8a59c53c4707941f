import type { DetectionData } from "./data";
import { iouMatrix } from "./iou";
import type { CocoParams } from "./params";

/**
 * The outcome of matching, per image and class (pycocotools' `evaluateImg`), kept columnar.
 * Only detections within the top `maxDets[last]` of their image and class take part; they are
 * listed here per class in evaluation order: score descending, ties by image then rank.
 */
export interface Matches {
  /** Detection index (into `data.dt`) of each evaluated detection. */
  dt: Int32Array;
  /** Rank of the detection within its image and class (0 = highest score). */
  rank: Int32Array;
  /** Bit t set when matched at IoU threshold t; one array per area range. */
  matched: Uint32Array[];
  /** Bit t set when ignored at threshold t (matched to an ignored truth, or unmatched outside the area range). */
  ignored: Uint32Array[];
  /** Evaluated detections of class k are `byClass[classStart[k] .. classStart[k + 1]]`, in evaluation order. */
  classStart: Int32Array;
  byClass: Int32Array;
  /** Ground truth that counts (not crowd, inside the area range), per [area][class * images + image]. */
  truthCount: Int32Array[];
}

const MAX_THRESHOLDS = 32;

export function matchAll(data: DetectionData, p: CocoParams): Matches {
  const T = p.iouThresholds.length,
    A = p.areaRanges.length;
  if (T > MAX_THRESHOLDS) throw new RangeError(`at most ${MAX_THRESHOLDS} IoU thresholds`);
  const maxDet = p.maxDets[p.maxDets.length - 1];
  const K = data.classes.length,
    I = data.sampleRows.length;
  const { gt, dt } = data;

  // Evaluated detections, grouped by (class, image), each group in score order.
  const evalDt: number[] = [],
    evalRank: number[] = [];
  const groupFrom = new Int32Array(K * I + 1);
  for (let grp = 0; grp < K * I; grp++) {
    const from = dt.start[grp],
      to = dt.start[grp + 1];
    const sorted = Array.from(dt.order.subarray(from, to)).sort((a, b) => dt.score[b] - dt.score[a] || a - b);
    const kept = Math.min(sorted.length, maxDet);
    for (let r = 0; r < kept; r++) {
      evalDt.push(sorted[r]);
      evalRank.push(r);
    }
    groupFrom[grp + 1] = evalDt.length;
  }
  const E = evalDt.length;
  const dtIdx = Int32Array.from(evalDt);
  const matched = Array.from({ length: A }, () => new Uint32Array(E));
  const ignored = Array.from({ length: A }, () => new Uint32Array(E));
  const truthCount = Array.from({ length: A }, () => new Int32Array(K * I));

  let ious = new Float64Array(1024);
  const gtIgnore = new Uint8Array(gt.n),
    gtTaken = new Uint8Array(gt.n);
  for (let grp = 0; grp < K * I; grp++) {
    const gFrom = gt.start[grp],
      G = gt.start[grp + 1] - gFrom;
    const eFrom = groupFrom[grp],
      D = groupFrom[grp + 1] - eFrom;
    if (G === 0 && D === 0) continue;
    if (D * G > ious.length) ious = new Float64Array(D * G * 2);
    const gOrder = gt.order.subarray(gFrom, gFrom + G);
    if (D && G) iouMatrix(data, dtIdx.subarray(eFrom, eFrom + D), gOrder, ious);
    for (let a = 0; a < A; a++) {
      const { min, max } = p.areaRanges[a];
      let counted = 0;
      for (let g = 0; g < G; g++) {
        const gi = gOrder[g];
        const ig = gt.crowd[gi] || gt.area[gi] < min || gt.area[gi] > max ? 1 : 0;
        gtIgnore[gi] = ig;
        counted += 1 - ig;
      }
      truthCount[a][grp] = counted;
      const m = matched[a],
        ig = ignored[a];
      for (let t = 0; t < T; t++) {
        const bit = 1 << t;
        const thr = Math.min(p.iouThresholds[t], 1 - 1e-10);
        for (let g = 0; g < G; g++) gtTaken[gOrder[g]] = 0;
        for (let d = 0; d < D; d++) {
          let best = thr,
            hit = -1;
          // Counted truth first, then ignored (pycocotools' stable sort by the ignore flag).
          for (let pass = 0; pass < 2 && !(hit >= 0 && pass === 1 && !gtIgnore[gOrder[hit]]); pass++) {
            for (let g = 0; g < G; g++) {
              const gi = gOrder[g];
              if (gtIgnore[gi] !== pass) continue;
              if (gtTaken[gi] && !gt.crowd[gi]) continue;
              const v = ious[d * G + g];
              if (v < best) continue;
              best = v;
              hit = g;
            }
          }
          const e = eFrom + d;
          if (hit < 0) {
            const area = dt.area[dtIdx[e]];
            if (area < min || area > max) ig[e] |= bit;
            continue;
          }
          const gi = gOrder[hit];
          m[e] |= bit;
          if (gtIgnore[gi]) ig[e] |= bit;
          gtTaken[gi] = 1;
        }
      }
    }
  }
  const { classStart, byClass } = evaluationOrder(dt.score, dtIdx, groupFrom, K, I);
  return { dt: dtIdx, rank: Int32Array.from(evalRank), matched, ignored, classStart, byClass, truthCount };
}

/**
 * Per class, the evaluated detections by score descending; ties keep image order, then rank (a stable sort of
 * pycocotools' concatenation).
 */
function evaluationOrder(
  score: Float64Array,
  dtIdx: Int32Array,
  groupFrom: Int32Array,
  K: number,
  I: number,
): { classStart: Int32Array; byClass: Int32Array } {
  const classStart = new Int32Array(K + 1);
  const byClass = new Int32Array(dtIdx.length);
  for (let k = 0; k < K; k++) {
    const from = groupFrom[k * I],
      to = groupFrom[(k + 1) * I];
    classStart[k + 1] = to;
    const idx = Array.from({ length: to - from }, (_, j) => from + j);
    idx.sort((a, b) => score[dtIdx[b]] - score[dtIdx[a]] || a - b);
    byClass.set(idx, from);
  }
  return { classStart, byClass };
}
