/**
 * One chunk of a grid's boxes (protocol `GridBundle.objects.files[k]`): rows
 * [firstRow, firstRow + rowCount) of the samples, grouped by row once when the chunk loads.
 */
import type { ColumnSource } from "./columns";

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
  /** The object's id in the dataset (protocol: optional `id` column), null when not given. */
  id?: number | null;
  /** The label issue found on the box (overlooked, swap, badloc), null for none. */
  issue?: string | null;
  /** The id of the prediction suggested as the box's correction, null for none. */
  fix?: number | null;
  /** Set by the large view on the prediction that another box's issue suggests as its correction. */
  suggested?: boolean;
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

  /**
   * Only the row column is read up front (to group the objects); the rest is read per box when
   * a tile shows it, since a chunk holds 10^4-10^5 boxes and a screen a few hundred.
   */
  constructor(
    readonly firstRow: number,
    readonly rowCount: number,
    private readonly columns: ReadonlyMap<string, ColumnSource>,
  ) {
    for (const name of ["row", "field", "label", "x", "y", "w", "h"]) {
      if (!columns.has(name)) throw new Error(`the objects file has no column ${JSON.stringify(name)}`);
    }
    const rows = columns.get("row")!.toArray() as ArrayLike<number>;
    ({ offsets: this.offsets, order: this.order } = groupByRow(rows, firstRow, rowCount));
  }

  contains(row: number): boolean {
    return row >= this.firstRow && row < this.firstRow + this.rowCount;
  }

  /** Boxes of a sample row, optionally of some label fields only. */
  boxes(row: number, fields?: ReadonlySet<string>): Box[] {
    const r = row - this.firstRow;
    if (r < 0 || r >= this.rowCount) return [];
    const c = this.columns;
    const [field, label, x, y, w, h] = ["field", "label", "x", "y", "w", "h"].map((n) => c.get(n)!);
    const confidence = c.get("confidence");
    const outcome = c.get("outcome");
    const crowd = c.get("crowd");
    const id = c.get("id");
    const issue = c.get("issue"),
      fix = c.get("fix");
    const out: Box[] = [];
    for (let k = this.offsets[r]; k < this.offsets[r + 1]; k++) {
      const i = this.order[k];
      const f = text(field.at(i)) ?? "";
      if (fields && !fields.has(f)) continue;
      out.push({
        field: f,
        label: text(label.at(i)) ?? "",
        x: num(x.at(i)),
        y: num(y.at(i)),
        w: num(w.at(i)),
        h: num(h.at(i)),
        confidence: confidence ? num(confidence.at(i)) : NaN,
        outcome: outcome ? text(outcome.at(i)) : null,
        crowd: crowd ? crowd.at(i) === true : false,
        id: id ? num(id.at(i)) : null,
        issue: issue ? text(issue.at(i)) : null,
        fix: fix && num(fix.at(i)) >= 0 ? num(fix.at(i)) : null,
      });
    }
    return out;
  }
}

function text(v: unknown): string | null {
  return v === null || v === undefined ? null : String(v);
}

function num(v: unknown): number {
  return typeof v === "number" ? v : NaN;
}
