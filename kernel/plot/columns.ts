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

/** A field as category names: text as it is, other values as text, no value as "(none)". */
export function categories(values: ArrayLike<unknown>): string[] {
  return Array.from(values, (v) => (v == null ? NO_VALUE : typeof v === "object" ? JSON.stringify(v) : String(v)));
}

/** Categories by number of rows, largest first, at most `limit`. */
export function largestCategories(names: readonly string[], limit: number): { kept: string[]; distinct: number } {
  const counts = countValues(names);
  return { kept: topValues(counts, limit).map((c) => c.value), distinct: counts.size };
}
