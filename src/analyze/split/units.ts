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
  const parent = new Int32Array(n);
  const base = groupRanks(n, groups);
  for (let i = 0; i < n; i++) parent[i] = i;
  const find = (i: number): number => {
    while (parent[i] !== i) i = parent[i] = parent[parent[i]];
    return i;
  };
  // The root of a set is its member with the smallest base number.
  const union = (a: number, b: number) => {
    const ra = find(a);
    const rb = find(b);
    if (ra === rb) return;
    if (base[ra] <= base[rb]) parent[rb] = ra;
    else parent[ra] = rb;
  };
  const firstOfGroup = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    const first = firstOfGroup.get(base[i]);
    if (first === undefined) firstOfGroup.set(base[i], i);
    else union(first, i);
  }
  let duplicateSets = 0;
  for (const column of duplicateColumns) {
    const firstOfSet = new Map<unknown, number>();
    const shared = new Set<unknown>();
    for (let i = 0; i < n; i++) {
      const set = column[i];
      if (set === null || set === undefined) continue;
      const first = firstOfSet.get(set);
      if (first === undefined) firstOfSet.set(set, i);
      else {
        shared.add(set);
        union(first, i);
      }
    }
    duplicateSets += shared.size;
  }
  // Units numbered by their roots' base numbers, ascending.
  const roots = new Int32Array(n);
  for (let i = 0; i < n; i++) roots[i] = find(i);
  const rootBases = Array.from(new Set(roots), (r) => base[r]).sort((a, b) => a - b);
  const number = new Map<number, number>(rootBases.map((b, u) => [b, u]));
  const unit = new Int32Array(n);
  for (let i = 0; i < n; i++) unit[i] = number.get(base[roots[i]])!;
  return { unit, count: rootBases.length, duplicateSets };
}

/**
 * A number per sample: the rank of its group value among the sorted distinct values (numbers by
 * value when all are numbers, else text by code point, as numpy sorts), or past the last group
 * for a sample without one (or without a group field).
 */
function groupRanks(n: number, groups: ArrayLike<unknown> | null): Float64Array {
  const base = new Float64Array(n);
  if (groups === null) {
    for (let i = 0; i < n; i++) base[i] = i;
    return base;
  }
  const distinct = new Set<unknown>();
  for (let i = 0; i < n; i++) if (groups[i] !== null && groups[i] !== undefined) distinct.add(groups[i]);
  const numeric = [...distinct].every((v) => typeof v === "number");
  const key = (v: unknown) => (numeric || typeof v === "string" ? v : String(v));
  const sorted = [...new Set([...distinct].map(key))].sort((a, b) =>
    numeric
      ? (a as number) - (b as number)
      : (a as string) < (b as string)
        ? -1
        : (a as string) > (b as string)
          ? 1
          : 0,
  );
  const rank = new Map<unknown, number>(sorted.map((v, r) => [v, r]));
  for (let i = 0; i < n; i++) {
    const g = groups[i];
    base[i] = g === null || g === undefined ? sorted.length + i : rank.get(key(g))!;
  }
  return base;
}
