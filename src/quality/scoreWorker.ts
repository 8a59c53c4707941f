/**
 * A worker thread of the TypeScript scorer (workerPool.ts): receives images and answers with their stored quality rows.
 */

import { parentPort } from "node:worker_threads";
import { qualityRows } from "./rows";
import { referenceRawStats } from "./scores";
import type { QualityImage } from "./stats";

export interface ScoreRequest {
  id: number;
  images: QualityImage[];
  hashSize: number;
}

export type ScoreReply = { id: number; rows: Float32Array } | { id: number; error: string };

parentPort?.on("message", ({ id, images, hashSize }: ScoreRequest) => {
  try {
    const rows = qualityRows(images, images.map((im) => referenceRawStats(im, hashSize)), hashSize);
    parentPort!.postMessage({ id, rows } satisfies ScoreReply, [rows.buffer]);
  } catch (err) {
    parentPort!.postMessage({ id, error: (err as Error).stack ?? String(err) } satisfies ScoreReply);
  }
});
