import { pairwiseSum } from "../stats/pairwiseSum";

/** Weights of the overlooked, swap and bad-location image scores in an image's label quality (cleanlab's: a third each). */
export interface AggregationWeights {
  overlooked: number;
  swap: number;
  badloc: number;
}

export const EQUAL_WEIGHTS: AggregationWeights = { overlooked: 1 / 3, swap: 1 / 3, badloc: 1 / 3 };

/** Keeps log(0) finite when a score is exactly 0 (cleanlab's TINY_VALUE). */
const TINY = 1e-100;

/**
 * One score per image from its boxes' scores: the softmin (a softmax of the negated scores over
 * `temperature` weighting each score), ignoring NaN; 1 for an image with no scored box.
 */
export function poolPerImage(scores: Float64Array, start: Int32Array, temperature: number): Float64Array {
  const images = start.length - 1;
  const out = new Float64Array(images);
  const kept: number[] = [];
  for (let i = 0; i < images; i++) {
    kept.length = 0;
    for (let j = start[i]; j < start[i + 1]; j++) if (!Number.isNaN(scores[j])) kept.push(scores[j]);
    out[i] = kept.length ? softmin(kept, temperature) : 1;
  }
  return out;
}

function softmin(s: number[], temperature: number): number {
  const t = Math.max(temperature, 1e-6);
  let top = -Infinity;
  for (const v of s) top = Math.max(top, (-1 * v) / t);
  const e = s.map((v) => Math.exp((-1 * v) / t - top));
  const total = pairwiseSum(e);
  let dot = 0;
  for (let j = 0; j < s.length; j++) dot += (e[j] / total) * s[j];
  return dot;
}

/** An image's label quality: the weighted geometric mean of its three pooled scores. */
export function imageQuality(
  overlooked: Float64Array,
  swap: Float64Array,
  badloc: Float64Array,
  w: AggregationWeights,
): Float64Array {
  return overlooked.map((o, i) =>
    Math.exp(
      w.overlooked * Math.log(TINY + o) + w.badloc * Math.log(TINY + badloc[i]) + w.swap * Math.log(TINY + swap[i]),
    ),
  );
}
