/**
 * Mask IoU between detections and ground truths, as pycocotools' rleIou (maskApi.c): pairs whose
 * bounding boxes do not overlap are 0 without looking at the runs, pairs of different image sizes
 * are -1, and against a crowd ground truth the intersection is divided by the detection's area.
 */
import { BlindspotError } from "../../errors";
import { bboxInto, rleArea, runsMismatch, type Rle } from "./rle";

/**
 * IoU of every detection with every ground truth, row-major D x G: `out[d * gt.length + g]`
 * (pycocotools' `iou(dt, gt, iscrowd)` matrix; the C fills the transpose). `crowd[g]` non-zero
 * marks ground truth g as a crowd. Pass `out` (length >= D x G) to reuse a buffer.
 */
export function rleIou(
  dt: readonly Rle[],
  gt: readonly Rle[],
  crowd: ArrayLike<number>,
  out?: Float64Array,
): Float64Array {
  const D = dt.length,
    G = gt.length;
  if (crowd.length !== G)
    throw new BlindspotError({
      message: `rleIou needs one crowd flag per ground truth: got ${crowd.length} flags for ${G} ground truths`,
    });
  if (out && out.length < D * G)
    throw new BlindspotError({ message: `rleIou's output buffer holds ${out.length} values; ${D} x ${G} are needed` });
  const o = out ?? new Float64Array(D * G);
  if (D === 0 || G === 0) return o;
  const db = new Float64Array(4 * D),
    gb = new Float64Array(4 * G);
  const dArea = new Float64Array(D),
    gArea = new Float64Array(G);
  // Area of a well-formed mask, or -1 for one that needs maskApi.c's exact walk.
  for (let d = 0; d < D; d++) {
    bboxInto(dt[d], db, 4 * d);
    dArea[d] = wellFormedArea(dt[d]);
  }
  for (let g = 0; g < G; g++) {
    bboxInto(gt[g], gb, 4 * g);
    gArea[g] = wellFormedArea(gt[g]);
  }
  for (let d = 0; d < D; d++) {
    const a = dt[d];
    for (let g = 0; g < G; g++) {
      const isCrowd = !!crowd[g],
        b = gt[g];
      let v = 0;
      if (boxesOverlap(db, 4 * d, gb, 4 * g, isCrowd)) {
        if (a.h !== b.h || a.w !== b.w) v = -1;
        else if (dArea[d] >= 0 && gArea[g] >= 0) {
          const inter = intersection(a.counts, b.counts);
          v = inter === 0 ? 0 : inter / (isCrowd ? dArea[d] : dArea[d] + gArea[g] - inter);
        } else v = exactIou(a, b, isCrowd, d, g);
      }
      o[d * G + g] = v;
    }
  }
  return o;
}

/**
 * pycocotools' box IoU, used only to skip pairs: true where it is above 0. Kept whole (not just
 * the overlap test) so boxes from malformed masks, with wrapped sizes, are skipped alike.
 */
function boxesOverlap(db: Float64Array, i: number, gb: Float64Array, j: number, crowd: boolean): boolean {
  const w = Math.min(db[i + 2] + db[i], gb[j + 2] + gb[j]) - Math.max(db[i], gb[j]);
  if (w <= 0) return false;
  const h = Math.min(db[i + 3] + db[i + 1], gb[j + 3] + gb[j + 1]) - Math.max(db[i + 1], gb[j + 1]);
  if (h <= 0) return false;
  const inter = w * h,
    da = db[i + 2] * db[i + 3];
  return inter / (crowd ? da : da + gb[j + 2] * gb[j + 3] - inter) > 0;
}

/**
 * The area of a mask whose runs cover h x w (< 2^32) pixels and are all non-empty after the
 * first, or -1. For two such masks maskApi.c's walk amounts to a plain intersection and union.
 */
function wellFormedArea(r: Rle): number {
  const c = r.counts,
    n = r.h * r.w;
  if (n >= 2 ** 32) return -1;
  let sum = c.length ? c[0] : 0,
    area = 0;
  for (let j = 1; j < c.length; j++) {
    if (c[j] === 0) return -1;
    sum += c[j];
    if (j & 1) area += c[j];
  }
  return sum === n ? area : -1;
}

/** Pixels set in both masks: a merge of their runs of 1s by pixel position. */
function intersection(A: Uint32Array, B: Uint32Array): number {
  const ka = A.length,
    kb = B.length;
  let ia = 1,
    ib = 1,
    sa = A[0],
    sb = B[0],
    inter = 0;
  while (ia < ka && ib < kb) {
    const ea = sa + A[ia],
      eb = sb + B[ib];
    const lo = sa > sb ? sa : sb,
      hi = ea < eb ? ea : eb;
    if (hi > lo) inter += hi - lo;
    // The run that ends first is done; the next run of 1s starts after the run of 0s that follows.
    if (ea <= eb) {
      sa = ia + 1 < ka ? ea + A[ia + 1] : ea;
      ia += 2;
    } else {
      sb = ib + 1 < kb ? eb + B[ib + 1] : eb;
      ib += 2;
    }
  }
  return inter;
}

/**
 * maskApi.c's walk over both run sequences, step for step, for masks with empty runs or counts
 * that do not add up: it stops early where both current runs are empty, and sums in 32 bits.
 */
function exactIou(dtMask: Rle, gtMask: Rle, crowd: boolean, d: number, g: number): number {
  const A = dtMask.counts,
    B = gtMask.counts,
    ka = A.length,
    kb = B.length;
  let ca = A[0],
    cb = B[0],
    a = 1,
    b = 1,
    va = false,
    vb = false,
    inter = 0,
    union = 0;
  for (;;) {
    const c = ca < cb ? ca : cb;
    // Nothing left to step over in one sequence while the other has pixels: the C loops forever.
    if (c === 0 && ca + cb > 0 && ((ca === 0 && a >= ka) || (cb === 0 && b >= kb)))
      throw runsMismatch(`detection ${d}, ground truth ${g}`);
    if (va || vb) {
      union = (union + c) >>> 0;
      if (va && vb) inter = (inter + c) >>> 0;
    }
    ca -= c;
    if (ca === 0 && a < ka) {
      ca = A[a++];
      va = !va;
    }
    cb -= c;
    if (cb === 0 && b < kb) {
      cb = B[b++];
      vb = !vb;
    }
    if ((ca + cb) >>> 0 === 0) break;
  }
  if (inter === 0) return 0;
  return inter / (crowd ? rleArea(dtMask) : union);
}
