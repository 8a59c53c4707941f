/**
 * A worker thread of the TypeScript scorer (workerPool.ts): receives image files' bytes,
 * decodes them and answers with their stored quality rows. Requests are answered one at a
 * time, in order.
 */

import { parentPort } from "node:worker_threads";
import { decodeImage, ImageError, type ImageErrorKind } from "../image/decode";
import type { ImageFile } from "../image/pipeline";
import { qualityRowWidth, qualityRows } from "./rows";
import { referenceRawStats } from "./scores";
import { qualityImage, type QualityImage } from "./stats";

export interface ScoreRequest {
  id: number;
  files: ImageFile[];
  hashSize: number;
  maxPixels?: number;
}

/** An ImageError as it crosses to the main thread. */
export interface ImageErrorData {
  kind: ImageErrorKind;
  file: string;
  reason: string;
  hint: string;
}

/** The rows, and for each file that could not be decoded its error (its row is left as zeros). */
export type ScoreReply =
  { id: number; rows: Float32Array; errors: (ImageErrorData | null)[] } | { id: number; error: string };

let queue = Promise.resolve();
parentPort?.on("message", (request: ScoreRequest) => {
  queue = queue.then(() => answer(request));
});

async function answer({ id, files, hashSize, maxPixels }: ScoreRequest): Promise<void> {
  try {
    const width = qualityRowWidth(hashSize);
    const rows = new Float32Array(files.length * width);
    const errors: (ImageErrorData | null)[] = files.map(() => null);
    // The next file is decoded while this one is scored (libvips decodes on its own threads).
    const decode = (f: ImageFile): Promise<QualityImage | ImageError> =>
      decodeImage(f.bytes, { name: f.name, maxPixels }).then(qualityImage, (err: unknown) => {
        if (err instanceof ImageError) return err;
        throw err;
      });
    let next = files.length ? decode(files[0]) : undefined;
    for (let k = 0; k < files.length; k++) {
      const image = await next!;
      next = k + 1 < files.length ? decode(files[k + 1]) : undefined;
      if (image instanceof ImageError)
        errors[k] = { kind: image.kind, file: image.file!, reason: image.reason, hint: image.hint! };
      else rows.set(qualityRows([image], [referenceRawStats(image, hashSize)], hashSize), k * width);
    }
    parentPort!.postMessage({ id, rows, errors } satisfies ScoreReply, [rows.buffer]);
  } catch (err) {
    parentPort!.postMessage({ id, error: (err as Error).stack ?? String(err) } satisfies ScoreReply);
  }
}
