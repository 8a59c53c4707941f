/**
 * Binary rates from a group's confusion counts, as Fairlearn 0.15 computes them: its true/false
 * positive/negative rates come from scikit-learn's confusion matrix normalised by the true class
 * (a class with no row gives 0), selection rate is the share predicted positive, and precision
 * follows scikit-learn's zero_division default (0).
 */

/** tp, fp, fn, tn of one group, at offset 4 x group. */
export type Counts = Float64Array;

export const RATE_NAMES = [
  "selection_rate",
  "true_positive_rate",
  "false_positive_rate",
  "false_negative_rate",
  "true_negative_rate",
  "accuracy",
  "precision",
  "count",
] as const;
export type RateName = (typeof RATE_NAMES)[number];

const share = (part: number, whole: number) => (whole > 0 ? part / whole : 0);

const RATES: Record<RateName, (tp: number, fp: number, fn: number, tn: number) => number> = {
  selection_rate: (tp, fp, fn, tn) => (tp + fp) / (tp + fp + fn + tn),
  true_positive_rate: (tp, _fp, fn) => share(tp, tp + fn),
  false_positive_rate: (_tp, fp, _fn, tn) => share(fp, fp + tn),
  false_negative_rate: (tp, _fp, fn) => share(fn, tp + fn),
  true_negative_rate: (_tp, fp, _fn, tn) => share(tn, fp + tn),
  accuracy: (tp, fp, fn, tn) => (tp + tn) / (tp + fp + fn + tn),
  precision: (tp, fp) => share(tp, tp + fp),
  count: (tp, fp, fn, tn) => tp + fp + fn + tn,
};

/** The rate of the group at `g` in `counts`. */
export function rate(name: RateName, counts: Counts, g: number): number {
  return RATES[name](counts[4 * g], counts[4 * g + 1], counts[4 * g + 2], counts[4 * g + 3]);
}

/** tp, fp, fn, tn per group of `code` (rows with truth and prediction 0 or 1). */
export function confusionByGroup(truth: Uint8Array, predicted: Uint8Array, code: Int32Array, groups: number): Counts {
  const counts = new Float64Array(4 * groups);
  for (let r = 0; r < code.length; r++) {
    // tp 0, fp 1, fn 2, tn 3
    const cell = truth[r] ? (predicted[r] ? 0 : 2) : predicted[r] ? 1 : 3;
    counts[4 * code[r] + cell]++;
  }
  return counts;
}
