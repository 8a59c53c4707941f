/**
 * Label quality scores of classification labels, 0 (surely wrong) to 1 (surely right), as
 * cleanlab's rank.get_label_quality_scores defines them for each method, p being the sample's
 * predicted probabilities and y its given label:
 *
 * - self_confidence: p[y];
 * - normalized_margin: (p[y] - max over k != y of p[k] + 1) / 2;
 * - confidence_weighted_entropy: with s = max(p[y], 1e-6) and h the entropy of p over log K,
 *   log(h / s + 1) / max(h / s, 1e-6).
 *
 * `adjust` first subtracts each class's confident threshold from its column and renormalises the
 * rows (shifted by the largest threshold), which weighs rare classes up (not for the entropy).
 */

import { BlindspotError } from "../../errors";
import { confidentThresholds, FLOAT_TOLERANCE, type ClassProbs } from "./thresholds";

export const SCORE_METHODS = ["self_confidence", "normalized_margin", "confidence_weighted_entropy"] as const;
export type ScoreMethod = (typeof SCORE_METHODS)[number];

export function labelQualityScores(
  input: ClassProbs,
  method: ScoreMethod = "self_confidence",
  adjust = false,
): Float64Array {
  if (!SCORE_METHODS.includes(method)) {
    throw new BlindspotError({
      place: "labelIssues: rankBy",
      message: `unknown scoring method ${JSON.stringify(method)}`,
      hint: `use one of: ${SCORE_METHODS.join(", ")}`,
    });
  }
  if (adjust && method === "confidence_weighted_entropy") {
    throw new BlindspotError({
      place: "labelIssues: adjust",
      message: "confidence_weighted_entropy scores cannot be adjusted by the class thresholds",
      hint: "leave adjust off, or rank by self_confidence or normalized_margin",
    });
  }
  const { labels, classes: K } = input;
  const probs = adjust ? adjusted(input) : input.probs;
  const n = labels.length;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const row = i * K,
      y = labels[i];
    const self = probs[row + y];
    if (method === "self_confidence") out[i] = self;
    else if (method === "normalized_margin") {
      let other = -Infinity;
      for (let k = 0; k < K; k++) if (k !== y && probs[row + k] > other) other = probs[row + k];
      out[i] = (self - other + 1) / 2;
    } else {
      let entropy = 0;
      for (let k = 0; k < K; k++) {
        const p = probs[row + k];
        if (p > 0) entropy -= p * Math.log(p);
      }
      const ratio = entropy / Math.log(K) / Math.max(self, FLOAT_TOLERANCE);
      out[i] = Math.log(ratio + 1) / Math.max(ratio, FLOAT_TOLERANCE);
    }
  }
  return out;
}

/** Probabilities minus each class's confident threshold, shifted by the largest and renormalised per row. */
export function adjusted(input: ClassProbs): Float64Array {
  const { probs, classes: K } = input;
  const t = confidentThresholds(input);
  let top = -Infinity;
  for (const v of t) top = Math.max(top, v);
  const out = new Float64Array(probs.length);
  for (let row = 0; row < probs.length; row += K) {
    let sum = 0;
    for (let k = 0; k < K; k++) sum += out[row + k] = probs[row + k] - t[k] + top;
    for (let k = 0; k < K; k++) out[row + k] /= sum;
  }
  return out;
}
