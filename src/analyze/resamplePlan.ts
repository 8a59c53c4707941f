import * as aq from "arquero";
import type { ColumnTable } from "arquero";
import type { Dataset } from "../dataset/dataset";
import { values } from "../dataset/columns";
import { checkField } from "../dataset/fieldCheck";
import { BlindspotError } from "../errors";
import { checkCount, samplesPerCode } from "./checks";
import { classLabels } from "./classLabels";
import { COVERAGE_DEFAULTS } from "./coverage";
import { namedFieldCodes } from "./fieldCodes";

export interface ResamplePlanOptions {
  /** Sample field(s) whose values make the contexts: one field, or several crossed. */
  by: string | string[];
  /** Samples each class should have in each context (an integer >= 1). */
  minimum: number;
  /** Label field (default: ground_truth, else the only ground-truth field). */
  labelField?: string;
}

export interface ResamplePlanSummary {
  labelField: string;
  by: string[];
  minimum: number;
  cells: number;
  /** Cells below the minimum, and among them those with no sample at all. */
  short: number;
  empty: number;
  /** Samples to add over all cells: by oversampling or augmenting where a cell has samples, by collecting where it has none. */
  toAdd: number;
}

export interface ResamplePlan {
  /**
   * class, the `by` fields, samples (holding the class in that context), to_add,
   * factor (minimum / samples: how often to repeat each sample when oversampling; null when
   * empty), action ("ok", "oversample or augment", "collect"): most to add first.
   */
  table: ColumnTable;
  summary: ResamplePlanSummary;
}

/**
 * How many samples each class x context cell lacks to reach `minimum` samples: for every class
 * of the label field and every combination of values of the `by` fields (numbers binned as
 * `coverage` bins them), the number of samples holding that class there, what to add, and the
 * oversampling factor. A cell with no sample cannot be oversampled: its target is to collect.
 */
export function resamplePlan(ds: Dataset, options: ResamplePlanOptions): ResamplePlan {
  const minimum = checkCount(options?.minimum, "resamplePlan: minimum", 1);
  const by = options.by === undefined ? [] : Array.isArray(options.by) ? options.by : [options.by];
  if (!by.length) {
    throw new BlindspotError({
      place: "resamplePlan: by",
      message: "no field to make contexts of",
      hint: 'name one or more sample fields: { by: "time_of_day" } or { by: ["time_of_day", "weather"] }',
    });
  }
  const labels = classLabels(ds, options.labelField, "resamplePlan");
  const columns = ds.samples.columnNames();
  const fields = by.map((f) => {
    const name = checkField(f, columns, "resamplePlan: by");
    return namedFieldCodes(name, values<unknown>(ds.samples, name), COVERAGE_DEFAULTS, "resamplePlan: by");
  });
  // One code per combination of the fields' values: the contexts, in field order.
  const n = ds.samples.numRows();
  const context = new Int32Array(n);
  let contexts = 1;
  for (const f of fields) {
    for (let i = 0; i < n; i++) context[i] = context[i] * f.labels.length + f.codes[i];
    contexts *= f.labels.length;
  }
  const K = labels.classes.length;
  const cellOf = Int32Array.from(labels.codes, (c, i) => c * contexts + context[labels.sampleRows[i]]);
  const samples = samplesPerCode(labels.sampleRows, cellOf, K * contexts, n);

  const out: Record<string, unknown[]> = { class: [], ...Object.fromEntries(by.map((f) => [f, []])) };
  const counts: number[] = [],
    toAdd: number[] = [],
    factor: (number | null)[] = [],
    action: string[] = [];
  for (let c = 0; c < K; c++) {
    for (let x = 0; x < contexts; x++) {
      const have = samples[c * contexts + x];
      out.class.push(labels.classes[c]);
      let rest = x;
      for (let k = fields.length - 1; k >= 0; k--) {
        const size = fields[k].labels.length;
        out[by[k]].push(fields[k].labels[rest % size]);
        rest = Math.floor(rest / size);
      }
      counts.push(have);
      toAdd.push(Math.max(0, minimum - have));
      factor.push(have ? Math.max(1, minimum / have) : null);
      action.push(have >= minimum ? "ok" : have ? "oversample or augment" : "collect");
    }
  }
  const table = aq
    .table({ ...out, samples: counts, to_add: toAdd, factor, action })
    .orderby(aq.desc("to_add"), "class");
  return {
    table,
    summary: {
      labelField: labels.field.name,
      by,
      minimum,
      cells: counts.length,
      short: toAdd.filter((t) => t > 0).length,
      empty: counts.filter((c) => c === 0).length,
      toAdd: toAdd.reduce((s, t) => s + t, 0),
    },
  };
}
