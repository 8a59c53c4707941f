/**
 * Which samples a chart's selection parameter selects (protocol `ChartLink`): typed-array loops
 * over the columns of the link's rows file, so a brush over 10^5 points costs about a millisecond.
 */
import type { ChartLink } from "../../../kernel/protocol";
import { type CodedColumn, encodeStrings, toFloat64 } from "./columns";
import { formatTime } from "./format";

export type LinkColumn = Float64Array | CodedColumn;

type Test = (row: number) => boolean;

/**
 * Rows selected by a Vega-Lite parameter value, or null when the value selects nothing (an empty
 * brush, a click on the background): the chart then clears the group's filter.
 */
export function selectRows(
  columns: ReadonlyMap<string, LinkColumn>,
  link: Pick<ChartLink, "type" | "fields">,
  value: unknown,
): Int32Array | null {
  const tests = selectionTests(columns, link, value);
  if (!tests) return null;
  const n = rowCount(columns);
  const out = new Int32Array(n);
  let k = 0;
  outer: for (let row = 0; row < n; row++) {
    for (const t of tests) if (!t(row)) continue outer;
    out[k++] = row;
  }
  return out.slice(0, k);
}

/**
 * A short text for the filter chip: "horsepower 50–120, origin in USA, Japan". Fields are named
 * by their axis or legend title when the spec gives one (`titles`, see `fieldTitles`).
 */
export function describeSelection(
  link: Pick<ChartLink, "type" | "fields">,
  value: unknown,
  titles: ReadonlyMap<string, string> = new Map(),
): string {
  const parts: string[] = [];
  for (const [field, v] of entries(value)) {
    if (!(field in link.fields) || !Array.isArray(v)) continue;
    const name = titles.get(field) ?? link.fields[field];
    if (link.type === "interval" && isRange(v)) {
      const [lo, hi] = sorted(v as [number, number]);
      const format = v[0] instanceof Date ? formatTime : short;
      parts.push(`${name} ${format(lo)}–${format(hi)}`);
    } else {
      const shown = v.slice(0, 3).map((x) => (typeof x === "number" ? short(x) : String(x)));
      parts.push(`${name} in ${shown.join(", ")}${v.length > 3 ? ` (+${v.length - 3})` : ""}`);
    }
  }
  return parts.join(", ");
}

/** Title of each field in a Vega-Lite spec's encodings (`{ field: "x", title: "camera" }`). */
export function fieldTitles(spec: unknown): Map<string, string> {
  const titles = new Map<string, string>();
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (typeof node !== "object" || node === null) return;
    const { field, title } = node as { field?: unknown; title?: unknown };
    if (typeof field === "string" && typeof title === "string" && !titles.has(field)) titles.set(field, title);
    Object.values(node).forEach(walk);
  };
  walk(spec);
  return titles;
}

function selectionTests(
  columns: ReadonlyMap<string, LinkColumn>,
  link: Pick<ChartLink, "type" | "fields">,
  value: unknown,
): Test[] | null {
  const tests: Test[] = [];
  for (const [field, v] of entries(value)) {
    const col = columns.get(link.fields[field] ?? field);
    // Keys that name no column (Vega's internal _vgsid_ and the like) do not select.
    if (!col || !Array.isArray(v)) continue;
    if (link.type === "interval" && col instanceof Float64Array && isRange(v)) {
      const [lo, hi] = sorted(v as [number, number]);
      tests.push((row) => col[row] >= lo && col[row] <= hi);
    } else {
      tests.push(membership(col, v));
    }
  }
  return tests.length ? tests : null;
}

function membership(col: LinkColumn, listed: readonly unknown[]): Test {
  if (col instanceof Float64Array) {
    const wanted = new Set<number>();
    for (const x of listed) {
      const n = x instanceof Date ? x.getTime() : Number(x);
      if (!Number.isNaN(n)) wanted.add(n);
    }
    return (row) => wanted.has(col[row]);
  }
  const wanted = new Set(listed.map((x) => String(x)));
  const ok = new Uint8Array(col.values.length);
  col.values.forEach((v, code) => (ok[code] = wanted.has(v) ? 1 : 0));
  const { codes } = col;
  return (row) => codes[row] >= 0 && ok[codes[row]] === 1;
}

function entries(value: unknown): [string, unknown][] {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? Object.entries(value) : [];
}

/** A numeric interval [lo, hi] as Vega-Lite writes it for a continuous axis (dates as numbers). */
function isRange(v: readonly unknown[]): boolean {
  return v.length === 2 && v.every((x) => (typeof x === "number" && !Number.isNaN(x)) || x instanceof Date);
}

function sorted([a, b]: readonly unknown[]): [number, number] {
  const x = Number(a instanceof Date ? a.getTime() : a);
  const y = Number(b instanceof Date ? b.getTime() : b);
  return x <= y ? [x, y] : [y, x];
}

function short(x: number): string {
  return Number.isInteger(x) ? String(x) : String(Number(x.toPrecision(3)));
}

function rowCount(columns: ReadonlyMap<string, LinkColumn>): number {
  for (const c of columns.values()) return c instanceof Float64Array ? c.length : c.codes.length;
  return 0;
}

/** A column of the link's rows file as selections test it: numbers typed, the rest coded. */
export function linkColumn(values: ArrayLike<unknown>): LinkColumn {
  if (ArrayBuffer.isView(values)) return toFloat64(values);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === null || v === undefined) continue;
    return typeof v === "number" || typeof v === "bigint" ? toFloat64(values) : encodeStrings(values);
  }
  return encodeStrings(values);
}
