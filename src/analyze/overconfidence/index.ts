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
import { computeEmbeddings, type EmbedOptions, type Embeddings } from "../../embed/embed";
import { mulberry32 } from "../../dataset/view";
import { BlindspotError } from "../../errors";
import { binnedCalibration, type ClassificationEvaluation } from "../../eval/classification";
import { DetectionEvaluation } from "../../eval/detection";
import { timeWindows, type WindowSize } from "../time/windows";
import { classificationRows, detectionRows, sampleRows, type ScoredRows } from "./rows";
import { secondOpinion, type Bank, type Opinion } from "./secondOpinion";

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

  const windowRows: Record<string, unknown>[] = [];
  const calibrationRows: Record<string, unknown>[] = [];
  const rowsIn = window.names.map(() => [] as number[]);
  window.of.forEach((w, i) => w >= 0 && rowsIn[w].push(i));
  const all = binnedCalibration(rows.score, rows.right, bins);
  window.names.forEach((name, w) => {
    const at = rowsIn[w];
    const r = binnedCalibration(
      Float64Array.from(at, (i) => rows.score[i]),
      Uint8Array.from(at, (i) => rows.right[i]),
      bins,
    );
    const right = at.reduce((s, i) => s + rows.right[i], 0);
    windowRows.push({
      window: name,
      start: window.start[w],
      end: window.end[w],
      scored: at.length,
      mean_score: at.length ? at.reduce((s, i) => s + rows.score[i], 0) / at.length : null,
      right_share: at.length ? right / at.length : null,
      ece: at.length ? r.ece : null,
      confident: at.filter((i) => rows.score[i] >= threshold).length,
      confident_errors: at.filter((i) => rows.score[i] >= threshold && !rows.right[i]).length,
    });
    for (let b = 0; b < bins; b++) {
      if (!r.bins.count[b]) continue;
      calibrationRows.push({
        window: name,
        lower: r.bins.lower[b],
        upper: r.bins.upper[b],
        count: r.bins.count[b],
        errors: Math.round(r.bins.count[b] * (1 - r.bins.accuracy[b])),
        right_share: r.bins.accuracy[b],
        mean_score: r.bins.confidence[b],
      });
    }
  });
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

/** Up to `perClass` of the given rows per label, a seeded sample. */
function sampleByLabel(rows: number[], label: (r: number) => string, perClass: number, seed: number): number[] {
  const rand = mulberry32(seed);
  const byLabel = new Map<string, number[]>();
  for (const r of rows) byLabel.set(label(r), [...(byLabel.get(label(r)) ?? []), r]);
  return [...byLabel.values()].flatMap((list) => {
    for (let i = list.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [list[i], list[j]] = [list[j], list[i]];
    }
    return list.slice(0, perClass);
  });
}

const BACKGROUND = "(background)";

/**
 * Detection: the confident errors' crops against a bank of trusted crops: true boxes the detector
 * found (their label confirmed twice) and, as "(background)", predictions on nothing that the
 * detector itself scored low.
 */
async function cropOpinion(
  ev: DetectionEvaluation,
  rows: ScoredRows,
  confident: number[],
  options: OverconfidenceOptions,
): Promise<Opinion | null> {
  if (!confident.length) return null;
  const ds = ev.dataset;
  const o = ds.objects;
  const perClass = options.bankPerClass ?? 100,
    seed = options.seed ?? 0;
  const field = values<string>(o, "field"),
    outcome = values<string | null>(o, ev.key),
    label = values<string>(o, "label"),
    oid = values<number>(o, "id"),
    sid = values<string>(o, "sample_id");
  const found: number[] = [];
  for (let r = 0; r < o.numRows(); r++) if (field[r] === ev.gt && outcome[r] === "tp") found.push(r);
  const truthBank = sampleByLabel(found, (r) => label[r], perClass, seed).map((r) => oid[r]);
  const doubted: number[] = [];
  rows.error.forEach((e, i) => e === "background" && rows.score[i] < 0.5 && doubted.push(i));
  const backgroundBank = sampleByLabel(doubted, () => BACKGROUND, perClass, seed).map((i) => rows.ids[i] as number);
  const queryIds = confident.map((i) => rows.ids[i] as number);
  const total = truthBank.length + backgroundBank.length + queryIds.length;
  const progress = (before: number) => (done: number) => options.onProgress?.(before + done, total);
  const truthCrops = await computeEmbeddings(ds, {
    ...options.embed,
    crops: { field: ev.gt, ids: truthBank },
    onProgress: progress(0),
  });
  const predictionCrops = await computeEmbeddings(ds, {
    ...options.embed,
    crops: { field: ev.field, ids: [...backgroundBank, ...queryIds] },
    onProgress: progress(truthBank.length),
  });
  const dim = truthCrops.dim;
  const rowOfObject = new Map(Array.from(oid, (id, r) => [id, r]));
  const sampleRowOf = sampleRows(ds);
  const vectors: Float32Array[] = [];
  const bankLabel: string[] = [];
  const sampleRowList: number[] = [];
  const background = new Set(backgroundBank);
  const add = (e: Embeddings, keep: (id: number) => boolean) =>
    (e.ids as number[]).forEach((id, r) => {
      if (!keep(id)) return;
      const row = rowOfObject.get(id)!;
      vectors.push(e.vectors.subarray(r * dim, (r + 1) * dim));
      bankLabel.push(background.has(id) ? BACKGROUND : label[row]);
      sampleRowList.push(sampleRowOf.get(sid[row])!);
    });
  add(truthCrops, () => true);
  add(predictionCrops, (id) => background.has(id));
  const bank: Bank = { vectors: concat(vectors, dim), label: bankLabel, sampleRow: Int32Array.from(sampleRowList) };
  const queryRow = new Map((predictionCrops.ids as number[]).map((id, r) => [id, r]));
  const have = queryIds.map((id) => queryRow.has(id));
  const opinion = secondOpinion(
    {
      dim,
      vectors: concat(
        queryIds
          .filter((_, q) => have[q])
          .map((id) => predictionCrops.vectors.subarray(queryRow.get(id)! * dim, (queryRow.get(id)! + 1) * dim)),
        dim,
      ),
      label: confident.filter((_, q) => have[q]).map((i) => rows.label[i]),
      sampleRow: Int32Array.from(
        confident.filter((_, q) => have[q]),
        (i) => rows.sampleRow[i],
      ),
    },
    bank,
    options.k ?? 5,
  );
  return spread(opinion, have);
}

/** Classification: the confident errors' images against correctly predicted images, labelled by their truth. */
function imageOpinion(
  rows: ScoredRows,
  confident: number[],
  embeddings: Embeddings,
  options: OverconfidenceOptions,
): Opinion | null {
  if (!confident.length) return null;
  const { dim } = embeddings;
  const rowOf = new Map((embeddings.ids as string[]).map((id, r) => [id, r]));
  const vector = (i: number) => {
    const r = rowOf.get(rows.ids[i] as string);
    if (r === undefined)
      throw new BlindspotError({
        place: "overconfidence: secondOpinion",
        message: `sample ${rows.ids[i]} has no embedding`,
        hint: "pass the embeddings computeEmbeddings(ds) returned for this dataset",
      });
    return embeddings.vectors.subarray(r * dim, (r + 1) * dim);
  };
  const trusted: number[] = [];
  rows.right.forEach((ok, i) => ok && rowOf.has(rows.ids[i] as string) && trusted.push(i));
  const bank = sampleByLabel(trusted, (i) => rows.truth[i]!, options.bankPerClass ?? 100, options.seed ?? 0);
  return secondOpinion(
    {
      dim,
      vectors: concat(confident.map(vector), dim),
      label: confident.map((i) => rows.label[i]),
      sampleRow: Int32Array.from(confident, (i) => rows.sampleRow[i]),
    },
    {
      vectors: concat(bank.map(vector), dim),
      label: bank.map((i) => rows.truth[i]!),
      sampleRow: Int32Array.from(bank, (i) => rows.sampleRow[i]),
    },
    options.k ?? 5,
  );
}

function concat(parts: Float32Array[], dim: number): Float32Array {
  const out = new Float32Array(parts.length * dim);
  parts.forEach((p, i) => out.set(p, i * dim));
  return out;
}

/** An opinion on the queries that have crops, spread back over all of them (none where a crop failed). */
function spread(opinion: Opinion, have: boolean[]): Opinion {
  const looksLike: (string | null)[] = [];
  const margin = new Float64Array(have.length).fill(NaN);
  let k = 0;
  have.forEach((h, q) => {
    looksLike.push(h ? opinion.looksLike[k] : null);
    if (h) margin[q] = opinion.margin[k++];
  });
  return { looksLike, margin };
}
