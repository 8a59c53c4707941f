import type { ColumnTable } from "arquero";

/**
 * True for an arquero table. Checked by shape rather than class: the notebook may load its own
 * copy of arquero, whose tables are not instances of ours.
 */
export function isTable(value: unknown): value is ColumnTable {
  const t = value as Partial<ColumnTable> | null;
  return (
    typeof t === "object" &&
    t !== null &&
    typeof t.columnNames === "function" &&
    typeof t.numRows === "function" &&
    typeof t.array === "function"
  );
}
