import { DatasetBuilder } from "../../../src/dataset/builder";
import type { Dataset } from "../../../src/dataset/dataset";
import { mulberry32 } from "../../../src/dataset/view";

/** A generated classification set: a label, a group and a time per sample. */
export interface Case {
  name: string;
  k: number;
  labels: string[];
  groups: number[];
  times: number[];
}

/**
 * Seeded cases for the comparisons with scikit-learn: uneven sizes, tiny classes (k and k+1
 * members), one group per class, groups of equal sizes, many ties in time.
 */
export function sklearnCases(count: number): Case[] {
  const cases: Case[] = [];
  for (let c = 0; c < count; c++) {
    const random = mulberry32(1000 + c);
    const int = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1));
    const k = int(2, 6);
    const n = int(k * 3, 400);
    const nClasses = int(2, 6);
    // Skewed class mix, then two tiny classes of k and k + 1 members in every third case.
    const labels = Array.from({ length: n }, () => `c${Math.floor(nClasses * random() ** 2)}`);
    if (c % 3 === 0) for (let i = 0; i < 2 * k + 1; i++) labels[int(0, n - 1)] = i < k ? "tiny" : "small";
    fixTinyClasses(labels, k);
    const classes = [...new Set(labels)];
    const onePerClass = c % 4 === 1 && classes.length >= k;
    const nGroups = int(k, Math.max(k, Math.floor(n / 3)));
    const groups = labels.map((l, i) => (onePerClass ? classes.indexOf(l) : i < k ? i : int(0, nGroups - 1)));
    // Few distinct times: many ties.
    const times = Array.from({ length: n }, () => int(0, Math.max(2, Math.floor(n / int(2, 8)))));
    cases.push({
      name: `case ${c} (n=${n}, k=${k}${onePerClass ? ", one group per class" : ""})`,
      k,
      labels,
      groups,
      times,
    });
  }
  return cases;
}

/** Labels of a class with fewer than k members become the first class, so that stratified k-fold is defined. */
export function fixTinyClasses(labels: string[], k: number): void {
  const counts = new Map<string, number>();
  for (const l of labels) counts.set(l, (counts.get(l) ?? 0) + 1);
  for (let i = 0; i < labels.length; i++) if (counts.get(labels[i])! < k) labels[i] = labels[0];
}

/** The case as a dataset: `ground_truth` classification, `g` groups, `t` times. */
export function caseDataset(
  c: Pick<Case, "labels" | "groups" | "times">,
  extra: Record<string, unknown[]> = {},
): Dataset {
  const b = new DatasetBuilder("case", null);
  b.declareField({ name: "ground_truth", kind: "classification", predicted: false });
  c.labels.forEach((label, i) =>
    b.addSample({
      filepath: `s${i}.jpg`,
      fields: {
        ground_truth: label,
        g: c.groups[i],
        t: c.times[i],
        ...Object.fromEntries(Object.entries(extra).map(([k, v]) => [k, v[i]])),
      },
    }),
  );
  return b.build();
}
