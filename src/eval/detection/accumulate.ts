import type { Matches } from "./match";
import type { CocoParams } from "./params";

/** pycocotools' `eval` arrays: -1 where a class has no counted ground truth. */
export interface Accumulated {
  /** [T][R][K][A][M], row-major: precision at each recall threshold. */
  precision: Float64Array;
  /** [T][K][A][M]: the highest recall reached. */
  recall: Float64Array;
  /** [T][R][K][A][M]: the detection score at each recall threshold. */
  scores: Float64Array;
  shape: { T: number; R: number; K: number; A: number; M: number };
}

/** numpy's spacing(1): pycocotools adds it to the denominator of precision. */
const EPS = 2.220446049250313e-16;

export interface AccumulateOptions {
  /**
   * How often each image counts: 0 or 1 for a slice, any number for a bootstrap resample; every image once when absent.
   */
  times?: Int32Array;
  /** Compute one area range and maxDets entry only (the rest stay -1), for fast repeated slices. */
  only?: { a: number; m: number };
}

/** pycocotools' `accumulate`, over all images or a multiset of them. */
export function accumulate(
  m: Matches,
  score: Float64Array,
  image: Int32Array,
  p: CocoParams,
  K: number,
  I: number,
  options: AccumulateOptions = {},
): Accumulated {
  const times = options.times ?? null,
    only = options.only;
  const T = p.iouThresholds.length,
    R = p.recallThresholds.length,
    A = p.areaRanges.length,
    M = p.maxDets.length;
  const precision = new Float64Array(T * R * K * A * M).fill(-1);
  const recall = new Float64Array(T * K * A * M).fill(-1);
  const scores = new Float64Array(T * R * K * A * M).fill(-1);
  let rc = new Float64Array(64),
    pr = new Float64Array(64),
    ss = new Float64Array(64);
  for (let k = 0; k < K; k++) {
    const from = m.classStart[k],
      to = m.classStart[k + 1];
    const capacity = capacityOf(m, image, from, to, times);
    if (capacity > rc.length) {
      rc = new Float64Array(capacity);
      pr = new Float64Array(capacity);
      ss = new Float64Array(capacity);
    }
    for (let a = 0; a < A; a++) {
      if (only && a !== only.a) continue;
      const counts = m.truthCount[a];
      let truth = 0;
      for (let i = 0; i < I; i++) truth += counts[k * I + i] * (times ? times[i] : 1);
      if (truth === 0) continue;
      const matched = m.matched[a],
        ignored = m.ignored[a];
      for (let mi = 0; mi < M; mi++) {
        if (only && mi !== only.m) continue;
        const maxDet = p.maxDets[mi];
        for (let t = 0; t < T; t++) {
          const bit = 1 << t;
          let tp = 0,
            fp = 0,
            nd = 0;
          for (let j = from; j < to; j++) {
            const e = m.byClass[j];
            if (m.rank[e] >= maxDet || ignored[e] & bit) continue;
            const d = m.dt[e];
            const copies = times ? times[image[d]] : 1;
            const hit = matched[e] & bit;
            for (let c = 0; c < copies; c++) {
              if (hit) tp++;
              else fp++;
              rc[nd] = tp / truth;
              pr[nd] = tp / (fp + tp + EPS);
              ss[nd] = score[d];
              nd++;
            }
          }
          const at = ((t * K + k) * A + a) * M + mi;
          recall[at] = nd ? rc[nd - 1] : 0;
          // Precision made non-increasing from the right, then read at each recall threshold.
          for (let i = nd - 1; i > 0; i--) if (pr[i] > pr[i - 1]) pr[i - 1] = pr[i];
          let j = 0;
          for (let r = 0; r < R; r++) {
            const thr = p.recallThresholds[r];
            while (j < nd && rc[j] < thr) j++;
            const cell = (((t * R + r) * K + k) * A + a) * M + mi;
            if (j === nd) {
              for (let rr = r; rr < R; rr++) {
                const c2 = (((t * R + rr) * K + k) * A + a) * M + mi;
                precision[c2] = 0;
                scores[c2] = 0;
              }
              break;
            }
            precision[cell] = pr[j];
            scores[cell] = ss[j];
          }
        }
      }
    }
  }
  return { precision, recall, scores, shape: { T, R, K, A, M } };
}

/** Points a class can produce: its evaluated detections, each as often as its image counts. */
function capacityOf(m: Matches, image: Int32Array, from: number, to: number, times: Int32Array | null): number {
  if (!times) return to - from;
  let n = 0;
  for (let j = from; j < to; j++) n += times[image[m.dt[m.byClass[j]]]];
  return n;
}
