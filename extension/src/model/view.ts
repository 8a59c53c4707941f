/** Which rows a grid shows, in which order: its sort, side-panel filters and the group's filter. */
import { SampleTable, type SortKey } from "./samples";

export interface Filters {
  /** category, boolean and tags fields: rows with one of these values (an empty set: no filter). */
  values: ReadonlyMap<string, ReadonlySet<string>>;
  /** number fields: rows inside [lo, hi], inclusive; NaN never passes. */
  ranges: ReadonlyMap<string, readonly [number, number]>;
}

export const NO_FILTERS: Filters = { values: new Map(), ranges: new Map() };

export function activeFilterCount(filters: Filters): number {
  let n = filters.ranges.size;
  for (const set of filters.values.values()) if (set.size) n++;
  return n;
}

/** Rows to show, in display order. `allowed` (1 per row) is the group's filter, if any. */
export function computeView(
  table: SampleTable,
  sort: SortKey | null,
  filters: Filters,
  allowed: Uint8Array | null,
): Int32Array {
  const order = table.order(sort);
  const tests: ((row: number) => boolean)[] = [];
  for (const [name, wanted] of filters.values) {
    if (!wanted.size || !table.has(name)) continue;
    if (table.kind(name) === "tags") {
      tests.push((row) => table.list(name, row).some((t) => wanted.has(t)));
      continue;
    }
    const { codes, values } = table.codedColumn(name);
    const ok = new Uint8Array(values.length);
    values.forEach((v, code) => (ok[code] = wanted.has(v) ? 1 : 0));
    tests.push((row) => codes[row] >= 0 && ok[codes[row]] === 1);
  }
  for (const [name, [lo, hi]] of filters.ranges) {
    if (!table.has(name)) continue;
    const col = table.numberColumn(name);
    tests.push((row) => col[row] >= lo && col[row] <= hi);
  }
  if (!tests.length && !allowed) return order;
  const out = new Int32Array(order.length);
  let n = 0;
  outer: for (let i = 0; i < order.length; i++) {
    const row = order[i];
    if (allowed && !allowed[row]) continue;
    for (const test of tests) if (!test(row)) continue outer;
    out[n++] = row;
  }
  return out.slice(0, n);
}
