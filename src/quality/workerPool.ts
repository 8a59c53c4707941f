/**
 * Worker threads that decode and score image files with the TypeScript scorer, so that on CPU
 * decoding and the pixel work run on every core while the main thread only reads files. A
 * batch is cut into chunks that the workers take as they become free; the rows come back in
 * order.
 */

import { Worker } from "node:worker_threads";
import { ImageError } from "../image/decode";
import { workerFile } from "../io/workerFile";
import type { FileResults, ImageFile } from "../image/pipeline";
import type { ImageViews, ViewRequest } from "../image/views";
import type { ScoreReply, ScoreRequest } from "./scoreWorker";

/** Chunks per worker and batch: enough to even out the workers, few enough to keep messages cheap. */
const CHUNKS_PER_WORKER = 4;

export class ScoringPool {
  private readonly workers: Worker[];
  private readonly pending = new Map<number, { resolve: (rows: FileResults) => void; reject: (err: Error) => void }>();
  private nextId = 0;

  constructor(
    size: number,
    private readonly hashSize: number,
    private readonly maxPixels?: number,
  ) {
    const file = workerFile(__dirname, "scoreWorker");
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
   * The stored rows of the files, in order. The batch is cut into small chunks that each
   * worker takes as it becomes free: images differ in size, and a worker can be slowed by the
   * other threads on its core, so equal halves would leave one worker waiting for the other.
   * Chunks are cut by bytes, the work a file brings: a 9-megapixel photo is a chunk of its own,
   * a chunk of small images holds many. The workers make the `views` asked for from the same decode.
   */
  async score(files: ImageFile[], rowWidth: number, views?: ViewRequest): Promise<FileResults> {
    const out: FileResults = {
      rows: new Float32Array(files.length * rowWidth),
      errors: files.map(() => null),
      views: views && files.map((): ImageViews => ({})),
    };
    const chunkBytes = files.reduce((sum, f) => sum + f.bytes.length, 0) / (this.workers.length * CHUNKS_PER_WORKER);
    let next = 0;
    const drain = async (worker: Worker) => {
      while (next < files.length) {
        const from = next;
        for (
          let bytes = 0;
          next < files.length && (next === from || bytes + files[next].bytes.length <= chunkBytes);
          next++
        )
          bytes += files[next].bytes.length;
        const chunk = await this.request(worker, files.slice(from, next), views);
        out.rows.set(chunk.rows, from * rowWidth);
        chunk.errors.forEach((e, k) => (out.errors[from + k] = e));
        chunk.views?.forEach((v, k) => (out.views![from + k] = v));
      }
    };
    await Promise.all(this.workers.map(drain));
    return out;
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }

  private request(worker: Worker, files: ImageFile[], views?: ViewRequest): Promise<FileResults> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.ref();
      // Copied, not transferred: a file's bytes may share their memory with other buffers.
      worker.postMessage({
        id,
        files,
        hashSize: this.hashSize,
        maxPixels: this.maxPixels,
        views,
      } satisfies ScoreRequest);
    }).finally(() => {
      if (this.pending.size === 0) this.workers.forEach((w) => w.unref());
    }) as Promise<FileResults>;
  }

  private settle(reply: ScoreReply): void {
    const p = this.pending.get(reply.id);
    if (!p) return;
    this.pending.delete(reply.id);
    if ("error" in reply) p.reject(new Error(`quality worker: ${reply.error}`));
    else
      p.resolve({
        rows: reply.rows,
        errors: reply.errors.map((e) => e && new ImageError(e.kind, e.file, e.reason, e.hint)),
        views: reply.views,
      });
  }

  private failAll(err: Error): void {
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
  }
}
