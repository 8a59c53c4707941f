/**
 * Near-duplicate groups: rows joined when one is among the other's k nearest neighbours with
 * cosine similarity >= threshold, grouped transitively (union-find over those edges).
 *
 * Groups come from a k-NN self-search (knn() without queries). A row with more than k rows above
 * the threshold links only its k nearest directly; the rest usually join through shared
 * neighbours, but ask for k at least the largest group you expect.
 */

import { BlindspotError } from "../errors";
import type { KnnResult } from "./knn";

export interface DuplicateGroups {
  /** Group of each row, numbered 0.. in order of each group's first row; -1: no near-duplicate. */
  group: Int32Array;
  /** Rows in each group (at least 2). */
  sizes: Int32Array;
}

export function duplicateGroups(neighbours: KnnResult, threshold: number): DuplicateGroups {
  if (!(threshold >= -1 && threshold <= 1))
    throw new BlindspotError({ message: `a cosine similarity threshold lies in [-1, 1], got ${threshold}` });
  const { rows: n, k, indices, similarity } = neighbours;
  const parent = Int32Array.from({ length: n }, (_, i) => i);
  const root = (i: number): number => {
    while (parent[i] !== i) i = parent[i] = parent[parent[i]];
    return i;
  };
  for (let r = 0; r < n; r++) {
    // Neighbours are sorted: stop at the first one below the threshold.
    for (let p = r * k; p < r * k + k && similarity[p] >= threshold; p++) {
      const a = root(r),
        b = root(indices[p]);
      // The lower root wins, so every group's root is its first row.
      if (a !== b) parent[Math.max(a, b)] = Math.min(a, b);
    }
  }
  const size = new Int32Array(n);
  for (let r = 0; r < n; r++) size[root(r)]++;
  const id = new Int32Array(n).fill(-1),
    sizes: number[] = [];
  for (let r = 0; r < n; r++) {
    const g = root(r);
    if (size[g] < 2) continue;
    // A group's root is its first row, so its number is given before its other rows need it.
    if (g === r) {
      id[r] = sizes.length;
      sizes.push(size[g]);
    } else id[r] = id[g];
  }
  return { group: id, sizes: Int32Array.from(sizes) };
}
