/**
 * The rows of a grid (protocol `GridBundle.samples`), read lazily: a column is decoded or
 * dictionary-encoded the first time a filter, sort or lookup needs it, so opening a view of
 * 10^6 samples costs nothing until the user asks for something.
 */
import type { FieldSummary, TagEvent } from "../../../kernel/protocol";
import { type CodedColumn, type ColumnSource, codedSortKeys, encodeStrings, toFloat64 } from "./columns";
import { IdIndex, stringKeys, utf8BatchesOf, utf8Keys } from "./idIndex";
import { argsort } from "./order";

export interface SortKey {
  field: string;
  descending: boolean;
}

/** The list column that tag events change. */
export const TAGS = "tags";

export class SampleTable {
  readonly size: number;
  private readonly numbers = new Map<string, Float64Array>();
  private readonly coded = new Map<string, CodedColumn>();
  private readonly orders = new Map<string, Int32Array>();
  private readonly tagOverrides = new Map<number, readonly string[]>();
  /** Row of each id; built in slices (`indexIds`) because 10^6 ids take a few hundred ms. */
  private readonly ids: IdIndex;
  /** Chart id arrays joined to this table's rows: the join, and how far it got. */
  private readonly joins = new WeakMap<object, { rows: Int32Array; done: number }>();
  private tagTally: Map<string, number> | null = null;

  constructor(
    private readonly columns: ReadonlyMap<string, ColumnSource>,
    readonly fields: readonly FieldSummary[],
  ) {
    const id = columns.get("id");
    if (!id) throw new Error("the samples file has no id column");
    this.size = id.length;
    const utf8 = utf8BatchesOf(id);
    this.ids = new IdIndex(utf8 ? utf8Keys(utf8) : stringKeys(this.size, (row) => String(id.at(row))));
  }

  has(name: string): boolean {
    return this.columns.has(name);
  }

  kind(name: string): FieldSummary["kind"] | undefined {
    if (name === TAGS) return "tags";
    return this.fields.find((f) => f.name === name)?.kind;
  }

  id(row: number): string {
    return String(this.column("id").at(row));
  }

  /** A cell as a string, or null (for thumbnail paths, file names, captions). */
  text(name: string, row: number): string | null {
    const v = this.columns.get(name)?.at(row);
    return v === null || v === undefined ? null : String(v);
  }

  /** A cell as a number, NaN when missing. */
  numberAt(name: string, row: number): number {
    const v = this.columns.get(name)?.at(row);
    return typeof v === "number" ? v : typeof v === "bigint" ? Number(v) : NaN;
  }

  /** A cell as shown to the user: numbers as numbers, lists as arrays, the rest as strings. */
  value(name: string, row: number): string | number | readonly string[] | null {
    if (this.kind(name) === "tags") return this.list(name, row);
    const v = this.columns.get(name)?.at(row);
    if (v === null || v === undefined) return null;
    return typeof v === "number" ? v : typeof v === "bigint" ? Number(v) : String(v);
  }

  /** A number field's values, or a time field's times in ms since 1970; NaN where missing. */
  numberColumn(name: string): Float64Array {
    let col = this.numbers.get(name);
    if (!col) {
      col = this.kind(name) === "time" ? this.timeColumn(name) : toFloat64(this.column(name).toArray());
      this.numbers.set(name, col);
    }
    return col;
  }

  /** ISO 8601 text parsed once per distinct value. */
  private timeColumn(name: string): Float64Array {
    const { codes, values } = this.codedColumn(name);
    const times = Float64Array.from(values, (v) => Date.parse(v));
    const out = new Float64Array(codes.length);
    for (let row = 0; row < codes.length; row++) out[row] = codes[row] < 0 ? NaN : times[codes[row]];
    return out;
  }

  codedColumn(name: string): CodedColumn {
    let col = this.coded.get(name);
    if (!col) this.coded.set(name, (col = encodeStrings(this.column(name).toArray())));
    return col;
  }

  /** The values of a list column (tags) at a row. */
  list(name: string, row: number): readonly string[] {
    if (name === TAGS) {
      const own = this.tagOverrides.get(row);
      if (own) return own;
    }
    const v = this.columns.get(name)?.at(row) as ArrayLike<unknown> | null | undefined;
    if (!v) return [];
    const out: string[] = [];
    for (let i = 0; i < v.length; i++) if (v[i] !== null && v[i] !== undefined) out.push(String(v[i]));
    return out;
  }

  /**
   * Extends the id index until `stop()` says so (checked every few thousand rows); true when the
   * index is complete. Grids call it in idle time so the first brush does not wait for it.
   */
  indexIds(stop: () => boolean): boolean {
    return this.ids.build(stop);
  }

  /** Row of a sample id. */
  rowOf(id: string): number | undefined {
    return this.ids.get(id);
  }

  /** 1 for each row whose id is listed. */
  maskOfIds(ids: readonly string[]): Uint8Array {
    const mask = new Uint8Array(this.size);
    for (const id of ids) {
      const row = this.rowOf(id);
      if (row !== undefined) mask[row] = 1;
    }
    return mask;
  }

  /**
   * Joins a chart's id array to this table's rows (row of ids[r], or -1), a slice at a time until
   * `stop()` says so; true when complete. Grids call it in idle time once a chart of their group
   * shows up, so the first brush finds the join ready.
   */
  join(ids: ArrayLike<unknown> & object, stop: () => boolean): boolean {
    let j = this.joins.get(ids);
    if (!j) this.joins.set(ids, (j = { rows: new Int32Array(ids.length), done: 0 }));
    if (j.done < ids.length && !this.indexIds(stop)) return false;
    while (j.done < ids.length) {
      for (const end = Math.min(ids.length, j.done + 8192); j.done < end; j.done++) {
        j.rows[j.done] = this.rowOf(String(ids[j.done])) ?? -1;
      }
      if (stop()) break;
    }
    return j.done >= ids.length;
  }

  /** 1 for each row whose id is `ids[r]` for an r of `rows` (a chart's selection): integer look-ups. */
  maskOfRows(ids: ArrayLike<unknown> & object, rows: ArrayLike<number>): Uint8Array {
    this.join(ids, () => false);
    const join = this.joins.get(ids)!.rows;
    const mask = new Uint8Array(this.size);
    for (let i = 0; i < rows.length; i++) {
      const row = join[rows[i]];
      if (row >= 0) mask[row] = 1;
    }
    return mask;
  }

  /** Rows in the order of `sort` (view order when null); cached per field and direction. */
  order(sort: SortKey | null): Int32Array {
    const key = sort ? `${sort.descending ? "-" : "+"}${sort.field}` : "";
    let order = this.orders.get(key);
    if (order) return order;
    if (!sort) {
      order = new Int32Array(this.size);
      for (let i = 0; i < order.length; i++) order[i] = i;
    } else {
      order = argsort(this.sortKeys(sort.field), sort.descending);
    }
    this.orders.set(key, order);
    return order;
  }

  /** Counts of each tag over all rows (kept up to date by `applyTags`). */
  tagCounts(): ReadonlyMap<string, number> {
    if (!this.tagTally) {
      this.tagTally = new Map();
      if (this.has(TAGS)) {
        for (let row = 0; row < this.size; row++) {
          for (const t of this.list(TAGS, row)) this.tagTally.set(t, (this.tagTally.get(t) ?? 0) + 1);
        }
      }
    }
    return this.tagTally;
  }

  /** Applies a kernel tag event; returns how many rows changed. */
  applyTags(event: Pick<TagEvent, "tag" | "action" | "ids">): number {
    let changed = 0;
    for (const id of event.ids) {
      const row = this.rowOf(id);
      if (row === undefined) continue;
      const tags = this.list(TAGS, row);
      const has = tags.includes(event.tag);
      if (has === (event.action === "add")) continue;
      this.tagOverrides.set(row, has ? tags.filter((t) => t !== event.tag) : [...tags, event.tag]);
      if (this.tagTally) {
        const n = (this.tagTally.get(event.tag) ?? 0) + (has ? -1 : 1);
        if (n > 0) this.tagTally.set(event.tag, n);
        else this.tagTally.delete(event.tag);
      }
      changed++;
    }
    // Orders sorted by tags are stale now.
    if (changed) for (const k of [...this.orders.keys()]) if (k.slice(1) === TAGS) this.orders.delete(k);
    return changed;
  }

  private sortKeys(name: string): Float64Array {
    const kind = this.kind(name);
    if (kind === "number" || kind === "time") return this.numberColumn(name);
    if (kind === "tags") {
      // Lists sort by their joined text.
      const joined: string[] = new Array(this.size);
      for (let row = 0; row < this.size; row++) joined[row] = this.list(name, row).join(", ");
      return codedSortKeys(encodeStrings(joined));
    }
    const source = this.column(name);
    // width, height and other numeric columns outside `fields` sort as numbers.
    const sample = source.length ? source.at(0) : null;
    if (kind === undefined && typeof sample === "number") return this.numberColumn(name);
    return codedSortKeys(this.codedColumn(name));
  }

  private column(name: string): ColumnSource {
    const col = this.columns.get(name);
    if (!col) throw new Error(`the samples file has no column ${JSON.stringify(name)}`);
    return col;
  }
}
