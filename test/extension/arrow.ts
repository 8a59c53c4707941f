/** Arrow tables made with flechette and read back, as the extension receives them. */
import { type Table, tableFromArrays, tableFromIPC, tableToIPC } from "@uwdata/flechette";
import type { ColumnSource } from "../../extension/src/model/columns";

type Options = Parameters<typeof tableFromArrays>[1];

/** Writes columns to Arrow IPC bytes and reads them back with flechette. */
export function roundTrip(
  columns: Record<string, unknown[] | ArrayLike<number> | BigInt64Array>,
  options?: Options,
): Table {
  const bytes = tableToIPC(tableFromArrays(columns as Parameters<typeof tableFromArrays>[0], options), {});
  if (!bytes) throw new Error("tableToIPC wrote nothing");
  return tableFromIPC(bytes);
}

export function columnsOf(table: Table): Map<string, ColumnSource> {
  return new Map(table.names.map((n) => [String(n), table.getChild(n) as ColumnSource]));
}
