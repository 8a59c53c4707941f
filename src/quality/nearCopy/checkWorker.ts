/**
 * A worker thread of verifyPairs (pairs.ts): given every image's grey square once, it answers
 * chunks of candidate pairs with their scores, one chunk at a time.
 */

import { parentPort } from "node:worker_threads";
import { Pyramids, scorePairs } from "./check";

export interface CheckStart {
  /** Rows that have pixels, and their grey squares one after the other. */
  rows: Int32Array;
  pixels: Uint8Array;
  side: number;
}

export interface CheckRequest {
  id: number;
  /** Row a, row b, flat. */
  pairs: Int32Array;
}

export type CheckReply = { id: number; scores: Float64Array } | { id: number; error: string };

let pyramids: Pyramids | undefined;

parentPort?.on("message", (message: CheckStart | CheckRequest) => {
  if ("rows" in message) {
    const area = message.side * message.side;
    const at = new Map<number, number>();
    message.rows.forEach((r, i) => at.set(r, i));
    const pixels = (r: number) => {
      const i = at.get(r);
      return i === undefined ? null : message.pixels.subarray(i * area, (i + 1) * area);
    };
    pyramids = new Pyramids(pixels);
    return;
  }
  try {
    const scores = scorePairs(message.pairs, pyramids!);
    parentPort!.postMessage({ id: message.id, scores } satisfies CheckReply, [scores.buffer]);
  } catch (err) {
    parentPort!.postMessage({ id: message.id, error: (err as Error).stack ?? String(err) } satisfies CheckReply);
  }
});
