import type { SplitCodes } from "./splits";

/** A group value whose samples lie in more than one split: its rows (in row order). */
export interface SharedGroup {
  value: unknown;
  rows: number[];
}

/**
 * The groups (values of a field such as a scene, video, patient or sender) that have samples in
 * more than one split, largest first. Samples without a group value or a split take no part.
 */
export function groupsAcrossSplits(groupOf: ArrayLike<unknown>, splits: SplitCodes): SharedGroup[] {
  const rows = new Map<unknown, number[]>();
  const firstSplit = new Map<unknown, number>();
  const crossing = new Set<unknown>();
  for (let i = 0; i < groupOf.length; i++) {
    const g = groupOf[i];
    const s = splits.codes[i];
    if (g === null || g === undefined || g === "" || (typeof g === "number" && Number.isNaN(g)) || s < 0) continue;
    // Dates and other objects are grouped by their text.
    const key = typeof g === "object" ? String(g) : g;
    const list = rows.get(key);
    if (list) {
      list.push(i);
      if (firstSplit.get(key) !== s) crossing.add(key);
    } else {
      rows.set(key, [i]);
      firstSplit.set(key, s);
    }
  }
  return [...crossing]
    .map((value) => ({ value, rows: rows.get(value)! }))
    .sort((x, y) => y.rows.length - x.rows.length || String(x.value).localeCompare(String(y.value)));
}
