/**
 * One chunk of a grid's boxes (protocol `GridBundle.objects.files[k]`): rows
 * [firstRow, firstRow + rowCount) of the samples, grouped by row once when the chunk loads.
 */
import { type CodedColumn, type ColumnSource, encodeStrings, toFloat64 } from "./columns";

export interface Box {
  field: string;
  label: string;
  /** Fractions of the image's width and height, top-left origin. */
  x: number;
  y: number;
  w: number;
  h: number;
  /** NaN for none. */
  confidence: number;
  outcome: string | null;
  crowd: boolean;
}

/** Start of each row's objects in `order` (`offsets[r]..offsets[r+1]`), by counting sort. */
export function groupByRow(rows: ArrayLike<number>, firstRow: number, rowCount: number) {
  const offsets = new Int32Array(rowCount + 1);
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i] - firstRow;
    if (r >= 0 && r < rowCount) offsets[r + 1]++;
  }
  for (let r = 0; r < rowCount; r++) offsets[r + 1] += offsets[r];
  const next = offsets.slice(0, rowCount);
  const order = new Int32Array(offsets[rowCount]);
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i] - firstRow;
    if (r >= 0 && r < rowCount) order[next[r]++] = i;
  }
  return { offsets, order };
}

export class ObjectChunk {
  private readonly offsets: Int32Array;
  private readonly order: Int32Array;
  private readonly field: CodedColumn;
  private readonly label: CodedColumn;
  private readonly outcome: CodedColumn | null;
  private readonly coords: Float64Array[];
  private readonly confidence: Float64Array | null;
  private readonly crowd: ArrayLike<unknown> | null;

  constructor(
    readonly firstRow: number,
    readonly rowCount: number,
    columns: ReadonlyMap<string, ColumnSource>,
  ) {
    const need = (name: string) => {
      const c = columns.get(name);
      if (!c) throw new Error(`the objects file has no column ${JSON.stringify(name)}`);
      return c;
    };
    const rows = toFloat64(need("row").toArray());
    ({ offsets: this.offsets, order: this.order } = groupByRow(rows, firstRow, rowCount));
    this.field = encodeStrings(need("field").toArray());
    this.label = encodeStrings(need("label").toArray());
    this.coords = ["x", "y", "w", "h"].map((k) => toFloat64(need(k).toArray()));
    const outcome = columns.get("outcome");
    this.outcome = outcome ? encodeStrings(outcome.toArray()) : null;
    const confidence = columns.get("confidence");
    this.confidence = confidence ? toFloat64(confidence.toArray()) : null;
    this.crowd = columns.get("crowd")?.toArray() ?? null;
  }

  contains(row: number): boolean {
    return row >= this.firstRow && row < this.firstRow + this.rowCount;
  }

  /** Boxes of a sample row, optionally of some label fields only. */
  boxes(row: number, fields?: ReadonlySet<string>): Box[] {
    const r = row - this.firstRow;
    if (r < 0 || r >= this.rowCount) return [];
    const out: Box[] = [];
    const [x, y, w, h] = this.coords;
    for (let k = this.offsets[r]; k < this.offsets[r + 1]; k++) {
      const i = this.order[k];
      const field = decode(this.field, i) ?? "";
      if (fields && !fields.has(field)) continue;
      out.push({
        field,
        label: decode(this.label, i) ?? "",
        x: x[i],
        y: y[i],
        w: w[i],
        h: h[i],
        confidence: this.confidence ? this.confidence[i] : NaN,
        outcome: this.outcome ? decode(this.outcome, i) : null,
        crowd: this.crowd ? this.crowd[i] === true : false,
      });
    }
    return out;
  }
}

function decode(col: CodedColumn, i: number): string | null {
  const c = col.codes[i];
  return c < 0 ? null : col.values[c];
}
