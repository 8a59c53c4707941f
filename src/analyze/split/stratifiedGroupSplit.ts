import { largestFirst, type Random } from "./order";
import type { UnitLabels } from "./unitLabels";

/**
 * Stratified splitting of units that must stay whole (groups, duplicate sets), in the spirit of
 * scikit-learn's StratifiedGroupKFold, for folds or splits of any sizes (`weights`, summing to 1).
 * The ideal count of class c in part f is weights[f] * (samples of c). Units go largest first,
 * each into the part where it moves the class counts closest to the ideal: the least increase of
 * sum over its classes of (count - ideal)^2 / (samples of the class), that is of the squared gap in
 * proportions. Ties go to the part furthest below its ideal size, then the first part. For units of
 * one sample this is "the part with the largest shortfall of that class", which ends every
 * part within one sample of its ideal count per class; a unit of s samples of a class can leave a
 * part at most s samples off for that class. Returns the part of each unit.
 */
export function stratifiedGroupSplit(units: UnitLabels, weights: ArrayLike<number>, random: Random | null): Int32Array {
  const parts = weights.length;
  const { start, label, count, size, nLabels, totals } = units;
  const nUnits = size.length;
  let total = 0;
  for (let u = 0; u < nUnits; u++) total += size[u];
  // gap[f * nLabels + c] = count - ideal; sizeGap[f] likewise for samples.
  const gap = new Float64Array(parts * nLabels);
  const sizeGap = new Float64Array(parts);
  for (let f = 0; f < parts; f++) {
    sizeGap[f] = -weights[f] * total;
    for (let c = 0; c < nLabels; c++) gap[f * nLabels + c] = -weights[f] * totals[c];
  }
  const partOf = new Int32Array(nUnits);
  const order = largestFirst(size, random);
  for (let p = 0; p < nUnits; p++) {
    const u = order[p];
    let best = 0;
    let bestCost = Infinity;
    for (let f = 0; f < parts; f++) {
      let cost = 0;
      for (let j = start[u]; j < start[u + 1]; j++) {
        const c = label[j];
        cost += (count[j] * (2 * gap[f * nLabels + c] + count[j])) / totals[c];
      }
      const tie = Math.abs(cost - bestCost) <= 1e-9 * Math.max(1, Math.abs(cost));
      if (tie ? sizeGap[f] < sizeGap[best] : cost < bestCost) {
        best = f;
        if (!tie) bestCost = cost;
      }
    }
    partOf[u] = best;
    sizeGap[best] += size[u];
    for (let j = start[u]; j < start[u + 1]; j++) gap[best * nLabels + label[j]] += count[j];
  }
  return partOf;
}
