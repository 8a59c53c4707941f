import * as aq from "arquero";
import type { ColumnTable } from "arquero";
import type { Dataset } from "../dataset/dataset";
import { BlindspotError } from "../errors";
import { writeFileAtomic } from "../io/atomic";
import { checkChoice, samplesPerCode } from "./checks";
import { classLabels } from "./classLabels";

export type WeightMethod = "balanced" | "effective";
export type WeightUnit = "images" | "objects";

export interface ClassWeightOptions {
  /**
   * "balanced": n / (classes x count), scikit-learn's compute_class_weight("balanced");
   * "effective": Cui et al. 2019's inverse effective number of samples (default "balanced").
   */
  method?: WeightMethod;
  /** beta of the effective number (1 - beta^n) / (1 - beta), in [0, 1) (default 0.999). */
  beta?: number;
  /**
   * What is counted: "objects" (boxes) or "images" (a detection image counts once for each
   * class it holds; a classification sample once). Default: objects for detection fields,
   * images for classification fields.
   */
  by?: WeightUnit;
  /** Label field (default: ground_truth, else the only ground-truth field). */
  labelField?: string;
  /** Writes the weights as JSON here (atomically), in class-index order. */
  out?: string;
}

export interface ClassWeights {
  method: WeightMethod;
  by: WeightUnit;
  beta: number | null;
  labelField: string;
  /** Class-index order: the field's classes, else the dataset's categories by id. */
  classes: string[];
  counts: number[];
  /** One weight per class, in class-index order; 0 for a class with no labels (it never is a target). */
  weights: number[];
  /** Classes without a single label, weighted 0. */
  absent: string[];
  /** class, index, count, weight. */
  table: ColumnTable;
  /** The file written, when `out` was given. */
  file: string | null;
}

/** What the JSON file holds; `weights` is what `torch.tensor(...)` takes for `CrossEntropyLoss(weight=...)`. */
export interface ClassWeightsFile {
  format: "blindspot.class-weights";
  version: 1;
  method: WeightMethod;
  by: WeightUnit;
  beta: number | null;
  labelField: string;
  classes: string[];
  counts: number[];
  weights: number[];
}

const DEFAULT_BETA = 0.999;

/**
 * Class weights for a weighted loss, one per class in class-index order.
 *
 * - "balanced" is scikit-learn's `compute_class_weight("balanced", classes=present, y=labels)`:
 *   n_labels / (n_present_classes x count). The classes counted are those with labels; a class
 *   without any gets weight 0 (scikit-learn refuses it; a weight of a class that is never a
 *   target changes nothing in a cross-entropy loss) and is listed in `absent`.
 * - "effective" is the class-balanced weighting of Cui et al., "Class-Balanced Loss Based on
 *   Effective Number of Samples" (CVPR 2019): weight (1 - beta) / (1 - beta^count), normalised
 *   so the weights of the present classes sum to their number, as in the paper (section 4, "we
 *   normalize alpha_i so that sum alpha_i = C") and its authors' code. beta = 0 gives all ones;
 *   beta towards 1 tends to inverse frequency.
 */
export function classWeights(ds: Dataset, options: ClassWeightOptions = {}): ClassWeights {
  const method = checkChoice(options.method ?? "balanced", ["balanced", "effective"] as const, "classWeights: method");
  const beta = method === "effective" ? checkBeta(options.beta ?? DEFAULT_BETA) : null;
  if (method === "balanced" && options.beta !== undefined) {
    throw new BlindspotError({
      place: "classWeights: beta",
      message: 'beta is a parameter of method "effective" only',
      hint: 'pass { method: "effective", beta } or leave beta out',
    });
  }
  const labels = classLabels(ds, options.labelField, "classWeights");
  const by = checkChoice(
    options.by ?? (labels.unit === "objects" ? "objects" : "images"),
    ["images", "objects"] as const,
    "classWeights: by",
  );
  if (by === "objects" && labels.unit !== "objects") {
    throw new BlindspotError({
      place: "classWeights: by",
      message: `the label field ${JSON.stringify(labels.field.name)} classifies images; it has no objects to count`,
      hint: 'pass { by: "images" } (the default for classification fields)',
    });
  }
  const K = labels.classes.length;
  const counts =
    by === "objects"
      ? classCounts(labels.codes, K)
      : samplesPerCode(labels.sampleRows, labels.codes, K, ds.samples.numRows());
  const weights = method === "balanced" ? balanced(counts) : effective(counts, beta!);
  const absent = labels.classes.filter((_, c) => counts[c] === 0);
  const result: ClassWeights = {
    method,
    by,
    beta,
    labelField: labels.field.name,
    classes: labels.classes,
    counts: Array.from(counts),
    weights: Array.from(weights),
    absent,
    table: aq.table({
      class: labels.classes,
      index: Int32Array.from(labels.classes, (_, i) => i),
      count: counts,
      weight: weights,
    }),
    file: null,
  };
  if (options.out !== undefined) {
    const file: ClassWeightsFile = {
      format: "blindspot.class-weights",
      version: 1,
      method,
      by,
      beta,
      labelField: result.labelField,
      classes: result.classes,
      counts: result.counts,
      weights: result.weights,
    };
    writeFileAtomic(options.out, JSON.stringify(file, null, 1) + "\n");
    result.file = options.out;
  }
  return result;
}

function classCounts(codes: Int32Array, k: number): Float64Array {
  const counts = new Float64Array(k);
  for (let i = 0; i < codes.length; i++) counts[codes[i]]++;
  return counts;
}

/** n / (present classes x count), scikit-learn's formula and order of operations. */
function balanced(counts: Float64Array): Float64Array {
  let n = 0,
    present = 0;
  for (const c of counts) if (c > 0) ((n += c), present++);
  return counts.map((c) => (c > 0 ? n / (present * c) : 0));
}

/** (1 - beta) / (1 - beta^count), normalised to sum to the number of present classes. */
function effective(counts: Float64Array, beta: number): Float64Array {
  if (beta === 0) return counts.map((c) => (c > 0 ? 1 : 0));
  // 1 - beta^n as -expm1(n ln beta): no cancellation where beta^n is close to 1.
  const raw = counts.map((c) => (c > 0 ? (1 - beta) / -Math.expm1(c * Math.log(beta)) : 0));
  let sum = 0,
    present = 0;
  for (let c = 0; c < raw.length; c++) if (counts[c] > 0) ((sum += raw[c]), present++);
  return raw.map((w) => (w / sum) * present);
}

function checkBeta(beta: unknown): number {
  if (typeof beta === "number" && beta >= 0 && beta < 1) return beta;
  throw new BlindspotError({
    place: "classWeights: beta",
    message: `beta must be a number in [0, 1), got ${JSON.stringify(beta) ?? String(beta)}`,
    hint: "Cui et al. use 0.9, 0.99, 0.999 or 0.9999: the closer to 1, the closer to inverse frequency",
  });
}
