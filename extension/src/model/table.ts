/** The rows of a table output (inline or from Arrow), sorted by any column and shown a page at a time. */
import type { TableColumn } from "../../../kernel/protocol";
import { codedSortKeys, encodeStrings, toFloat64 } from "./columns";
import { argsort } from "./order";

export type Cell = string | number | boolean | null;

export interface TableSource {
  rowCount: number;
  cell(row: number, column: number): Cell;
  /** All values of a column (for sorting). */
  column(column: number): ArrayLike<unknown>;
}

export function inlineSource(rows: readonly (readonly Cell[])[]): TableSource {
  return {
    rowCount: rows.length,
    cell: (r, c) => rows[r][c] ?? null,
    column: (c) => rows.map((r) => r[c] ?? null),
  };
}

export class TableModel {
  private readonly orders = new Map<string, Int32Array>();

  constructor(
    readonly columns: readonly TableColumn[],
    readonly source: TableSource,
  ) {}

  /** Rows in display order: unsorted, or by one column (missing values last). */
  order(column: number | null, descending: boolean): Int32Array {
    const key = column === null ? "" : `${descending ? "-" : "+"}${column}`;
    let order = this.orders.get(key);
    if (order) return order;
    if (column === null) {
      order = new Int32Array(this.source.rowCount);
      for (let i = 0; i < order.length; i++) order[i] = i;
    } else {
      const values = this.source.column(column);
      const keys = this.columns[column].type === "number" ? toFloat64(values) : codedSortKeys(encodeStrings(values));
      order = argsort(keys, descending);
    }
    this.orders.set(key, order);
    return order;
  }
}

export const PAGE_SIZE = 50;

/** Rows [start, end) of page `page` (0-based), clamped; and the number of pages. */
export function pageRange(page: number, total: number, size = PAGE_SIZE) {
  const pages = Math.max(1, Math.ceil(total / size));
  const p = Math.min(Math.max(0, page), pages - 1);
  return { page: p, pages, start: p * size, end: Math.min(total, (p + 1) * size) };
}
