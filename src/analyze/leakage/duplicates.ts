import type { SplitCodes } from "./splits";

/** Pairs of rows of one duplicate set that lie in different splits. */
export interface CrossSplitPairs {
  /** Row of each pair's first and second sample (a < b), and the duplicate set's number. */
  a: number[];
  b: number[];
  set: number[];
  /** The sets that straddle splits, as rows (in row order). */
  sets: Map<number, number[]>;
}

/**
 * Every pair of samples of one duplicate set (`setOf`: the set's number per row, null when in
 * none) whose splits differ; samples without a split take no part. `skip(a, b)` leaves out a
 * pair (near sets can hold an exact pair, which is counted once, as exact).
 */
export function crossSplitPairs(
  setOf: ArrayLike<unknown>,
  splits: SplitCodes,
  skip: (a: number, b: number) => boolean = () => false,
): CrossSplitPairs {
  const members = new Map<number, number[]>();
  for (let i = 0; i < setOf.length; i++) {
    const s = setOf[i];
    if (typeof s !== "number" || !Number.isFinite(s) || splits.codes[i] < 0) continue;
    const list = members.get(s);
    if (list) list.push(i);
    else members.set(s, [i]);
  }
  const out: CrossSplitPairs = { a: [], b: [], set: [], sets: new Map() };
  for (const [set, rows] of members) {
    let crossed = false;
    for (let x = 0; x < rows.length; x++) {
      for (let y = x + 1; y < rows.length; y++) {
        const a = rows[x],
          b = rows[y];
        if (splits.codes[a] === splits.codes[b] || skip(a, b)) continue;
        out.a.push(a);
        out.b.push(b);
        out.set.push(set);
        crossed = true;
      }
    }
    if (crossed) out.sets.set(set, rows);
  }
  return out;
}
