import * as aq from "arquero";
import type { ColumnTable } from "arquero";
import type { Dataset } from "../../dataset/dataset";
import { values } from "../../dataset/columns";
import { GROUND_TRUTH } from "../../dataset/schema";
import type { Sliceable } from "../sliceable";
import { accumulate, type Accumulated } from "./accumulate";
import { detectionData, type DetectionData, type IouType } from "./data";
import { matchAll, type Matches } from "./match";
import { FN, matchAtIou, OUTCOME_NAMES, TP, type Outcomes } from "./outcomes";
import { AREA_ALL, defaultParams, type CocoParams } from "./params";
import { meanPrecision, meanRecall, perClass, STAT_NAMES, summarize } from "./summarize";

export interface DetectionEvalOptions {
  /** Ground-truth field (default "ground_truth"). */
  gt?: string;
  /** Match boxes ("bbox", default) or segmentation masks ("segm"). */
  iouType?: IouType;
  /** IoU threshold of the per-object outcomes and the confusion matrix (default 0.5). */
  iou?: number;
  /** Match predictions only to truth of the same label (default true); false matches across labels. */
  classwise?: boolean;
  /** Prefix of the fields written back (default `eval_<prediction field>`). */
  key?: string;
  /** COCO parameters other than the defaults. */
  params?: Partial<CocoParams>;
}

export const BACKGROUND = "(background)";
const METRICS = ["mAP", "AP50", "AR100", "precision", "recall", "f1"] as const;

/**
 * COCO-style evaluation of one prediction field against ground truth: pycocotools' 12 summary
 * statistics and per-class AP / AR, and, at one IoU threshold, each object's outcome written back
 * onto the objects table (`<key>` = tp / fp / fn, `<key>_id` = the matched object's id,
 * `<key>_iou`) and per-sample counts (`<key>_tp`, `<key>_fp`, `<key>_fn`), as FiftyOne records them.
 */
export function evaluateDetections(ds: Dataset, pred: string, options: DetectionEvalOptions = {}): DetectionEvaluation {
  return new DetectionEvaluation(ds, pred, options);
}

export class DetectionEvaluation implements Sliceable {
  readonly dataset: Dataset;
  readonly field: string;
  readonly gt: string;
  readonly key: string;
  readonly iouType: IouType;
  readonly iou: number;
  readonly params: CocoParams;
  readonly metrics: readonly string[] = METRICS;
  /** The 12 statistics in pycocotools' order (see `STAT_NAMES`). */
  readonly stats: number[];
  readonly accumulated: Accumulated;
  readonly classes: string[];
  /** Input notes that did not stop the evaluation. */
  readonly warnings: string[];
  /** [labels + background]^2, row = truth, column = prediction. */
  readonly confusion: { labels: string[]; matrix: Float64Array };
  private readonly data: DetectionData;
  private readonly matches: Matches;
  private readonly outcomes: Outcomes;
  /** Image position of each sample row. */
  private readonly imageOfRow: Int32Array;
  /** Per image: tp, fp, fn counts at the outcome threshold. */
  private readonly counts: { tp: Int32Array; fp: Int32Array; fn: Int32Array };

  constructor(ds: Dataset, pred: string, options: DetectionEvalOptions) {
    this.dataset = ds;
    this.field = pred;
    this.gt = options.gt ?? GROUND_TRUTH;
    this.key = options.key ?? `eval_${pred}`;
    this.iouType = options.iouType ?? "bbox";
    this.iou = options.iou ?? 0.5;
    this.params = { ...defaultParams(), ...options.params };
    this.data = detectionData(ds, { gt: this.gt, pred, iouType: this.iouType, classwise: options.classwise ?? true });
    this.classes = this.data.classes;
    this.warnings = this.data.warnings;
    this.matches = matchAll(this.data, this.params);
    this.accumulated = this.accumulate();
    this.stats = summarize(this.accumulated, this.params);
    this.outcomes = matchAtIou(this.data, this.iou);
    this.imageOfRow = new Int32Array(ds.samples.numRows()).fill(-1);
    this.data.sampleRows.forEach((row, i) => (this.imageOfRow[row] = i));
    this.counts = this.countPerImage();
    this.confusion = this.confusionMatrix();
    this.writeBack();
  }

  /** The statistics by name: AP, AP50, ..., AR_large. */
  get summary(): Record<(typeof STAT_NAMES)[number], number> {
    return Object.fromEntries(STAT_NAMES.map((n, i) => [n, this.stats[i]])) as Record<
      (typeof STAT_NAMES)[number],
      number
    >;
  }

  /** One row per class: AP, AP50, AR (COCO), counts and precision / recall at the outcome threshold. */
  perClass(): ColumnTable {
    const { ap, ap50, ar } = perClass(this.accumulated, this.params);
    const L = this.data.labels.length;
    const truth = new Int32Array(L),
      predicted = new Int32Array(L),
      tp = new Int32Array(L),
      fp = new Int32Array(L),
      fn = new Int32Array(L);
    const { gt, dt } = this.data;
    for (let i = 0; i < gt.n; i++) {
      truth[gt.label[i]]++;
      if (this.outcomes.gtOutcome[i] === FN) fn[gt.label[i]]++;
    }
    for (let i = 0; i < dt.n; i++) {
      predicted[dt.label[i]]++;
      if (this.outcomes.dtOutcome[i] === TP) tp[dt.label[i]]++;
      else fp[dt.label[i]]++;
    }
    const classwise = this.classes.length === L;
    const pick = (a: Float64Array) => Array.from({ length: L }, (_, k) => (classwise ? nullIfUndefined(a[k]) : null));
    return aq.table({
      class: this.data.labels,
      AP: pick(ap),
      AP50: pick(ap50),
      AR: pick(ar),
      truth: Array.from(truth),
      predicted: Array.from(predicted),
      tp: Array.from(tp),
      fp: Array.from(fp),
      fn: Array.from(fn),
      precision: Array.from(tp, (v, k) => ratio(v, v + fp[k])),
      recall: Array.from(tp, (v, k) => ratio(v, v + fn[k])),
    });
  }

  /**
   * Precision against recall for one class (or all classes pooled in class-agnostic mode) at an
   * IoU threshold of the evaluation, area "all", the largest maxDets: pycocotools' 101 points.
   */
  prCurve(label: string, iou = 0.5): { recall: Float64Array; precision: Float64Array; score: Float64Array } {
    const k = this.classes.indexOf(label);
    const t = this.params.iouThresholds.findIndex((v) => Math.abs(v - iou) < 1e-9);
    if (k < 0 || t < 0)
      throw new RangeError(
        k < 0
          ? `no class ${JSON.stringify(label)}; classes: ${this.classes.join(", ")}`
          : `IoU ${iou} is not one of the evaluation's thresholds`,
      );
    const { R, K, A, M } = this.accumulated.shape;
    const m = M - 1;
    const precision = new Float64Array(R),
      score = new Float64Array(R);
    for (let r = 0; r < R; r++) {
      const at = (((t * R + r) * K + k) * A + AREA_ALL) * M + m;
      precision[r] = this.accumulated.precision[at];
      score[r] = this.accumulated.scores[at];
    }
    return { recall: this.params.recallThresholds.slice(), precision, score };
  }

  /** Every match and miss at the outcome threshold: one row per prediction and per unmatched truth object. */
  matchTable(): ColumnTable {
    const { gt, dt, labels } = this.data;
    const o = this.outcomes;
    const objectId = values<number>(this.dataset.objects, "id");
    const sampleId = values<string>(this.dataset.objects, "sample_id");
    const rows: {
      sample: string[];
      truth: string[];
      predicted: string[];
      outcome: string[];
      iou: (number | null)[];
      confidence: (number | null)[];
      truthId: (number | null)[];
      predId: (number | null)[];
    } = { sample: [], truth: [], predicted: [], outcome: [], iou: [], confidence: [], truthId: [], predId: [] };
    const push = (
      sample: string,
      truth: string,
      predicted: string,
      outcome: number,
      iou: number,
      confidence: number | null,
      truthId: number | null,
      predId: number | null,
    ) => {
      rows.sample.push(sample);
      rows.truth.push(truth);
      rows.predicted.push(predicted);
      rows.outcome.push(OUTCOME_NAMES[outcome]);
      rows.iou.push(Number.isNaN(iou) ? null : iou);
      rows.confidence.push(confidence);
      rows.truthId.push(truthId);
      rows.predId.push(predId);
    };
    for (let i = 0; i < dt.n; i++) {
      const g = o.dtMatch[i];
      push(
        sampleId[dt.objectRow[i]],
        g < 0 ? BACKGROUND : labels[gt.label[g]],
        labels[dt.label[i]],
        o.dtOutcome[i],
        o.dtIou[i],
        dt.score[i],
        g < 0 ? null : objectId[gt.objectRow[g]],
        objectId[dt.objectRow[i]],
      );
    }
    for (let i = 0; i < gt.n; i++) {
      if (o.gtMatch[i] >= 0) continue;
      push(sampleId[gt.objectRow[i]], labels[gt.label[i]], BACKGROUND, FN, NaN, null, objectId[gt.objectRow[i]], null);
    }
    return aq.table({
      sample_id: rows.sample,
      truth: rows.truth,
      predicted: rows.predicted,
      outcome: rows.outcome,
      iou: rows.iou,
      confidence: rows.confidence,
      truth_id: rows.truthId,
      pred_id: rows.predId,
    });
  }

  metricsOf(rows: Int32Array): Float64Array {
    return this.metricsAt(rows, AREA_ALL);
  }

  /** The same metrics for objects of one COCO area range (small, medium, large), as slices of objects. */
  objectSlices(): { field: string; values: { value: string; evaluation: Sliceable }[] } {
    const ranges = this.params.areaRanges.map((r, a) => ({ r, a })).filter(({ a }) => a !== AREA_ALL);
    return {
      field: "object_size",
      values: ranges.map(({ r, a }) => ({
        value: r.name,
        evaluation: {
          dataset: this.dataset,
          field: this.field,
          metrics: this.metrics,
          metricsOf: (rows: Int32Array) => this.metricsAt(rows, a),
        },
      })),
    };
  }

  toJSON(): Record<string, unknown> {
    const p = this.params;
    return {
      field: this.field,
      gt: this.gt,
      iouType: this.iouType,
      iou: this.iou,
      params: {
        iouThresholds: Array.from(p.iouThresholds),
        recallThresholds: Array.from(p.recallThresholds),
        areaRanges: p.areaRanges,
        maxDets: p.maxDets,
      },
      images: this.data.sampleRows.length,
      truth: this.data.gt.n,
      predictions: this.data.dt.n,
      stats: this.summary,
      perClass: this.perClass().objects(),
      confusion: { labels: this.confusion.labels, matrix: rowsOf(this.confusion.matrix, this.confusion.labels.length) },
      warnings: this.warnings,
    };
  }

  private accumulate(times?: Int32Array, only?: { a: number; m: number }): Accumulated {
    return accumulate(
      this.matches,
      this.data.dt.score,
      this.data.dt.image,
      this.params,
      this.classes.length,
      this.data.sampleRows.length,
      { times, only },
    );
  }

  private metricsAt(rows: Int32Array, a: number): Float64Array {
    const times = new Int32Array(this.data.sampleRows.length);
    for (const r of rows) times[this.imageOfRow[r]]++;
    const m = this.params.maxDets.length - 1;
    const acc = this.accumulate(times, { a, m });
    const t50 = this.params.iouThresholds.indexOf(0.5);
    const c = a === AREA_ALL ? this.counts : this.countPerImage(a);
    let tp = 0,
      fp = 0,
      fn = 0;
    for (let i = 0; i < times.length; i++) {
      if (!times[i]) continue;
      tp += c.tp[i] * times[i];
      fp += c.fp[i] * times[i];
      fn += c.fn[i] * times[i];
    }
    const precision = tp / (tp + fp),
      recall = tp / (tp + fn);
    return Float64Array.of(
      undefinedToNaN(meanPrecision(acc, { a, m })),
      undefinedToNaN(meanPrecision(acc, { a, m, t: t50 })),
      undefinedToNaN(meanRecall(acc, { a, m })),
      precision,
      recall,
      (2 * precision * recall) / (precision + recall),
    );
  }

  /**
   * Per image tp / fp / fn at the outcome threshold; within an area range, truth by its area and predictions by theirs.
   */
  private countPerImage(a = AREA_ALL): { tp: Int32Array; fp: Int32Array; fn: Int32Array } {
    const I = this.data.sampleRows.length;
    const tp = new Int32Array(I),
      fp = new Int32Array(I),
      fn = new Int32Array(I);
    const { gt, dt } = this.data;
    const { min, max } = this.params.areaRanges[a];
    const inside = (area: number) => area >= min && area <= max;
    for (let i = 0; i < dt.n; i++) {
      const out = this.outcomes.dtOutcome[i];
      const g = this.outcomes.dtMatch[i];
      if (!inside(out === TP && g >= 0 ? gt.area[g] : dt.area[i])) continue;
      if (out === TP) tp[dt.image[i]]++;
      else fp[dt.image[i]]++;
    }
    for (let i = 0; i < gt.n; i++) if (this.outcomes.gtOutcome[i] === FN && inside(gt.area[i])) fn[gt.image[i]]++;
    return { tp, fp, fn };
  }

  private confusionMatrix(): { labels: string[]; matrix: Float64Array } {
    const labels = [...this.data.labels, BACKGROUND];
    const L = labels.length,
      bg = L - 1;
    const matrix = new Float64Array(L * L);
    const { gt, dt } = this.data;
    for (let i = 0; i < dt.n; i++) {
      const g = this.outcomes.dtMatch[i];
      matrix[(g < 0 ? bg : gt.label[g]) * L + dt.label[i]]++;
    }
    for (let i = 0; i < gt.n; i++) if (this.outcomes.gtMatch[i] < 0) matrix[gt.label[i] * L + bg]++;
    return { labels, matrix };
  }

  /** Outcomes onto the objects table and counts onto the samples table. */
  private writeBack(): void {
    const ds = this.dataset;
    const n = ds.objects.numRows();
    const outcome: (string | null)[] = new Array(n).fill(null);
    const matchId: (number | null)[] = new Array(n).fill(null);
    const iou: (number | null)[] = new Array(n).fill(null);
    const objectId = values<number>(ds.objects, "id");
    const { gt, dt } = this.data;
    const o = this.outcomes;
    const put = (rows: Int32Array, out: Uint8Array, match: Int32Array, other: Int32Array, ious: Float64Array) => {
      for (let i = 0; i < rows.length; i++) {
        outcome[rows[i]] = OUTCOME_NAMES[out[i]];
        if (match[i] >= 0) {
          matchId[rows[i]] = objectId[other[match[i]]];
          iou[rows[i]] = ious[i];
        }
      }
    };
    put(dt.objectRow, o.dtOutcome, o.dtMatch, gt.objectRow, o.dtIou);
    put(gt.objectRow, o.gtOutcome, o.gtMatch, dt.objectRow, o.gtIou);
    ds.objects = ds.objects.assign(
      aq.table({ [this.key]: outcome, [`${this.key}_id`]: matchId, [`${this.key}_iou`]: iou }),
    );

    const rows = this.data.sampleRows;
    const ids = values<string>(ds.samples, "id");
    ds.setFields(
      aq.table({
        id: Array.from(rows, (r) => ids[r]),
        [`${this.key}_tp`]: Array.from(this.counts.tp),
        [`${this.key}_fp`]: Array.from(this.counts.fp),
        [`${this.key}_fn`]: Array.from(this.counts.fn),
      }),
    );
  }
}

const ratio = (a: number, b: number): number | null => (b > 0 ? a / b : null);
const nullIfUndefined = (v: number): number | null => (v > -1 ? v : null);
const undefinedToNaN = (v: number): number => (v > -1 ? v : NaN);

function rowsOf(matrix: Float64Array, n: number): number[][] {
  return Array.from({ length: n }, (_, r) => Array.from(matrix.subarray(r * n, (r + 1) * n)));
}
