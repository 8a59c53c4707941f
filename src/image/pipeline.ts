/**
 * One row of floats per image file, computed in batches and cached: the loop that quality
 * scores and embeddings share. Each file is read once; its bytes are hashed (the cache key)
 * and, unless a result is cached, decoded several at a time while the previous batch runs.
 * Files that cannot be decoded get a NaN row and an ImageError (the caller records it as a
 * Problem); finished batches are kept in the cache even when the run is interrupted.
 */

import { forEachBatch, InterruptedError, type Batch, type BatchOptions } from "./batches";
import { decodeImage, readImage, type DecodedImage, type DecodeOptions, type ImageError } from "./decode";
import { hashBytes, ResultCache } from "./cache";
import { makeViews, type ImageViews, type ViewRequest } from "./views";

interface Computation {
  /** Cache name and version: bump the version whenever the rows would change. */
  name: string;
  version: string | number;
  /** Floats per image. */
  width: number;
}

/** A computation on decoded images: the pipeline decodes them, several at a time. */
export interface ImageComputation extends Computation {
  /** How images are decoded for it (resize, channels, maxPixels). */
  decode?: Omit<DecodeOptions, "name">;
  /** The rows of a batch: images.length x width floats, in the images' order. */
  compute: (images: DecodedImage[]) => Promise<Float32Array>;
}

/** An image file's bytes, and its name for error messages. */
export interface ImageFile {
  name: string;
  bytes: Uint8Array;
}

/**
 * A computation that decodes the files itself (in worker threads, where decoding runs on
 * every core instead of the calling thread).
 */
export interface FileComputation extends Computation {
  /**
   * The rows of a batch of files, in order; each file that cannot be decoded has an ImageError instead (its row is
   * ignored).
   */
  computeFiles: (files: ImageFile[], views?: ViewRequest) => Promise<FileResults>;
  /**
   * Batches computed at once (default 1). More than one keeps worker threads busy while a
   * large image of an earlier batch finishes.
   */
  batchesInFlight?: number;
  /**
   * File bytes held by the batches in computation, past which no batch starts before the
   * oldest finishes (default 256 MB): a folder of 20-megapixel photos is not read in at once.
   */
  maxBytesInFlight?: number;
}

/** The rows of a batch of files, an ImageError for each file that could not be decoded, and the views asked for. */
export interface FileResults {
  rows: Float32Array;
  errors: (ImageError | null)[];
  /** One per file (empty for a failed one), when views were asked for. */
  views?: ImageViews[];
}

/**
 * Views (views.ts) of the images a run decodes, handed on batch by batch for another computation to use the same
 * decode. Images whose rows come from the cache are not decoded, so they have none.
 */
export interface ViewsTaker {
  request: ViewRequest;
  /** Called once per batch with the decoded images' positions in `files`, their views and content hashes ("" without a cache). */
  take: (indices: number[], views: ImageViews[], hashes: string[]) => Promise<void>;
}

export interface ComputeOptions extends BatchOptions {
  /** Images per compute call (default 32). */
  batchSize?: number;
  /** Cache root (see defaultCacheRoot); absent: `$BLINDSPOT_CACHE` or none; null: none (see cacheRootOf). */
  cacheRoot?: string | null;
  views?: ViewsTaker;
}

export interface ComputeResult {
  /** files.length x width floats; NaN rows where the image failed. */
  rows: Float32Array;
  /** The images that could not be decoded. */
  errors: { index: number; error: ImageError }[];
  /** Rows computed in this run, and rows taken from the cache. */
  computed: number;
  reused: number;
}

interface Loaded {
  hash: string;
  /** The decoded image or the file's bytes; null: the result is in the cache. */
  image: DecodedImage | ImageFile | null;
}

const DEFAULT_MAX_BYTES_IN_FLIGHT = 256 << 20;

export async function computeForImages(
  files: readonly string[],
  computation: ImageComputation | FileComputation,
  options: ComputeOptions = {},
): Promise<ComputeResult> {
  const { width } = computation;
  const cache = ResultCache.openAt(options.cacheRoot, { name: computation.name, version: computation.version, width });
  const rows = new Float32Array(files.length * width);
  const result: ComputeResult = { rows, errors: [], computed: 0, reused: 0 };

  const load = async (i: number): Promise<Loaded> => {
    const bytes = await readImage(files[i]);
    // The content hash is the cache key; without a cache nothing needs it.
    const hash = cache ? hashBytes(bytes) : "";
    if (cache?.has(hash)) return { hash, image: null };
    if ("computeFiles" in computation) return { hash, image: { name: files[i], bytes } };
    return { hash, image: await decodeImage(bytes, { ...computation.decode, name: files[i] }) };
  };
  const fail = (index: number, error: ImageError) => {
    rows.fill(NaN, index * width, (index + 1) * width);
    result.errors.push({ index, error });
  };

  const computeBatch = async (batch: Batch<Loaded>): Promise<void> => {
    for (const { index, error } of batch.failures) fail(index, error);
    const todo = batch.values.flatMap((v, k) => (v.image ? [k] : []));
    const images = todo.map((k) => batch.values[k].image!);
    const request = options.views?.request;
    const {
      rows: out,
      errors,
      views,
    }: FileResults = !todo.length
      ? { rows: new Float32Array(0), errors: [] }
      : "computeFiles" in computation
        ? await computation.computeFiles(images as ImageFile[], request)
        : {
            rows: await computation.compute(images as DecodedImage[]),
            errors: [],
            views: request && (await Promise.all((images as DecodedImage[]).map((im) => makeViews(im, request)))),
          };
    if (out.length !== todo.length * width) {
      throw new RangeError(
        `${computation.name}: compute returned ${out.length} floats for ${todo.length} images of width ${width}`,
      );
    }
    // Positions in `out` of the images that were computed; the others failed to decode.
    const ok: number[] = [];
    todo.forEach((k, j) => (errors[j] ? fail(batch.indices[k], errors[j]!) : ok.push(j)));
    const kept =
      ok.length === todo.length
        ? out
        : Float32Array.from(ok.flatMap((j) => [...out.subarray(j * width, (j + 1) * width)]));
    ok.forEach((j, m) => rows.set(kept.subarray(m * width, (m + 1) * width), batch.indices[todo[j]] * width));
    cache?.putMany(
      ok.map((j) => batch.values[todo[j]].hash),
      kept,
    );
    batch.values.forEach((v, k) => {
      if (!v.image) rows.set(cache!.get(v.hash)!, batch.indices[k] * width);
    });
    if (options.views && ok.length)
      await options.views.take(
        ok.map((j) => batch.indices[todo[j]]),
        ok.map((j) => views![j]),
        ok.map((j) => batch.values[todo[j]].hash),
      );
    result.computed += ok.length;
    result.reused += batch.values.length - todo.length;
    finished += batch.indices.length + batch.failures.length;
    options.onProgress?.(finished, files.length);
  };

  // Batches in computation: a batch starts once fewer than `inFlight` are, holding with it at
  // most `maxBytes` of files (or it is the only one); until then the oldest are awaited.
  const inFlight = "computeFiles" in computation ? Math.max(1, computation.batchesInFlight ?? 1) : 1;
  const maxBytes =
    "computeFiles" in computation ? (computation.maxBytesInFlight ?? DEFAULT_MAX_BYTES_IN_FLIGHT) : Infinity;
  const running: { done: Promise<void>; bytes: number }[] = [];
  let bytesInFlight = 0;
  const finishOldest = async () => {
    const oldest = running.shift()!;
    bytesInFlight -= oldest.bytes;
    await oldest.done;
  };
  // Progress counts finished batches, which need not finish in order.
  let finished = 0;
  options.onProgress?.(0, files.length);
  try {
    await forEachBatch(
      files.length,
      load,
      options.batchSize ?? 32,
      async (batch) => {
        const bytes = batch.values.reduce(
          (sum, v) => sum + (v.image && "bytes" in v.image ? v.image.bytes.length : 0),
          0,
        );
        while (running.length >= inFlight || (running.length > 0 && bytesInFlight + bytes > maxBytes))
          await finishOldest();
        // An abort while waiting for room starts nothing more.
        if (options.signal?.aborted) throw new InterruptedError(finished, files.length, options.signal.reason);
        const done = computeBatch(batch);
        // Its failure is rethrown where it is awaited, not reported as unhandled before that.
        done.catch(() => {});
        running.push({ done, bytes });
        bytesInFlight += bytes;
        // One batch at a time: it is finished before the next one loads further ahead.
        if (inFlight === 1) await finishOldest();
      },
      { ...options, onProgress: undefined },
    );
    while (running.length) await finishOldest();
  } finally {
    // An interrupted or failed run still keeps the batches already in computation.
    await Promise.allSettled(running.map((r) => r.done));
    cache?.close();
  }
  result.errors.sort((a, b) => a.index - b.index);
  return result;
}
