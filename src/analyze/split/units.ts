/**
 * The units a split keeps whole: samples sharing a value of the user's group field, and samples of
 * one duplicate set (exact or near), joined transitively (union-find). Without merges, units are
 * numbered like numpy's `np.unique` numbers the group values (sorted), so group splitters can match
 * scikit-learn; samples without a group value are units of their own, numbered after the groups.
 */
export interface Units {
  /** Unit of each sample. */
  unit: Int32Array;
  count: number;
  /** Duplicate sets that joined two or more samples. */
  duplicateSets: number;
}

export function buildUnits(
  n: number,
  groups: ArrayLike<unknown> | null,
  duplicateColumns: ArrayLike<unknown>[],
): Units {
  const { rank, count } = groupRanks(n, groups);
  if (!duplicateColumns.length) return { unit: rank, count, duplicateSets: 0 };
  // Union-find over the groups; a set's root is its smallest group number.
  const parent = new Int32Array(count);
  for (let g = 0; g < count; g++) parent[g] = g;
  const find = (g: number): number => {
    while (parent[g] !== g) g = parent[g] = parent[parent[g]];
    return g;
  };
  let duplicateSets = 0;
  for (const column of duplicateColumns) {
    const groupOfSet = new Map<unknown, number>();
    const shared = new Set<unknown>();
    for (let i = 0; i < n; i++) {
      const set = column[i];
      if (set === null || set === undefined) continue;
      const first = groupOfSet.get(set);
      if (first === undefined) {
        groupOfSet.set(set, rank[i]);
        continue;
      }
      shared.add(set);
      const a = find(first);
      const b = find(rank[i]);
      if (a < b) parent[b] = a;
      else if (b < a) parent[a] = b;
    }
    duplicateSets += shared.size;
  }
  // Units numbered in the order of their roots.
  const number = new Int32Array(count);
  let units = 0;
  for (let g = 0; g < count; g++) if (find(g) === g) number[g] = units++;
  const unit = new Int32Array(n);
  for (let i = 0; i < n; i++) unit[i] = number[find(rank[i])];
  return { unit, count: units, duplicateSets };
}

/**
 * A number per sample: the rank of its group value among the sorted distinct values (numbers by
 * value when all are numbers, else text by code point, as numpy sorts), or past the last group
 * for a sample without one (or without a group field); `count` numbers in all.
 */
function groupRanks(n: number, groups: ArrayLike<unknown> | null): { rank: Int32Array; count: number } {
  const rank = new Int32Array(n);
  if (groups === null) {
    for (let i = 0; i < n; i++) rank[i] = i;
    return { rank, count: n };
  }
  const distinct = new Map<unknown, number>();
  let numeric = true;
  for (let i = 0; i < n; i++) {
    const g = groups[i];
    if (g === null || g === undefined || distinct.has(g)) continue;
    distinct.set(g, 0);
    if (typeof g !== "number") numeric = false;
  }
  // Mixed values compare as text: a number and its text are one group.
  const key = (v: unknown) => (numeric || typeof v === "string" ? v : String(v));
  const keys = [...new Set(Array.from(distinct.keys(), key))];
  if (numeric) (keys as number[]).sort((a, b) => a - b);
  else (keys as string[]).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const rankOfKey = new Map<unknown, number>(keys.map((k, r) => [k, r]));
  for (const v of distinct.keys()) distinct.set(v, rankOfKey.get(key(v))!);
  let count = keys.length;
  for (let i = 0; i < n; i++) {
    const g = groups[i];
    rank[i] = g === null || g === undefined ? count++ : distinct.get(g)!;
  }
  return { rank, count };
}
