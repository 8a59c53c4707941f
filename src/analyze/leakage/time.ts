import type { Times } from "../time/readTimes";
import type { SplitCodes } from "./splits";

/** Samples of `later` dated before the latest sample of `earlier`. */
export interface TimeOverlap {
  earlier: string;
  later: string;
  /** Rows of the latest sample of `earlier` and the earliest of `later`. */
  earlierLatest: number;
  laterEarliest: number;
  rows: number[];
}

/**
 * Splits meant to follow one another in time (`order`, earliest first): for each pair of an
 * earlier and a later split, the later split's samples dated strictly before the latest sample
 * of the earlier one. Pairs without overlap are left out; samples without a time take no part.
 */
export function timeOverlaps(times: Times, splits: SplitCodes, order: readonly number[]): TimeOverlap[] {
  const k = order.length;
  const position = new Int32Array(splits.names.length).fill(-1);
  order.forEach((code, p) => (position[code] = p));
  const latest = new Int32Array(k).fill(-1),
    earliest = new Int32Array(k).fill(-1);
  const { at } = times;
  for (let i = 0; i < at.length; i++) {
    const p = splits.codes[i] < 0 ? -1 : position[splits.codes[i]];
    if (p < 0 || Number.isNaN(at[i])) continue;
    if (latest[p] < 0 || at[i] > at[latest[p]]) latest[p] = i;
    if (earliest[p] < 0 || at[i] < at[earliest[p]]) earliest[p] = i;
  }
  const overlaps: TimeOverlap[] = [];
  for (let e = 0; e < k; e++) {
    for (let l = e + 1; l < k; l++) {
      if (latest[e] < 0 || earliest[l] < 0 || at[earliest[l]] >= at[latest[e]]) continue;
      const cutoff = at[latest[e]];
      const rows: number[] = [];
      for (let i = 0; i < at.length; i++) if (splits.codes[i] === order[l] && at[i] < cutoff) rows.push(i);
      overlaps.push({
        earlier: splits.names[order[e]],
        later: splits.names[order[l]],
        earlierLatest: latest[e],
        laterEarliest: earliest[l],
        rows,
      });
    }
  }
  return overlaps;
}
