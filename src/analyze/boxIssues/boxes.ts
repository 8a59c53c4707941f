import type { Dataset } from "../../dataset/dataset";
import { BlindspotError } from "../../errors";
import { detectionData, type ObjectSet } from "../../eval/detection/data";

/** One side (labels or predictions) of every image, grouped by image: image i holds `start[i] .. start[i + 1]`. */
export interface BoxSide {
  start: Int32Array;
  /** x1, y1, x2, y2 per box (cleanlab's corner layout). */
  corners: Float64Array;
  cls: Int32Array;
  /** Predicted probability (predictions), 0 for labels. */
  prob: Float64Array;
  /** Row in `dataset.objects`. */
  objectRow: Int32Array;
}

export interface ImageBoxes {
  /** Sample row of each image. */
  sampleRows: Int32Array;
  classes: string[];
  labels: BoxSide;
  /** Within an image, by class, then in the objects table's order (the order cleanlab's per-class arrays give). */
  predictions: BoxSide;
  /** Crowd regions left out of the labels (they are not one object each). */
  crowd: number;
  warnings: string[];
}

/**
 * A detection field's labels and a prediction field's boxes, per image, as cleanlab's object-detection
 * module takes them. Refuses what it would misread: unknown classes, missing or non-finite
 * coordinates, and scores outside [0, 1] (they are read as the probability of the predicted class).
 */
export function imageBoxes(ds: Dataset, labelField: string, predictionField: string, place: string): ImageBoxes {
  const data = detectionData(ds, { gt: labelField, pred: predictionField, iouType: "bbox", classwise: true });
  const images = data.sampleRows.length;
  const K = data.classes.length;
  const outside: number[] = [];
  for (let k = 0; k < data.dt.n; k++) if (!(data.dt.score[k] <= 1)) outside.push(k);
  if (outside.length) {
    const objectIds = ds.objects.array("id") as ArrayLike<number>;
    throw new BlindspotError({
      place: `${place}: ${predictionField}`,
      message: `${outside.length} predictions have a confidence above 1 (e.g. object ${objectIds[data.dt.objectRow[outside[0]]]}: ${data.dt.score[outside[0]]})`,
      hint: "label issues read each prediction's confidence as the probability of its class: give scores in [0, 1]",
    });
  }
  // Labels: each image's boxes in the objects table's order (crowd regions out).
  let crowd = 0;
  const labelOrder: number[] = [];
  const labelsByImage: number[][] = Array.from({ length: images }, () => []);
  for (let k = 0; k < data.gt.n; k++) {
    if (data.gt.crowd[k]) crowd++;
    else labelsByImage[data.gt.image[k]].push(k);
  }
  const labelStart = new Int32Array(images + 1);
  for (let i = 0; i < images; i++) {
    labelsByImage[i].sort((a, b) => data.gt.objectRow[a] - data.gt.objectRow[b]);
    labelOrder.push(...labelsByImage[i]);
    labelStart[i + 1] = labelOrder.length;
  }
  // Predictions: grouped by (class, image) already; read them image by image, class by class.
  const predOrder: number[] = [];
  const predStart = new Int32Array(images + 1);
  for (let i = 0; i < images; i++) {
    for (let c = 0; c < K; c++) {
      const g = c * images + i;
      for (let j = data.dt.start[g]; j < data.dt.start[g + 1]; j++) predOrder.push(data.dt.order[j]);
    }
    predStart[i + 1] = predOrder.length;
  }
  return {
    sampleRows: data.sampleRows,
    classes: data.classes,
    labels: side(data.gt, labelOrder, labelStart),
    predictions: side(data.dt, predOrder, predStart),
    crowd,
    warnings: data.warnings,
  };
}

function side(set: ObjectSet, order: number[], start: Int32Array): BoxSide {
  const n = order.length;
  const s: BoxSide = {
    start,
    corners: new Float64Array(n * 4),
    cls: new Int32Array(n),
    prob: new Float64Array(n),
    objectRow: new Int32Array(n),
  };
  order.forEach((k, j) => {
    const x = set.box[k * 4],
      y = set.box[k * 4 + 1];
    s.corners[j * 4] = x;
    s.corners[j * 4 + 1] = y;
    s.corners[j * 4 + 2] = x + set.box[k * 4 + 2];
    s.corners[j * 4 + 3] = y + set.box[k * 4 + 3];
    s.cls[j] = set.cls[k];
    s.prob[j] = set.score[k];
    s.objectRow[j] = set.objectRow[k];
  });
  return s;
}
