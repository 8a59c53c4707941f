import type { ColumnTable } from "arquero";

/** A table column's values in row order (arquero gives arrays or typed arrays; both iterate). */
export function values<T>(t: ColumnTable, name: string): ArrayLike<T> & Iterable<T> {
  return t.array(name) as unknown as ArrayLike<T> & Iterable<T>;
}
