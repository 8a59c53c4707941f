import * as aq from "arquero";
import type { ColumnTable } from "arquero";
import { values } from "../../src/dataset/columns";
import { linkGroup } from "../linkGroup";
import { Dataset } from "../../src/dataset/dataset";
import { View } from "../../src/dataset/view";
import { closestName, didYouMean } from "../../src/dataset/fieldCheck";
import { BlindspotError } from "../../src/errors";
import { describe } from "../show/checks";
import { isTable } from "../show/isTable";

/** What a plot can be drawn from. */
export type PlotInput = View | Dataset | ColumnTable;

export interface SourceOptions {
  /** Objects of one label field only (e.g. "model"), when a plotted field is a box column. */
  labelField?: string;
}

/**
 * The rows a plot counts: a view's samples, or its objects when a plotted field is a box
 * column (label, confidence, w, ...), or a table's rows. Sample columns are looked up for
 * object rows through the object's sample, so boxes can be split by a sample field.
 */
export interface PlotSource {
  rows: number;
  /** What a row is, for axis titles. */
  unit: "samples" | "objects" | "rows";
  /** Sample id of each row; null for a table without an `id` or `sample_id` column. */
  ids: ArrayLike<string> | null;
  dataset: string | null;
  column(name: string): ArrayLike<unknown>;
}

export function plotSource(input: PlotInput, fields: readonly string[], options: SourceOptions = {}): PlotSource {
  if (input instanceof Dataset) input = input.view();
  if (input instanceof View) return viewSource(input, fields, options);
  if (isTable(input)) return tableSource(input, fields);
  throw new BlindspotError({
    message: `cannot plot ${describe(input)}`,
    hint: "pass a dataset, a view (ds.filter(...)) or an arquero table",
  });
}

function viewSource(view: View, fields: readonly string[], options: SourceOptions): PlotSource {
  const samples = view.samples();
  const sampleFields = samples.columnNames();
  const dataset = linkGroup(view.dataset);
  if (fields.every((f) => sampleFields.includes(f)) && options.labelField === undefined) {
    return {
      rows: samples.numRows(),
      unit: "samples",
      ids: values<string>(samples, "id"),
      dataset,
      column: (name) => values(samples, name),
    };
  }
  let objects = view.objects();
  const objectFields = objects.columnNames();
  for (const f of fields) {
    if (!objectFields.includes(f) && !sampleFields.includes(f)) {
      throw new BlindspotError({
        message:
          `no field ${JSON.stringify(f)} in the samples or objects of ` +
          `${JSON.stringify(view.dataset.name)}${didYouMean(closestName(f, [...sampleFields, ...objectFields]))}`,
        hint: `sample fields: ${sampleFields.join(", ")}; object fields: ${objectFields.join(", ")}`,
      });
    }
  }
  if (options.labelField !== undefined) {
    const labelFields = view.dataset.fields.map((f) => f.name);
    if (!labelFields.includes(options.labelField)) {
      throw new BlindspotError({
        place: "labelField",
        message: `no label field ${JSON.stringify(options.labelField)}`,
        hint: `label fields: ${labelFields.join(", ") || "none"}`,
      });
    }
    const wanted = options.labelField;
    objects = objects.filter(aq.escape((d: { field: string }) => d.field === wanted));
  }
  const sampleIds = values<string>(objects, "sample_id");
  let sampleRow: Int32Array | null = null;
  const rowsOfSamples = (): Int32Array => {
    if (sampleRow) return sampleRow;
    const rowOf = new Map<string, number>();
    const ids = values<string>(samples, "id");
    for (let i = 0; i < ids.length; i++) rowOf.set(ids[i], i);
    sampleRow = Int32Array.from(sampleIds, (id) => rowOf.get(id) ?? -1);
    return sampleRow;
  };
  return {
    rows: objects.numRows(),
    unit: "objects",
    ids: sampleIds,
    dataset,
    column: (name) => {
      if (objectFields.includes(name)) return values(objects, name);
      const sampleValues = values<unknown>(samples, name);
      return Array.from(rowsOfSamples(), (r) => (r < 0 ? null : sampleValues[r]));
    },
  };
}

function tableSource(table: ColumnTable, fields: readonly string[]): PlotSource {
  const names = table.columnNames();
  for (const f of fields) {
    if (!names.includes(f))
      throw new BlindspotError({
        message: `no column ${JSON.stringify(f)} in the table${didYouMean(closestName(f, names))}`,
        hint: `columns: ${names.join(", ")}`,
      });
  }
  const idColumn = names.includes("id") ? "id" : names.includes("sample_id") ? "sample_id" : null;
  return {
    rows: table.numRows(),
    unit: "rows",
    dataset: null,
    ids: idColumn === null ? null : Array.from(values<unknown>(table, idColumn), (v) => String(v)),
    column: (name) => values(table, name),
  };
}
