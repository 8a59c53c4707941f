import {
  Column,
  batchType,
  bool,
  dictionary,
  float32,
  float64,
  int8,
  int16,
  int32,
  list,
  tableFromColumns,
  tableToIPC,
  utf8,
  type DataType,
} from "@uwdata/flechette";

/**
 * Arrow columns for the files the extension reads, built from typed arrays without per-row
 * objects: a view may have 10^6 rows and 10^7 boxes. Every column is one batch laid out here
 * directly: flechette's builders take ~1 µs a value (10x more), and for no rows they make no
 * batch, which its encoder then cannot write.
 */

/** Text as one code per row (-1: no value) into a list of distinct names, in order of first appearance. */
export interface Categories {
  codes: Int32Array;
  names: string[];
}

/** The text of a cell: strings as they are, objects as JSON, other values as String() gives them. */
function cellText(v: unknown): string {
  return typeof v === "string" ? v : typeof v === "object" ? JSON.stringify(v) : String(v);
}

export function encodeCategories(values: ArrayLike<unknown>): Categories {
  const n = values.length;
  const codes = new Int32Array(n);
  const index = new Map<string, number>();
  const names: string[] = [];
  let last: unknown = undefined;
  let lastCode = -1;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    // Runs of one value (sorted views, boxes of one field) skip the lookup.
    if (v !== last || i === 0) {
      last = v;
      if (v == null) lastCode = -1;
      else {
        const text = cellText(v);
        let code = index.get(text);
        if (code === undefined) {
          code = names.length;
          index.set(text, code);
          names.push(text);
        }
        lastCode = code;
      }
    }
    codes[i] = lastCode;
  }
  return { codes, names };
}

/**
 * A dictionary-encoded string column: each distinct name stored once, rows hold the smallest
 * integer that indexes the names (a label column of 10^7 boxes: 10 MB of int8 instead of 40).
 */
export function dictionaryColumn({ codes, names }: Categories): Column<string> {
  const dictionaryValues = utf8Column(names);
  const [indexType, indices] =
    names.length <= 0x7f
      ? [int8(), Int8Array.from(codes)]
      : names.length <= 0x7fff
        ? [int16(), Int16Array.from(codes)]
        : [int32(), codes];
  // The encoder finds a dictionary by its value type: the very object of the values column.
  const column = oneBatch<string>(dictionary(dictionaryValues.type, indexType), codes.length, (i) => codes[i] >= 0, {
    values: indices,
  });
  (column.data[0] as unknown as { setDictionary(values: Column<string>): void }).setDictionary(dictionaryValues);
  return column;
}

/** Strings with few distinct values (labels, categories, thumbnail paths). */
export function categoryColumn(values: ArrayLike<string | null>): Column<string> {
  return dictionaryColumn(encodeCategories(values));
}

/** Strings, mostly distinct (ids, file names). */
export function utf8Column(values: ArrayLike<string | null>): Column<string> {
  const n = values.length;
  const offsets = new Int32Array(n + 1);
  const parts: string[] = new Array(n);
  let end = 0;
  for (let i = 0; i < n; i++) {
    parts[i] = values[i] ?? "";
    end += Buffer.byteLength(parts[i]);
    offsets[i + 1] = end;
  }
  // One encoding of the joined text instead of one TextEncoder call per value.
  let bytes: Uint8Array = Buffer.from(parts.join(""));
  // Lone surrogates of neighbouring values can pair up when joined: encode value by value then.
  if (bytes.length !== end) bytes = Buffer.concat(parts.map((p) => Buffer.from(p)));
  return oneBatch(utf8(), n, (i) => values[i] != null, { offsets, values: bytes });
}

/** Booleans (a Uint8Array of 0/1, or booleans with nulls). */
export function boolColumn(values: ArrayLike<boolean | number | null>): Column<boolean> {
  const n = values.length;
  const bits = new Uint8Array(Math.ceil(n / 8));
  for (let i = 0; i < n; i++) if (values[i]) bits[i >> 3] |= 1 << (i & 7);
  return oneBatch(bool(), n, (i) => values[i] != null, { values: bits });
}

/** A typed array as it is (Float32Array -> float32, Int32Array -> int32, ...), without copying. */
export function typedColumn(values: Float32Array | Float64Array | Int32Array): Column<number> {
  const type = values instanceof Float32Array ? float32() : values instanceof Float64Array ? float64() : int32();
  return oneBatch(type, values.length, () => true, { values });
}

/** float64 with nulls where the values have them (NaN stays a number). */
export function float64Column(values: ArrayLike<number | null>): Column<number> {
  if (values instanceof Float64Array) return typedColumn(values);
  return oneBatch(float64(), values.length, (i) => values[i] != null, {
    values: Float64Array.from(values, (v) => v ?? NaN),
  });
}

/** int32 with nulls where the values have them. */
export function int32Column(values: ArrayLike<number | null>): Column<number> {
  if (values instanceof Int32Array) return typedColumn(values);
  return oneBatch(int32(), values.length, (i) => values[i] != null, { values: Int32Array.from(values, (v) => v ?? 0) });
}

/** Lists of strings (tags). */
export function stringListColumn(values: ArrayLike<readonly string[] | null>): Column<string[]> {
  const n = values.length;
  const offsets = new Int32Array(n + 1);
  const flat: string[] = [];
  for (let i = 0; i < n; i++) {
    for (const s of values[i] ?? []) flat.push(s);
    offsets[i + 1] = flat.length;
  }
  const elements = utf8Column(flat);
  return oneBatch(list(elements.type), n, (i) => values[i] != null, { offsets, children: [elements.data[0]] });
}

/** An Arrow IPC file (the `file` format, with footer) of named columns of equal length. */
export function encodeArrow(columns: Record<string, Column<unknown>>): Uint8Array {
  return tableToIPC(tableFromColumns(columns), { format: "file" })!;
}

/** A column of one batch; `valid(i)` says whether row i has a value. */
function oneBatch<T>(
  type: DataType,
  length: number,
  valid: (i: number) => boolean,
  buffers: { values?: ArrayLike<number>; offsets?: Int32Array; children?: unknown[] },
): Column<T> {
  const validity = new Uint8Array(Math.ceil(length / 8));
  let nulls = 0;
  for (let i = 0; i < length; i++) {
    if (valid(i)) validity[i >> 3] |= 1 << (i & 7);
    else nulls++;
  }
  // Arrow's validity bitmap may be left out when every row has a value.
  return new Column([
    new (batchType(type))({
      length,
      nullCount: nulls,
      type,
      validity: nulls ? validity : new Uint8Array(0),
      ...buffers,
    }),
  ]);
}
