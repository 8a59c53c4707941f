/**
 * Turns accepted label-issue suggestions into a new ground-truth field, the original kept: for a
 * detection field a copy of its boxes with each accepted swap relabelled to the suggested class,
 * each accepted bad location or loose box moved to the suggested box, and each accepted overlooked prediction
 * added as a label; for a classification field a copy of its labels with each accepted suggestion
 * in place. The suggestions are those labelIssues / boxLabelIssues wrote (`suggested_label`,
 * `label_issue_fix`); every change is listed.
 */

import * as aq from "arquero";
import type { ColumnTable } from "arquero";
import { values } from "../../dataset/columns";
import type { Dataset } from "../../dataset/dataset";
import { GROUND_TRUTH, OBJECT_COLUMNS } from "../../dataset/schema";
import { BlindspotError } from "../../errors";

/** One decision on a suggestion: on a box (its object id) or on a sample's class (its sample id). */
export interface ReviewDecision {
  kind: "object" | "sample";
  id: string | number;
  decision: "accept" | "reject";
  issue: string;
}

export interface CorrectionOptions {
  /** The decisions (in a notebook, `reviewDecisions(ds)` reads those made in the large view). */
  from: Iterable<ReviewDecision>;
  /** The label field corrected (default ground_truth). */
  labelField?: string;
  /** The new field (default `<labelField>_reviewed`). */
  field?: string;
}

export interface Corrections {
  field: string;
  /** sample_id, object_id (the box decided on; null for a sample's class), issue_type, label_before, label_after, box_before, box_after ([x, y, w, h]), new_object_id. */
  changes: ColumnTable;
  summary: { accepted: number; rejected: number; applied: number; skipped: string[] };
}

const PLACE = "applyCorrections";

export function applyCorrections(ds: Dataset, options: CorrectionOptions): Corrections {
  const labelField = options.labelField ?? GROUND_TRUTH;
  const info = ds.fields.find((f) => f.name === labelField);
  if (!info) {
    throw new BlindspotError({
      place: `${PLACE}: labelField`,
      message: `no label field ${JSON.stringify(labelField)}`,
      hint: `label fields: ${ds.fields.map((f) => f.name).join(", ") || "none"}`,
    });
  }
  const field = options.field ?? `${labelField}_reviewed`;
  if (ds.fields.some((f) => f.name === field) || ds.samples.columnNames().includes(field)) {
    throw new BlindspotError({
      place: `${PLACE}: field`,
      message: `the dataset already has a field ${JSON.stringify(field)}`,
      hint: "name another field for the corrected labels with { field }",
    });
  }
  const all = [...options.from];
  const accepted = all.filter((d) => d.decision === "accept");
  const result =
    info.kind === "detections"
      ? correctBoxes(ds, labelField, field, accepted)
      : correctClasses(ds, labelField, field, accepted);
  return {
    field,
    changes: result.changes,
    summary: {
      accepted: accepted.length,
      rejected: all.length - accepted.length,
      applied: result.changes.numRows(),
      skipped: result.skipped,
    },
  };
}

type Box = [number, number, number, number];

interface Change {
  sample_id: string;
  object_id: number | null;
  issue_type: string;
  label_before: string | null;
  label_after: string;
  box_before: Box | null;
  box_after: Box | null;
  new_object_id: number | null;
}

function changesTable(changes: Change[]): ColumnTable {
  const column = <K extends keyof Change>(k: K) => changes.map((c) => c[k]);
  return aq.table({
    sample_id: column("sample_id"),
    object_id: column("object_id"),
    issue_type: column("issue_type"),
    label_before: column("label_before"),
    label_after: column("label_after"),
    box_before: column("box_before"),
    box_after: column("box_after"),
    new_object_id: column("new_object_id"),
  });
}

function correctBoxes(ds: Dataset, labelField: string, field: string, accepted: ReviewDecision[]) {
  const t = ds.objects;
  const col = <T>(name: string) => values<T>(t, name);
  const ids = col<number>("id"),
    fields = col<string>("field"),
    sampleIds = col<string>("sample_id");
  const labels = col<string>("label");
  const [x, y, w, h] = ["x", "y", "w", "h"].map((c) => col<number>(c));
  const fixes = t.columnNames().includes("label_issue_fix") ? col<number | null>("label_issue_fix") : null;
  const rowOf = new Map(Array.from(ids, (id, r) => [id, r]));
  const boxAt = (r: number): Box => [x[r], y[r], w[r], h[r]];

  // The copy: every box of the label field, then each accepted overlooked prediction.
  const copied: number[] = [];
  for (let r = 0; r < t.numRows(); r++) if (fields[r] === labelField) copied.push(r);
  const copyOf = new Map(copied.map((r, k) => [r, k]));
  const newLabels = copied.map((r) => labels[r]);
  const newBoxes = copied.map(boxAt);
  let nextId = 0;
  for (const id of ids) nextId = Math.max(nextId, id + 1);
  const newIds = copied.map(() => nextId++);
  const changes: Change[] = [];
  const skipped: string[] = [];
  for (const d of accepted) {
    if (d.kind !== "object") {
      skipped.push(`sample ${d.id}: a class decision, and ${labelField} holds boxes`);
      continue;
    }
    const r = rowOf.get(Number(d.id));
    if (r === undefined) {
      skipped.push(`object ${d.id}: not in the dataset`);
      continue;
    }
    if (fields[r] !== labelField) {
      // An overlooked object: the prediction becomes a label.
      copied.push(r);
      newLabels.push(labels[r]);
      newBoxes.push(boxAt(r));
      newIds.push(nextId);
      changes.push({
        sample_id: sampleIds[r],
        object_id: ids[r],
        issue_type: d.issue,
        label_before: null,
        label_after: labels[r],
        box_before: null,
        box_after: boxAt(r),
        new_object_id: nextId++,
      });
      continue;
    }
    const fix = fixes?.[r];
    const f = fix == null ? undefined : rowOf.get(fix);
    if (f === undefined) {
      skipped.push(`object ${d.id}: no suggested correction (run boxLabelIssues first)`);
      continue;
    }
    const k = copyOf.get(r)!;
    const swap = d.issue === "swap";
    if (swap) newLabels[k] = labels[f];
    else newBoxes[k] = boxAt(f);
    changes.push({
      sample_id: sampleIds[r],
      object_id: ids[r],
      issue_type: d.issue,
      label_before: labels[r],
      label_after: newLabels[k],
      box_before: boxAt(r),
      box_after: newBoxes[k],
      new_object_id: newIds[k],
    });
  }
  const core = OBJECT_COLUMNS.filter((c) => t.columnNames().includes(c));
  const copy = t
    .select(...core)
    .reify(copied)
    .assign(
      aq.table({
        id: newIds,
        field: copied.map(() => field),
        label: newLabels,
        x: newBoxes.map((b) => b[0]),
        y: newBoxes.map((b) => b[1]),
        w: newBoxes.map((b) => b[2]),
        h: newBoxes.map((b) => b[3]),
        confidence: copied.map(() => null),
      }),
    );
  ds.objects = t.concat(copy);
  ds.fields.push({ name: field, kind: "detections", predicted: false });
  return { changes: changesTable(changes), skipped };
}

function correctClasses(ds: Dataset, labelField: string, field: string, accepted: ReviewDecision[]) {
  const ids = values<string>(ds.samples, "id");
  const given = values<string | null>(ds.samples, labelField);
  const suggested = ds.samples.columnNames().includes("suggested_label")
    ? values<string | null>(ds.samples, "suggested_label")
    : null;
  const rowOf = new Map(Array.from(ids, (id, r) => [id, r]));
  const labels = Array.from(given);
  const changes: Change[] = [];
  const skipped: string[] = [];
  for (const d of accepted) {
    const r = d.kind === "sample" ? rowOf.get(String(d.id)) : undefined;
    const to = r === undefined ? null : suggested?.[r];
    if (r === undefined || to == null) {
      skipped.push(`${d.kind} ${d.id}: no suggested label (run labelIssues first)`);
      continue;
    }
    labels[r] = to;
    changes.push({
      sample_id: ids[r],
      object_id: null,
      issue_type: d.issue,
      label_before: given[r],
      label_after: to,
      box_before: null,
      box_after: null,
      new_object_id: null,
    });
  }
  const info = ds.fields.find((f) => f.name === labelField)!;
  ds.samples = ds.samples.assign(aq.table({ [field]: labels }));
  ds.fields.push({
    name: field,
    kind: "classification",
    predicted: false,
    ...(info.classes && { classes: info.classes }),
  });
  return { changes: changesTable(changes), skipped };
}
