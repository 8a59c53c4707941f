/** A worker thread of fitFolds (foldPool.ts): given the data once, it fits the folds it is sent, one at a time. */

import { parentPort } from "node:worker_threads";
import { fitFold, type FoldData, type FoldFit } from "./fitFold";

export type FoldReply = FoldFit | { fold: number; error: string };

let data: FoldData | undefined;

parentPort?.on("message", (message: FoldData | { fold: number }) => {
  if ("X" in message) {
    data = message;
    return;
  }
  try {
    const fit = fitFold(data!, message.fold);
    parentPort!.postMessage(fit satisfies FoldReply, [fit.probs.buffer, fit.rows.buffer]);
  } catch (err) {
    parentPort!.postMessage({ fold: message.fold, error: (err as Error).stack ?? String(err) } satisfies FoldReply);
  }
});
