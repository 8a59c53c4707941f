import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { values } from "../../../src/dataset/columns";
import { split } from "../../../src/analyze/split";
import { HAS_SHARED, SHARED } from "../../helpers/data";
import { hasPython, PYTHON } from "../../helpers/reference";
import { caseDataset, sklearnCases, type Case } from "./cases";

/** Cases compared; each runs the four splitters on both sides. */
const CASES = 120;

interface Reference {
  kfold: number[];
  stratified: number[];
  group: number[];
  group_stable: number[];
  time: number[];
}

function references(cases: Case[]): Reference[] {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "split-sklearn-"));
  const file = path.join(dir, "cases.json");
  fs.writeFileSync(file, JSON.stringify(cases));
  try {
    return JSON.parse(execFileSync(PYTHON, [path.join(__dirname, "sklearn_splits.py"), file], { encoding: "utf8" }));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Our folds for a case, -1 where a sample is in no test fold. */
function ours(c: Case, options: { stratify?: boolean; groups?: string; time?: string }): number[] {
  const ds = caseDataset(c);
  split(ds, { k: c.k, ...options });
  return Array.from(values<number | null>(ds.samples, "fold"), (f) => f ?? -1);
}

describe.runIf(hasPython())("split equals scikit-learn 1.7.2 without shuffling", () => {
  const cases = sklearnCases(CASES);
  const refs = references(cases);

  it("KFold, StratifiedKFold and TimeSeriesSplit: the same fold for every sample", () => {
    cases.forEach((c, i) => {
      expect(ours(c, {}), `KFold ${c.name}`).toEqual(refs[i].kfold);
      expect(ours(c, { stratify: true }), `StratifiedKFold ${c.name}`).toEqual(refs[i].stratified);
      expect(ours(c, { time: "t" }), `TimeSeriesSplit ${c.name}`).toEqual(refs[i].time);
    });
  });

  it("GroupKFold: the same folds as sklearn with a stable argsort, and as sklearn itself up to the order of equal-sized groups", () => {
    let identical = 0;
    cases.forEach((c, i) => {
      const folds = ours(c, { groups: "g" });
      expect(folds, `GroupKFold (stable argsort) ${c.name}`).toEqual(refs[i].group_stable);
      // sklearn as it is: groups of one size take the same folds, in numpy's order of ties.
      expect(foldsBySize(c.groups, folds), `GroupKFold ${c.name}`).toEqual(foldsBySize(c.groups, refs[i].group));
      if (JSON.stringify(folds) === JSON.stringify(refs[i].group)) identical++;
    });
    // Without ties in group sizes sklearn's order is fixed: those cases must be identical.
    const untied = cases.filter((c) => !sizesTie(c.groups));
    expect(untied.length).toBeGreaterThan(0);
    expect(identical).toBeGreaterThanOrEqual(untied.length);
  });

  it("the cases cover tiny classes, one group per class, ties in time and uneven sizes", () => {
    expect(cases.some((c) => c.labels.filter((l) => l === "tiny").length === c.k)).toBe(true);
    expect(cases.some((c) => c.name.includes("one group per class"))).toBe(true);
    expect(cases.every((c) => new Set(c.times).size < c.times.length)).toBe(true);
    expect(cases.some((c) => c.labels.length % c.k !== 0)).toBe(true);
  });
});

/** For each group size, the sorted folds its groups went to. */
function foldsBySize(groups: number[], folds: number[]): Record<number, number[]> {
  const foldOf = new Map<number, number>();
  const size = new Map<number, number>();
  groups.forEach((g, i) => {
    foldOf.set(g, folds[i]);
    size.set(g, (size.get(g) ?? 0) + 1);
  });
  const out: Record<number, number[]> = {};
  for (const [g, s] of size) (out[s] ??= []).push(foldOf.get(g)!);
  for (const list of Object.values(out)) list.sort((a, b) => a - b);
  return out;
}

function sizesTie(groups: number[]): boolean {
  const size = new Map<number, number>();
  for (const g of groups) size.set(g, (size.get(g) ?? 0) + 1);
  return new Set(size.values()).size < size.size;
}

/** The shared reference file: scikit-learn 1.2.1's StratifiedKFold and GroupKFold test folds on 540 digit labels. */
describe.skipIf(!HAS_SHARED)("split equals the recorded scikit-learn folds of ../shared/data/refs", () => {
  it("StratifiedKFold(5) and GroupKFold(5) on the digits labels", () => {
    const refs = JSON.parse(fs.readFileSync(path.join(SHARED, "refs/sklearn_digits_refs.json"), "utf8"));
    const labels = (refs.inputs.y_true as number[]).map(String);
    const groups = refs.GroupKFold_5.groups as number[];
    const expected = (testFolds: number[][]) => {
      const fold = new Array<number>(labels.length).fill(-1);
      testFolds.forEach((indices, f) => indices.forEach((i) => (fold[i] = f)));
      return fold;
    };
    const c = { name: "digits", k: 5, labels, groups, times: labels.map(() => 0) };
    expect(ours(c, { stratify: true })).toEqual(expected(refs.StratifiedKFold_5_noshuffle));
    expect(ours(c, { groups: "g" })).toEqual(expected(refs.GroupKFold_5.test_folds));
  });
});
