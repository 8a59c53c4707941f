import * as aq from "arquero";
import type { ColumnTable } from "arquero";
import { BlindspotError } from "../../src/errors";
import { encodeCategories } from "../artifacts/arrow";
import { values } from "../../src/dataset/columns";
import { closestName, didYouMean } from "../../src/dataset/fieldCheck";

/** A view's samples regrouped for `show(view, { groupBy })`. */
export interface GroupedSamples {
  /** Only the samples with a group value, each group's rows together, largest group first. */
  samples: ColumnTable;
  /** Number of groups. */
  groups: number;
}

/**
 * Rows of the samples that have a value in `field` (null, undefined and NaN have none), ordered
 * by group: largest groups first, equal sizes by value (numbers numerically), each group's rows
 * in the view's order. Groups smaller than `minSize` are left out. Linear in the rows (a
 * counting sort), and the table is copied only once, column by column.
 */
export function groupSamples(samples: ColumnTable, field: string, minSize: number): GroupedSamples {
  const column = values<unknown>(samples, field);
  const { codes, names } = encodeCategories(column);
  const n = codes.length;
  const size = new Int32Array(names.length);
  const numeric = new Array<number | null>(names.length).fill(null);
  for (let i = 0; i < n; i++) {
    const v = column[i];
    if (typeof v === "number" && Number.isNaN(v)) codes[i] = -1;
    const c = codes[i];
    if (c < 0) continue;
    size[c]++;
    if (typeof v === "number") numeric[c] = v;
  }
  const kept = names.map((_, c) => c).filter((c) => size[c] >= minSize);
  kept.sort((a, b) => size[b] - size[a] || compareValues(numeric[a] ?? names[a], numeric[b] ?? names[b]));
  const rank = new Int32Array(names.length).fill(-1);
  kept.forEach((c, r) => (rank[c] = r));

  // Counting sort of the rows by their group's rank (stable: the view's order within a group).
  const start = new Int32Array(kept.length + 1);
  for (let i = 0; i < n; i++) if (codes[i] >= 0 && rank[codes[i]] >= 0) start[rank[codes[i]] + 1]++;
  for (let r = 0; r < kept.length; r++) start[r + 1] += start[r];
  const order = new Int32Array(start[kept.length]);
  const next = start.slice();
  for (let i = 0; i < n; i++) if (codes[i] >= 0 && rank[codes[i]] >= 0) order[next[rank[codes[i]]]++] = i;

  const columns: Record<string, ArrayLike<unknown>> = {};
  for (const name of samples.columnNames()) columns[name] = gather(values<unknown>(samples, name), order);
  return { samples: aq.table(columns), groups: kept.length };
}

/** Checks the groupBy and minGroupSize options against the sample fields. */
export function checkGroupBy(field: unknown, fields: readonly string[]): string {
  if (typeof field === "string" && fields.includes(field)) return field;
  const close = typeof field === "string" ? closestName(field, fields) : null;
  throw new BlindspotError({
    place: "groupBy",
    message: `no sample field ${JSON.stringify(field)} to group by${didYouMean(close)}`,
    hint:
      `e.g. { groupBy: "quality_near_duplicate_group" } after computeQuality(ds); sample fields: ` +
      `${fields.join(", ")}`,
  });
}

function gather(values: ArrayLike<unknown>, order: Int32Array): ArrayLike<unknown> {
  if (ArrayBuffer.isView(values) && !(values instanceof DataView)) {
    const typed = values as unknown as {
      constructor: new (n: number) => { [i: number]: unknown } & ArrayLike<unknown>;
    };
    const out = new typed.constructor(order.length);
    for (let i = 0; i < order.length; i++) out[i] = values[order[i]];
    return out;
  }
  return Array.from(order, (r) => values[r]);
}

function compareValues(a: number | string, b: number | string): number {
  if (typeof a === "number" && typeof b === "number") return a - b;
  const x = String(a),
    y = String(b);
  return x < y ? -1 : x > y ? 1 : 0;
}
