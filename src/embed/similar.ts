/**
 * The rows most similar (cosine) to one row, id or vector: "more like this" for a sample or box.
 *
 * The unit-length copy of the embeddings is kept (weakly, per vectors array) between calls, so
 * browsing neighbour after neighbour scans the rows once per query and copies nothing. Treat the
 * vectors as read-only: a changed array would still be searched as it was first seen.
 */

import { BlindspotError } from "../errors";
import { knnUnit, unitRows, type KnnOptions, type UnitRows } from "./knn";

/** Embedding rows with their ids, as computeEmbeddings returns them. */
export interface IdentifiedRows {
  ids: readonly (string | number)[];
  vectors: Float32Array;
  dim: number;
}

/** What to search from: an id of `embeddings.ids`, a row position, or a vector of the same dimension. */
export type SimilarQuery = string | number | { row: number } | Float32Array;

export interface SimilarResult {
  ids: (string | number)[];
  rows: Int32Array;
  similarity: Float32Array;
}

const unitCache = new WeakMap<Float32Array, UnitRows>();

/**
 * The k rows most similar to `query`, most similar first (ties: lower row first). A query by id
 * or row leaves that row itself out; a query vector does not (an identical row comes first).
 */
export async function similar(
  embeddings: IdentifiedRows,
  query: SimilarQuery,
  k: number,
  options: Pick<KnnOptions, "engine" | "provider" | "signal"> & {
    /**
     * Only rows at least this similar (e.g. nearDuplicateRows(ds).similarity: mode "dataset"'s candidate rows at the
     * threshold they decide at without images).
     */
    minSimilarity?: number;
  } = {},
): Promise<SimilarResult> {
  const { ids, vectors, dim } = embeddings;
  let items = unitCache.get(vectors);
  if (!items || items.dim !== dim) {
    items = unitRows(vectors, dim, "embeddings");
    unitCache.set(vectors, items);
  }
  if (ids.length !== items.rows)
    throw new BlindspotError({ message: `embeddings have ${ids.length} ids for ${items.rows} rows` });
  if (query instanceof Float32Array && query.length !== dim)
    throw new BlindspotError({
      message: `a query vector has ${dim} values (the embeddings' dimension), got ${query.length}`,
    });
  const row = query instanceof Float32Array ? -1 : rowOf(ids, query);
  const vector = unitRows(
    query instanceof Float32Array ? query : items.data.subarray(row * dim, row * dim + dim),
    dim,
    "query vector",
  );
  // One extra neighbour when the query row is among the candidates; it is dropped below.
  const { minSimilarity = -Infinity, ...knnOptions } = options;
  const found = await knnUnit(items, k + (row >= 0 ? 1 : 0), {
    ...knnOptions,
    engine: options.engine ?? "ts",
    queries: vector,
  });
  const keep = Array.from(found.indices.keys())
    .filter((p) => found.indices[p] !== row && found.similarity[p] >= minSimilarity)
    .slice(0, k);
  return {
    ids: keep.map((p) => ids[found.indices[p]]),
    rows: Int32Array.from(keep, (p) => found.indices[p]),
    similarity: Float32Array.from(keep, (p) => found.similarity[p]),
  };
}

function rowOf(ids: IdentifiedRows["ids"], query: Exclude<SimilarQuery, Float32Array>): number {
  if (typeof query === "object") {
    if (!Number.isInteger(query.row) || query.row < 0 || query.row >= ids.length)
      throw new BlindspotError({ message: `row ${query.row} is outside the embeddings' ${ids.length} rows` });
    return query.row;
  }
  const row = ids.indexOf(query as never);
  if (row < 0)
    throw new BlindspotError({
      message: `id ${JSON.stringify(query)} is not among the embeddings' ids`,
      hint: "pass an id the embeddings were computed for, or { row }",
    });
  return row;
}
