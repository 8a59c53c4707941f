import * as ort from "onnxruntime-node";
import sharp from "sharp";
import { values } from "../dataset/columns";
import type { Dataset } from "../dataset/dataset";
import { BlindspotError, type Problem } from "../errors";
import { forEachBatch } from "../image/batches";
import { newProblems } from "../image/problems";
import { decodeImage, readImage, type DecodedImage, type ImageError } from "../image/decode";
import { hashBytes, ResultCache } from "../image/cache";
import { modelInput } from "../image/views";
import { computeForImages, type ImageComputation } from "../image/pipeline";
import { openSession, type Provider, type RanOn } from "../onnx/session";
import { fillInput, type ModelCard } from "./model/card";
import { loadModel, type LoadModelOptions } from "./model/load";
import { MOBILENET } from "./model/mobilenet";
import { withProgress } from "../progress";

/**
 * Embeddings of a dataset's images, or of its objects' boxes, with an ONNX image model.
 *
 * Images are decoded whole (several files in flight, while the previous batch runs), resized to
 * the model's input (image/views.ts, bilinear) and normalised as the model card says; the quality
 * pass hands on the same inputs from its own decode (fromViews.ts). Every embedding is L2-normalised, so the dot
 * product of two rows is their cosine similarity (what k-NN, near-duplicates and projections use)
 * and images compare by the direction of their features, not by their overall strength.
 * Rows are cached by image content (see image/cache.ts) when `cacheRoot` or `$BLINDSPOT_CACHE` is set, so a rerun
 * computes only new or changed images. An image that cannot be read becomes a problem on its
 * sample, and the run goes on without it.
 */

/** Bump when the rows would change for the same model (preprocessing, normalisation). */
const VERSION = 2;

export interface EmbedOptions extends Omit<LoadModelOptions, "signal"> {
  /** `"mobilenet_v2"` (default, built in), the path of an .onnx file, or an http(s) URL (with `sha256`). */
  model?: string;
  /** Images per ONNX run (default 8 on CPU, where larger batches measured slower; 32 on CUDA). */
  batchSize?: number;
  /** Files decoding at once (default 8). */
  concurrency?: number;
  provider?: Provider;
  /** Threads for onnxruntime (default: one per physical core). */
  threads?: number;
  /**
   * Embed the boxes of a detections field instead of whole images (only those whose object ids are
   * in `ids`, when given); `context` widens each box by that fraction of its size on every side
   * (default 0), clipped to the image.
   */
  crops?: { field: string; ids?: Iterable<number>; context?: number };
  /** Images over this many pixels become problems (default decodeImage's, 100 million). */
  maxPixels?: number;
  /** Result cache root (e.g. defaultCacheRoot(datasetDir)); absent: `$BLINDSPOT_CACHE` or none; null: none. */
  cacheRoot?: string | null;
  /** Called with (images done, total images) as batches finish. */
  onProgress?: (done: number, total: number) => void;
  signal?: AbortSignal;
}

export interface Embeddings {
  /** Sample ids, or object ids for crops: row r of `vectors` belongs to `ids[r]`. */
  ids: string[] | number[];
  /** [ids.length, dim] row-major, each row of unit length. */
  vectors: Float32Array;
  dim: number;
  /** The model card and the sha256 of the model file. */
  model: { card: ModelCard; sha256: string };
  /** Where onnxruntime ran. */
  provider: RanOn;
  /** Samples (or objects) left out because their image or box could not be read; each is a problem on the dataset. */
  failed: string[] | number[];
  /** Rows computed in this run, and rows taken from the cache. */
  computed: number;
  reused: number;
}

/** Rows for some keys, NaN where an item failed, with the problems behind them. */
export interface Run {
  keys: (string | number)[];
  rows: Float32Array;
  problems: Problem[];
  computed: number;
  reused: number;
}

type Embed = (pixels: Uint8Array[]) => Promise<Float32Array>;

/** An opened embedding model: its card, its cache computation and the function that embeds model-sized images. */
export interface Embedder {
  card: ModelCard;
  sha256: string;
  provider: RanOn;
  batchSize: number;
  computation: Omit<ImageComputation, "compute">;
  embed: Embed;
}

export async function computeEmbeddings(ds: Dataset, options: EmbedOptions = {}): Promise<Embeddings> {
  return withProgress(`embeddings (${options.model ?? MOBILENET})`, options, false, (o) => embed(ds, o));
}

async function embed(ds: Dataset, options: EmbedOptions): Promise<Embeddings> {
  const model = await openEmbedder(options);
  const run = options.crops
    ? await embedCrops(ds, options.crops, model.computation, model.embed, model.card, {
        ...options,
        batchSize: model.batchSize,
      })
    : await embedFiles(
        Array.from(values<string>(ds.samples, "id")),
        Array.from(values<string>(ds.samples, "filepath"), (f) => ds.imagePath(f)),
        model,
        options,
      );
  return embeddingsOf(ds, model, run);
}

export async function openEmbedder(
  options: Omit<EmbedOptions, "crops" | "cacheRoot" | "onProgress" | "maxPixels" | "concurrency">,
): Promise<Embedder> {
  const model = await loadModel(options.model ?? MOBILENET, options);
  const { card } = model;
  const { session, provider } = await openEmbeddingSession(model.path, {
    provider: options.provider,
    threads: options.threads,
  });
  return {
    card,
    sha256: model.sha256,
    provider,
    batchSize: options.batchSize ?? (provider === "cuda" ? 32 : 8),
    computation: {
      name: `embed-${card.name}`,
      version:
        `${VERSION}-${model.sha256.slice(0, 16)}-` +
        `${hashBytes(Buffer.from(JSON.stringify(card.input))).slice(0, 8)}`,
      width: card.output.dim,
    },
    embed: embedder(session, card, model.path),
  };
}

/** A run's rows as Embeddings (failed items left out and listed), its problems recorded on the dataset. */
export function embeddingsOf(ds: Dataset, model: Embedder, run: Run): Embeddings {
  const { card, provider } = model;
  ds.addProblems(newProblems(ds.problems, run.problems));
  const dim = card.output.dim;
  const ok = run.keys.flatMap((_, r) => (Number.isNaN(run.rows[r * dim]) ? [] : [r]));
  const vectors = new Float32Array(ok.length * dim);
  ok.forEach((r, i) => vectors.set(run.rows.subarray(r * dim, (r + 1) * dim), i * dim));
  return {
    ids: ok.map((r) => run.keys[r]) as string[] | number[],
    vectors,
    dim,
    model: { card, sha256: model.sha256 },
    provider,
    failed: run.keys.filter((_, r) => Number.isNaN(run.rows[r * dim])) as string[] | number[],
    computed: run.computed,
    reused: run.reused,
  };
}

/** Model-sized RGB images to unit-length embedding rows. */
function embedder(session: ort.InferenceSession, card: ModelCard, file: string): Embed {
  const { width, height, layout, name } = card.input;
  const { dim } = card.output;
  return async (pixels) => {
    const input = new Float32Array(pixels.length * width * height * 3);
    pixels.forEach((p, r) => fillInput(card, p, input, r));
    const dims = layout === "NCHW" ? [pixels.length, 3, height, width] : [pixels.length, height, width, 3];
    const out = await session.run({ [name]: new ort.Tensor("float32", input, dims) }, [card.output.name]);
    const data = out[card.output.name]?.data;
    if (!(data instanceof Float32Array) || data.length !== pixels.length * dim) {
      throw new BlindspotError({
        file,
        message:
          `output ${card.output.name} gives ${data?.length ?? "no"} values for ${pixels.length} images, not ` +
          `${dim} float32 per image`,
        hint: "fix output.name or output.dim in the model card",
      });
    }
    return normalise(data, dim);
  };
}

type RunOptions = EmbedOptions & { batchSize: number };

/** Embeddings of image files (`ids[i]` names `files[i]`), rows in that order. */
export async function embedFiles(ids: string[], files: string[], model: Embedder, options: EmbedOptions): Promise<Run> {
  const { width, height, resize: fit } = model.card.input;
  const result = await computeForImages(
    files,
    {
      ...model.computation,
      decode: { maxPixels: options.maxPixels },
      compute: async (images) =>
        model.embed(await Promise.all(images.map((im) => modelInput(im, { width, height, fit })))),
    },
    { ...options, batchSize: model.batchSize },
  );
  return {
    keys: ids,
    rows: result.rows,
    problems: result.errors.map(({ index, error }) => error.toProblem(ids[index])),
    computed: result.computed,
    reused: result.reused,
  };
}

interface Box {
  id: number;
  x: number;
  y: number;
  w: number;
  h: number;
}

/** The boxes of one image, decoded once for all of them. */
interface CropItem {
  sampleId: string;
  file: string;
  /** Index of the image's first box in the run's rows. */
  first: number;
  boxes: Box[];
}

/**
 * One image's crops: cache keys of all its boxes, pixels of those not cached (null: the box is empty inside the image).
 */
interface LoadedCrops {
  keys: string[];
  crops: Map<number, Uint8Array | null>;
}

async function embedCrops(
  ds: Dataset,
  crops: NonNullable<EmbedOptions["crops"]>,
  computation: Omit<ImageComputation, "compute">,
  embed: Embed,
  card: ModelCard,
  options: RunOptions,
): Promise<Run> {
  const context = crops.context ?? 0;
  const items = cropItems(ds, crops.field, crops.ids);
  const boxes = items.flatMap((it) => it.boxes);
  const dim = computation.width;
  const rows = new Float32Array(boxes.length * dim);
  const run: Run = { keys: boxes.map((b) => b.id), rows, problems: [], computed: 0, reused: 0 };
  const cache = ResultCache.openAt(options.cacheRoot, computation);

  const load = async (i: number): Promise<LoadedCrops> => {
    const item = items[i];
    const bytes = await readImage(item.file);
    const hash = hashBytes(bytes);
    const keys = item.boxes.map((b) => hashBytes(Buffer.from(`${hash} crop ${b.x} ${b.y} ${b.w} ${b.h} ${context}`)));
    const missing = item.boxes.flatMap((_, j) => (cache?.has(keys[j]) ? [] : [j]));
    if (!missing.length) return { keys, crops: new Map() };
    const image = await decodeImage(bytes, { name: item.file, maxPixels: options.maxPixels });
    return {
      keys,
      crops: new Map(
        await Promise.all(missing.map(async (j) => [j, await crop(image, item.boxes[j], context, card)] as const)),
      ),
    };
  };

  try {
    await forEachBatch(
      items.length,
      load,
      options.batchSize,
      async (batch) => {
        for (const { index, error } of batch.failures) fail(items[index], error);
        const todo: { row: number; key: string; pixels: Uint8Array }[] = [];
        batch.values.forEach(({ keys, crops }, k) => {
          const item = items[batch.indices[k]];
          item.boxes.forEach((b, j) => {
            const row = item.first + j;
            const pixels = crops.get(j);
            if (pixels === null) {
              rows.fill(NaN, row * dim, (row + 1) * dim);
              run.problems.push({
                kind: "box-outside-image",
                sampleId: item.sampleId,
                file: item.file,
                place: `object ${b.id}`,
                message: `box [${b.x}, ${b.y}, ${b.w}, ${b.h}] has no pixels inside the image`,
                hint: "fix or remove the box",
              });
            } else if (pixels) todo.push({ row, key: keys[j], pixels });
            else {
              rows.set(cache!.get(keys[j])!, row * dim);
              run.reused++;
            }
          });
        });
        for (let s = 0; s < todo.length; s += options.batchSize) {
          const group = todo.slice(s, s + options.batchSize);
          const out = await embed(group.map((t) => t.pixels));
          group.forEach((t, g) => rows.set(out.subarray(g * dim, (g + 1) * dim), t.row * dim));
          cache?.putMany(
            group.map((t) => t.key),
            out,
          );
          run.computed += group.length;
        }
      },
      options,
    );
  } finally {
    cache?.close();
  }
  return run;

  function fail(item: CropItem, error: ImageError): void {
    rows.fill(NaN, item.first * dim, (item.first + item.boxes.length) * dim);
    run.problems.push(error.toProblem(item.sampleId));
  }
}

/** The samples that have boxes in `field`, each with its boxes, in sample order. */
function cropItems(ds: Dataset, field: string, only?: Iterable<number>): CropItem[] {
  if (!ds.fieldsOf("detections").some((f) => f.name === field)) {
    throw new BlindspotError({
      place: `crops.field ${JSON.stringify(field)}`,
      message: "the dataset has no detections field of that name",
      hint: `use one of: ${
        ds
          .fieldsOf("detections")
          .map((f) => f.name)
          .join(", ") || "(none: load boxes first)"
      }`,
    });
  }
  const col = <T>(c: string) => values<T>(ds.objects, c);
  const oid = col<number>("id"),
    sid = col<string>("sample_id"),
    f = col<string>("field");
  const x = col<number>("x"),
    y = col<number>("y"),
    w = col<number>("w"),
    h = col<number>("h");
  const bySample = new Map<string, Box[]>();
  const wanted = only ? new Set(only) : null;
  for (let i = 0; i < oid.length; i++) {
    if (f[i] !== field || (wanted && !wanted.has(oid[i]))) continue;
    const list = bySample.get(sid[i]) ?? [];
    list.push({ id: oid[i], x: x[i], y: y[i], w: w[i], h: h[i] });
    bySample.set(sid[i], list);
  }
  const ids = values<string>(ds.samples, "id"),
    files = values<string>(ds.samples, "filepath");
  const items: CropItem[] = [];
  let first = 0;
  for (let i = 0; i < ids.length; i++) {
    const boxes = bySample.get(ids[i]);
    if (!boxes) continue;
    items.push({ sampleId: ids[i], file: ds.imagePath(files[i]), first, boxes });
    first += boxes.length;
  }
  return items;
}

/**
 * A box, widened by `context` of its size per side and clipped to the image, resized for the model; null when nothing
 * is left.
 */
async function crop(image: DecodedImage, b: Box, context: number, card: ModelCard): Promise<Uint8Array | null> {
  const left = Math.max(0, Math.floor(b.x - context * b.w)),
    top = Math.max(0, Math.floor(b.y - context * b.h));
  const right = Math.min(image.width, Math.ceil(b.x + b.w + context * b.w)),
    bottom = Math.min(image.height, Math.ceil(b.y + b.h + context * b.h));
  if (!(right > left && bottom > top)) return null;
  const { width, height, resize: fit } = card.input;
  const out = await sharp(image.data, { raw: { width: image.width, height: image.height, channels: image.channels } })
    .extract({ left, top, width: right - left, height: bottom - top })
    .resize(width, height, { fit, kernel: "linear" })
    .raw()
    .toBuffer();
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
}

/** Each row of a [n, dim] batch scaled to unit length (a zero row stays zero), in a copy. */
function normalise(data: Float32Array, dim: number): Float32Array {
  const out = new Float32Array(data.length);
  for (let o = 0; o < data.length; o += dim) {
    let sum = 0;
    for (let t = 0; t < dim; t++) sum += data[o + t] * data[o + t];
    const s = sum > 0 ? 1 / Math.sqrt(sum) : 0;
    for (let t = 0; t < dim; t++) out[o + t] = data[o + t] * s;
  }
  return out;
}

/**
 * The session of an embedding model. CNN backbones run ~2x faster with "all" on CPU (~140
 * against ~70 images/s for MobileNetV2-1.4, 2 cores); idle threads do not spin, leaving the
 * cores to the decoding of the next batch.
 */
export function openEmbeddingSession(file: string, options: { provider?: Provider; threads?: number } = {}) {
  return openSession(file, { ...options, optimization: "all", spinning: false });
}
