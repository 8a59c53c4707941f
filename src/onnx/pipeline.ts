/**
 * One row of floats per image file, computed in batches and cached: the loop that quality
 * scores and embeddings share. Each file is read once; its bytes are hashed (the cache key)
 * and, unless a result is cached, decoded several at a time while the previous batch runs.
 * Files that cannot be decoded get a NaN row and an ImageError (the caller records it as a
 * Problem); finished batches are kept in the cache even when the run is interrupted.
 */

import { forEachBatch, type BatchOptions } from "../image/batches";
import { decodeImage, readImage, type DecodedImage, type DecodeOptions, type ImageError } from "../image/decode";
import { hashBytes, ResultCache } from "./cache";

export interface ImageComputation {
  /** Cache name and version: bump the version whenever the rows would change. */
  name: string;
  version: string | number;
  /** Floats per image. */
  width: number;
  /** How images are decoded for it (resize, channels, maxPixels). */
  decode?: Omit<DecodeOptions, "name">;
  /** The rows of a batch: images.length x width floats, in the images' order. */
  compute: (images: DecodedImage[]) => Promise<Float32Array>;
}

export interface ComputeOptions extends BatchOptions {
  /** Images per compute call (default 32). */
  batchSize?: number;
  /** Cache root (see defaultCacheRoot); null or absent: no cache. */
  cacheRoot?: string | null;
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
  /** null: the result is in the cache, the image was not decoded. */
  image: DecodedImage | null;
}

export async function computeForImages(files: readonly string[], computation: ImageComputation, options: ComputeOptions = {}): Promise<ComputeResult> {
  const { width } = computation;
  const cache = options.cacheRoot ? ResultCache.open({ root: options.cacheRoot, name: computation.name, version: computation.version, width }) : undefined;
  const rows = new Float32Array(files.length * width);
  const result: ComputeResult = { rows, errors: [], computed: 0, reused: 0 };

  const load = async (i: number): Promise<Loaded> => {
    const bytes = await readImage(files[i]);
    // The content hash is the cache key; without a cache nothing needs it.
    const hash = cache ? hashBytes(bytes) : "";
    if (cache?.has(hash)) return { hash, image: null };
    return { hash, image: await decodeImage(bytes, { ...computation.decode, name: files[i] }) };
  };

  try {
    await forEachBatch(files.length, load, options.batchSize ?? 32, async (batch) => {
      for (const { index, error } of batch.failures) {
        rows.fill(NaN, index * width, (index + 1) * width);
        result.errors.push({ index, error });
      }
      const todo = batch.values.flatMap((v, k) => (v.image ? [k] : []));
      const out = todo.length ? await computation.compute(todo.map((k) => batch.values[k].image!)) : new Float32Array(0);
      if (out.length !== todo.length * width) {
        throw new RangeError(`${computation.name}: compute returned ${out.length} floats for ${todo.length} images of width ${width}`);
      }
      todo.forEach((k, j) => rows.set(out.subarray(j * width, (j + 1) * width), batch.indices[k] * width));
      cache?.putMany(todo.map((k) => batch.values[k].hash), out);
      batch.values.forEach((v, k) => {
        if (!v.image) rows.set(cache!.get(v.hash)!, batch.indices[k] * width);
      });
      result.computed += todo.length;
      result.reused += batch.values.length - todo.length;
    }, options);
  } finally {
    cache?.close();
  }
  return result;
}
