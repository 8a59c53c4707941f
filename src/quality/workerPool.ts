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

  /** The stored rows of the images, in order. */
  async score(images: QualityImage[], rowWidth: number): Promise<Float32Array> {
    const parts = this.workers.length;
    const per = Math.ceil(images.length / parts);
    const replies = await Promise.all(this.workers.map((w, p) => {
      const part = images.slice(p * per, (p + 1) * per);
      return part.length ? this.request(w, part) : Promise.resolve(new Float32Array(0));
    }));
    const rows = new Float32Array(images.length * rowWidth);
    let at = 0;
    for (const r of replies) {
      rows.set(r, at);
      at += r.length;
    }
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
