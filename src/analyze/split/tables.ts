import * as aq from "arquero";
import type { ColumnTable } from "arquero";
import type { SampleLabels } from "./inputs";

/**
 * The result tables of a split. `part[r]` is the part of used row r (-1: in none); `weights[p]` is
 * part p's intended share. `counts`: one row per part (samples, units, share). `classes`: one row per
 * part and label: samples with the label, their share of the part, the label's share overall, the
 * ideal count (the part's intended share of the label's samples) and the gap to it.
 */
export function splitTables(
  partNames: string[],
  weights: number[],
  part: Int32Array,
  unit: Int32Array,
  labels: SampleLabels | null,
): { counts: ColumnTable; classes: ColumnTable; largestGap: number | null } {
  const parts = partNames.length;
  const samples = new Float64Array(parts);
  const unitsIn = Array.from({ length: parts }, () => new Set<number>());
  for (let r = 0; r < part.length; r++) {
    if (part[r] < 0) continue;
    samples[part[r]]++;
    unitsIn[part[r]].add(unit[r]);
  }
  const assigned = samples.reduce((a, b) => a + b, 0);
  const counts = aq.table({
    part: partNames,
    samples: Array.from(samples),
    units: unitsIn.map((s) => s.size),
    share: Array.from(samples, (s) => (assigned ? s / assigned : 0)),
    intended: weights,
  });
  if (!labels) return { counts, classes: emptyClasses(), largestGap: null };
  const nLabels = labels.names.length;
  const perPart = new Float64Array(parts * nLabels);
  const totals = new Float64Array(nLabels);
  for (let r = 0; r < part.length; r++) {
    if (part[r] < 0) continue;
    for (let j = labels.start[r]; j < labels.start[r + 1]; j++) {
      perPart[part[r] * nLabels + labels.labels[j]]++;
      totals[labels.labels[j]]++;
    }
  }
  const rows = { part: [] as string[], label: [] as string[], count: [] as number[], proportion: [] as number[] };
  const more = { overall: [] as number[], ideal: [] as number[], gap: [] as number[] };
  let largestGap = 0;
  for (let p = 0; p < parts; p++) {
    for (let l = 0; l < nLabels; l++) {
      const count = perPart[p * nLabels + l];
      const ideal = weights[p] * totals[l];
      rows.part.push(partNames[p]);
      rows.label.push(labels.names[l]);
      rows.count.push(count);
      rows.proportion.push(samples[p] ? count / samples[p] : 0);
      more.overall.push(assigned ? totals[l] / assigned : 0);
      more.ideal.push(ideal);
      more.gap.push(count - ideal);
      largestGap = Math.max(largestGap, Math.abs(count - ideal));
    }
  }
  return { counts, classes: aq.table({ ...rows, ...more }), largestGap };
}

function emptyClasses(): ColumnTable {
  return aq.table({ part: [], label: [], count: [], proportion: [], overall: [], ideal: [], gap: [] });
}
