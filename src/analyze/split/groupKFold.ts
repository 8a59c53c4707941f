import { largestFirst, type Random } from "./order";

/**
 * scikit-learn's GroupKFold (1.7.2) without shuffling: groups numbered in sorted order of their
 * values, taken largest first, each into the fold with the fewest samples so far (the first such
 * fold). Among groups of equal size sklearn takes the order of numpy's default argsort, which is
 * not stable (on AVX-512 machines it differs from run order); here such groups go last-numbered
 * first, what a stable ascending sort reversed gives. With `random`, equal-sized groups come in a
 * seeded random order instead. Returns the fold of each group.
 */
export function groupKFold(groupSizes: ArrayLike<number>, k: number, random: Random | null): Int32Array {
  const nGroups = groupSizes.length;
  // Reversed index order for ties without shuffling: largestFirst keeps the order it is given.
  const order = random ? largestFirst(groupSizes, random) : lastFirstBySize(groupSizes);
  const load = new Float64Array(k);
  const foldOf = new Int32Array(nGroups);
  for (let p = 0; p < nGroups; p++) {
    const g = order[p];
    let lightest = 0;
    for (let f = 1; f < k; f++) if (load[f] < load[lightest]) lightest = f;
    load[lightest] += groupSizes[g];
    foldOf[g] = lightest;
  }
  return foldOf;
}

function lastFirstBySize(sizes: ArrayLike<number>): Int32Array {
  const order = new Int32Array(sizes.length);
  for (let i = 0; i < sizes.length; i++) order[i] = i;
  return order.sort((a, b) => sizes[b] - sizes[a] || b - a);
}
