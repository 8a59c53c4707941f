/**
 * Near-duplicate and outlier scores from the embeddings' k nearest neighbours, as cleanlab
 * 2.9.0's Datalab defines its near_duplicate and outlier issues (the definition of every number
 * here): a sample whose nearest neighbour is much closer than the typical nearest neighbour is a
 * near duplicate; a sample far from its k neighbours on average, beyond the upper fence of those
 * averages, is an outlier. Scores run from 0 (an issue beyond doubt) to 1.
 *
 * Writes the sample fields `near_duplicate_score`, `is_near_duplicate`, `outlier_score` and
 * `is_outlier` (null for samples without an embedding).
 */

import * as aq from "arquero";
import type { ColumnTable } from "arquero";
import { values } from "../../dataset/columns";
import type { Dataset } from "../../dataset/dataset";
import type { Embeddings } from "../../embed/embed";
import { BlindspotError } from "../../errors";
import { checkCount } from "../checks";
import { pairwiseSum } from "../stats/pairwiseSum";
import { median, percentile } from "../stats/percentile";
import { cosineNeighbors, type Neighbors } from "./cosineNeighbors";

export interface NeighborIssueOptions {
  /** Neighbours per sample (Datalab's default 10). */
  k?: number;
  /** A neighbour closer than this share of the median nearest-neighbour distance is a near duplicate (0.13). */
  nearDuplicateThreshold?: number;
  /** Outliers lie beyond Q3 + (1 / threshold - 1) x IQR of the average neighbour distances (0.37037). */
  outlierThreshold?: number;
}

export interface NeighborIssuesSummary {
  samples: number;
  k: number;
  nearDuplicates: number;
  outliers: number;
  /** Median distance to the nearest neighbour, and median average distance to the k nearest. */
  medianNearest: number;
  medianAverage: number;
  /** Average distance above which a sample is an outlier. */
  outlierLimit: number;
}

export interface NeighborIssues {
  /** sample_id, near_duplicate_score, near_duplicates (the sample ids of its set): near duplicates, lowest score first. */
  nearDuplicates: ColumnTable;
  /** sample_id, outlier_score, average_distance: outliers, lowest score first. */
  outliers: ColumnTable;
  /** Per embedded sample (in embedding order): its neighbours and their cosine distances. */
  neighbors: Neighbors & { ids: (string | number)[] };
  summary: NeighborIssuesSummary;
}

const EPSILON = 1e-6;

export function neighborIssues(
  ds: Dataset,
  embeddings: Embeddings,
  options: NeighborIssueOptions = {},
): NeighborIssues {
  const k = checkCount(options.k ?? 10, "neighborIssues: k", 1);
  const nearThreshold = Math.max(0, options.nearDuplicateThreshold ?? 0.13);
  const outlierThreshold = options.outlierThreshold ?? 0.37037;
  if (!(outlierThreshold >= 0 && outlierThreshold <= 1)) {
    throw new BlindspotError({
      place: "neighborIssues: outlierThreshold",
      message: `must be in [0, 1], got ${outlierThreshold}`,
      hint: "leave it out for Datalab's default, 0.37037",
    });
  }
  const { ids, dim } = embeddings;
  const n = ids.length;
  if (n <= k || dim <= 3) {
    throw new BlindspotError({
      place: "neighborIssues",
      message: `needs more than k = ${k} embedded samples of more than 3 dimensions (got ${n} of ${dim})`,
      hint: "compute embeddings for the dataset first (computeEmbeddings), or lower k",
    });
  }
  const nb = cosineNeighbors(Float64Array.from(embeddings.vectors), n, dim, k);

  // Near duplicates: the nearest neighbour's distance against the median of those.
  const nearest = Float64Array.from({ length: n }, (_, i) => nb.distances[i * k]);
  const medianNearest = Math.max(median(Float64Array.from(nearest).sort()), EPSILON);
  const temperature = 1 / medianNearest;
  const nearScore = nearest.map((d) => (Math.abs(d) <= 1e-8 ? 0 : 1 - Math.exp(-temperature * d)));
  const sets = nearDuplicateSets(nb, nearThreshold * medianNearest);

  // Outliers: the average distance to the k neighbours, against its quartiles.
  const average = Float64Array.from({ length: n }, (_, i) => pairwiseSum(nb.distances, i * k, (i + 1) * k) / k);
  const sorted = Float64Array.from(average).sort();
  const medianAverage = median(sorted);
  const q1 = percentile(sorted, 25),
    q3 = percentile(sorted, 75);
  const outlierLimit = q3 + (outlierThreshold !== 0 ? 1 / outlierThreshold - 1 : Infinity) * (q3 - q1);
  const scale = Math.max(medianAverage, 100 * Number.EPSILON);
  // Averages within rounding of 0 (exact copies) score 1, as cleanlab's precision correction sets them.
  const tolerance = 100 * 2 ** -53;
  const outlierScore = average.map((a) => (a < tolerance ? 1 : Math.exp((-1 * a) / Math.max(scale, EPSILON))));

  writeFields(ds, ids, { nearScore, sets, outlierScore, average, outlierLimit });
  const nearRows = [...Array(n).keys()]
    .filter((i) => sets[i].length)
    .sort((a, b) => nearScore[a] - nearScore[b] || a - b);
  const outlierRows = [...Array(n).keys()]
    .filter((i) => average[i] > outlierLimit)
    .sort((a, b) => outlierScore[a] - outlierScore[b] || a - b);
  return {
    nearDuplicates: aq.table({
      sample_id: nearRows.map((i) => ids[i]),
      near_duplicate_score: nearRows.map((i) => nearScore[i]),
      near_duplicates: nearRows.map((i) => sets[i].map((j) => ids[j])),
    }),
    outliers: aq.table({
      sample_id: outlierRows.map((i) => ids[i]),
      outlier_score: outlierRows.map((i) => outlierScore[i]),
      average_distance: outlierRows.map((i) => average[i]),
    }),
    neighbors: { ...nb, ids },
    summary: {
      samples: n,
      k,
      nearDuplicates: nearRows.length,
      outliers: outlierRows.length,
      medianNearest,
      medianAverage,
      outlierLimit,
    },
  };
}

/** Each sample's neighbours within `radius`, and every sample that has it within its radius (sorted). */
function nearDuplicateSets(nb: Neighbors, radius: number): number[][] {
  const n = nb.indices.length / nb.k;
  const sets = Array.from({ length: n }, () => new Set<number>());
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < nb.k; j++) {
      if (!(nb.distances[i * nb.k + j] < radius)) continue;
      const b = nb.indices[i * nb.k + j];
      sets[i].add(b);
      sets[b].add(i);
    }
  }
  return sets.map((s) => [...s].sort((a, b) => a - b));
}

function writeFields(
  ds: Dataset,
  ids: (string | number)[],
  r: {
    nearScore: Float64Array;
    sets: number[][];
    outlierScore: Float64Array;
    average: Float64Array;
    outlierLimit: number;
  },
): void {
  const sampleIds = values<string>(ds.samples, "id");
  const rowOf = new Map(Array.from(sampleIds, (id, row) => [id, row]));
  const unknown = ids.filter((id) => !rowOf.has(String(id)));
  if (unknown.length) {
    throw new BlindspotError({
      place: "neighborIssues: embeddings",
      message: `${unknown.length} embedding rows name samples the dataset lacks (e.g. ${JSON.stringify(unknown[0])})`,
      hint: "compute the embeddings of this dataset's samples (object crops have their own ids)",
    });
  }
  const n = sampleIds.length;
  const column = <T>() => new Array<T | null>(n).fill(null);
  const near = column<number>(),
    isNear = column<boolean>(),
    outlier = column<number>(),
    isOutlier = column<boolean>();
  ids.forEach((id, i) => {
    const row = rowOf.get(String(id))!;
    near[row] = r.nearScore[i];
    isNear[row] = r.sets[i].length > 0;
    outlier[row] = r.outlierScore[i];
    isOutlier[row] = r.average[i] > r.outlierLimit;
  });
  ds.setFields(
    aq.table({
      id: Array.from(sampleIds),
      near_duplicate_score: near,
      is_near_duplicate: isNear,
      outlier_score: outlier,
      is_outlier: isOutlier,
    }),
  );
}
