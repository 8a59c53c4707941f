/**
 * The folds of a cross-validation fitted on worker threads (foldWorker.ts), one per core or
 * `threads`, each taking the next fold when free; on the calling thread when one thread is asked
 * for. The probabilities come back in the rows' order.
 */

import * as os from "node:os";
import { Worker } from "node:worker_threads";
import { workerFile } from "../io/workerFile";
import { checkFolds, fitFold, type FoldData, type FoldFit } from "./fitFold";
import type { FoldReply } from "./foldWorker";

export interface FoldsFitted {
  /** rows x classes out-of-fold probabilities. */
  probs: Float64Array;
  iterations: number[];
  converged: boolean[];
}

export async function fitFolds(
  data: FoldData,
  threads = os.availableParallelism(),
  onProgress?: (done: number, total: number) => void,
): Promise<FoldsFitted> {
  checkFolds(data);
  const fits: FoldFit[] = [];
  onProgress?.(0, data.k);
  const size = Math.min(threads, data.k);
  if (size <= 1) {
    for (let f = 0; f < data.k; f++) {
      fits.push(fitFold(data, f));
      onProgress?.(fits.length, data.k);
    }
  } else {
    const workers = Array.from({ length: size }, () => new Worker(workerFile(__dirname, "foldWorker")));
    try {
      let next = 0;
      await Promise.all(
        workers.map(async (worker) => {
          worker.postMessage(data);
          while (next < data.k) {
            fits.push(await ask(worker, next++));
            onProgress?.(fits.length, data.k);
          }
        }),
      );
    } finally {
      await Promise.all(workers.map((w) => w.terminate()));
    }
  }
  fits.sort((a, b) => a.fold - b.fold);
  const K = data.classes;
  const probs = new Float64Array(data.y.length * K);
  for (const fit of fits) fit.rows.forEach((r, i) => probs.set(fit.probs.subarray(i * K, (i + 1) * K), r * K));
  return { probs, iterations: fits.map((f) => f.iterations), converged: fits.map((f) => f.converged) };
}

function ask(worker: Worker, fold: number): Promise<FoldFit> {
  return new Promise((resolve, reject) => {
    const settle = (reply: FoldReply) => {
      if (reply.fold !== fold) return;
      worker.off("message", settle).off("error", reject);
      if ("error" in reply) reject(new Error(`fold ${fold}: ${reply.error}`));
      else resolve(reply);
    };
    worker.on("message", settle).on("error", reject);
    worker.postMessage({ fold });
  });
}
