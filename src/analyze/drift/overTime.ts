/**
 * Drift over time: the samples cut into time windows, each window compared with one reference
 * (the training split, or by default the first window that has enough samples) by drift(), so a
 * chart shows when the data began to move and which fields moved.
 */

import * as aq from "arquero";
import type { ColumnTable } from "arquero";
import { values } from "../../dataset/columns";
import { Dataset } from "../../dataset/dataset";
import type { View } from "../../dataset/view";
import { BlindspotError } from "../../errors";
import { timeWindows, type WindowSize } from "../time/windows";
import type { Embeddings } from "../../embed/embed";
import { embeddingRows, embeddingRowsDrift, type EmbeddingDriftOptions } from "./embeddings";
import { compareSets, samplesOf, setOf, type DriftOptions } from "./index";

export interface DriftOverTimeOptions extends DriftOptions {
  /** Sample field of times (dates, ISO text, or numbers). */
  time: string;
  /** Calendar window ("day", "week", "month", ...) or a width in the field's unit (default "month"). */
  window?: WindowSize;
  /** Fields compared (default: as drift(), without the time field, which moves by construction). */
  fields?: string[];
  /** The set every window is compared with (default: the first window with at least `minSamples`). */
  reference?: Dataset | View;
  /** Windows with fewer samples are listed but not compared (default 30). */
  minSamples?: number;
  /** Image embeddings of the samples: each window's images are compared too (embeddingDrift). */
  embeddings?: Embeddings;
  embeddingOptions?: EmbeddingDriftOptions;
  onProgress?: (done: number, total: number) => void;
}

export interface DriftOverTimeSummary {
  time: string;
  window: WindowSize;
  reference: string;
  windows: number;
  compared: number;
  drifted: string[];
  /** Samples without a time, in no window. */
  withoutTime: number;
  /** Windows whose images drifted (the MMD test), null without embeddings. */
  imagesDrifted: string[] | null;
}

export interface DriftOverTime {
  dataset: Dataset;
  /**
   * window, start, end, samples, status ("compared", "reference", "no samples", "too few samples"),
   * fields, drifted_fields (their names, comma-separated), share, dataset_drift; with embeddings
   * also images_auc, images_mmd, images_p, images_drift; oldest first.
   */
  windows: ColumnTable;
  /** window, then drift()'s columns for every field compared in that window. */
  fields: ColumnTable;
  /** window, id: each sample's window. */
  members: ColumnTable;
  summary: DriftOverTimeSummary;
}

export async function driftOverTime(source: Dataset | View, options: DriftOverTimeOptions): Promise<DriftOverTime> {
  if (!options || typeof options.time !== "string")
    throw new BlindspotError({
      place: "driftOverTime: time",
      message: "no time field named",
      hint: 'e.g. driftOverTime(ds, { time: "capture_time", window: "month" })',
    });
  const dataset = source instanceof Dataset ? source : source.dataset;
  const samples = samplesOf(source);
  const size = options.window ?? "month";
  const minSamples = options.minSamples ?? 30;
  const w = timeWindows(samples, options.time, size, "driftOverTime");
  const rowsOf: number[][] = w.names.map(() => []);
  w.windowOf.forEach((k, r) => k >= 0 && rowsOf[k].push(r));
  const firstFull = rowsOf.findIndex((rows) => rows.length >= minSamples);
  if (!options.reference && firstFull < 0)
    throw new BlindspotError({
      place: "driftOverTime: window",
      message: `no ${JSON.stringify(size)} window holds ${minSamples} samples to serve as the reference`,
      hint: "choose a wider window, a lower minSamples, or pass a reference (e.g. the training split)",
    });
  const referenceSamples = options.reference ? samplesOf(options.reference) : null;
  const reference = referenceSamples ? setOf(referenceSamples) : setOf(samples, rowsOf[firstFull]);
  const ids = values<string>(samples, "id");
  const e = options.embeddings;
  const referenceRows = e
    ? embeddingRows(e, referenceSamples ? values<string>(referenceSamples, "id") : rowsOf[firstFull].map((r) => ids[r]))
    : null;
  const windowRows: Record<string, unknown>[] = [];
  const fieldTables: ColumnTable[] = [];
  for (const [k, name] of w.names.entries()) {
    const rows = rowsOf[k];
    const base = { window: name, start: w.start[k], end: w.end[k], samples: rows.length };
    const status = !rows.length
      ? "no samples"
      : rows.length < minSamples
        ? "too few samples"
        : !options.reference && k === firstFull
          ? "reference"
          : "compared";
    const images = e ? { images_auc: null, images_mmd: null, images_p: null, images_drift: null } : {};
    if (status !== "compared") {
      windowRows.push({ ...base, status, fields: 0, drifted_fields: "", share: null, dataset_drift: null, ...images });
    } else {
      const result = compareSets(reference, setOf(samples, rows), options, [options.time]);
      fieldTables.push(result.fields.derive({ window: aq.escape(() => name) }).relocate("window", { before: 0 }));
      windowRows.push({
        ...base,
        status,
        fields: result.summary.fields,
        drifted_fields: result.summary.drifted.join(", "),
        share: result.summary.share,
        dataset_drift: result.summary.datasetDrift,
        ...(e && referenceRows
          ? await imageColumns(
              referenceRows,
              embeddingRows(
                e,
                rows.map((r) => ids[r]),
              ),
              e.dim,
              options,
            )
          : {}),
      });
    }
    options.onProgress?.(k + 1, w.names.length);
  }
  const members = { window: [] as string[], id: [] as string[] };
  w.windowOf.forEach((k, r) => {
    if (k < 0) return;
    members.window.push(w.names[k]);
    members.id.push(ids[r]);
  });
  const windows = aq.from(windowRows);
  return {
    dataset,
    windows,
    fields: fieldTables.length ? fieldTables.reduce((a, b) => a.concat(b)) : aq.table({ window: [], field: [] }),
    members: aq.table(members),
    summary: {
      time: options.time,
      window: size,
      reference: options.reference ? "given" : w.names[firstFull],
      windows: w.names.length,
      compared: windowRows.filter((r) => r.status === "compared").length,
      drifted: windowRows.filter((r) => r.dataset_drift === true).map((r) => r.window as string),
      withoutTime: w.missing,
      imagesDrifted: e ? windowRows.filter((r) => r.images_drift === true).map((r) => r.window as string) : null,
    },
  };
}

async function imageColumns(
  reference: Float32Array,
  current: Float32Array,
  dim: number,
  options: DriftOverTimeOptions,
) {
  const d = await embeddingRowsDrift(reference, current, dim, options.embeddingOptions);
  return { images_auc: d.auc, images_mmd: d.mmd, images_p: d.pValue, images_drift: d.drifted };
}
