/**
 * Uniqueness and representativeness of each row, from a k-NN self-search (knn() without
 * queries; k >= 3, 10 or more for representativeness). Both lie in [0, 1].
 *
 * Uniqueness: FiftyOne's compute_uniqueness formula (fiftyone-brain, internal/core/uniqueness.py),
 * on cosine distance. With d1 <= d2 <= d3 the cosine distances (1 - similarity) to the three
 * nearest other rows,
 *
 *   s = 0.6 d1 + 0.3 d2 + 0.1 d3,   uniqueness = s / max(s over all rows)
 *
 * so 1 is the most isolated row. Fewer than 4 rows: every row 1 (as FiftyOne); all rows identical
 * (max s = 0): every row 0. FiftyOne takes the distances from its similarity index, which centres
 * the embeddings first and (in the versions read) defaults to Euclidean distance; here they come
 * from the same cosine k-NN as near-duplicates and similar(), on the embeddings as they are.
 *
 * Representativeness: local density. With m the mean cosine similarity to the k nearest other rows
 * (every column of the k-NN),
 *
 *   representativeness = (m - min m) / (max m - min m)        (all m equal: every row 1)
 *
 * so the core of the densest region scores 1 and isolated rows 0. FiftyOne's
 * compute_representativeness instead runs k-means (20 clusters) and scores the distance to the
 * row's cluster centre, scaled within each cluster (as its code reads, that scaling ranks rows far
 * from their centre highest). Density needs no cluster count and cannot be fooled by a cluster's
 * shape. Exact duplicates are dense by this measure: set them aside (duplicates.ts) when that matters.
 */

import * as aq from "arquero";
import type { Dataset } from "../dataset/dataset";
import { BlindspotError } from "../errors";
import type { KnnResult } from "./knn";

/** FiftyOne's weights for the distances to the 1st, 2nd and 3rd nearest neighbour. */
const UNIQUENESS_WEIGHTS = [0.6, 0.3, 0.1];

export function uniqueness(neighbours: KnnResult): Float32Array {
  const { rows: n, k, similarity } = neighbours;
  if (n <= UNIQUENESS_WEIGHTS.length) return new Float32Array(n).fill(1);
  if (k < UNIQUENESS_WEIGHTS.length)
    throw new BlindspotError({
      message: `uniqueness needs the 3 nearest neighbours of each row, the k-NN has ${k}`,
      hint: "run knn() with k >= 3",
    });
  const s = new Float64Array(n);
  for (let r = 0; r < n; r++) {
    UNIQUENESS_WEIGHTS.forEach((w, p) => (s[r] += w * (1 - similarity[r * k + p])));
  }
  return scaled(s, 0, max(s));
}

export function representativeness(neighbours: KnnResult): Float32Array {
  const { rows: n, k, similarity } = neighbours;
  if (k === 0) return new Float32Array(n).fill(1);
  const m = new Float64Array(n);
  for (let r = 0; r < n; r++) {
    for (let p = r * k; p < r * k + k; p++) m[r] += similarity[p];
    m[r] /= k;
  }
  const low = -max(m.map((v) => -v)),
    high = max(m);
  return high > low ? scaled(m, low, high) : new Float32Array(n).fill(1);
}

function max(values: Float64Array): number {
  return values.reduce((a, b) => Math.max(a, b), -Infinity);
}

/** (v - low) / (high - low) for each value; 0 where high = low. */
function scaled(values: Float64Array, low: number, high: number): Float32Array {
  return Float32Array.from(values, (v) => (high > low ? (v - low) / (high - low) : 0));
}

/**
 * Writes per-row scores as sample fields, e.g. { uniqueness: uniqueness(nn) }: `ids` are the
 * embeddings' sample ids, row by row; samples without an embedding get null.
 */
export function setScoreFields(
  ds: Dataset,
  ids: readonly (string | number)[],
  fields: Record<string, ArrayLike<number>>,
): void {
  if (ids.some((id) => typeof id !== "string")) {
    throw new BlindspotError({
      message: "scores of boxes (numeric object ids) cannot be sample fields",
      hint: "embed whole images for per-sample scores",
    });
  }
  for (const [name, v] of Object.entries(fields)) {
    if (v.length !== ids.length)
      throw new BlindspotError({ message: `field ${name} has ${v.length} scores for ${ids.length} ids` });
  }
  ds.setFields(
    aq.table({ id: [...ids], ...Object.fromEntries(Object.entries(fields).map(([name, v]) => [name, Array.from(v)])) }),
  );
}
