import * as aq from "arquero";
import { values } from "../../dataset/columns";
import type { Dataset } from "../../dataset/dataset";
import { GROUND_TRUTH } from "../../dataset/schema";
import { BlindspotError } from "../../errors";
import type { Sliceable } from "../sliceable";
import { brierScore, reliability, type Reliability } from "./calibration";
import { confusionMatrix } from "./confusion";
import { averagePrecision, precisionRecallCurve, rocAuc, rocCurve, type PrCurve, type RocCurve } from "./curves";
import { averagePrecisionOneVsRest, rocAucOneVsOne, rocAucOneVsRest } from "./multiclass";
import { logLoss, topKAccuracy, type ProbabilityMatrix } from "./probabilistic";
import { accuracy, balancedAccuracy, classScores, cohenKappa, matthews } from "./scores";
import { thresholdSweep, type ThresholdSweep } from "./sweep";

export interface EvaluateClassificationOptions {
  /** Ground-truth label field (default `ground_truth`). */
  gt?: string;
  /** Prefix of the per-sample fields written back (default `eval_<pred>`). */
  key?: string;
  /** k of the top-k accuracy (default 5, at most the number of classes). */
  k?: number;
  /** Equal-width bins of the calibration error (default 15). */
  bins?: number;
  /**
   * How far a row's probabilities may sum from 1 and still count as normalised (default
   * scikit-learn's sqrt(machine epsilon)); probabilities rounded to 6 decimals need k x 5e-7.
   */
  sumTolerance?: number;
}

/** Why a sample was left out of the evaluation; each skipped sample counts under the first that applies. */
export type ClassificationSkipReason =
  | "missing_truth" // no ground-truth label
  | "missing_prediction" // neither a predicted label nor probabilities
  | "missing_probs" // a predicted label but no probabilities, when the field has them elsewhere
  | "invalid_probs" // probabilities of the wrong length, or not finite numbers
  | "unknown_truth" // a ground-truth label outside the prediction field's classes
  | "unknown_prediction"; // a predicted label outside the prediction field's classes

export interface ClassRow {
  class: string;
  precision: number;
  recall: number;
  f1: number;
  /** Samples of this class in the ground truth. */
  support: number;
  /** One-vs-rest, from the class's probability column (only with probabilities). */
  averagePrecision?: number;
  rocAuc?: number;
}

export interface Averages {
  precision: number;
  recall: number;
  f1: number;
}

export interface ProbabilisticResults {
  /**
   * Mean negative log-likelihood; each row is clipped to [eps, 1 - eps] and rescaled to sum to 1
   * first, as scikit-learn did before 1.5 (later versions only warn, so they differ on such rows).
   */
  logLoss: number;
  /** Rows whose probabilities do not sum to 1 within scikit-learn's tolerance (it warns about them). */
  unnormalizedRows: number;
  topK: { k: number; accuracy: number };
  /** One-vs-rest (macro and support-weighted) and one-vs-one (Hand and Till) ROC AUC. */
  rocAuc: { ovrMacro: number; ovrWeighted: number; ovo: number };
  averagePrecision: { macro: number; weighted: number };
  /** PR and ROC curves of each class against the rest, in class order. */
  curves: { class: string; pr: PrCurve; roc: RocCurve }[];
  /** Two classes: the second class (scikit-learn's pos_label for sorted labels) is the positive one. */
  binary: { positive: string; rocAuc: number; averagePrecision: number; brier: number } | null;
  /** Top-label calibration: confidence is the highest probability, right when its class is the truth. */
  calibration: Reliability;
  /**
   * Binary: precision/recall/F1 of "positive" at each threshold of the positive class's probability.
   * More classes: keeping only predictions whose top-label confidence is >= the threshold,
   * precision is the accuracy of those kept and recall the share of all right predictions kept.
   */
  sweep: ThresholdSweep & { score: "positive-class probability" | "top-label confidence" };
}

export interface ClassificationResults {
  gt: string;
  pred: string;
  /** Per-sample fields written back: `<key>_correct` and `<key>_margin`. */
  key: string;
  /**
   * Class order of every per-class result: the prediction field's `classes` when it has
   * probabilities, else the sorted union of the labels in the truth and the predictions.
   */
  classes: string[];
  samples: number;
  evaluated: number;
  skipped: {
    total: number;
    byReason: Partial<Record<ClassificationSkipReason, number>>;
    /** Labels outside the class list, with how many samples carry each. */
    unknownTruth: Record<string, number>;
    unknownPrediction: Record<string, number>;
  };
  accuracy: number;
  balancedAccuracy: number;
  kappa: number;
  mcc: number;
  perClass: ClassRow[];
  averages: { macro: Averages; micro: Averages; weighted: Averages };
  /** Rows are true classes, columns predicted ones (scikit-learn's orientation). */
  confusion: { classes: string[]; matrix: number[][] };
  probabilistic: ProbabilisticResults | null;
}

/** The results, the evaluation's subset metrics (`metricsOf`), and `toJSON` (typed arrays as arrays, NaN as null). */
export type ClassificationEvaluation = ClassificationResults & Sliceable & { toJSON(): unknown };

/** Samples as class indices: -1 in `truth` for a skipped sample; `probs` is n x k, or null without probabilities. */
interface Encoded {
  classes: string[];
  truth: Int32Array;
  pred: Int32Array;
  probs: Float64Array | null;
  skipped: ClassificationResults["skipped"];
}

interface Settings {
  k: number;
  topK: number;
  bins: number;
  sumTolerance: number;
}

/**
 * Evaluates the classification field `pred` against the ground truth, writes `<key>_correct`
 * and `<key>_margin` onto the samples, and returns every metric with a `metricsOf` for subsets.
 * A sample's predicted class is its `pred` label, or, where that is missing, the highest of its
 * probabilities (the first on ties). The margin is the probability of the true class minus the
 * highest probability of another class (cleanlab's normalized margin): negative when wrong,
 * near 0 when the model hesitates, null without probabilities or for a skipped sample.
 */
export function evaluateClassification(
  ds: Dataset,
  pred: string,
  options: EvaluateClassificationOptions = {},
): ClassificationEvaluation {
  const gt = options.gt ?? GROUND_TRUTH,
    key = options.key ?? `eval_${pred}`;
  const e = encode(ds, gt, pred);
  const k = e.classes.length;
  const settings: Settings = {
    k,
    topK: Math.min(positiveInteger(options.k ?? 5, "k"), k),
    bins: positiveInteger(options.bins ?? 15, "bins"),
    sumTolerance: Math.max(options.sumTolerance ?? 0, SUM_TOLERANCE),
  };
  writeBack(ds, key, e);
  const metrics = [...LABEL_METRICS, ...(e.probs ? (k === 2 ? [...PROB_METRICS, "brier"] : PROB_METRICS) : [])];
  const results = summarize(gt, pred, key, e, settings);
  return {
    ...results,
    dataset: ds,
    field: pred,
    metrics,
    metricsOf: (subset) => {
      const m = scalarMetrics(select(e, subset), settings);
      return Float64Array.from(metrics, (name) => m[name] ?? NaN);
    },
    toJSON: () => jsonSafe(results),
  };
}

const LABEL_METRICS = [
  "accuracy",
  "macro_f1",
  "balanced_accuracy",
  "weighted_f1",
  "macro_precision",
  "macro_recall",
  "kappa",
  "mcc",
];
const PROB_METRICS = ["log_loss", "top_k_accuracy", "roc_auc", "average_precision", "ece"];

function positiveInteger(v: number, name: string): number {
  if (!Number.isInteger(v) || v < 1)
    throw new BlindspotError({
      message: `${name} must be a positive integer, got ${v}`,
      hint: `pass { ${name}: ${name === "k" ? 5 : 15} }`,
    });
  return v;
}

const labelOf = (v: unknown): string | null => (v == null || v === "" ? null : String(v));

function column(ds: Dataset, name: string): ArrayLike<unknown> | null {
  return ds.samples.columnNames().includes(name) ? values<unknown>(ds.samples, name) : null;
}

function classificationColumn(ds: Dataset, name: string, role: string): ArrayLike<unknown> | null {
  const info = ds.fields.find((f) => f.name === name);
  if (info && info.kind !== "classification") {
    throw new BlindspotError({
      place: name,
      message: `the ${role} field ${JSON.stringify(name)} holds ${info.kind}, not classification labels`,
      hint: "evaluate boxes with the detection evaluation",
    });
  }
  return column(ds, name);
}

function encode(ds: Dataset, gt: string, pred: string): Encoded {
  const truthCol = classificationColumn(ds, gt, "ground-truth");
  const labelCol = classificationColumn(ds, pred, "prediction");
  const classesOfPred = ds.fields.find((f) => f.name === pred)?.classes;
  const probsCol = classesOfPred?.length ? column(ds, `${pred}_probs`) : null;
  const withProbs = probsCol !== null && Array.from(probsCol).some((p) => p != null);
  if (!truthCol || (!labelCol && !withProbs)) {
    const names = ds.fieldsOf("classification").map((f) => f.name);
    throw new BlindspotError({
      place: truthCol ? pred : gt,
      message:
        `the dataset has no classification labels in ${JSON.stringify(truthCol ? pred : gt)} (its ` +
        `classification fields: ${names.join(", ") || "none"})`,
      hint: 'name an existing field: evaluateClassification(ds, "model", { gt: "ground_truth" })',
    });
  }
  const n = ds.count();
  const truthLabels = Array.from({ length: n }, (_, i) => labelOf(truthCol[i]));
  const predLabels = Array.from({ length: n }, (_, i) => (labelCol ? labelOf(labelCol[i]) : null));
  const classes = withProbs
    ? classesOfPred!
    : [...new Set([...truthLabels, ...predLabels].filter((l): l is string => l !== null))].sort();
  const k = classes.length,
    index = new Map(classes.map((c, i) => [c, i]));
  const e: Encoded = {
    classes,
    truth: new Int32Array(n).fill(-1),
    pred: new Int32Array(n).fill(-1),
    probs: withProbs ? new Float64Array(n * k) : null,
    // Keyed by labels from the data, so without a prototype (a label may be "__proto__").
    skipped: { total: 0, byReason: {}, unknownTruth: Object.create(null), unknownPrediction: Object.create(null) },
  };
  const skip = (reason: ClassificationSkipReason) => {
    e.skipped.total++;
    tally(e.skipped.byReason, reason);
  };
  for (let i = 0; i < n; i++) {
    const t = truthLabels[i],
      p = predLabels[i],
      row = withProbs ? (probsCol![i] as ArrayLike<unknown> | null) : null;
    if (t === null) skip("missing_truth");
    else if (p === null && row == null) skip("missing_prediction");
    else if (withProbs && row == null) skip("missing_probs");
    else if (row != null && (row.length !== k || !Array.prototype.every.call(row, Number.isFinite)))
      skip("invalid_probs");
    else if (!index.has(t)) {
      skip("unknown_truth");
      tally(e.skipped.unknownTruth, t);
    } else if (p !== null && !index.has(p)) {
      skip("unknown_prediction");
      tally(e.skipped.unknownPrediction, p);
    } else {
      if (row != null) for (let c = 0; c < k; c++) e.probs![i * k + c] = row[c] as number;
      e.truth[i] = index.get(t)!;
      e.pred[i] = p !== null ? index.get(p)! : topLabel(e.probs!, i, k);
    }
  }
  return e;
}

const tally = (counts: Partial<Record<string, number>>, key: string) => {
  counts[key] = (counts[key] ?? 0) + 1;
};

/** The class with the highest probability in row i (the first on ties, as numpy's argmax). */
function topLabel(probs: Float64Array, i: number, k: number): number {
  let best = 0;
  for (let c = 1; c < k; c++) if (probs[i * k + c] > probs[i * k + best]) best = c;
  return best;
}

/** Probability of the true class minus the highest probability of any other class. */
function margin(probs: Float64Array, i: number, k: number, t: number): number {
  let other = -Infinity;
  for (let c = 0; c < k; c++) if (c !== t) other = Math.max(other, probs[i * k + c]);
  return probs[i * k + t] - other;
}

function writeBack(ds: Dataset, key: string, e: Encoded): void {
  const k = e.classes.length;
  const scored = (i: number) => e.truth[i] >= 0;
  ds.setFields(
    aq.table({
      id: Array.from(values<string>(ds.samples, "id")),
      [`${key}_correct`]: Array.from(e.truth, (t, i) => (scored(i) ? t === e.pred[i] : null)),
      [`${key}_margin`]: Array.from(e.truth, (t, i) => (scored(i) && e.probs ? margin(e.probs, i, k, t) : null)),
    }),
  );
}

interface Subset {
  truth: Int32Array;
  pred: Int32Array;
  probs: ProbabilityMatrix | null;
}

/** The evaluated samples among `rows` (repeats kept), as class indices and probability rows. */
function select(e: Encoded, rows: ArrayLike<number>): Subset {
  const k = e.classes.length;
  const kept = Array.from(rows).filter((r) => e.truth[r] >= 0);
  const probs = e.probs ? new Float64Array(kept.length * k) : null;
  if (probs) kept.forEach((r, j) => probs.set(e.probs!.subarray(r * k, (r + 1) * k), j * k));
  return {
    truth: Int32Array.from(kept, (r) => e.truth[r]),
    pred: Int32Array.from(kept, (r) => e.pred[r]),
    probs: probs && { values: probs, k },
  };
}

/** Whether each sample is of class c, and its probability of c. */
function oneVsRest(s: Subset, c: number): [positive: Uint8Array, score: Float64Array] {
  const { values: v, k } = s.probs!;
  return [Uint8Array.from(s.truth, (t) => (t === c ? 1 : 0)), Float64Array.from(s.truth, (_, i) => v[i * k + c])];
}

/**
 * Every scalar metric by name (`LABEL_METRICS`, and with probabilities `PROB_METRICS` and brier); none on no samples,
 * which callers read as NaN.
 */
function scalarMetrics(s: Subset, { k, topK, bins }: Settings): Record<string, number> {
  if (s.truth.length === 0) return {};
  const m = confusionMatrix(s.truth, s.pred, k),
    scores = classScores(m, k);
  const out: Record<string, number> = {
    accuracy: accuracy(m, k),
    macro_f1: scores.macro.f1,
    balanced_accuracy: balancedAccuracy(m, k),
    weighted_f1: scores.weighted.f1,
    macro_precision: scores.macro.precision,
    macro_recall: scores.macro.recall,
    kappa: cohenKappa(m, k),
    mcc: matthews(m, k),
  };
  if (!s.probs) return out;
  const binary = k === 2 ? oneVsRest(s, 1) : null;
  out.log_loss = logLoss(s.truth, s.probs);
  out.top_k_accuracy = topKAccuracy(s.truth, s.probs, topK);
  out.roc_auc = binary ? rocAuc(...binary) : rocAucOneVsRest(s.truth, s.probs);
  out.average_precision = binary ? averagePrecision(...binary) : averagePrecisionOneVsRest(s.truth, s.probs);
  out.ece = reliability(s.truth, s.probs, bins).ece;
  if (binary) out.brier = brierScore(...binary);
  return out;
}

function summarize(gt: string, pred: string, key: string, e: Encoded, settings: Settings): ClassificationResults {
  const s = select(e, Int32Array.from(e.truth.keys()));
  const { k } = settings,
    n = s.truth.length;
  const scalars = scalarMetrics(s, settings),
    scalar = (name: string) => scalars[name] ?? NaN;
  const m = confusionMatrix(s.truth, s.pred, k),
    scores = classScores(m, k);
  const probabilistic = s.probs && n ? probabilisticResults(e.classes, s, settings, scalars) : null;
  return {
    gt,
    pred,
    key,
    classes: e.classes,
    samples: e.truth.length,
    evaluated: n,
    skipped: e.skipped,
    accuracy: scalar("accuracy"),
    balancedAccuracy: scalar("balanced_accuracy"),
    kappa: scalar("kappa"),
    mcc: scalar("mcc"),
    perClass: e.classes.map((c, i) => ({
      class: c,
      precision: scores.precision[i],
      recall: scores.recall[i],
      f1: scores.f1[i],
      support: scores.support[i],
      ...(probabilistic
        ? { averagePrecision: averagePrecision(...oneVsRest(s, i)), rocAuc: rocAuc(...oneVsRest(s, i)) }
        : {}),
    })),
    averages: { macro: scores.macro, micro: scores.micro, weighted: scores.weighted },
    confusion: { classes: e.classes, matrix: e.classes.map((_, t) => Array.from(m.subarray(t * k, (t + 1) * k))) },
    probabilistic,
  };
}

/** scikit-learn's check that rows sum to one: np.allclose(sum, 1, rtol=sqrt(eps)). */
const SUM_TOLERANCE = 1e-8 + Math.sqrt(Number.EPSILON);

/** Rows whose probabilities sum further than `tolerance` from 1. */
function unnormalizedRows({ values: v, k }: ProbabilityMatrix, tolerance: number): number {
  let count = 0;
  for (let i = 0; i < v.length / k; i++) {
    let sum = 0;
    for (let c = 0; c < k; c++) sum += v[i * k + c];
    if (!(Math.abs(sum - 1) <= tolerance)) count++;
  }
  return count;
}

function probabilisticResults(
  classes: string[],
  s: Subset,
  settings: Settings,
  scalars: Record<string, number>,
): ProbabilisticResults {
  const probs = s.probs!,
    k = classes.length;
  const binary = k === 2;
  // Multi-class sweep: is the top-label prediction right, scored by its confidence.
  const top = Int32Array.from(s.truth, (_, i) => topLabel(probs.values, i, k));
  const [positive, score] = binary
    ? oneVsRest(s, 1)
    : [
        Uint8Array.from(top, (c, i) => (c === s.truth[i] ? 1 : 0)),
        Float64Array.from(top, (c, i) => probs.values[i * k + c]),
      ];
  return {
    logLoss: scalars.log_loss,
    unnormalizedRows: unnormalizedRows(probs, settings.sumTolerance),
    topK: { k: settings.topK, accuracy: scalars.top_k_accuracy },
    rocAuc: {
      ovrMacro: rocAucOneVsRest(s.truth, probs),
      ovrWeighted: rocAucOneVsRest(s.truth, probs, "weighted"),
      ovo: rocAucOneVsOne(s.truth, probs),
    },
    averagePrecision: {
      macro: averagePrecisionOneVsRest(s.truth, probs),
      weighted: averagePrecisionOneVsRest(s.truth, probs, "weighted"),
    },
    curves: classes.map((c, i) => ({
      class: c,
      pr: precisionRecallCurve(...oneVsRest(s, i)),
      roc: rocCurve(...oneVsRest(s, i)),
    })),
    binary: binary
      ? {
          positive: classes[1],
          rocAuc: scalars.roc_auc,
          averagePrecision: scalars.average_precision,
          brier: scalars.brier,
        }
      : null,
    calibration: reliability(s.truth, probs, settings.bins),
    sweep: {
      ...thresholdSweep(positive, score),
      score: binary ? "positive-class probability" : "top-label confidence",
    },
  };
}

/** A copy that JSON.stringify writes faithfully: typed arrays as arrays, NaN and infinities as null. */
function jsonSafe(v: unknown): unknown {
  if (typeof v === "number") return Number.isFinite(v) ? v : null;
  if (ArrayBuffer.isView(v))
    return Array.from(v as unknown as ArrayLike<number>, (x) => (Number.isFinite(x) ? x : null));
  if (Array.isArray(v)) return v.map(jsonSafe);
  if (v !== null && typeof v === "object")
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, jsonSafe(x)]));
  return v;
}
