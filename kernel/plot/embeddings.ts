import { createHash } from "node:crypto";
import * as aq from "arquero";
import { values } from "../../src/dataset/columns";
import { Dataset } from "../../src/dataset/dataset";
import { View, type Expr } from "../../src/dataset/view";
import type { Provider } from "../../src/onnx/session";
import { pca } from "../../src/embed/project/pca";
import { tsne } from "../../src/embed/project/tsne";
import { umap } from "../../src/embed/project/umap";
import { BlindspotError } from "../../src/errors";
import { phaseBars } from "../progressBars";
import { describe } from "../show/checks";
import { Plot } from "./plot";
import { scatter } from "./scatter";
import type { PlotOptions } from "./spec";
import { linkGroup } from "../linkGroup";

/** What `plot.embeddings` needs of `computeEmbeddings`'s result (any rows keyed by id will do). */
export interface EmbeddingRows {
  /** Sample ids, or object ids (numbers) for embeddings of boxes (`crops`). */
  ids: readonly string[] | readonly number[];
  /** [ids.length, dim] row-major. */
  vectors: Float32Array;
  dim: number;
  model?: { card?: { name?: string } };
}

export type ProjectionMethod = "umap" | "tsne" | "pca";

export interface EmbeddingsPlotOptions extends PlotOptions {
  /** 2-D projection (default "umap"). */
  method?: ProjectionMethod;
  /** Colour the points by a field: a sample field, or for boxes an object field such as `label`; categories get a palette, numbers a gradient. */
  color?: string;
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

const METHODS: readonly ProjectionMethod[] = ["umap", "tsne", "pca"];
const METHOD_NAMES: Record<ProjectionMethod, string> = { umap: "UMAP", tsne: "t-SNE", pca: "PCA" };
const MAP_WIDTH = 440;
const MAP_HEIGHT = 380;
/** Projections shorter than this show no progress bar. */

/**
 * The embeddings laid out in 2-D (UMAP, t-SNE or PCA, seeded) as a scatter plot coloured by any
 * field; brushing it selects the samples in the dataset's grids. The coordinates are written as
 * fields `<key>_x`, `<key>_y` and reused by later calls on the same embeddings with the same
 * options, so re-colouring does not project again (`plot.scatter` can draw them too).
 *
 * Given a view, only its samples are drawn; the projection is always of all the embeddings, so
 * the points keep their places from one view to the next. Samples without an embedding (their
 * image could not be read) get no coordinates and are left out.
 *
 * Embeddings of boxes (`computeEmbeddings(ds, { crops })`, whose ids are object ids) work too:
 * each point is a box, the coordinates become object fields, colour may be an object field
 * (`label`) or a sample field, and brushing selects the samples the boxes belong to.
 */
export async function embeddings(input: Dataset | View, rows: EmbeddingRows, options: EmbeddingsPlotOptions = {}): Promise<Plot> {
  const view = input instanceof Dataset ? input.view() : input instanceof View ? input : null;
  if (view === null) {
    throw new BlindspotError({ message: `plot.embeddings needs a dataset or a view, got ${describe(input)}`, hint: "pass the dataset the embeddings were computed on, e.g. plot.embeddings(ds, emb)" });
  }
  const ds = view.dataset;
  const method = options.method ?? "umap";
  if (!METHODS.includes(method)) {
    throw new BlindspotError({ place: "method", message: `unknown projection ${JSON.stringify(method)}`, hint: `method is one of ${METHODS.map((m) => JSON.stringify(m)).join(", ")}` });
  }
  const { ids, n, of } = checkRows(ds, rows);
  const key = options.key ?? method;
  if (typeof key !== "string" || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) {
    throw new BlindspotError({ place: "key", message: `key must be a name of letters, digits and _, got ${JSON.stringify(key)}`, hint: 'pass e.g. { key: "umap_crops" }' });
  }
  const xField = `${key}_x`, yField = `${key}_y`;
  checkColour(ds, of, options.color);
  const params = projectionParams(method, n, options);
  const record: ProjectionRecord = { method, params: JSON.stringify(params), embeddings: fingerprint(rows), of, rows: n };
  if (options.recompute || !hasProjection(ds, key, record)) {
    const xy = await project(method, rows, params, options.provider);
    writeCoordinates(ds, of, ids, xy, xField, yField);
    const projections = { ...((ds.info.projections as Record<string, ProjectionRecord> | undefined) ?? {}), [key]: record };
    ds.info = { ...ds.info, projections };
  }

  const model = rows.model?.card?.name;
  const unit = of === "samples" ? "samples" : "boxes";
  const title = options.title ?? `${METHOD_NAMES[method]} of ${model ? `${model} ` : ""}embeddings (${n.toLocaleString("en-US")} ${unit})${options.color ? `, coloured by ${options.color}` : ""}: brush to select`;
  // Only the rows that have coordinates: samples (or boxes) without an embedding are left out.
  const has = aq.escape((d: Record<string, unknown>) => d[xField] != null && d[yField] != null);
  const drawn = of === "samples" ? view.filter(has as unknown as Expr) : view.filterObjects(has as unknown as Expr);
  const plot = scatter(drawn, { x: xField, y: yField, color: options.color, title, group: options.group ?? linkGroup(ds), labelField: options.labelField });
  // A map reads best about square; the axes' numbers mean nothing, only distances do.
  return new Plot({ ...plot, spec: { ...plot.spec, width: MAP_WIDTH, height: MAP_HEIGHT } });
}

/** The ids as samples or objects of the dataset; refuses rows that do not belong to it. */
function checkRows(ds: Dataset, rows: EmbeddingRows): { ids: readonly (string | number)[]; n: number; of: "samples" | "objects" } {
  if (typeof rows !== "object" || rows === null || !(rows.vectors instanceof Float32Array) || !Array.isArray(rows.ids) || !Number.isInteger(rows.dim) || rows.dim <= 0) {
    throw new BlindspotError({ message: `plot.embeddings needs embeddings { ids, vectors, dim }, got ${describe(rows)}`, hint: "pass what computeEmbeddings(ds) returned" });
  }
  const n = rows.ids.length;
  if (rows.vectors.length !== n * rows.dim) {
    throw new BlindspotError({ message: `the embeddings have ${rows.vectors.length} numbers for ${n} ids of dimension ${rows.dim} (${n * rows.dim} expected)`, hint: "pass what computeEmbeddings(ds) returned, unchanged" });
  }
  const objectIds = n > 0 && typeof rows.ids[0] === "number";
  const of = objectIds ? "objects" : "samples";
  const known = new Set<unknown>(values<unknown>(objectIds ? ds.objects : ds.samples, "id"));
  const foreign = (rows.ids as readonly unknown[]).filter((id) => !known.has(id));
  if (foreign.length) {
    throw new BlindspotError({
      message: `${foreign.length.toLocaleString("en-US")} of the ${n.toLocaleString("en-US")} embeddings belong to no ${objectIds ? "object" : "sample"} of dataset ${JSON.stringify(ds.name)} (e.g. ${JSON.stringify(foreign.slice(0, 3))})`,
      hint: "pass the dataset the embeddings were computed on",
    });
  }
  return { ids: rows.ids, n, of };
}

/** A colour field must be one every point has: a sample field, or for boxes an object or sample field. */
function checkColour(ds: Dataset, of: "samples" | "objects", color: string | undefined): void {
  if (color === undefined) return;
  const sampleFields = ds.samples.columnNames();
  const objectFields = of === "objects" ? ds.objects.columnNames() : [];
  if (typeof color === "string" && (sampleFields.includes(color) || objectFields.includes(color))) return;
  const boxes = of === "samples" && typeof color === "string" && ds.objects.columnNames().includes(color);
  throw new BlindspotError({
    place: "color",
    message: boxes
      ? `${JSON.stringify(color)} is a field of the boxes, but these embeddings are of whole images (one point per sample)`
      : `no field ${JSON.stringify(color)} to colour by`,
    hint: boxes
      ? "colour by a sample field, or embed the boxes: computeEmbeddings(ds, { crops: { field } })"
      : `sample fields: ${sampleFields.join(", ")}${objectFields.length ? `; object fields: ${objectFields.join(", ")}` : ""}`,
  });
}

/** The options that shape a projection, with the defaults filled in. */
function projectionParams(method: ProjectionMethod, n: number, o: EmbeddingsPlotOptions): Record<string, number | string> {
  const minimum = method === "umap" ? 3 : 2;
  if (n < minimum) throw new BlindspotError({ message: `${METHOD_NAMES[method]} needs at least ${minimum} embeddings, got ${n}`, hint: "embed more images" });
  if (method === "pca") return { method };
  const seed = o.seed ?? 0;
  if (method === "umap") return { method, seed, nNeighbors: o.nNeighbors ?? 15, minDist: o.minDist ?? 0.1, ...(o.iterations !== undefined && { iterations: o.iterations }) };
  // scikit-learn refuses a perplexity of n or more; below 91 rows the default is lowered to fit.
  const perplexity = o.perplexity ?? Math.min(30, Math.max(1, Math.floor((n - 1) / 3)));
  return { method, seed, perplexity, init: "pca", ...(o.iterations !== undefined && { iterations: o.iterations }) };
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
  if (!old || old.embeddings !== record.embeddings || old.params !== record.params || old.of !== record.of) return false;
  const columns = (record.of === "samples" ? ds.samples : ds.objects).columnNames();
  return columns.includes(`${key}_x`) && columns.includes(`${key}_y`);
}

/** Runs the projection with a progress bar per phase (k-NN, then the layout); interrupting stops it. */
async function project(method: ProjectionMethod, rows: EmbeddingRows, params: Record<string, number | string>, provider: Provider | undefined): Promise<Float32Array> {
  const { onProgress, done } = phaseBars((name) => `${METHOD_NAMES[method]}: ${name === "knn" ? "nearest neighbours" : name === method ? "layout" : name}`);
  const { vectors, dim } = rows;
  const p = params as Record<string, number>;
  try {
    if (method === "pca") return await pca(vectors, dim, { onProgress });
    if (method === "umap") return await umap(vectors, dim, { seed: p.seed, nNeighbors: p.nNeighbors, minDist: p.minDist, nEpochs: p.iterations, provider, onProgress });
    return await tsne(vectors, dim, { seed: p.seed, perplexity: p.perplexity, iterations: p.iterations, provider, onProgress });
  } finally {
    done();
  }
}

/** Writes row r's point as `<key>_x`, `<key>_y` of ids[r] (samples or objects); the others get null. */
function writeCoordinates(ds: Dataset, of: "samples" | "objects", ids: readonly (string | number)[], xy: Float32Array, xField: string, yField: string): void {
  if (of === "samples") {
    ds.setFields(aq.table({ id: [...ids], [xField]: Array.from(ids, (_, r) => xy[2 * r]), [yField]: Array.from(ids, (_, r) => xy[2 * r + 1]) }));
    return;
  }
  const rowOf = new Map<unknown, number>();
  ids.forEach((id, r) => rowOf.set(id, r));
  const objectIds = values<number>(ds.objects, "id");
  const x = new Array<number | null>(objectIds.length), y = new Array<number | null>(objectIds.length);
  for (let i = 0; i < objectIds.length; i++) {
    const r = rowOf.get(objectIds[i]);
    x[i] = r === undefined ? null : xy[2 * r];
    y[i] = r === undefined ? null : xy[2 * r + 1];
  }
  ds.objects = ds.objects.assign(aq.table({ [xField]: x, [yField]: y }));
}
