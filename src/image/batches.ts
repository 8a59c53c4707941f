/**
 * The batching pipeline of image analyses: items are loaded (read, decoded) several at a time
 * while the previous batch is being processed (an ONNX run), batches are handed over in item
 * order, an item that fails to load is reported in its batch without stopping the others, and
 * an AbortSignal stops the run between batches.
 *
 * Memory stays bounded: loading runs at most one batch (or `concurrency` items) ahead of the
 * batch being processed.
 */

import { BlindspotError } from "../errors";
import { ImageError } from "./decode";

export interface Batch<T> {
  /** Index of the batch's first item: batches cover [start, start + batchSize). */
  start: number;
  /** The items that loaded, in order, with their indices. */
  indices: number[];
  values: T[];
  /** The items that failed to load (an ImageError each), in order. */
  failures: { index: number; error: ImageError }[];
}

export interface BatchOptions {
  /** Items loading at once (default 8: decoding is I/O plus libvips threads). */
  concurrency?: number;
  /** Called with (items done, total) at the start and after each batch; it may throw to stop. */
  onProgress?: (done: number, total: number) => void;
  /** Stops the run between batches with an InterruptedError. */
  signal?: AbortSignal;
}

/** A run stopped by its AbortSignal; `done` items were processed before it stopped. */
export class InterruptedError extends BlindspotError {
  constructor(
    readonly done: number,
    readonly total: number,
    cause?: unknown,
  ) {
    super({
      message: `interrupted after ${done} of ${total} items`,
      hint: "run it again: finished work that was cached is not redone",
      cause,
    });
    this.name = "InterruptedError";
  }
}

type Loaded<T> = { ok: true; value: T } | { ok: false; error: ImageError } | { ok: false; fatal: unknown };

/**
 * Loads items 0..count-1 with `load` and hands them to `handle` in batches of `batchSize`, in
 * order. A load that throws an ImageError becomes a failure of its batch; any other error stops
 * the run and is rethrown (a bug is not a bad image). Resolves with the counts.
 */
export async function forEachBatch<T>(
  count: number,
  load: (index: number) => Promise<T>,
  batchSize: number,
  handle: (batch: Batch<T>) => Promise<void>,
  options: BatchOptions = {},
): Promise<{ done: number; failed: number }> {
  if (!(Number.isInteger(batchSize) && batchSize > 0))
    throw new RangeError(`batchSize must be a positive integer, got ${batchSize}`);
  const concurrency = Math.max(1, options.concurrency ?? 8);
  const { onProgress, signal } = options;
  const slots = new Map<number, Promise<Loaded<T>>>();
  let next = 0,
    inFlight = 0,
    windowEnd = 0,
    stopped = false;

  const pump = (): void => {
    while (!stopped && inFlight < concurrency && next < windowEnd) {
      const i = next++;
      inFlight++;
      // Through a new Promise, so a load that throws synchronously fails its item like an async one.
      slots.set(
        i,
        new Promise<T>((resolve) => resolve(load(i)))
          .then(
            (value): Loaded<T> => ({ ok: true, value }),
            (err: unknown): Loaded<T> =>
              err instanceof ImageError ? { ok: false, error: err } : { ok: false, fatal: err },
          )
          .finally(() => {
            inFlight--;
            pump();
          }),
      );
    }
  };

  let done = 0,
    failed = 0;
  onProgress?.(0, count);
  try {
    for (let start = 0; start < count; start += batchSize) {
      if (signal?.aborted) throw new InterruptedError(done, count, signal.reason);
      const end = Math.min(count, start + batchSize);
      // Load this batch and the next while this one is processed.
      windowEnd = Math.min(count, end + Math.max(batchSize, concurrency));
      pump();
      const batch: Batch<T> = { start, indices: [], values: [], failures: [] };
      for (let i = start; i < end; i++) {
        // Items start in order and each settled one starts the next, so item i has started.
        const r = await slots.get(i)!;
        slots.delete(i);
        if (r.ok) {
          batch.indices.push(i);
          batch.values.push(r.value);
        } else if ("error" in r) batch.failures.push({ index: i, error: r.error });
        else throw r.fatal;
      }
      if (signal?.aborted) throw new InterruptedError(done, count, signal.reason);
      await handle(batch);
      done = end;
      failed += batch.failures.length;
      onProgress?.(done, count);
    }
  } finally {
    // Loads already started finish in the background (sharp cannot be cancelled); none start.
    stopped = true;
  }
  return { done, failed };
}
