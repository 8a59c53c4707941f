/** The split of every sample as a code into `names` (-1: no split), and the samples per split. */
export interface SplitCodes {
  codes: Int32Array;
  names: string[];
  counts: number[];
  /** Samples without a split value. */
  unsplit: number;
}

export function splitCodes(column: ArrayLike<unknown>): SplitCodes {
  const codes = new Int32Array(column.length);
  const index = new Map<string, number>();
  const names: string[] = [];
  const counts: number[] = [];
  let unsplit = 0;
  for (let i = 0; i < column.length; i++) {
    const v = column[i];
    if (v === null || v === undefined || v === "") {
      codes[i] = -1;
      unsplit++;
      continue;
    }
    const name = String(v);
    let c = index.get(name);
    if (c === undefined) {
      c = names.length;
      index.set(name, c);
      names.push(name);
      counts.push(0);
    }
    codes[i] = c;
    counts[c]++;
  }
  return { codes, names, counts, unsplit };
}

/** "train 12, test 3": samples per split of some rows, splits in order of first appearance. */
export function splitsOf(rows: readonly number[], splits: SplitCodes): { names: string[]; counts: string } {
  const counts = new Map<number, number>();
  for (const r of rows) if (splits.codes[r] >= 0) counts.set(splits.codes[r], (counts.get(splits.codes[r]) ?? 0) + 1);
  const codes = [...counts.keys()].sort((a, b) => a - b);
  return {
    names: codes.map((c) => splits.names[c]),
    counts: codes.map((c) => `${splits.names[c]} ${counts.get(c)}`).join(", "),
  };
}
