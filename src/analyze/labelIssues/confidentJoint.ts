/**
 * The confident joint of confident learning (cleanlab's count.compute_confident_joint, single
 * label): cj[given][true] counts the samples labelled `given` whose probability of `true` reaches
 * that class's confident threshold (less 1e-6); a sample above several thresholds goes to its most
 * probable class, one above none is not counted. The diagonal is at least 1. Calibrated (the
 * default), each row is scaled to the number of samples with that label, the whole to the number
 * of samples, and rounded to integers that keep each row's rounded total.
 */

import { pairwiseSum } from "../stats/pairwiseSum";
import { confidentThresholds, FLOAT_TOLERANCE, type ClassProbs } from "./thresholds";

export interface ConfidentJoint {
  /** K x K row-major, rows the given labels, columns the likely true ones. */
  counts: Float64Array;
  /** The samples counted off the diagonal (given label differs from the confident guess), in order. */
  offDiagonal: Int32Array;
  /** Each sample's confident guess of its true class, -1 where no class reached its threshold. */
  guess: Int32Array;
}

export function confidentJoint(input: ClassProbs, calibrate = true): ConfidentJoint {
  const { labels, probs, classes: K } = input;
  const t = confidentThresholds(input);
  const n = labels.length;
  const counts = new Float64Array(K * K);
  const guess = new Int32Array(n);
  const off: number[] = [];
  for (let i = 0; i < n; i++) {
    const row = i * K;
    let above = 0,
      firstAbove = -1,
      argmax = 0;
    for (let k = 0; k < K; k++) {
      const p = probs[row + k];
      if (p >= t[k] - FLOAT_TOLERANCE) {
        above++;
        if (firstAbove < 0) firstAbove = k;
      }
      if (p > probs[row + argmax]) argmax = k;
    }
    const g = above === 0 ? -1 : above > 1 ? argmax : firstAbove;
    guess[i] = g;
    if (g < 0) continue;
    counts[labels[i] * K + g]++;
    if (g !== labels[i]) off.push(i);
  }
  for (let k = 0; k < K; k++) counts[k * K + k] = Math.max(1, counts[k * K + k]);
  return { counts: calibrate ? calibrated(counts, labels, K) : counts, offDiagonal: Int32Array.from(off), guess };
}

/** Rows scaled to the label counts, the whole to the sample count, then rounded row by row. */
function calibrated(cj: Float64Array, labels: Int32Array, K: number): Float64Array {
  const out = calibratedShares(cj, labels, K);
  for (let i = 0; i < K; i++) out.set(roundKeepingSum(out.subarray(i * K, (i + 1) * K)), i * K);
  return out;
}

/** The calibrated confident joint before rounding. */
export function calibratedShares(cj: Float64Array, labels: Int32Array, K: number): Float64Array {
  const labelCounts = new Float64Array(K);
  for (const y of labels) labelCounts[y]++;
  const out = new Float64Array(K * K);
  for (let i = 0; i < K; i++) {
    let rowSum = 0;
    for (let j = 0; j < K; j++) rowSum += cj[i * K + j];
    for (let j = 0; j < K; j++) out[i * K + j] = (cj[i * K + j] / Math.max(rowSum, 1e-100)) * labelCounts[i];
  }
  // cleanlab's joint is column-major in memory (a transposed confusion matrix), and numpy sums it in that order.
  const byColumn = new Float64Array(K * K);
  for (let i = 0; i < K; i++) for (let j = 0; j < K; j++) byColumn[j * K + i] = out[i * K + j];
  const total = Math.max(pairwiseSum(byColumn), 1e-100);
  for (let i = 0; i < out.length; i++) out[i] = (out[i] / total) * labels.length;
  return out;
}

/**
 * Integers near `values` whose sum is the rounded sum of `values` (cleanlab's
 * round_preserving_sum): each value rounded half to even, then the values that rounding moved
 * most the other way are stepped by one until the sums agree. Among values that rounding moved
 * equally the first is stepped first (cleanlab leaves that order to numpy's unstable argsort).
 */
export function roundKeepingSum(values: Float64Array): Float64Array {
  const ints = values.map(roundHalfEven);
  const target = roundHalfEven(pairwiseSum(values));
  let sum = roundHalfEven(ints.reduce((s, v) => s + v, 0));
  while (Math.abs(sum - target) > FLOAT_TOLERANCE) {
    const step = target - sum < 0 ? -1 : 1;
    const changes = Math.min(Math.abs(roundHalfEven(target - sum)), values.length);
    // Stepping up, those that rounding took most from first; stepping down, those it added most to.
    const moved = (i: number) => step * (values[i] - ints[i]);
    const order = Array.from(values, (_, i) => i).sort((a, b) => moved(b) - moved(a) || a - b);
    for (const i of order.slice(0, changes)) ints[i] += step;
    sum = roundHalfEven(ints.reduce((s, v) => s + v, 0));
  }
  return ints;
}

/** numpy's round: halves to the even neighbour. */
export function roundHalfEven(x: number): number {
  const f = Math.floor(x),
    d = x - f;
  return d > 0.5 ? f + 1 : d < 0.5 ? f : f % 2 === 0 ? f : f + 1;
}
