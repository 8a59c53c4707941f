import { describe, expect, it } from "vitest";
import { compareSplits } from "../../src/analyze/compareSplits";
import { DatasetBuilder } from "../../src/dataset/builder";
import type { Dataset } from "../../src/dataset/dataset";
import { mulberry32 } from "../../src/dataset/view";
import { evaluateClassification } from "../../src/eval/classification";

const CLASSES = ["cat", "dog", "bird"];

/** Samples of three splits whose predictions are right with each split's own probability. */
function planted(correct: Record<string, number>, perSplit = 300, seed = 1): Dataset {
  const rand = mulberry32(seed);
  const b = new DatasetBuilder("fit", null);
  b.declareField({ name: "ground_truth", kind: "classification", predicted: false });
  b.declareField({ name: "model", kind: "classification", predicted: true });
  let i = 0;
  for (const [split, p] of Object.entries(correct))
    for (let k = 0; k < perSplit; k++, i++) {
      const truth = CLASSES[Math.floor(rand() * 3)];
      const wrong = CLASSES.filter((c) => c !== truth)[Math.floor(rand() * 2)];
      b.addSample({ filepath: `s${i}.jpg`, split, fields: { ground_truth: truth, model: rand() < p ? truth : wrong } });
    }
  return b.build();
}

const accuracyOf = (ds: Dataset, split: string) => {
  const rows = ds.samples.objects() as { split: string; ground_truth: string; model: string }[];
  const mine = rows.filter((r) => r.split === split);
  return mine.filter((r) => r.ground_truth === r.model).length / mine.length;
};

describe("compareSplits", () => {
  it("flags a model far better on its training split than on the others (planted overfitting)", () => {
    const ds = planted({ train: 0.98, val: 0.7, test: 0.72 });
    const r = compareSplits(evaluateClassification(ds, "model"), { seed: 2 });
    const splits = r.splits.objects() as Record<string, number & string>[];
    expect(splits.map((s) => s.split)).toEqual(["train", "test", "val"]);
    for (const s of splits) {
      expect(s.samples).toBe(300);
      expect(s.accuracy).toBeCloseTo(accuracyOf(ds, s.split), 12);
      expect(s.accuracy_low).toBeLessThan(s.accuracy);
      expect(s.accuracy_high).toBeGreaterThan(s.accuracy);
    }
    const gaps = (r.gaps.objects() as Record<string, number & string & boolean>[]).filter(
      (g) => g.metric === "accuracy",
    );
    for (const g of gaps) {
      expect(g.gap).toBeCloseTo(accuracyOf(ds, "train") - accuracyOf(ds, g.split), 12);
      expect(g.gap_low).toBeGreaterThan(0);
      expect(g.gap_high).toBeGreaterThan(g.gap);
      expect(g.overfit).toBe(true);
    }
    expect(r.summary).toMatchObject({ field: "split", train: "train", headline: "accuracy", underfit: false });
    expect(r.summary.overfit.sort()).toEqual(["test", "val"]);
  });

  it("flags nothing when the splits agree, and underfitting against a minimum", () => {
    const ds = planted({ train: 0.62, val: 0.6, test: 0.61 }, 300, 3);
    const r = compareSplits(evaluateClassification(ds, "model"), { minimum: 0.9 });
    expect(r.summary.overfit).toEqual([]);
    expect(r.summary.underfit).toBe(true);
    const gaps = r.gaps.objects() as { gap_low: number; gap_high: number }[];
    expect(gaps.every((g) => g.gap_low <= 0 || g.gap_high >= 0)).toBe(true);
    expect(compareSplits(evaluateClassification(ds, "model"), { minimum: 0.5 }).summary.underfit).toBe(false);
  });

  it("names the split field and the training split that do not exist", () => {
    const ev = evaluateClassification(planted({ train: 0.9, test: 0.9 }, 20), "model");
    expect(() => compareSplits(ev, { field: "splt" })).toThrow(/did you mean "split"/);
    expect(() => compareSplits(ev, { train: "training" })).toThrow(
      /no sample has split = "training"[\s\S]*test, train/,
    );
  });
});
