import { createHash } from "node:crypto";
import * as aq from "arquero";
import { values } from "../../dataset/columns";
import type { Dataset } from "../../dataset/dataset";
import { BlindspotError, describeValue } from "../../errors";
import type { Provider } from "../../onnx/session";
import { phaseLabel, withProgress, type PhaseProgress } from "../../progress";
import { pca } from "./pca";
import { tsne } from "./tsne";
import { umap } from "./umap";

/** What a projection needs of `computeEmbeddings`'s result (any rows keyed by id will do). */
export interface EmbeddingRows {
  /** Sample ids, or object ids (numbers) for embeddings of boxes (`crops`). */
  ids: readonly string[] | readonly number[];
  /** [ids.length, dim] row-major. */
  vectors: Float32Array;
  dim: number;
  model?: { card?: { name?: string } };
}

export type ProjectionMethod = "umap" | "tsne" | "pca";

export interface ProjectionOptions {
  /** 2-D projection (default "umap"). */
  method?: ProjectionMethod;
  /** Seed of UMAP's layout and sampling, or of t-SNE's random start (default 0). */
  seed?: number;
  /**
   * Name of the coordinate fields, `<key>_x` and `<key>_y` (default: the method's name). They are
   * sample fields, or object fields for embeddings of boxes.
   */
  key?: string;
  /** Project again even when the fields hold a projection of the same embeddings (default false). */
  recompute?: boolean;
  /** UMAP: neighbourhood size (default 15) and how tightly points pack (default 0.1). */
  nNeighbors?: number;
  minDist?: number;
  /** t-SNE: effective number of neighbours (default 30, lowered for fewer than 91 rows). */
  perplexity?: number;
  /** UMAP's epochs or t-SNE's iterations (default: the method's). */
  iterations?: number;
  /** Where the k-NN of UMAP and t-SNE runs (default "auto"). */
  provider?: Provider;
  /** Progress per phase (k-NN, then the layout); default: the engine's default reporter. */
  onProgress?: PhaseProgress;
}

/** What `ds.info.projections[key]` records, so a later call can reuse the fields. */
export interface ProjectionRecord {
  method: ProjectionMethod;
  /** The options that shape the result, as JSON. */
  params: string;
  /** sha256 of the embeddings' ids, dimension and vectors. */
  embeddings: string;
  of: "samples" | "objects";
  rows: number;
}

/** Where a projection went: the coordinate fields, of samples or of objects. */
export interface Projection {
  x: string;
  y: string;
  of: "samples" | "objects";
  /** Embeddings projected. */
  rows: number;
  /** True when the fields already held this projection and nothing was computed. */
  reused: boolean;
}

const METHODS: readonly ProjectionMethod[] = ["umap", "tsne", "pca"];
export const METHOD_NAMES: Record<ProjectionMethod, string> = { umap: "UMAP", tsne: "t-SNE", pca: "PCA" };

/**
 * Lays the embeddings out in 2-D (UMAP, t-SNE or PCA, seeded) and writes the coordinates as fields
 * `<key>_x`, `<key>_y` of the dataset: sample fields, or object fields for embeddings of boxes
 * (whose ids are object ids). Samples (or boxes) without an embedding get null. A later call on
 * the same embeddings with the same options reuses the fields instead of projecting again.
 */
export async function projectEmbeddings(
  ds: Dataset,
  rows: EmbeddingRows,
  options: ProjectionOptions = {},
): Promise<Projection> {
  const method = options.method ?? "umap";
  if (!METHODS.includes(method)) {
    throw new BlindspotError({
      place: "method",
      message: `unknown projection ${JSON.stringify(method)}`,
      hint: `method is one of ${METHODS.map((m) => JSON.stringify(m)).join(", ")}`,
    });
  }
  const { ids, n, of } = embeddingsOf(ds, rows);
  const key = options.key ?? method;
  if (typeof key !== "string" || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) {
    throw new BlindspotError({
      place: "key",
      message: `key must be a name of letters, digits and _, got ${JSON.stringify(key)}`,
      hint: 'pass e.g. { key: "umap_crops" }',
    });
  }
  const x = `${key}_x`,
    y = `${key}_y`;
  const params = projectionParams(method, n, options);
  const record: ProjectionRecord = {
    method,
    params: JSON.stringify(params),
    embeddings: fingerprint(rows),
    of,
    rows: n,
  };
  const reused = !options.recompute && hasProjection(ds, key, record);
  if (!reused) {
    const xy = await project(method, rows, params, options);
    writeCoordinates(ds, of, ids, xy, x, y);
    const projections = {
      ...((ds.info.projections as Record<string, ProjectionRecord> | undefined) ?? {}),
      [key]: record,
    };
    ds.info = { ...ds.info, projections };
  }
  return { x, y, of, rows: n, reused };
}

/** The ids as samples or objects of the dataset; refuses rows that do not belong to it. */
export function embeddingsOf(
  ds: Dataset,
  rows: EmbeddingRows,
): { ids: readonly (string | number)[]; n: number; of: "samples" | "objects" } {
  const shaped = typeof rows === "object" && rows !== null && rows.vectors instanceof Float32Array;
  if (!shaped || !Array.isArray(rows.ids) || !Number.isInteger(rows.dim) || rows.dim <= 0) {
    throw new BlindspotError({
      message: `a projection needs embeddings { ids, vectors, dim }, got ${describeValue(rows)}`,
      hint: "pass what computeEmbeddings(ds) returned",
    });
  }
  const n = rows.ids.length;
  if (rows.vectors.length !== n * rows.dim) {
    throw new BlindspotError({
      message:
        `the embeddings have ${rows.vectors.length} numbers for ${n} ids of dimension ${rows.dim} ` +
        `(${n * rows.dim} expected)`,
      hint: "pass what computeEmbeddings(ds) returned, unchanged",
    });
  }
  const objectIds = n > 0 && typeof rows.ids[0] === "number";
  const of = objectIds ? "objects" : "samples";
  const known = new Set<unknown>(values<unknown>(objectIds ? ds.objects : ds.samples, "id"));
  const foreign = (rows.ids as readonly unknown[]).filter((id) => !known.has(id));
  if (foreign.length) {
    const counts = `${foreign.length.toLocaleString("en-US")} of the ${n.toLocaleString("en-US")} embeddings`;
    throw new BlindspotError({
      message:
        `${counts} belong to no ${objectIds ? "object" : "sample"} of dataset ${JSON.stringify(ds.name)} ` +
        `(e.g. ${JSON.stringify(foreign.slice(0, 3))})`,
      hint: "pass the dataset the embeddings were computed on",
    });
  }
  return { ids: rows.ids, n, of };
}

/** The options that shape a projection, with the defaults filled in. */
function projectionParams(method: ProjectionMethod, n: number, o: ProjectionOptions): Record<string, number | string> {
  const minimum = method === "umap" ? 3 : 2;
  if (n < minimum) {
    throw new BlindspotError({
      message: `${METHOD_NAMES[method]} needs at least ${minimum} embeddings, got ${n}`,
      hint: "embed more images",
    });
  }
  if (method === "pca") return { method };
  const seed = o.seed ?? 0;
  const iterations = o.iterations !== undefined && { iterations: o.iterations };
  if (method === "umap")
    return { method, seed, nNeighbors: o.nNeighbors ?? 15, minDist: o.minDist ?? 0.1, ...iterations };
  // scikit-learn refuses a perplexity of n or more; below 91 rows the default is lowered to fit.
  const perplexity = o.perplexity ?? Math.min(30, Math.max(1, Math.floor((n - 1) / 3)));
  return { method, seed, perplexity, init: "pca", ...iterations };
}

/** sha256 of ids, dimension and vectors; remembered per vectors array (hashing 10^5 x 1792 floats takes a while). */
const fingerprints = new WeakMap<Float32Array, { ids: readonly unknown[]; hash: string }>();
function fingerprint(rows: EmbeddingRows): string {
  const known = fingerprints.get(rows.vectors);
  if (known && known.ids === rows.ids) return known.hash;
  const h = createHash("sha256");
  h.update(JSON.stringify(rows.ids));
  h.update(`\u0000${rows.dim}\u0000`);
  h.update(new Uint8Array(rows.vectors.buffer, rows.vectors.byteOffset, rows.vectors.byteLength));
  const hash = h.digest("hex");
  fingerprints.set(rows.vectors, { ids: rows.ids, hash });
  return hash;
}

/** True when the coordinate fields are there and hold this very projection. */
function hasProjection(ds: Dataset, key: string, record: ProjectionRecord): boolean {
  const old = (ds.info.projections as Record<string, ProjectionRecord> | undefined)?.[key];
  if (!old || old.embeddings !== record.embeddings || old.params !== record.params || old.of !== record.of)
    return false;
  const columns = (record.of === "samples" ? ds.samples : ds.objects).columnNames();
  return columns.includes(`${key}_x`) && columns.includes(`${key}_y`);
}

/** Runs the projection, reporting per phase (k-NN, then the layout). */
function project(
  method: ProjectionMethod,
  rows: EmbeddingRows,
  params: Record<string, number | string>,
  options: ProjectionOptions,
): Promise<Float32Array> {
  const named = phaseLabel(METHOD_NAMES[method]);
  const label = (phase: string) => named(phase === method ? "layout" : phase);
  const { vectors, dim } = rows;
  const p = params as Record<string, number>;
  const provider = options.provider;
  return withProgress(label, { onProgress: options.onProgress }, true, ({ onProgress }) => {
    if (method === "pca") return pca(vectors, dim, { onProgress });
    if (method === "umap") {
      return umap(vectors, dim, {
        seed: p.seed,
        nNeighbors: p.nNeighbors,
        minDist: p.minDist,
        nEpochs: p.iterations,
        provider,
        onProgress,
      });
    }
    return tsne(vectors, dim, {
      seed: p.seed,
      perplexity: p.perplexity,
      iterations: p.iterations,
      provider,
      onProgress,
    });
  });
}

/** Writes row r's point as `<key>_x`, `<key>_y` of ids[r] (samples or objects); the others get null. */
function writeCoordinates(
  ds: Dataset,
  of: "samples" | "objects",
  ids: readonly (string | number)[],
  xy: Float32Array,
  xField: string,
  yField: string,
): void {
  if (of === "samples") {
    const x = Array.from(ids, (_, r) => xy[2 * r]),
      y = Array.from(ids, (_, r) => xy[2 * r + 1]);
    ds.setFields(aq.table({ id: [...ids], [xField]: x, [yField]: y }));
    return;
  }
  const rowOf = new Map<unknown, number>();
  ids.forEach((id, r) => rowOf.set(id, r));
  const objectIds = values<number>(ds.objects, "id");
  const x = new Array<number | null>(objectIds.length),
    y = new Array<number | null>(objectIds.length);
  for (let i = 0; i < objectIds.length; i++) {
    const r = rowOf.get(objectIds[i]);
    x[i] = r === undefined ? null : xy[2 * r];
    y[i] = r === undefined ? null : xy[2 * r + 1];
  }
  ds.objects = ds.objects.assign(aq.table({ [xField]: x, [yField]: y }));
}
