/**
 * The scored rows that calibration and confident errors are about: a detector's predictions (score,
 * matched or not, and for the unmatched ones what they hit instead) or a classifier's samples
 * (top-1 confidence, right or wrong).
 */

import { values } from "../../dataset/columns";
import type { Dataset } from "../../dataset/dataset";
import { BlindspotError } from "../../errors";
import type { ClassificationEvaluation } from "../../eval/classification";
import type { DetectionEvaluation } from "../../eval/detection";
import { boxIou } from "../../geometry/boxIou";

/** What an unmatched prediction hit: another class's object, its own object again, part of one, or nothing. */
export type ErrorKind = "wrong class" | "duplicate" | "mislocated" | "background" | "wrong label";

export interface ScoredRows {
  kind: "detection" | "classification";
  /** Object ids (detection) or sample ids (classification). */
  ids: (number | string)[];
  sampleRow: Int32Array;
  score: Float64Array;
  right: Uint8Array;
  /** The predicted label. */
  label: string[];
  /** For wrong rows: what the error is, and the label of the truth it hit (null: none). */
  error: (ErrorKind | null)[];
  truth: (string | null)[];
}

/** Below this IoU with every true box, an unmatched prediction is on background. */
const BACKGROUND_IOU = 0.1;

export function detectionRows(ev: DetectionEvaluation): ScoredRows {
  const ds = ev.dataset;
  const o = ds.objects;
  if (!o.columnNames().includes(ev.key))
    throw new BlindspotError({
      place: `overconfidence: ${ev.key}`,
      message: "the evaluation's outcomes are not on the dataset's objects",
      hint: "pass the evaluation evaluateDetections returned for this dataset",
    });
  const col = <T>(c: string) => values<T>(o, c);
  const field = col<string>("field"),
    outcome = col<string | null>(ev.key),
    sampleId = col<string>("sample_id"),
    label = col<string>("label"),
    id = col<number>("id"),
    score = col<number | null>("confidence");
  const box = new Float64Array(o.numRows() * 4);
  (["x", "y", "w", "h"] as const).forEach((c, k) => {
    const v = col<number>(c);
    for (let r = 0; r < v.length; r++) box[r * 4 + k] = v[r];
  });
  const sampleRowOf = sampleRows(ds);
  const truthOf = new Map<string, number[]>();
  const predictions: number[] = [];
  for (let r = 0; r < o.numRows(); r++) {
    if (field[r] === ev.gt) {
      const list = truthOf.get(sampleId[r]) ?? [];
      list.push(r);
      truthOf.set(sampleId[r], list);
    } else if (field[r] === ev.field && (outcome[r] === "tp" || outcome[r] === "fp")) predictions.push(r);
  }
  const rows: ScoredRows = {
    kind: "detection",
    ids: predictions.map((r) => id[r]),
    sampleRow: Int32Array.from(predictions, (r) => sampleRowOf.get(sampleId[r])!),
    score: Float64Array.from(predictions, (r) => score[r] ?? NaN),
    right: Uint8Array.from(predictions, (r) => (outcome[r] === "tp" ? 1 : 0)),
    label: predictions.map((r) => label[r]),
    error: [],
    truth: [],
  };
  const iou = new Float64Array(1);
  const noCrowd = new Uint8Array(o.numRows());
  for (const r of predictions) {
    if (outcome[r] === "tp") {
      rows.error.push(null);
      rows.truth.push(label[r]);
      continue;
    }
    // The true box this prediction overlaps most, and whether it is of the predicted class.
    let best = -1,
      bestIou = 0;
    for (const g of truthOf.get(sampleId[r]) ?? []) {
      boxIou(box, [r], box, [g], noCrowd, iou);
      if (iou[0] > bestIou) [best, bestIou] = [g, iou[0]];
    }
    rows.truth.push(best >= 0 && bestIou >= BACKGROUND_IOU ? label[best] : null);
    rows.error.push(
      bestIou < BACKGROUND_IOU
        ? "background"
        : bestIou < ev.iou
          ? "mislocated"
          : label[best] === label[r]
            ? "duplicate"
            : "wrong class",
    );
  }
  return rows;
}

export function classificationRows(ev: ClassificationEvaluation): ScoredRows {
  const ds = ev.dataset;
  const names = ds.samples.columnNames();
  const truth = values<string | null>(ds.samples, ev.gt),
    predicted = values<string | null>(ds.samples, ev.pred),
    ids = values<string>(ds.samples, "id");
  const confidence = confidenceOf(ds, ev.pred, names);
  const rows: number[] = [];
  for (let r = 0; r < ds.count(); r++)
    if (truth[r] != null && predicted[r] != null && Number.isFinite(confidence[r])) rows.push(r);
  return {
    kind: "classification",
    ids: rows.map((r) => ids[r]),
    sampleRow: Int32Array.from(rows),
    score: Float64Array.from(rows, (r) => confidence[r]),
    right: Uint8Array.from(rows, (r) => (truth[r] === predicted[r] ? 1 : 0)),
    label: rows.map((r) => String(predicted[r])),
    error: rows.map((r) => (truth[r] === predicted[r] ? null : "wrong label")),
    truth: rows.map((r) => String(truth[r])),
  };
}

/** Each sample's confidence: `<pred>_confidence`, else the highest of `<pred>_probs` (NaN: neither). */
function confidenceOf(ds: Dataset, pred: string, names: string[]): Float64Array {
  const given = names.includes(`${pred}_confidence`) ? values<number | null>(ds.samples, `${pred}_confidence`) : null;
  const probs = names.includes(`${pred}_probs`) ? values<ArrayLike<number> | null>(ds.samples, `${pred}_probs`) : null;
  if (!given && !probs)
    throw new BlindspotError({
      place: `overconfidence: ${pred}`,
      message: "the predictions have no confidence",
      hint: `load the predictions with their probabilities or a ${pred}_confidence column`,
    });
  return Float64Array.from({ length: ds.count() }, (_, r) => {
    if (typeof given?.[r] === "number") return given[r] as number;
    const p = probs?.[r];
    return p && p.length ? Math.max(...Array.from(p)) : NaN;
  });
}

export function sampleRows(ds: Dataset): Map<string, number> {
  return new Map(Array.from(values<string>(ds.samples, "id"), (id, r) => [id, r]));
}
