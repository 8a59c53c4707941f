import type { ColumnTable } from "arquero";
import { values } from "../../src/dataset/columns";
import { boolColumn, encodeArrow, float64Column, utf8Column } from "../artifacts/arrow";
import { writeDataFile } from "../artifacts/contentFiles";
import type { MimeData } from "../display/display";
import { formatCount } from "../../src/report/escape";
import { tableHtml, type Cell } from "../fallback/tableHtml";
import { MIME, type TableBundle, type TableColumn } from "../protocol";
import { defaultGroup } from "../linkGroup";
import { latestGroup } from "../session";
import { checkFieldName } from "./checks";

export interface TableOptions {
  /** Link group (default: the group of the latest output). */
  group?: string;
  title?: string;
  /** Column of sample ids, so clicking a row selects its sample (default: `id` when there is one). */
  idColumn?: string | null;
}

/** Tables up to this many rows travel inside the notebook; larger ones in an Arrow file. */
const INLINE_ROWS = 2000;
const HTML_ROWS = 50;

export function tableOutput(table: ColumnTable, options: TableOptions): { data: MimeData; group: string } {
  const names = table.columnNames();
  const total = table.numRows();
  const idColumn =
    options.idColumn === undefined
      ? names.includes("id")
        ? "id"
        : null
      : options.idColumn === null
        ? null
        : checkFieldName(options.idColumn, names, "idColumn");
  const group = options.group ?? latestGroup() ?? defaultGroup();
  const title = options.title ?? "Table";
  const columns: TableColumn[] = names.map((name) => ({ name, type: columnType(values(table, name)) }));
  const cells = columns.map((c) => cellsOf(values(table, c.name), c.type));

  const rowsOf = (count: number): Cell[][] => Array.from({ length: count }, (_, r) => cells.map((col) => col[r]));
  const inline = total <= INLINE_ROWS;
  const bundle: TableBundle = {
    version: 1,
    kind: "table",
    group,
    dataset: null,
    title,
    columns,
    total,
    idColumn,
    rows: inline ? rowsOf(total) : null,
    path: inline
      ? null
      : writeDataFile(
          "tables",
          encodeArrow(Object.fromEntries(columns.map((c, j) => [c.name, arrowColumn(cells[j], c.type)]))),
        ),
  };
  const text =
    `blindspot table "${title}": ${formatCount(total)} rows, ${columns.length} columns ` + `(${names.join(", ")}).`;
  return {
    data: {
      [MIME.table]: bundle,
      "text/html": tableHtml({ title, columns: names, rows: rowsOf(Math.min(total, HTML_ROWS)), total }),
      "text/plain": text,
    },
    group,
  };
}

function columnType(vals: ArrayLike<unknown>): TableColumn["type"] {
  if (ArrayBuffer.isView(vals)) return "number";
  let type: TableColumn["type"] | null = null;
  for (let i = 0; i < vals.length; i++) {
    const v = vals[i];
    if (v == null) continue;
    const t = typeof v === "number" ? "number" : typeof v === "boolean" ? "boolean" : "string";
    if (type !== null && t !== type) return "string";
    type = t;
  }
  return type ?? "string";
}

/** JSON-safe cells: non-finite numbers become null, objects their JSON, dates ISO text. */
function cellsOf(vals: ArrayLike<unknown>, type: TableColumn["type"]): Cell[] {
  return Array.from(vals, (v): Cell => {
    if (v == null) return null;
    if (type === "number") return Number.isFinite(v) ? (v as number) : null;
    if (type === "boolean") return v as boolean;
    if (v instanceof Date) return v.toISOString();
    return typeof v === "object" ? JSON.stringify(v) : String(v);
  });
}

function arrowColumn(cells: Cell[], type: TableColumn["type"]) {
  if (type === "number") return float64Column(cells as (number | null)[]);
  if (type === "boolean") return boolColumn(cells as (boolean | null)[]);
  return utf8Column(cells as (string | null)[]);
}
