import type { Dataset } from "../dataset/dataset";
import { values } from "../dataset/columns";
import { checkField } from "../dataset/fieldCheck";
import { GROUND_TRUTH, type FieldInfo } from "../dataset/schema";
import { BlindspotError } from "../errors";

/**
 * The class of every labelled unit of one label field, as codes: for a detection field one row
 * per box of that field (unit "objects"), for a classification field one row per sample with a
 * label (unit "samples"). Classes are in class-index order: the field's `classes` when it has
 * them, else the dataset's categories by id, then labels found outside those, sorted.
 */
export interface ClassLabels {
  field: FieldInfo;
  unit: "objects" | "samples";
  classes: string[];
  /** Class index of each row. */
  codes: Int32Array;
  /** The sample row (in ds.samples) of each row. */
  sampleRows: Int32Array;
  /** Row of each unit in its table (objects or samples), for reading other columns. */
  tableRows: Int32Array;
}

/**
 * Checks the dataset and the label field a class analysis needs (`place` names the function in
 * errors): samples present, a label field (default: ground_truth, else the only ground-truth
 * field), and at least one label in it.
 */
export function classLabels(ds: Dataset, labelField: string | undefined, place: string): ClassLabels {
  if (ds.samples.numRows() === 0) {
    throw new BlindspotError({
      place,
      message: `the dataset ${JSON.stringify(ds.name)} has no samples`,
      hint: "load a dataset with images and labels first",
    });
  }
  const field = pickField(ds, labelField, place);
  const rows = field.kind === "detections" ? objectRows(ds, field.name) : sampleRows(ds, field.name);
  if (rows.codes.length === 0) {
    throw new BlindspotError({
      place: `${place}: ${field.name}`,
      message: `the label field ${JSON.stringify(field.name)} holds no labels`,
      hint: "load or add labels to that field, or pass another labelField",
    });
  }
  const classes = classOrder(ds, field, rows.names);
  const remap = Int32Array.from(rows.names, (n) => classes.indexOf(n));
  const codes = rows.codes;
  for (let i = 0; i < codes.length; i++) codes[i] = remap[codes[i]];
  return {
    field,
    unit: field.kind === "detections" ? "objects" : "samples",
    classes,
    codes,
    sampleRows: rows.sampleRows,
    tableRows: rows.tableRows,
  };
}

function pickField(ds: Dataset, name: string | undefined, place: string): FieldInfo {
  if (!ds.fields.length) {
    throw new BlindspotError({
      place,
      message: `the dataset ${JSON.stringify(ds.name)} has no label field, so it has no classes to count`,
      hint: "load the dataset with its labels (detections or classification)",
    });
  }
  if (name !== undefined) {
    const chosen = checkField(
      name,
      ds.fields.map((f) => f.name),
      `${place}: labelField`,
      "label field",
    );
    return ds.fields.find((f) => f.name === chosen)!;
  }
  const truth = ds.fields.filter((f) => !f.predicted);
  const chosen = truth.find((f) => f.name === GROUND_TRUTH) ?? (truth.length === 1 ? truth[0] : undefined);
  if (!chosen) {
    throw new BlindspotError({
      place: `${place}: labelField`,
      message: `no ground_truth field and ${truth.length} ground-truth fields to choose from`,
      hint: `name one with { labelField }: ${ds.fields.map((f) => f.name).join(", ")}`,
    });
  }
  return chosen;
}

/** The boxes of one detection field: their labels, sample rows and object rows. */
function objectRows(ds: Dataset, name: string) {
  const objects = ds.objects;
  const fieldOf = values<string>(objects, "field");
  const label = values<string | null>(objects, "label");
  const sampleOf = values<string>(objects, "sample_id");
  const ids = values<string>(ds.samples, "id");
  const m = fieldOf.length;
  const tableRows = new Int32Array(m),
    rows = new Int32Array(m);
  const labels = new Labels(m);
  let rowOf: Map<string, number> | null = null;
  let k = 0,
    lastId: string | null = null,
    lastRow = -1;
  for (let i = 0; i < m; i++) {
    if (fieldOf[i] !== name || label[i] == null) continue;
    const id = sampleOf[i];
    if (id !== lastId) {
      // Boxes usually come sample by sample in the samples' order: try the next sample first.
      const next = lastRow + 1;
      if (next < ids.length && ids[next] === id) lastRow = next;
      else {
        if (rowOf === null) {
          rowOf = new Map<string, number>();
          for (let r = 0; r < ids.length; r++) rowOf.set(ids[r], r);
        }
        lastRow = rowOf.get(id) ?? -1;
      }
      lastId = id;
    }
    if (lastRow < 0) continue;
    tableRows[k] = i;
    rows[k] = lastRow;
    labels.add(k++, label[i]!);
  }
  return { ...labels.result(k), sampleRows: rows.subarray(0, k), tableRows: tableRows.subarray(0, k) };
}

/** The samples with a label in a classification field. */
function sampleRows(ds: Dataset, name: string) {
  const label = values<unknown>(ds.samples, name);
  const rows = new Int32Array(label.length);
  const labels = new Labels(label.length);
  let k = 0;
  for (let i = 0; i < label.length; i++) {
    if (label[i] == null) continue;
    rows[k] = i;
    labels.add(k++, String(label[i]));
  }
  const sampleRows = rows.subarray(0, k);
  return { ...labels.result(k), sampleRows, tableRows: sampleRows };
}

/** Labels as codes in order of first appearance. */
class Labels {
  private readonly index = new Map<string, number>();
  private readonly codes: Int32Array;
  constructor(capacity: number) {
    this.codes = new Int32Array(capacity);
  }
  add(k: number, label: string): void {
    let code = this.index.get(label);
    if (code === undefined) this.index.set(label, (code = this.index.size));
    this.codes[k] = code;
  }
  result(k: number): { codes: Int32Array; names: string[] } {
    return { codes: this.codes.subarray(0, k), names: [...this.index.keys()] };
  }
}

function classOrder(ds: Dataset, field: FieldInfo, found: readonly string[]): string[] {
  const declared = field.classes ?? [...ds.categories].sort((a, b) => a.id - b.id).map((c) => c.name);
  const known = new Set(declared);
  const extra = found.filter((l) => !known.has(l)).sort();
  return [...declared, ...extra];
}
