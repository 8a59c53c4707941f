import { BlindspotError } from "../../src/errors";
import { countValues, topValues } from "../values";

/** How a category with no value is shown and matched. */
const NO_VALUE = "(none)";

/** True when every non-null value is a number. */
export function isNumeric(values: ArrayLike<unknown>): boolean {
  if (ArrayBuffer.isView(values)) return true;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v != null && typeof v !== "number") return false;
  }
  return true;
}

/** A numeric field as float64, NaN where there is no value; refuses text with a hint. */
export function numbers(values: ArrayLike<unknown>, field: string, chart: string): Float64Array {
  if (values instanceof Float64Array) return values;
  const out = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v == null) out[i] = NaN;
    else if (typeof v === "number") out[i] = v;
    else {
      throw new BlindspotError({
        message: `${chart} needs numbers, but field ${JSON.stringify(field)} holds ${JSON.stringify(v)}`,
        hint: "pick a numeric field, or use plot.bar for a field of categories",
      });
    }
  }
  return out;
}

/** ISO 8601 dates and times ("2024-05", "2024-05-01", "2024-05-01T13:45:00.000Z"), as times are written in text. */
const ISO_TIME = /^\d{4}-\d{2}(?:-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?)?$/;

/**
 * A time-like field (Date values or ISO 8601 text) as milliseconds since 1970, NaN where there is
 * no value; null when some value is not a time (or none is there), so the field is not time-like.
 */
export function timeValues(values: ArrayLike<unknown>): Float64Array | null {
  if (ArrayBuffer.isView(values)) return null;
  const out = new Float64Array(values.length);
  let seen = false;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v == null) out[i] = NaN;
    else if (v instanceof Date) out[i] = v.getTime();
    else if (typeof v === "string" && ISO_TIME.test(v)) out[i] = Date.parse(v);
    else return null;
    seen = true;
  }
  return seen ? out : null;
}

/** A field drawn on a continuous axis: times (on a temporal axis) or numbers. */
export function axisValues(
  values: ArrayLike<unknown>,
  field: string,
  chart: string,
): { values: Float64Array; temporal: boolean } {
  const times = timeValues(values);
  return times ? { values: times, temporal: true } : { values: numbers(values, field, chart), temporal: false };
}

/** A field as category names: text as it is, other values as text, no value as "(none)". */
export function categories(values: ArrayLike<unknown>): string[] {
  return Array.from(values, (v) => (v == null ? NO_VALUE : typeof v === "object" ? JSON.stringify(v) : String(v)));
}

/** Categories by number of rows, largest first, at most `limit`. */
export function largestCategories(names: readonly string[], limit: number): { kept: string[]; distinct: number } {
  const counts = countValues(names);
  return { kept: topValues(counts, limit).map((c) => c.value), distinct: counts.size };
}
