import type { ColumnTable } from "arquero";
import { values } from "../../src/dataset/columns";
import { topValues } from "../values";
import {
  boolColumn,
  dictionaryColumn,
  encodeArrow,
  encodeCategories,
  typedColumn,
  type Categories,
} from "../artifacts/arrow";

/** Labels listed in the bundle (the label controls); a dataset with more lists its most frequent. */
const MAX_CLASSES = 1000;
/** Boxes aimed at per objects file: a grid loads one file per stretch of rows it scrolls to. */
const BOXES_PER_FILE = 250_000;

/** A grid's boxes as `objects-<k>.arrow` contents (see GridBundle in protocol.ts). */
export interface ObjectFiles {
  files: Uint8Array[];
  rowsPerFile: number;
  count: number;
  /** Labels of the boxes with their counts, most frequent first (the label controls list them). */
  classes: { value: string; count: number }[];
  /** Rows of the objects table that belong to a sample row, in table order. */
  objectsOf(row: number): Int32Array;
}

interface Sizes {
  widths: ArrayLike<number | null>;
  heights: ArrayLike<number | null>;
}

/**
 * Encodes the boxes of a view's samples, grouped by the row of their sample, boxes normalised
 * to the image size. `rowOf` maps sample ids to rows; boxes of other samples are left out.
 * Typed arrays throughout: a million-sample view has ~10^7 boxes.
 */
export function encodeObjects(objects: ColumnTable, rowOf: Map<string, number>, sizes: Sizes): ObjectFiles | null {
  const n = objects.numRows();
  const sampleIds = values<string>(objects, "sample_id");
  const objectRow = new Int32Array(n);
  const rows = sizes.widths.length;
  const perRow = new Int32Array(rows + 1);
  let count = 0;
  let lastId: string | null = null;
  let lastRow = -1;
  for (let i = 0; i < n; i++) {
    // Boxes of one sample are usually adjacent: one map lookup per sample, not per box.
    const id = sampleIds[i];
    if (id !== lastId) {
      lastId = id;
      lastRow = rowOf.get(id) ?? -1;
    }
    objectRow[i] = lastRow;
    if (lastRow >= 0) {
      perRow[lastRow + 1]++;
      count++;
    }
  }
  if (count === 0) return null;

  // Counting sort by row: boxes in row order, each row's boxes in table order.
  for (let r = 0; r < rows; r++) perRow[r + 1] += perRow[r];
  const next = perRow.slice();
  const order = new Int32Array(count);
  for (let i = 0; i < n; i++) if (objectRow[i] >= 0) order[next[objectRow[i]]++] = i;

  const rowsPerFile = Math.max(1000, Math.ceil(BOXES_PER_FILE / (count / rows) / 1000) * 1000);
  const columns = objectColumns(objects);
  const classes = labelCounts(columns.label, objectRow);
  const files: Uint8Array[] = [];
  for (let first = 0; first < rows; first += rowsPerFile) {
    const from = perRow[first],
      to = perRow[Math.min(rows, first + rowsPerFile)];
    files.push(encodeChunk(order.subarray(from, to), objectRow, columns, sizes));
  }
  return { files, rowsPerFile, count, classes, objectsOf: (row) => order.subarray(perRow[row], perRow[row + 1]) };
}

/** How many boxes of the view carry each label: counted by code, no string per box. */
function labelCounts(label: Categories, objectRow: Int32Array): { value: string; count: number }[] {
  const counts = new Float64Array(label.names.length);
  for (let i = 0; i < objectRow.length; i++) if (objectRow[i] >= 0 && label.codes[i] >= 0) counts[label.codes[i]]++;
  const present = label.names.map((name, k) => [name, counts[k]] as const).filter(([, n]) => n > 0);
  return topValues(new Map(present), MAX_CLASSES);
}

/**
 * Rows per objects file of a patches grid (one box a row): a jump while scrolling loads one
 * file, and a smaller file is a shorter task on the page's main thread.
 */
const PATCH_BOXES_PER_FILE = 50_000;

/**
 * Boxes of a patches grid: row i of `objects` is the box of row i, normalised to that row's
 * crop (`sizes`); files of PATCH_BOXES_PER_FILE rows.
 */
export function encodePatchBoxes(objects: ColumnTable, sizes: Sizes): Omit<ObjectFiles, "objectsOf"> {
  const n = objects.numRows();
  const identity = Int32Array.from({ length: n }, (_, i) => i);
  const columns = objectColumns(objects);
  const files: Uint8Array[] = [];
  for (let first = 0; first < n; first += PATCH_BOXES_PER_FILE) {
    const rows = identity.subarray(first, Math.min(n, first + PATCH_BOXES_PER_FILE));
    files.push(encodeChunk(rows, identity, columns, sizes));
  }
  return { files, rowsPerFile: PATCH_BOXES_PER_FILE, count: n, classes: labelCounts(columns.label, identity) };
}

interface ObjectColumns {
  field: Categories;
  label: Categories;
  outcome: Categories | null;
  x: ArrayLike<number>;
  y: ArrayLike<number>;
  w: ArrayLike<number>;
  h: ArrayLike<number>;
  confidence: ArrayLike<number | null> | null;
  iscrowd: ArrayLike<number | boolean | null> | null;
  id: ArrayLike<number> | null;
  /** Label issues (boxLabelIssues): the type and the suggested correction's object id. */
  issue: Categories | null;
  fix: ArrayLike<number | null> | null;
}

/** Text columns are coded once for the whole table; each file gathers codes, not strings. */
function objectColumns(t: ColumnTable): ObjectColumns {
  const has = new Set(t.columnNames());
  const optional = <T>(name: string) => (has.has(name) ? values<T>(t, name) : null);
  const outcome = optional<string | null>("outcome");
  const issue = optional<string | null>("label_issue_type");
  return {
    field: encodeCategories(values(t, "field")),
    label: encodeCategories(values(t, "label")),
    outcome: outcome && encodeCategories(outcome),
    x: values(t, "x"),
    y: values(t, "y"),
    w: values(t, "w"),
    h: values(t, "h"),
    confidence: optional("confidence"),
    iscrowd: optional("iscrowd"),
    id: optional("id"),
    issue: issue && encodeCategories(issue),
    fix: optional("label_issue_fix"),
  };
}

function encodeChunk(order: Int32Array, objectRow: Int32Array, c: ObjectColumns, sizes: Sizes): Uint8Array {
  const m = order.length;
  const row = new Int32Array(m);
  const x = new Float32Array(m),
    y = new Float32Array(m),
    w = new Float32Array(m),
    h = new Float32Array(m);
  const confidence = new Float32Array(m);
  const field = new Int32Array(m),
    label = new Int32Array(m),
    outcome = new Int32Array(m).fill(-1);
  const crowd = new Uint8Array(m);
  const id = c.id && new Int32Array(m);
  const issue = c.issue && new Int32Array(m),
    fix = c.issue && new Int32Array(m);
  for (let j = 0; j < m; j++) {
    const i = order[j];
    const r = objectRow[i];
    row[j] = r;
    // Unknown image size: NaN boxes, which the grid does not draw.
    const iw = sizes.widths[r] || NaN,
      ih = sizes.heights[r] || NaN;
    x[j] = c.x[i] / iw;
    y[j] = c.y[i] / ih;
    w[j] = c.w[i] / iw;
    h[j] = c.h[i] / ih;
    const conf = c.confidence?.[i];
    confidence[j] = conf == null ? NaN : conf;
    field[j] = c.field.codes[i];
    label[j] = c.label.codes[i];
    if (c.outcome) outcome[j] = c.outcome.codes[i];
    crowd[j] = c.iscrowd?.[i] ? 1 : 0;
    if (id) id[j] = c.id![i];
    if (issue && fix) {
      issue[j] = c.issue!.codes[i];
      fix[j] = c.fix?.[i] ?? -1;
    }
  }
  return encodeArrow({
    row: typedColumn(row),
    field: dictionaryColumn({ codes: field, names: c.field.names }),
    label: dictionaryColumn({ codes: label, names: c.label.names }),
    x: typedColumn(x),
    y: typedColumn(y),
    w: typedColumn(w),
    h: typedColumn(h),
    confidence: typedColumn(confidence),
    outcome: dictionaryColumn({ codes: outcome, names: c.outcome?.names ?? [] }),
    crowd: boolColumn(crowd),
    ...(id && { id: typedColumn(id) }),
    ...(issue && fix && { issue: dictionaryColumn({ codes: issue, names: c.issue!.names }), fix: typedColumn(fix) }),
  });
}
