import type { Column } from "@uwdata/flechette";
import type { FieldSummary } from "../protocol";
import { dictionaryColumn, encodeCategories, float64Column, stringListColumn, utf8Column } from "../artifacts/arrow";
import { timeValues } from "../plot/columns";
import { countValues, extent, topValues } from "../values";

/** Most frequent values a summary lists. */
export const TOP_VALUES = 200;

/** A field of a grid: its summary for the side panel and its column in `samples.arrow`. */
export interface GridField {
  summary: FieldSummary;
  column: Column<unknown>;
}

/**
 * Describes one sample column: numbers and times (Date values, ISO 8601 text) get their range,
 * few distinct strings (and booleans) their most frequent values, string lists (tags) the counts
 * of their elements; everything else is text. Object values are shown as their JSON.
 */
export function describeField(name: string, values: ArrayLike<unknown>): GridField {
  const kind = kindOf(values);
  if (kind === "number") {
    const numbers = values as ArrayLike<number | null>;
    const range = extent(numbers);
    return { summary: { name, kind, ...(range && { range }) }, column: float64Column(numbers) };
  }
  if (kind === "tags") {
    const lists = values as ArrayLike<string[] | null>;
    const counts = countValues(elements(lists));
    return { summary: { name, kind, values: topValues(counts, TOP_VALUES) }, column: stringListColumn(lists) };
  }
  const times = kind === "other" ? timeValues(values) : null;
  if (times) {
    const range = extent(times);
    const iso = Array.from(values, (v) => (v == null ? null : v instanceof Date ? v.toISOString() : String(v)));
    return { summary: { name, kind: "time", ...(range && { range }) }, column: utf8Column(iso) };
  }
  const categories = encodeCategories(values);
  if (kind === "boolean" || isCategory(categories.names.length, values.length)) {
    const counts = new Float64Array(categories.names.length);
    for (const code of categories.codes) if (code >= 0) counts[code]++;
    const summary: FieldSummary = {
      name,
      kind: kind === "boolean" ? "boolean" : "category",
      values: topValues(new Map(categories.names.map((v, k) => [v, counts[k]])), TOP_VALUES),
    };
    return { summary, column: dictionaryColumn(categories) };
  }
  const { codes, names } = categories;
  return {
    summary: { name, kind: "text" },
    column: utf8Column(Array.from(codes, (code) => (code < 0 ? null : names[code]))),
  };
}

/** Few distinct values, each repeated: worth listing and filtering by. */
function isCategory(distinct: number, rows: number): boolean {
  return distinct <= 1000 && distinct <= Math.max(50, rows / 5);
}

/** The kind every value has (all of them are looked at: one string makes a column text). */
function kindOf(values: ArrayLike<unknown>): "number" | "boolean" | "tags" | "other" {
  if (ArrayBuffer.isView(values)) return "number";
  let kind: "number" | "boolean" | "tags" | "other" | null = null;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v == null) continue;
    const k =
      typeof v === "number" ? "number" : typeof v === "boolean" ? "boolean" : isStringList(v) ? "tags" : "other";
    if (kind !== null && k !== kind) return "other";
    kind = k;
  }
  return kind ?? "other";
}

function isStringList(v: unknown): boolean {
  return Array.isArray(v) && v.every((e) => typeof e === "string");
}

function* elements(lists: ArrayLike<string[] | null>): Iterable<string> {
  for (let i = 0; i < lists.length; i++) yield* lists[i] ?? [];
}
