import type { Dataset } from "../../dataset/dataset";
import { values } from "../../dataset/columns";
import { checkField } from "../../dataset/fieldCheck";
import { GROUND_TRUTH, type FieldInfo } from "../../dataset/schema";
import { BlindspotError } from "../../errors";

/** Sample fields that `computeQuality` writes for duplicate sets; a split keeps each set whole. */
export const DUPLICATE_FIELDS = ["quality_exact_duplicate_group", "quality_near_duplicate_group"] as const;

/** Each sample's labels: sample i has labels[start[i] .. start[i+1]-1] (indices into `names`), each once. */
export interface SampleLabels {
  field: string;
  kind: FieldInfo["kind"];
  names: string[];
  start: Int32Array;
  labels: Int32Array;
}

/** A classification sample without a label is stratified as a class of its own, named so. */
export const NO_LABEL = "(no label)";

/** The label field `stratify` names (true: the ground truth), or null when `required` is false and there is none. */
export function labelField(ds: Dataset, stratify: true | string, required: boolean): FieldInfo | null {
  const names = ds.fields.map((f) => f.name);
  if (typeof stratify === "string")
    return ds.fields[names.indexOf(checkField(stratify, names, "stratify", "label field"))];
  const truth = ds.fields.filter((f) => !f.predicted);
  const found = truth.find((f) => f.name === GROUND_TRUTH) ?? truth[0] ?? null;
  if (!found && required)
    throw new BlindspotError({
      place: "stratify",
      message: "the dataset has no ground-truth label field to stratify by",
      hint: names.length ? `name a label field: stratify: "${names[0]}"` : "load labels, or split without stratify",
    });
  return found;
}

/**
 * The labels of samples `rows` (indices into the samples table): a classification field's class,
 * or the distinct classes of a detection field's boxes.
 */
export function sampleLabels(ds: Dataset, field: FieldInfo, rows: Int32Array): SampleLabels {
  const names: string[] = [];
  const index = new Map<string, number>();
  const idOf = (name: string) => {
    let i = index.get(name);
    if (i === undefined) index.set(name, (i = names.push(name) - 1));
    return i;
  };
  const start = new Int32Array(rows.length + 1);
  if (field.kind === "classification") {
    const column = values<string | null>(ds.samples, field.name);
    const labels = new Int32Array(rows.length);
    for (let r = 0; r < rows.length; r++) {
      labels[r] = idOf(column[rows[r]] ?? NO_LABEL);
      start[r + 1] = r + 1;
    }
    return { field: field.name, kind: field.kind, names, start, labels };
  }
  const rowOfId = new Map<string, number>();
  const ids = values<string>(ds.samples, "id");
  for (let r = 0; r < rows.length; r++) rowOfId.set(ids[rows[r]], r);
  const perRow: Set<number>[] = Array.from({ length: rows.length }, () => new Set<number>());
  const sampleIds = values<string>(ds.objects, "sample_id");
  const fields = values<string>(ds.objects, "field");
  const boxLabels = values<string>(ds.objects, "label");
  for (let o = 0; o < sampleIds.length; o++) {
    if (fields[o] !== field.name) continue;
    const r = rowOfId.get(sampleIds[o]);
    if (r !== undefined) perRow[r].add(idOf(String(boxLabels[o])));
  }
  const labels: number[] = [];
  for (let r = 0; r < rows.length; r++) {
    for (const l of perRow[r]) labels.push(l);
    start[r + 1] = labels.length;
  }
  return { field: field.name, kind: field.kind, names, start, labels: Int32Array.from(labels) };
}

/** Times in ms (or plain numbers) of a time field; NaN where a value is missing or cannot be read as a time. */
export function parseTimes(column: ArrayLike<unknown>): Float64Array {
  const out = new Float64Array(column.length);
  for (let i = 0; i < column.length; i++) out[i] = parseTime(column[i]);
  return out;
}

function parseTime(v: unknown): number {
  if (typeof v === "number") return v;
  if (typeof v === "bigint") return Number(v);
  if (v instanceof Date) return v.getTime();
  if (typeof v !== "string" || v.trim() === "") return NaN;
  const n = Number(v);
  return Number.isFinite(n) ? n : Date.parse(v);
}
