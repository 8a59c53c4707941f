/**
 * A worker thread of the TypeScript scorer (workerPool.ts): receives image files' bytes,
 * decodes them and answers with their stored quality rows. Requests are answered one at a
 * time, in order.
 */

import { parentPort } from "node:worker_threads";
import { decodeImage, ImageError, type ImageErrorKind } from "../image/decode";
import type { ImageFile } from "../image/pipeline";
import { makeViews, type ImageViews, type ViewRequest } from "../image/views";
import { qualityRowWidth, qualityRows } from "./rows";
import { referenceRawStats } from "./scores";
import { qualityImage, type QualityImage } from "./stats";

export interface ScoreRequest {
  id: number;
  files: ImageFile[];
  hashSize: number;
  maxPixels?: number;
  /** Small images to make from each decode for other computations (views.ts). */
  views?: ViewRequest;
}

/** An ImageError as it crosses to the main thread. */
export interface ImageErrorData {
  kind: ImageErrorKind;
  file: string;
  reason: string;
  hint: string;
}

/** The rows, for each file that could not be decoded its error (its row is left as zeros), and the views asked for. */
export type ScoreReply =
  | { id: number; rows: Float32Array; errors: (ImageErrorData | null)[]; views?: ImageViews[] }
  | { id: number; error: string };

let queue = Promise.resolve();
parentPort?.on("message", (request: ScoreRequest) => {
  queue = queue.then(() => answer(request));
});

async function answer({ id, files, hashSize, maxPixels, views }: ScoreRequest): Promise<void> {
  try {
    const width = qualityRowWidth(hashSize);
    const rows = new Float32Array(files.length * width);
    const errors: (ImageErrorData | null)[] = files.map(() => null);
    const made: ImageViews[] | undefined = views && files.map(() => ({}));
    // The next file is decoded (and its views made) while this one is scored: libvips works on its own threads.
    const decode = (f: ImageFile): Promise<{ image: QualityImage; views?: ImageViews } | ImageError> =>
      decodeImage(f.bytes, { name: f.name, maxPixels }).then(
        async (d) => ({ image: qualityImage(d), views: views && (await makeViews(d, views)) }),
        (err: unknown) => {
          if (err instanceof ImageError) return err;
          throw err;
        },
      );
    let next = files.length ? decode(files[0]) : undefined;
    for (let k = 0; k < files.length; k++) {
      const decoded = await next!;
      next = k + 1 < files.length ? decode(files[k + 1]) : undefined;
      if (decoded instanceof ImageError)
        errors[k] = { kind: decoded.kind, file: decoded.file!, reason: decoded.reason, hint: decoded.hint! };
      else {
        rows.set(qualityRows([decoded.image], [referenceRawStats(decoded.image, hashSize)], hashSize), k * width);
        if (made) made[k] = decoded.views!;
      }
    }
    parentPort!.postMessage({ id, rows, errors, views: made } satisfies ScoreReply, [rows.buffer]);
  } catch (err) {
    parentPort!.postMessage({ id, error: (err as Error).stack ?? String(err) } satisfies ScoreReply);
  }
}
