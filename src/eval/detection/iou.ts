import type { DetectionData } from "./data";
import { boxIou } from "../../geometry/boxIou";
import { rleIou } from "../../geometry/mask";

/**
 * IoU of detections (rows) with ground truth (columns), `out[d * G + g]`, by box or by mask as
 * the evaluation asks; against a crowd region the union is the detection's own area (COCO).
 */
export function iouMatrix(
  data: DetectionData,
  dtIdx: ArrayLike<number>,
  gtIdx: ArrayLike<number>,
  out: Float64Array,
): void {
  const { gt, dt } = data;
  if (data.iouType === "segm") {
    const crowd = Uint8Array.from(gtIdx, (k) => gt.crowd[k]);
    rleIou(
      Array.from(dtIdx, (k) => dt.masks![k]),
      Array.from(gtIdx, (k) => gt.masks![k]),
      crowd,
      out,
    );
    return;
  }
  boxIou(dt.box, dtIdx, gt.box, gtIdx, gt.crowd, out);
}
