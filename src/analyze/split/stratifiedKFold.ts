import { shuffleInPlace, type Random } from "./order";

/**
 * scikit-learn's StratifiedKFold (1.7.2): classes numbered by first appearance; the class-sorted
 * labels dealt round robin over the folds give how many of each class every fold gets; each
 * class's samples, in sample order, then take their folds in blocks (fold 0's share first). With
 * `random` the block of fold numbers of each class is shuffled, so the per-fold counts stay the same.
 */
export function stratifiedKFold(cls: Int32Array, nClasses: number, k: number, random: Random | null): Int32Array {
  const n = cls.length;
  const byAppearance = new Int32Array(nClasses).fill(-1);
  let seen = 0;
  for (let i = 0; i < n; i++) if (byAppearance[cls[i]] < 0) byAppearance[cls[i]] = seen++;
  const counts = new Int32Array(seen);
  for (let i = 0; i < n; i++) counts[byAppearance[cls[i]]]++;
  // Round robin over the labels sorted by class: position p goes to fold p % k.
  const allocation = new Int32Array(seen * k);
  for (let c = 0, p = 0; c < seen; c++) for (let j = 0; j < counts[c]; j++, p++) allocation[c * k + (p % k)]++;
  const foldsOfClass: Int32Array[] = [];
  for (let c = 0; c < seen; c++) {
    const folds = new Int32Array(counts[c]);
    for (let f = 0, p = 0; f < k; f++) for (let j = 0; j < allocation[c * k + f]; j++) folds[p++] = f;
    foldsOfClass.push(random ? shuffleInPlace(folds, random) : folds);
  }
  const next = new Int32Array(seen);
  const fold = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const c = byAppearance[cls[i]];
    fold[i] = foldsOfClass[c][next[c]++];
  }
  return fold;
}
