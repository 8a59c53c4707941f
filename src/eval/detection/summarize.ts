import type { Accumulated } from "./accumulate";
import { AREA_ALL, type CocoParams } from "./params";

/** Names of the 12 summary statistics, in pycocotools' order. */
export const STAT_NAMES = [
  "AP",
  "AP50",
  "AP75",
  "AP_small",
  "AP_medium",
  "AP_large",
  "AR1",
  "AR10",
  "AR100",
  "AR_small",
  "AR_medium",
  "AR_large",
] as const;

/** pycocotools' `summarize()` for detection: the 12 numbers it prints, -1 where undefined. */
export function summarize(acc: Accumulated, p: CocoParams): number[] {
  const area = (name: string) => p.areaRanges.findIndex((r) => r.name === name);
  const last = p.maxDets.length - 1;
  const md = (n: number) => p.maxDets.indexOf(n);
  const thr = (v: number) => p.iouThresholds.indexOf(v);
  return [
    meanPrecision(acc, { a: area("all"), m: last }),
    meanPrecision(acc, { a: area("all"), m: last, t: thr(0.5) }),
    meanPrecision(acc, { a: area("all"), m: last, t: thr(0.75) }),
    meanPrecision(acc, { a: area("small"), m: last }),
    meanPrecision(acc, { a: area("medium"), m: last }),
    meanPrecision(acc, { a: area("large"), m: last }),
    meanRecall(acc, { a: area("all"), m: md(1) }),
    meanRecall(acc, { a: area("all"), m: md(10) }),
    meanRecall(acc, { a: area("all"), m: last }),
    meanRecall(acc, { a: area("small"), m: last }),
    meanRecall(acc, { a: area("medium"), m: last }),
    meanRecall(acc, { a: area("large"), m: last }),
  ];
}

interface Pick {
  a: number;
  m: number;
  t?: number;
  k?: number;
}

/** Mean of the defined (> -1) precisions over thresholds, recall points and classes (or one class). */
export function meanPrecision(acc: Accumulated, pick: Pick): number {
  const { T, R, K, A, M } = acc.shape;
  if (pick.a < 0 || pick.m < 0 || pick.t === -1) return -1;
  let sum = 0,
    n = 0;
  for (let t = 0; t < T; t++) {
    if (pick.t !== undefined && t !== pick.t) continue;
    for (let r = 0; r < R; r++) {
      for (let k = 0; k < K; k++) {
        if (pick.k !== undefined && k !== pick.k) continue;
        const v = acc.precision[(((t * R + r) * K + k) * A + pick.a) * M + pick.m];
        if (v > -1) {
          sum += v;
          n++;
        }
      }
    }
  }
  return n ? sum / n : -1;
}

/** Mean of the defined recalls over thresholds and classes (or one class). */
export function meanRecall(acc: Accumulated, pick: Pick): number {
  const { T, K, A, M } = acc.shape;
  if (pick.a < 0 || pick.m < 0) return -1;
  let sum = 0,
    n = 0;
  for (let t = 0; t < T; t++) {
    if (pick.t !== undefined && t !== pick.t) continue;
    for (let k = 0; k < K; k++) {
      if (pick.k !== undefined && k !== pick.k) continue;
      const v = acc.recall[((t * K + k) * A + pick.a) * M + pick.m];
      if (v > -1) {
        sum += v;
        n++;
      }
    }
  }
  return n ? sum / n : -1;
}

/** AP and AR of each class over all thresholds, area "all", the largest maxDets (-1 without ground truth). */
export function perClass(acc: Accumulated, p: CocoParams): { ap: Float64Array; ap50: Float64Array; ar: Float64Array } {
  const K = acc.shape.K,
    m = p.maxDets.length - 1;
  const t50 = p.iouThresholds.indexOf(0.5);
  const ap = new Float64Array(K),
    ap50 = new Float64Array(K),
    ar = new Float64Array(K);
  for (let k = 0; k < K; k++) {
    ap[k] = meanPrecision(acc, { a: AREA_ALL, m, k });
    ap50[k] = meanPrecision(acc, { a: AREA_ALL, m, k, t: t50 });
    ar[k] = meanRecall(acc, { a: AREA_ALL, m, k });
  }
  return { ap, ap50, ar };
}
