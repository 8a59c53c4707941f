/**
 * The binary rows fairness compares, from either input: a dataset's classification fields (one row
 * per sample, one problem per positive class) or a detection evaluation's matched outcomes (one row
 * per ground-truth object, true and found or missed, and one per unmatched prediction, false and
 * predicted: a group's true positive rate is its recall, its precision the detector's precision).
 */

import { values } from "../../dataset/columns";
import type { Dataset } from "../../dataset/dataset";
import { checkField } from "../../dataset/fieldCheck";
import { BlindspotError } from "../../errors";
import type { DetectionEvaluation } from "../../eval/detection";

export interface BinaryProblem {
  /** The class counted positive ("object" for detection). */
  positive: string;
  truth: Uint8Array;
  predicted: Uint8Array;
}

export interface FairnessRows {
  kind: "classification" | "detection";
  rows: number;
  problems: BinaryProblem[];
  /** A field's value per row (sample fields; for detection also `label`, the object's class). */
  column(field: string, place: string): ArrayLike<unknown>;
}

const PLACE = "fairness";

/** One row per sample: `truth` and `prediction` label fields, each class of `positive` in turn. */
export function classificationRows(
  ds: Dataset,
  truthField: string,
  predictionField: string,
  positive: string | string[] | undefined,
): FairnessRows {
  const fields = ds.samples.columnNames();
  const truth = values<unknown>(ds.samples, checkField(truthField, fields, `${PLACE}: truth`));
  const predicted = values<unknown>(ds.samples, checkField(predictionField, fields, `${PLACE}: prediction`));
  const n = ds.count();
  // Labels as codes into one list of names (-1: none), so that each positive class is a pass over integers.
  const names: string[] = [];
  const index = new Map<string, number>();
  const code = (column: ArrayLike<unknown>) =>
    Int32Array.from({ length: n }, (_, r) => {
      const v = column[r];
      if (v === null || v === undefined) return -1;
      const name = String(v);
      let i = index.get(name);
      if (i === undefined) index.set(name, (i = names.push(name) - 1));
      return i;
    });
  const truthCode = code(truth),
    predictedCode = code(predicted);
  const missing = truthCode.findIndex((c, r) => c < 0 || predictedCode[r] < 0);
  if (missing >= 0)
    throw new BlindspotError({
      place: `${PLACE}: ${truthCode[missing] < 0 ? truthField : predictionField}`,
      message: `${truthCode.filter((c, r) => c < 0 || predictedCode[r] < 0).length} samples have no label (e.g. sample ${String(ds.samples.get("id", missing))})`,
      hint: "fairness compares every sample's true and predicted label: filter the dataset to labelled samples first",
    });
  const classes = [...names].sort();
  const binary = classes.every((c) => c === "0" || c === "1") || classes.every((c) => c === "false" || c === "true");
  const positives =
    positive === undefined ? (binary ? [classes.includes("1") ? "1" : "true"] : classes) : [positive].flat();
  for (const p of positives)
    if (!index.has(p))
      throw new BlindspotError({
        place: `${PLACE}: positive`,
        message: `no sample has the label ${JSON.stringify(p)} in ${truthField} or ${predictionField}`,
        hint: `labels are: ${classes.join(", ")}`,
      });
  return {
    kind: "classification",
    rows: n,
    problems: positives.map((p) => {
      const k = index.get(p)!;
      return {
        positive: p,
        truth: Uint8Array.from(truthCode, (c) => (c === k ? 1 : 0)),
        predicted: Uint8Array.from(predictedCode, (c) => (c === k ? 1 : 0)),
      };
    }),
    column: (field, place) => values<unknown>(ds.samples, checkField(field, fields, place)),
  };
}

/** One row per ground-truth object (found or missed) and per unmatched prediction, of an evaluation's outcomes. */
export function detectionRows(ev: DetectionEvaluation): FairnessRows {
  const ds = ev.dataset;
  const objects = ds.objects;
  if (!objects.columnNames().includes(ev.key))
    throw new BlindspotError({
      place: `${PLACE}: ${ev.key}`,
      message: "the evaluation's outcomes are not on the dataset's objects",
      hint: "pass the evaluation evaluateDetections returned for this dataset",
    });
  const field = values<string>(objects, "field");
  const outcome = values<string | null>(objects, ev.key);
  const crowd = objects.columnNames().includes("iscrowd") ? values<unknown>(objects, "iscrowd") : null;
  const rows: number[] = [];
  for (let r = 0; r < objects.numRows(); r++) {
    if (crowd?.[r]) continue;
    if (field[r] === ev.gt && (outcome[r] === "tp" || outcome[r] === "fn")) rows.push(r);
    else if (field[r] === ev.field && outcome[r] === "fp") rows.push(r);
  }
  const sampleRowOf = new Map(Array.from(values<string>(ds.samples, "id"), (id, r) => [id, r]));
  const sampleIds = values<string>(objects, "sample_id");
  const sampleRow = Int32Array.from(rows, (r) => sampleRowOf.get(sampleIds[r])!);
  const sampleFields = ds.samples.columnNames();
  const labels = values<string>(objects, "label");
  return {
    kind: "detection",
    rows: rows.length,
    problems: [
      {
        positive: "object",
        truth: Uint8Array.from(rows, (r) => (field[r] === ev.gt ? 1 : 0)),
        predicted: Uint8Array.from(rows, (r) => (outcome[r] === "fn" ? 0 : 1)),
      },
    ],
    column: (name, place) => {
      if (name === "label") return rows.map((r) => labels[r]);
      const column = values<unknown>(ds.samples, checkField(name, [...sampleFields, "label"], place));
      return Array.from(sampleRow, (s) => column[s]);
    },
  };
}
