/**
 * Column helpers shared by the grid, chart and table models. Arrow columns arrive as flechette
 * `Column`s; the models only need the small structural interface below, so they stay free of
 * flechette, the DOM and JupyterLab, and tests can feed them real Arrow data.
 */

/** What the models need of an Arrow column (flechette's `Column` fits). */
export interface ColumnSource {
  readonly length: number;
  at(index: number): unknown;
  toArray(): ArrayLike<unknown>;
}

/** A string-like column as codes into a dictionary of distinct values; code -1 is null. */
export interface CodedColumn {
  codes: Int32Array;
  values: string[];
}

/** Numbers as a Float64Array (null and non-numbers become NaN); a Float64Array is kept as is. */
export function toFloat64(values: ArrayLike<unknown>): Float64Array {
  if (values instanceof Float64Array) return values;
  const out = new Float64Array(values.length);
  for (let i = 0; i < out.length; i++) {
    const v = values[i];
    out[i] = typeof v === "number" ? v : typeof v === "bigint" ? Number(v) : NaN;
  }
  return out;
}

/** Dictionary-encodes any column; values are turned into strings (null and undefined stay null). */
export function encodeStrings(values: ArrayLike<unknown>): CodedColumn {
  const codes = new Int32Array(values.length);
  const dict: string[] = [];
  const seen = new Map<string, number>();
  for (let i = 0; i < codes.length; i++) {
    const v = values[i];
    if (v === null || v === undefined) {
      codes[i] = -1;
      continue;
    }
    const s = typeof v === "string" ? v : String(v);
    let code = seen.get(s);
    if (code === undefined) {
      code = dict.length;
      dict.push(s);
      seen.set(s, code);
    }
    codes[i] = code;
  }
  return { codes, values: dict };
}

// A collator orders "img2" before "img10"; it is slow on huge dictionaries (ids), where the
// code-unit order is used instead.
const COLLATOR_LIMIT = 50_000;
const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: "base" });

/** Rank of each dictionary value in sorted order: sorting rows by rank sorts them by value. */
export function dictionaryRanks(values: readonly string[]): Int32Array {
  const order = values.map((_, i) => i);
  if (values.length <= COLLATOR_LIMIT) {
    order.sort(
      (a, b) => collator.compare(values[a], values[b]) || (values[a] < values[b] ? -1 : values[a] > values[b] ? 1 : 0),
    );
  } else {
    order.sort((a, b) => (values[a] < values[b] ? -1 : values[a] > values[b] ? 1 : 0));
  }
  const ranks = new Int32Array(values.length);
  order.forEach((code, rank) => (ranks[code] = rank));
  return ranks;
}

/** Sort keys of a coded column: the rank of each row's value, NaN for null. */
export function codedSortKeys(column: CodedColumn): Float64Array {
  const ranks = dictionaryRanks(column.values);
  const keys = new Float64Array(column.codes.length);
  for (let i = 0; i < keys.length; i++) {
    const c = column.codes[i];
    keys[i] = c < 0 ? NaN : ranks[c];
  }
  return keys;
}
