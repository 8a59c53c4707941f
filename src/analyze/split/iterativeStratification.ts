import { indexOrder, type Random } from "./order";
import type { UnitLabels } from "./unitLabels";

/**
 * Iterative stratification for multi-label data (Sechidis, Tsoumakas and Vlahavas, "On the
 * stratification of multi-label data", ECML PKDD 2011, algorithm 1), over units that stay whole,
 * for parts of any sizes (`weights`). Each part wants weights[f] of every label's samples. The
 * label with the fewest units left is dealt first: each of its units goes to the part that still
 * wants most of that label, ties to the part that wants most samples, then the first part. Units
 * without labels go to the part that wants most samples. Returns the part of each unit.
 */
export function iterativeStratification(
  units: UnitLabels,
  weights: ArrayLike<number>,
  random: Random | null,
): Int32Array {
  const parts = weights.length;
  const { start, label, count, size, nLabels, totals } = units;
  const nUnits = size.length;
  let total = 0;
  for (let u = 0; u < nUnits; u++) total += size[u];
  const wanted = new Float64Array(parts * nLabels);
  const wantedSize = new Float64Array(parts);
  for (let f = 0; f < parts; f++) {
    wantedSize[f] = weights[f] * total;
    for (let l = 0; l < nLabels; l++) wanted[f * nLabels + l] = weights[f] * totals[l];
  }
  // Units of each label, in the (shuffled) order they are dealt.
  const order = indexOrder(nUnits, random);
  const unitsLeft = new Int32Array(nLabels);
  for (let j = 0; j < label.length; j++) unitsLeft[label[j]]++;
  const ofLabel: Int32Array[] = Array.from({ length: nLabels }, (_, l) => new Int32Array(unitsLeft[l]));
  const fill = new Int32Array(nLabels);
  for (let p = 0; p < nUnits; p++) {
    const u = order[p];
    for (let j = start[u]; j < start[u + 1]; j++) ofLabel[label[j]][fill[label[j]]++] = u;
  }
  const partOf = new Int32Array(nUnits).fill(-1);
  const assign = (u: number, f: number) => {
    partOf[u] = f;
    wantedSize[f] -= size[u];
    for (let j = start[u]; j < start[u + 1]; j++) {
      wanted[f * nLabels + label[j]] -= count[j];
      unitsLeft[label[j]]--;
    }
  };
  for (;;) {
    let l = -1;
    for (let c = 0; c < nLabels; c++) if (unitsLeft[c] > 0 && (l < 0 || unitsLeft[c] < unitsLeft[l])) l = c;
    if (l < 0) break;
    for (const u of ofLabel[l]) {
      if (partOf[u] >= 0) continue;
      let best = 0;
      for (let f = 1; f < parts; f++) {
        const a = wanted[f * nLabels + l];
        const b = wanted[best * nLabels + l];
        if (a > b || (a === b && wantedSize[f] > wantedSize[best])) best = f;
      }
      assign(u, best);
    }
  }
  for (let p = 0; p < nUnits; p++) {
    const u = order[p];
    if (partOf[u] >= 0) continue;
    let best = 0;
    for (let f = 1; f < parts; f++) if (wantedSize[f] > wantedSize[best]) best = f;
    assign(u, best);
  }
  return partOf;
}
