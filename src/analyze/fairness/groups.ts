/**
 * Rows coded by their combination of values in several fields: the intersections Fairlearn's
 * MetricFrame groups by (only the combinations that occur). A missing value is a group of its own,
 * so that no row is dropped.
 */

/** The group name of a missing value. */
export const MISSING = "(missing)";

export interface Grouping {
  fields: string[];
  /** Per row: the index of its group. */
  code: Int32Array;
  /** Per group: its value in each field (MISSING for none); groups sorted by these values, field by field. */
  keys: string[][];
  /** Per field: rows without a value. */
  missing: number[];
}

const collator = new Intl.Collator("en", { numeric: true });

/** Groups of `columns` (one per field, each `rows` long). */
export function groupRows(fields: string[], columns: readonly ArrayLike<unknown>[], rows: number): Grouping {
  const coded = columns.map((c) => codeColumn(c, rows));
  // Mixed-radix codes, the first field most significant: numeric order is the order of the keys.
  const combined = new Float64Array(rows);
  for (const { code, names } of coded)
    for (let r = 0; r < rows; r++) combined[r] = combined[r] * names.length + code[r];
  const distinct = Float64Array.from(new Set(combined)).sort();
  const index = new Map<number, number>();
  distinct.forEach((v, g) => index.set(v, g));
  const code = new Int32Array(rows);
  for (let r = 0; r < rows; r++) code[r] = index.get(combined[r])!;
  const keys = Array.from(distinct, (v) => {
    const key = new Array<string>(coded.length);
    for (let f = coded.length - 1; f >= 0; f--) {
      const n = coded[f].names.length;
      key[f] = coded[f].names[v % n];
      v = Math.floor(v / n);
    }
    return key;
  });
  return { fields, code, keys, missing: coded.map((c) => c.missing) };
}

/** One field's values as indices into its sorted distinct names. */
function codeColumn(column: ArrayLike<unknown>, rows: number): { code: Int32Array; names: string[]; missing: number } {
  const first = new Map<string, number>();
  const raw = new Int32Array(rows);
  let missing = 0;
  for (let r = 0; r < rows; r++) {
    const v = column[r];
    const name = v === null || v === undefined || (typeof v === "number" && Number.isNaN(v)) ? MISSING : String(v);
    if (name === MISSING) missing++;
    let i = first.get(name);
    if (i === undefined) first.set(name, (i = first.size));
    raw[r] = i;
  }
  const names = [...first.keys()].sort((a, b) => collator.compare(a, b));
  const rank = new Int32Array(names.length);
  names.forEach((n, k) => (rank[first.get(n)!] = k));
  return { code: raw.map((i) => rank[i]), names, missing };
}
