/** Unparsable values named in a summary. */
const EXAMPLES = 5;

/** A time field read as numbers: milliseconds (dates and date text) or the field's own numbers. */
export interface Times {
  /** NaN where the value is missing or unparsable. */
  at: Float64Array;
  missing: number;
  unparsable: { count: number; examples: { row: number; value: string }[] };
}

/** Dates, date text (`Date.parse`) and finite numbers are times; null and "" are missing; the rest unparsable. */
export function readTimes(column: ArrayLike<unknown>): Times {
  const at = new Float64Array(column.length);
  const out: Times = { at, missing: 0, unparsable: { count: 0, examples: [] } };
  for (let i = 0; i < column.length; i++) {
    const v = column[i];
    if (v === null || v === undefined || v === "") {
      at[i] = NaN;
      out.missing++;
      continue;
    }
    const t = v instanceof Date ? v.getTime() : typeof v === "number" ? v : typeof v === "string" ? Date.parse(v) : NaN;
    at[i] = Number.isFinite(t) ? t : NaN;
    if (Number.isNaN(at[i])) {
      out.unparsable.count++;
      if (out.unparsable.examples.length < EXAMPLES) out.unparsable.examples.push({ row: i, value: String(v) });
    }
  }
  return out;
}
