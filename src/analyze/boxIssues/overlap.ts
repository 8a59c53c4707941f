import type { ImageBoxes } from "./boxes";

/** cleanlab's constants for the similarity of two boxes (cleanlab/internal/constants.py). */
const EPSILON = 1e-6;
const EUC_FACTOR = 0.1;

/**
 * IoU of two x1, y1, x2, y2 boxes as cleanlab computes it: touching boxes overlap by 0, the union
 * is kept above 1e-6.
 */
export function boxIou(a: ArrayLike<number>, i: number, b: ArrayLike<number>, j: number): number {
  const left = Math.max(a[i], b[j]),
    top = Math.max(a[i + 1], b[j + 1]);
  const right = Math.min(a[i + 2], b[j + 2]),
    bottom = Math.min(a[i + 3], b[j + 3]);
  if (right < left || bottom < top) return 0;
  const inter = (right - left) * (bottom - top);
  const areaA = (a[i + 2] - a[i]) * (a[i + 3] - a[i + 1]);
  const areaB = (b[j + 2] - b[j]) * (b[j + 3] - b[j + 1]);
  return inter / Math.max(areaA + areaB - inter, EPSILON);
}

/** exp(-0.1 x the distance between the boxes' centres): 1 for concentric boxes, towards 0 far apart. */
function closeness(a: ArrayLike<number>, i: number, b: ArrayLike<number>, j: number): number {
  const dx = (a[i] + a[i + 2]) / 2 - (b[j] + b[j + 2]) / 2;
  const dy = (a[i + 1] + a[i + 3]) / 2 - (b[j + 1] + b[j + 3]) / 2;
  return Math.exp(-Math.sqrt(dx * dx + dy * dy) * EUC_FACTOR);
}

/** Every label box against every predicted box of its image: IoU and similarity, label-major per image. */
export interface Overlaps {
  /** Image i's L x M block starts at `offset[i]`. */
  offset: Int32Array;
  iou: Float64Array;
  similarity: Float64Array;
  /** The smallest non-zero similarity in the whole dataset (1 when there is none). */
  minSimilarity: number;
}

/**
 * ObjectLab's similarity, alpha x IoU + (1 - alpha) x closeness, for all pairs of an image's label
 * and predicted boxes, written with cleanlab's operations (closeness as 1 - (1 - closeness)) so the
 * values agree to the last bit where they can.
 */
export function overlaps(boxes: ImageBoxes, alpha: number): Overlaps {
  const { labels, predictions } = boxes;
  const images = boxes.sampleRows.length;
  const offset = new Int32Array(images + 1);
  for (let i = 0; i < images; i++) {
    const l = labels.start[i + 1] - labels.start[i],
      m = predictions.start[i + 1] - predictions.start[i];
    offset[i + 1] = offset[i] + l * m;
  }
  const iou = new Float64Array(offset[images]),
    similarity = new Float64Array(offset[images]);
  let minSimilarity = 1;
  for (let i = 0; i < images; i++) {
    let at = offset[i];
    for (let a = labels.start[i]; a < labels.start[i + 1]; a++) {
      for (let b = predictions.start[i]; b < predictions.start[i + 1]; b++, at++) {
        const o = boxIou(labels.corners, a * 4, predictions.corners, b * 4);
        const distance = 1 - closeness(labels.corners, a * 4, predictions.corners, b * 4);
        const s = o * alpha + (1 - alpha) * (1 - distance);
        iou[at] = o;
        similarity[at] = s;
        if (s !== 0 && s < minSimilarity) minSimilarity = s;
      }
    }
  }
  return { offset, iou, similarity, minSimilarity };
}
