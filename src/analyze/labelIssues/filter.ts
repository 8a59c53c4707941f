/**
 * Which labels are issues, by each of cleanlab's `filter_by` methods (filter.find_label_issues,
 * single label, defaults frac_noise 1 and min_examples_per_class 1):
 *
 * - prune_by_noise_rate (default): for each given class k and other class j, the cj[k][j]
 *   samples labelled k with the largest p[j] - p[k]; the union over j;
 * - prune_by_class: for each class, its n_k - cj[k][k] samples of lowest p[k];
 * - both: labels flagged by both of these;
 * - confident_learning: the off-diagonal samples of the confident joint;
 * - predicted_neq_given: samples whose most probable class is not the label;
 * - low_self_confidence, low_normalized_margin: as many of the lowest-scoring samples as
 *   confident_learning flags.
 *
 * A class with at most `minExamplesPerClass` samples is not pruned (a class of one never is).
 * All but the two low_* methods then keep a label that is the most probable class, or within
 * 1e-6 of it. Equal keys sort by sample order (cleanlab leaves their order to numpy's unstable
 * sort, so on exact ties it may pick others).
 */

import { BlindspotError } from "../../errors";
import { confidentJoint } from "./confidentJoint";
import { labelQualityScores, type ScoreMethod } from "./scores";
import { orderStatistics } from "../stats/select";
import { FLOAT_TOLERANCE, type ClassProbs } from "./thresholds";

export const FILTERS = [
  "prune_by_noise_rate",
  "prune_by_class",
  "both",
  "confident_learning",
  "predicted_neq_given",
  "low_normalized_margin",
  "low_self_confidence",
] as const;
export type FilterBy = (typeof FILTERS)[number];

export interface FilterOptions {
  filterBy?: FilterBy;
  /** Classes with this many samples or fewer are not pruned (default 1). */
  minExamplesPerClass?: number;
  /** Share of the estimated issues to flag in the prune methods (default 1). */
  fracNoise?: number;
}

/** 1 for each sample whose label is an issue. */
export function findLabelIssues(input: ClassProbs, options: FilterOptions = {}): Uint8Array {
  const filterBy = options.filterBy ?? "prune_by_noise_rate";
  if (!FILTERS.includes(filterBy)) {
    throw new BlindspotError({
      place: "labelIssues: filterBy",
      message: `unknown filter ${JSON.stringify(filterBy)}`,
      hint: `use one of: ${FILTERS.join(", ")}`,
    });
  }
  const n = input.labels.length;
  const joint = confidentJoint(input);
  const keep = labelIsTop(input);
  if (filterBy === "low_self_confidence" || filterBy === "low_normalized_margin") {
    const count = estimatedIssues(joint.offDiagonal, keep);
    const method: ScoreMethod = filterBy === "low_self_confidence" ? "self_confidence" : "normalized_margin";
    const mask = new Uint8Array(n);
    for (const i of smallest(labelQualityScores(input, method), count)) mask[i] = 1;
    return mask;
  }
  let mask: Uint8Array;
  if (filterBy === "confident_learning") {
    mask = new Uint8Array(n);
    for (const i of joint.offDiagonal) mask[i] = 1;
  } else if (filterBy === "predicted_neq_given") mask = predictedNotGiven(input);
  else {
    const prune = pruneCounts(joint.counts, input.classes, options.minExamplesPerClass ?? 1, options.fracNoise ?? 1);
    const m = options.minExamplesPerClass ?? 1;
    const byClass = filterBy === "prune_by_noise_rate" ? null : pruneByClass(input, prune, m);
    const byRate = filterBy === "prune_by_class" ? null : pruneByNoiseRate(input, prune, m);
    mask = byClass && byRate ? byClass.map((v, i) => v & byRate[i]) : (byClass ?? byRate)!;
  }
  for (let i = 0; i < n; i++) if (keep[i]) mask[i] = 0;
  return mask;
}

/** Confident learning's estimate of the number of label issues: off the joint's diagonal, label not on top. */
export function estimatedIssues(offDiagonal: Int32Array, keep: Uint8Array): number {
  return offDiagonal.reduce((c, i) => c + (keep[i] ? 0 : 1), 0);
}

/** Whether each label is the most probable class once given 1e-6 more (the first of equals wins). */
export function labelIsTop({ labels, probs, classes: K }: ClassProbs): Uint8Array {
  const out = new Uint8Array(labels.length);
  for (let i = 0; i < labels.length; i++) {
    let best = 0,
      bestValue = -Infinity;
    for (let k = 0; k < K; k++) {
      const p = probs[i * K + k] + (k === labels[i] ? FLOAT_TOLERANCE : 0);
      if (p > bestValue) [best, bestValue] = [k, p];
    }
    out[i] = best === labels[i] ? 1 : 0;
  }
  return out;
}

function predictedNotGiven(input: ClassProbs): Uint8Array {
  const top = mostProbable(input);
  return Uint8Array.from(input.labels, (y, i) => (top[i] !== y ? 1 : 0));
}

/** Each sample's most probable class (the first of equals, as numpy's argmax). */
export function mostProbable({ labels, probs, classes: K }: ClassProbs): Int32Array {
  const out = new Int32Array(labels.length);
  for (let i = 0; i < labels.length; i++) {
    let best = 0;
    for (let k = 1; k < K; k++) if (probs[i * K + k] > probs[i * K + best]) best = k;
    out[i] = best;
  }
  return out;
}

/**
 * How many labels to prune per cell, prune[true][given] (cleanlab's _keep_at_least_n_per_class and
 * _reduce_prune_counts): the calibrated joint transposed, each class's diagonal raised to at least
 * `m` by taking evenly from the column's other non-zero cells, and only `frac` of the off-diagonal
 * counts kept, truncated.
 */
function pruneCounts(cj: Float64Array, K: number, m: number, frac: number): Float64Array {
  const W = new Float64Array(K * K);
  for (let j = 0; j < K; j++) for (let k = 0; k < K; k++) W[j * K + k] = cj[k * K + j];
  for (let c = 0; c < K; c++) {
    const diagonal = W[c * K + c],
      raised = Math.max(diagonal, m);
    let nonZero = 0;
    for (let r = 0; r < K; r++) if (W[r * K + c] !== 0) nonZero++;
    const take = (raised - diagonal) / Math.max(nonZero - 1, 1);
    for (let r = 0; r < K; r++) W[r * K + c] = Math.max(0, W[r * K + c] - take);
    W[c * K + c] = raised;
  }
  const out = new Float64Array(K * K);
  for (let c = 0; c < K; c++) {
    let removed = 0;
    for (let r = 0; r < K; r++) {
      if (r === c) continue;
      out[r * K + c] = W[r * K + c] * frac;
      removed += W[r * K + c] - out[r * K + c];
    }
    out[c * K + c] = W[c * K + c] * frac + removed + W[c * K + c] * (1 - frac);
  }
  return out.map(Math.trunc);
}

/** Sample indices of each class, in order. */
function byLabel(labels: Int32Array, K: number): number[][] {
  const out: number[][] = Array.from({ length: K }, () => []);
  labels.forEach((y, i) => out[y].push(i));
  return out;
}

function pruneByClass({ labels, probs, classes: K }: ClassProbs, prune: Float64Array, m: number): Uint8Array {
  const mask = new Uint8Array(labels.length);
  byLabel(labels, K).forEach((members, k) => {
    if (members.length <= m || members.length <= 1) return;
    const count = members.length - prune[k * K + k];
    if (count < 1) return;
    const self = new Float64Array(members.length);
    for (let m = 0; m < members.length; m++) self[m] = probs[members[m] * K + k];
    for (const j of smallest(self, count)) mask[members[j]] = 1;
  });
  return mask;
}

function pruneByNoiseRate({ labels, probs, classes: K }: ClassProbs, prune: Float64Array, m: number): Uint8Array {
  const mask = new Uint8Array(labels.length);
  byLabel(labels, K).forEach((members, k) => {
    if (members.length <= m || members.length <= 1) return;
    const negatedMargin = new Float64Array(members.length);
    for (let j = 0; j < K; j++) {
      const count = j === k ? 0 : prune[j * K + k];
      if (count <= 0) continue;
      // Largest p[j] - p[k] first: ascending order of its negation.
      for (let m = 0; m < members.length; m++) {
        const i = members[m];
        negatedMargin[m] = -(probs[i * K + j] - probs[i * K + k]);
      }
      for (const r of smallest(negatedMargin, count)) mask[members[r]] = 1;
    }
  });
  return mask;
}

/**
 * The positions of the `count` smallest values, equal values taken in order (the first `count`
 * of a stable ascending sort), in position order: one selection, not a sort.
 */
export function smallest(values: Float64Array, count: number): Int32Array {
  const n = values.length;
  if (count >= n) return Int32Array.from(values.keys());
  if (count <= 0) return new Int32Array(0);
  const [cut] = orderStatistics(Float64Array.from(values), [count - 1]);
  let below = 0;
  for (let i = 0; i < n; i++) if (values[i] < cut) below++;
  const out = new Int32Array(count);
  let o = 0,
    ties = count - below;
  for (let i = 0; i < n; i++) {
    if (values[i] < cut) out[o++] = i;
    else if (values[i] === cut && ties > 0) {
      out[o++] = i;
      ties--;
    }
  }
  return out;
}

/** The flagged samples, lowest score (likeliest issue) first (cleanlab's rank.order_label_issues). */
export function rankedIssues(mask: Uint8Array, scores: Float64Array): Int32Array {
  const flagged = Int32Array.from(mask.keys()).filter((i) => mask[i] === 1);
  return flagged.sort((a, b) => scores[a] - scores[b] || a - b);
}
