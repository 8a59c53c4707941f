/**
 * Worker threads that score images with the TypeScript scorer, so that on CPU the pixel work
 * of one batch runs on every core while the main thread hands sharp the next files to decode.
 * A batch is cut into one part per worker; the parts' rows come back in order.
 */

import * as fs from "node:fs";
import * as path from "node:path";
import { Worker } from "node:worker_threads";
import type { ScoreReply, ScoreRequest } from "./scoreWorker";
import type { QualityImage } from "./stats";

/**
 * The worker's compiled file. From the TypeScript sources (the test runner) it is the
 * package's build in dist/, which the set-up script makes.
 */
function workerFile(): string {
  const beside = path.join(__dirname, "scoreWorker.js");
  if (fs.existsSync(beside)) return beside;
  return path.resolve(__dirname, "../../dist/src/quality/scoreWorker.js");
}

/** Chunks per worker and batch: enough to even out the workers, few enough to keep messages cheap. */
const CHUNKS_PER_WORKER = 4;

export class ScoringPool {
  private readonly workers: Worker[];
  private readonly pending = new Map<number, { resolve: (rows: Float32Array) => void; reject: (err: Error) => void }>();
  private nextId = 0;

  constructor(size: number, private readonly hashSize: number) {
    const file = workerFile();
    this.workers = Array.from({ length: size }, () => {
      const w = new Worker(file);
      w.on("message", (reply: ScoreReply) => this.settle(reply));
      w.on("error", (err) => this.failAll(err));
      // Idle workers do not keep a notebook kernel's event loop busy.
      w.unref();
      return w;
    });
  }

  /**
   * The stored rows of the images, in order. The batch is cut into small chunks that each
   * worker takes as it becomes free: images differ in size, and a worker can be slowed by the
   * other threads on its core, so equal halves would leave one worker waiting for the other.
   */
  async score(images: QualityImage[], rowWidth: number): Promise<Float32Array> {
    const rows = new Float32Array(images.length * rowWidth);
    const chunk = Math.max(1, Math.ceil(images.length / (this.workers.length * CHUNKS_PER_WORKER)));
    let next = 0;
    const drain = async (worker: Worker) => {
      while (next < images.length) {
        const from = next;
        next = Math.min(images.length, next + chunk);
        rows.set(await this.request(worker, images.slice(from, next)), from * rowWidth);
      }
    };
    await Promise.all(this.workers.map(drain));
    return rows;
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }

  private request(worker: Worker, images: QualityImage[]): Promise<Float32Array> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.ref();
      // Copied, not transferred: sharp's buffers are external memory, which cannot be moved.
      worker.postMessage({ id, images, hashSize: this.hashSize } satisfies ScoreRequest);
    }).finally(() => {
      if (this.pending.size === 0) this.workers.forEach((w) => w.unref());
    }) as Promise<Float32Array>;
  }

  private settle(reply: ScoreReply): void {
    const p = this.pending.get(reply.id);
    if (!p) return;
    this.pending.delete(reply.id);
    if ("error" in reply) p.reject(new Error(`quality worker: ${reply.error}`));
    else p.resolve(reply.rows);
  }

  private failAll(err: Error): void {
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
  }
}
