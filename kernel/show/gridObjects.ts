import type { ColumnTable } from "arquero";
import { values } from "../../src/dataset/columns";
import { boolColumn, categoryColumn, encodeArrow, typedColumn } from "../artifacts/arrow";

/** Boxes aimed at per objects file: a grid loads one file per stretch of rows it scrolls to. */
const BOXES_PER_FILE = 250_000;

/** A grid's boxes as `objects-<k>.arrow` contents (see GridBundle in protocol.ts). */
export interface ObjectFiles {
  files: Uint8Array[];
  rowsPerFile: number;
  count: number;
}

/**
 * Encodes the boxes of a view's samples, grouped by the row of their sample, boxes normalised
 * to the image size. `rowOf` maps sample ids to rows; boxes of other samples are left out.
 * Typed arrays throughout: a million-sample view has ~10^7 boxes.
 */
export function encodeObjects(objects: ColumnTable, rowOf: Map<string, number>, sizes: { widths: ArrayLike<number | null>; heights: ArrayLike<number | null> }): ObjectFiles | null {
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
  const start = perRow.slice();
  const order = new Int32Array(count);
  for (let i = 0; i < n; i++) if (objectRow[i] >= 0) order[start[objectRow[i]]++] = i;

  const rowsPerFile = Math.max(1000, Math.ceil(BOXES_PER_FILE / (count / rows) / 1000) * 1000);
  const columns = objectColumns(objects);
  const files: Uint8Array[] = [];
  for (let first = 0; first < rows; first += rowsPerFile) {
    const from = perRow[first], to = perRow[Math.min(rows, first + rowsPerFile)];
    files.push(encodeChunk(order.subarray(from, to), objectRow, columns, sizes));
  }
  return { files, rowsPerFile, count };
}

interface ObjectColumns {
  field: ArrayLike<string>;
  label: ArrayLike<string>;
  x: ArrayLike<number>;
  y: ArrayLike<number>;
  w: ArrayLike<number>;
  h: ArrayLike<number>;
  confidence: ArrayLike<number | null> | null;
  iscrowd: ArrayLike<number | boolean | null> | null;
  outcome: ArrayLike<string | null> | null;
}

function objectColumns(t: ColumnTable): ObjectColumns {
  const has = new Set(t.columnNames());
  const optional = <T>(name: string) => (has.has(name) ? values<T>(t, name) : null);
  return {
    field: values(t, "field"), label: values(t, "label"),
    x: values(t, "x"), y: values(t, "y"), w: values(t, "w"), h: values(t, "h"),
    confidence: optional("confidence"), iscrowd: optional("iscrowd"), outcome: optional("outcome"),
  };
}

function encodeChunk(order: Int32Array, objectRow: Int32Array, c: ObjectColumns, sizes: { widths: ArrayLike<number | null>; heights: ArrayLike<number | null> }): Uint8Array {
  const m = order.length;
  const row = new Int32Array(m);
  const x = new Float32Array(m), y = new Float32Array(m), w = new Float32Array(m), h = new Float32Array(m);
  const confidence = new Float32Array(m);
  const field = new Array<string>(m), label = new Array<string>(m);
  const outcome = new Array<string | null>(m);
  const crowd = new Array<boolean>(m);
  for (let j = 0; j < m; j++) {
    const i = order[j];
    const r = objectRow[i];
    row[j] = r;
    // Unknown image size: NaN boxes, which the grid does not draw.
    const iw = sizes.widths[r] || NaN, ih = sizes.heights[r] || NaN;
    x[j] = c.x[i] / iw;
    y[j] = c.y[i] / ih;
    w[j] = c.w[i] / iw;
    h[j] = c.h[i] / ih;
    const conf = c.confidence?.[i];
    confidence[j] = conf == null ? NaN : conf;
    field[j] = c.field[i];
    label[j] = c.label[i];
    outcome[j] = c.outcome?.[i] ?? null;
    crowd[j] = !!c.iscrowd?.[i];
  }
  return encodeArrow({
    row: typedColumn(row), field: categoryColumn(field), label: categoryColumn(label),
    x: typedColumn(x), y: typedColumn(y), w: typedColumn(w), h: typedColumn(h), confidence: typedColumn(confidence),
    outcome: categoryColumn(outcome), crowd: boolColumn(crowd),
  });
}
