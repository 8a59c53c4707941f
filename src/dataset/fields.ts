import * as aq from "arquero";
import type { ColumnTable } from "arquero";
import { BlindspotError } from "../errors";
import { values } from "./columns";
import { SAMPLE_CORE_COLUMNS, type FieldInfo } from "./schema";

/**
 * Columns of `rows` rearranged into the order of `ids`: row i of `rows` goes where `keys[i]`
 * is in `ids`; rows whose key is undefined are skipped, samples without a row get null.
 */
export function alignById(
  ids: ArrayLike<string>,
  keys: ArrayLike<string | undefined>,
  columns: Record<string, ArrayLike<unknown>>,
): Record<string, unknown[]> {
  const rowOf = new Map<string, number>();
  for (let i = 0; i < ids.length; i++) rowOf.set(ids[i], i);
  const out: Record<string, unknown[]> = {};
  for (const [name, v] of Object.entries(columns)) {
    const col = new Array<unknown>(ids.length).fill(null);
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i];
      if (k !== undefined) col[rowOf.get(k)!] = v[i];
    }
    out[name] = col;
  }
  return out;
}

/**
 * The samples table with the columns of `table` added (or replaced) by sample id, read from
 * column `on`. Refuses ids the dataset lacks, repeated ids, and the core and label columns.
 */
export function withSampleFields(
  samples: ColumnTable,
  fields: FieldInfo[],
  table: ColumnTable,
  on: string,
): ColumnTable {
  const names = table.columnNames();
  if (!names.includes(on)) {
    throw new BlindspotError({
      place: on,
      message: `the table has no column ${JSON.stringify(on)} to match samples by (its columns: ${names.join(", ")})`,
      hint: 'pass a table with the samples\' ids, or name its id column with { on: "column" }',
    });
  }
  // Classification fields keep their label, confidence and probabilities in sample columns.
  const labelColumns = fields.flatMap((f) =>
    f.kind === "classification" ? [f.name, `${f.name}_confidence`, `${f.name}_probs`] : [f.name],
  );
  const reserved = new Set<string>([...SAMPLE_CORE_COLUMNS, ...labelColumns]);
  const clash = names.filter((n) => n !== on && reserved.has(n));
  if (clash.length) {
    throw new BlindspotError({
      place: clash.join(", "),
      message: `cannot overwrite the core or label column(s) ${clash.join(", ")}`,
      hint: "rename those columns before adding them",
    });
  }
  const ids = values<string>(samples, "id");
  const known = new Set<string>(Array.from(ids));
  const keys = Array.from(values<unknown>(table, on), String);
  const unknown = keys.filter((k) => !known.has(k));
  if (unknown.length) {
    throw new BlindspotError({
      place: on,
      message: `${unknown.length} rows name samples the dataset does not have (e.g. ${unknown
        .slice(0, 3)
        .map((k) => JSON.stringify(k))
        .join(", ")})`,
      hint: "compute the table from this dataset's samples, or filter it to their ids first",
    });
  }
  if (new Set(keys).size !== keys.length) {
    throw new BlindspotError({
      place: on,
      message: `${keys.length - new Set(keys).size} sample ids appear more than once`,
      hint: 'aggregate to one row per sample (groupby("id").rollup(...)) first',
    });
  }
  const columns: Record<string, ArrayLike<unknown>> = {};
  for (const n of names) if (n !== on) columns[n] = values<unknown>(table, n);
  return samples.assign(aq.table(alignById(ids, keys, columns)));
}
