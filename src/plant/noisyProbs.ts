/**
 * Seeded classification cases for testing and timing label-issue analyses: each sample's
 * predicted probabilities lean to its true class (exponential draws, the true class's scaled by
 * 1 to 7, normalised), and its given label is redrawn uniformly over all classes with
 * probability `noise` (so it may land on the true class again).
 */

import type { ClassProbs } from "../analyze/labelIssues/thresholds";
import { mulberry32 } from "../dataset/view";

export function noisyProbs(seed: number, n: number, classes: number, noise: number): ClassProbs {
  const rand = mulberry32(seed);
  const K = classes;
  const labels = new Int32Array(n),
    probs = new Float64Array(n * K);
  for (let i = 0; i < n; i++) {
    const truth = Math.floor(rand() * K);
    let sum = 0;
    for (let k = 0; k < K; k++) sum += probs[i * K + k] = -Math.log(1 - rand()) * (k === truth ? 1 + 6 * rand() : 1);
    for (let k = 0; k < K; k++) probs[i * K + k] /= sum;
    labels[i] = rand() < noise ? Math.floor(rand() * K) : truth;
  }
  return { labels, probs, classes: K };
}
