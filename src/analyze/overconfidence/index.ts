/**
 * Confidence against outcomes, over time: per time window the distribution of a model's scores
 * (a classifier's top-1 confidence, a detector's box scores), its calibration (ECE; for a detector
 * the precision of each score bin, D-ECE), and the confident errors ranked, each with a second
 * opinion from the pixels that tells the model's errors from the labels' (see secondOpinion.ts).
 */

import * as aq from "arquero";
import type { ColumnTable } from "arquero";
import { values } from "../../dataset/columns";
import type { Dataset } from "../../dataset/dataset";
import type { EmbedOptions, Embeddings } from "../../embed/embed";
import type { ClassificationEvaluation } from "../../eval/classification";
import { DetectionEvaluation } from "../../eval/detection";
import { timeWindows, type WindowSize } from "../time/windows";
import { cropOpinion, imageOpinion } from "./banks";
import { classificationRows, detectionRows, type ScoredRows } from "./rows";
import { perWindow } from "./windowTables";

export interface OverconfidenceOptions {
  /** Errors at or above this score are the confident ones (default 0.9). */
  threshold?: number;
  /** Equal-width score bins over (0, 1] (default 10). */
  bins?: number;
  /** A sample field of times to cut into windows (default: one window of everything). */
  time?: string;
  /** Calendar window or a width in the time field's unit (default "month"). */
  window?: WindowSize;
  /**
   * The pixels' opinion on each confident error. Detection: true (default) embeds the boxes
   * involved (crops, with `embed`'s options); false skips it. Classification: the images'
   * embeddings (computeEmbeddings(ds)); without them there is none.
   */
  secondOpinion?: boolean | Embeddings;
  /** Options of the crop embeddings (model, provider, cacheRoot). */
  embed?: Omit<EmbedOptions, "crops">;
  /** Nearest examples per class that the second opinion averages (default 5). */
  k?: number;
  /** Trusted examples per class in the second opinion's bank (default 100, a seeded sample). */
  bankPerClass?: number;
  seed?: number;
  onProgress?: (done: number, total: number) => void;
}

export interface OverconfidenceSummary {
  kind: "detection" | "classification";
  threshold: number;
  /** Scored predictions (detection) or samples (classification), those at or above the threshold, and their errors. */
  scored: number;
  confident: number;
  confidentErrors: number;
  /** Of the confident errors, by the second opinion (null without one). */
  modelErrors: number | null;
  labelSuspected: number | null;
  /** ECE (classification) or D-ECE (detection) of everything, and the window where it is worst. */
  ece: number;
  worstWindow: { window: string; ece: number } | null;
}

export interface Overconfidence {
  dataset: Dataset;
  /**
   * The confident errors, ranked: rank, id (object or sample), sample_id, label (predicted), truth,
   * error, confidence, looks_like, margin, verdict ("model error" or "label suspected"), window.
   */
  errors: ColumnTable;
  /** window, start, end, scored, mean_score, right_share (accuracy or precision), ece, confident, confident_errors. */
  windows: ColumnTable;
  /** window, lower, upper, count, errors, right_share, mean_score: the score distribution and calibration per window. */
  calibration: ColumnTable;
  /** window, id: the samples of each window (those with a time). */
  members: ColumnTable;
  summary: OverconfidenceSummary;
}

const ALL = "all";

export async function overconfidence(
  evaluation: DetectionEvaluation | ClassificationEvaluation,
  options: OverconfidenceOptions = {},
): Promise<Overconfidence> {
  const detection = evaluation instanceof DetectionEvaluation;
  const rows = detection ? detectionRows(evaluation) : classificationRows(evaluation as ClassificationEvaluation);
  const ds = evaluation.dataset;
  const threshold = options.threshold ?? 0.9;
  const bins = options.bins ?? 10;
  const window = windowsOf(ds, rows, options);

  const confident: number[] = [];
  for (let i = 0; i < rows.ids.length; i++) if (!rows.right[i] && rows.score[i] >= threshold) confident.push(i);
  const opinion = detection
    ? options.secondOpinion === false
      ? null
      : await cropOpinion(evaluation, rows, confident, options)
    : typeof options.secondOpinion === "object"
      ? imageOpinion(rows, confident, options.secondOpinion, options)
      : null;
  const order = confident.map((_, q) => q);
  // With a second opinion the clearest model errors come first (the most unlike their predicted class); else the most confident.
  order.sort(
    (a, b) =>
      (opinion ? nanLast(opinion.margin[a]) - nanLast(opinion.margin[b]) : 0) ||
      rows.score[confident[b]] - rows.score[confident[a]],
  );
  const ids = values<string>(ds.samples, "id");
  const verdict = (q: number) =>
    !opinion || opinion.looksLike[q] === null
      ? null
      : opinion.looksLike[q] === rows.label[confident[q]]
        ? "label suspected"
        : "model error";
  const errors = aq.table({
    rank: order.map((_, k) => k + 1),
    id: order.map((q) => rows.ids[confident[q]]),
    sample_id: order.map((q) => ids[rows.sampleRow[confident[q]]]),
    label: order.map((q) => rows.label[confident[q]]),
    truth: order.map((q) => rows.truth[confident[q]]),
    error: order.map((q) => rows.error[confident[q]]),
    confidence: order.map((q) => rows.score[confident[q]]),
    looks_like: order.map((q) => opinion?.looksLike[q] ?? null),
    margin: order.map((q) => (opinion && !Number.isNaN(opinion.margin[q]) ? opinion.margin[q] : null)),
    verdict: order.map(verdict),
    window: order.map((q) => window.names[window.of[confident[q]]] ?? null),
  });

  const { windowRows, calibrationRows, all } = perWindow(rows, window, bins, threshold);
  const judged = opinion ? order.map(verdict) : null;
  const inWindow = Array.from(window.ofSample).flatMap((w, r) => (w >= 0 ? [r] : []));
  const members = aq.table({
    window: inWindow.map((r) => window.names[window.ofSample[r]]),
    id: inWindow.map((r) => ids[r]),
  });
  const worst = windowRows
    .filter((w) => w.ece !== null)
    .reduce<Record<string, unknown> | null>((m, w) => (!m || (w.ece as number) > (m.ece as number) ? w : m), null);
  return {
    dataset: ds,
    errors,
    windows: aq.from(windowRows),
    calibration: calibrationRows.length
      ? aq.from(calibrationRows)
      : aq.table({ window: [], lower: [], upper: [], count: [] }),
    members,
    summary: {
      kind: rows.kind,
      threshold,
      scored: rows.ids.length,
      confident: rows.score.filter((s) => s >= threshold).length,
      confidentErrors: confident.length,
      modelErrors: judged ? judged.filter((v) => v === "model error").length : null,
      labelSuspected: judged ? judged.filter((v) => v === "label suspected").length : null,
      ece: all.ece,
      worstWindow:
        worst && window.names.length > 1 ? { window: worst.window as string, ece: worst.ece as number } : null,
    },
  };
}

const nanLast = (v: number) => (Number.isNaN(v) ? Infinity : v);

/** Each row's window (from its sample's time), or one window of everything. */
function windowsOf(ds: Dataset, rows: ScoredRows, options: OverconfidenceOptions) {
  if (options.time === undefined)
    return {
      names: [ALL],
      start: [null],
      end: [null],
      of: new Int32Array(rows.ids.length),
      ofSample: new Int32Array(ds.count()),
    };
  const w = timeWindows(ds.samples, options.time, options.window ?? "month", "overconfidence");
  return {
    names: w.names,
    start: w.start,
    end: w.end,
    of: Int32Array.from(rows.sampleRow, (s) => w.windowOf[s]),
    ofSample: w.windowOf,
  };
}
