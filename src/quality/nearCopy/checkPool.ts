/**
 * verifyPairs' work spread over worker threads (checkWorker.ts): each worker gets every grey
 * square once, then takes chunks of consecutive pairs as it becomes free (consecutive pairs share
 * their first image, whose pyramid the worker keeps). The scores come back in the pairs' order.
 */

import { Worker } from "node:worker_threads";
import { workerFile } from "../../io/workerFile";
import type { CheckReply, CheckRequest, CheckStart } from "./checkWorker";
import { NEAR_COPY } from "./verify";

/** Pairs per chunk: ~0.5 s of work, so that workers finish together and progress moves. */
const CHUNK_PAIRS = 1000;

export async function checkInWorkers(
  pairs: Int32Array,
  pixels: ReadonlyMap<number, Uint8Array | null>,
  size: number,
  onChunk: (pairsDone: number) => void,
): Promise<Float64Array> {
  const area = NEAR_COPY.side * NEAR_COPY.side;
  const rows = Int32Array.from([...pixels].flatMap(([r, p]) => (p ? [r] : [])));
  const packed = new Uint8Array(rows.length * area);
  rows.forEach((r, i) => packed.set(pixels.get(r)!, i * area));
  const start: CheckStart = { rows, pixels: packed, side: NEAR_COPY.side };

  const chunks = Math.ceil(pairs.length / 2 / CHUNK_PAIRS);
  const scores: Float64Array[] = new Array(chunks);
  const workers = Array.from({ length: size }, () => new Worker(workerFile(__dirname, "checkWorker")));
  try {
    let next = 0;
    const drain = async (worker: Worker) => {
      worker.postMessage(start);
      while (next < chunks) {
        const id = next++;
        const request: CheckRequest = { id, pairs: pairs.slice(id * CHUNK_PAIRS * 2, (id + 1) * CHUNK_PAIRS * 2) };
        scores[id] = await ask(worker, request);
        onChunk(request.pairs.length / 2);
      }
    };
    await Promise.all(workers.map(drain));
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  const out = new Float64Array(scores.reduce((n, f) => n + f.length, 0));
  scores.reduce((at, f) => (out.set(f, at), at + f.length), 0);
  return out;
}

function ask(worker: Worker, request: CheckRequest): Promise<Float64Array> {
  return new Promise((resolve, reject) => {
    const settle = (reply: CheckReply) => {
      if (reply.id !== request.id) return;
      worker.off("message", settle).off("error", reject);
      if ("error" in reply) reject(new Error(`near-copy worker: ${reply.error}`));
      else resolve(reply.scores);
    };
    worker.on("message", settle).on("error", reject);
    worker.postMessage(request, [request.pairs.buffer]);
  });
}
