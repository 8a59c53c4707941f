import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { DatasetBuilder } from "../../src/dataset/builder";
import { values } from "../../src/dataset/columns";
import type { Dataset } from "../../src/dataset/dataset";
import { mulberry32 } from "../../src/dataset/view";
import { BlindspotError } from "../../src/errors";
import * as cls from "../../src/eval/classification";
import { evaluateClassification, type ClassificationEvaluation } from "../../src/eval/classification";
import { tmpDir } from "../helpers/data";
import { hasPython, PYTHON } from "../helpers/reference";

/**
 * evaluateClassification on datasets with string labels: the fields it writes back, every
 * number against the metric functions and scikit-learn (test/eval/sklearn_metrics.py, live),
 * skipped samples, and metricsOf on subsets against fresh evaluations of those subsets.
 */
const TOL = 1e-12;

interface Spec {
  truth: string | null;
  label: string | null;
  probs: number[] | null;
}

/** Softmax scores that favour the true class; the label is the top class. */
function generate(n: number, classes: string[], seed: number): Spec[] {
  const rand = mulberry32(seed);
  return Array.from({ length: n }, () => {
    const t = Math.floor(rand() * classes.length);
    const exp = classes.map((_, c) => Math.exp(rand() * 2 + (c === t ? 1.2 : 0)));
    const sum = exp.reduce((a, b) => a + b);
    const probs = exp.map((e) => e / sum);
    return { truth: classes[t], label: classes[argmax(probs)], probs };
  });
}

const argmax = (row: number[]) => row.indexOf(Math.max(...row));

/** A dataset with the specs as `ground_truth` and `model` (with probabilities when `classes` is given). */
function build(specs: Spec[], classes: string[] | null): Dataset {
  const b = new DatasetBuilder("t", null);
  b.declareField({ name: "ground_truth", kind: "classification", predicted: false });
  b.declareField({ name: "model", kind: "classification", predicted: true, ...(classes ? { classes } : {}) });
  specs.forEach((s, i) =>
    b.addSample({
      filepath: `s${i}.jpg`,
      fields: { ground_truth: s.truth, model: s.label, ...(classes ? { model_probs: s.probs } : {}) },
    }),
  );
  return b.build();
}

const ANIMALS = ["cat", "dog", "bird", "fish"];

/** 300 samples, the first twelve made awkward in every way a sample can be. */
function animals(): Spec[] {
  const specs = generate(300, ANIMALS, 7);
  for (const i of [0, 1, 2]) specs[i].truth = null; // missing_truth
  Object.assign(specs[3], { label: null, probs: null }); // missing_prediction
  specs[4].probs = null; // missing_probs
  specs[5].probs = [NaN, 0.5, 0.25, 0.25]; // invalid_probs
  specs[6].probs = [0.5, 0.25, 0.25]; // invalid_probs
  for (const i of [7, 8]) specs[i].truth = "horse"; // unknown_truth
  specs[9].label = "zebra"; // unknown_prediction
  for (const i of [10, 11]) specs[i].label = null; // predicted from the probabilities
  return specs;
}

/** What the evaluation should see: class indices and probability rows of the samples it keeps. */
function encode(specs: Spec[], classes: string[], evaluated: (i: number) => boolean) {
  const kept = specs.map((s, i) => ({ s, i })).filter(({ i }) => evaluated(i));
  const truth = kept.map(({ s }) => classes.indexOf(s.truth!));
  const pred = kept.map(({ s }) => (s.label !== null ? classes.indexOf(s.label) : argmax(s.probs!)));
  const proba = kept.map(({ s }) => s.probs ?? classes.map((_, c) => (c === classes.indexOf(s.label!) ? 1 : 0)));
  return { truth, pred, proba, k: classes.length };
}

const close = (actual: ArrayLike<number>, want: number | number[], what = "") => {
  const w = typeof want === "number" ? [want] : want;
  expect(actual.length, what).toBe(w.length);
  for (let i = 0; i < w.length; i++) expect(Math.abs(actual[i] - w[i]), `${what} entry ${i}`).toBeLessThanOrEqual(TOL);
};

/** Equal to rounding, NaN equal to NaN. */
const same = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  expect(a.length).toBe(b.length);
  for (let i = 0; i < a.length; i++) {
    if (Number.isNaN(b[i])) expect(a[i], `entry ${i}`).toBeNaN();
    else expect(Math.abs(a[i] - b[i]), `entry ${i}: ${a[i]} vs ${b[i]}`).toBeLessThanOrEqual(TOL);
  }
};

const column = <T>(ds: Dataset, name: string) => Array.from(values<T>(ds.samples, name));
const perClass = (
  ev: ClassificationEvaluation,
  key: "precision" | "recall" | "f1" | "support" | "averagePrecision" | "rocAuc",
) => ev.perClass.map((r) => r[key]!);

describe("evaluateClassification", () => {
  const specs = animals();
  const ds = build(specs, ANIMALS);
  const ev = evaluateClassification(ds, "model");
  // The first ten are skipped; 10 and 11 are predicted from their probabilities.
  const keptRows = specs.map((_, i) => i).filter((i) => i >= 10);
  const input = encode(specs, ANIMALS, (i) => i >= 10);

  it("counts every skipped sample by reason and names the unknown labels", () => {
    expect(ev.samples).toBe(300);
    expect(ev.evaluated).toBe(290);
    expect(ev.skipped).toEqual({
      total: 10,
      byReason: {
        missing_truth: 3,
        missing_prediction: 1,
        missing_probs: 1,
        invalid_probs: 2,
        unknown_truth: 2,
        unknown_prediction: 1,
      },
      unknownTruth: { horse: 2 },
      unknownPrediction: { zebra: 1 },
    });
    expect(ev.classes).toEqual(ANIMALS);
    expect(ev.perClass.reduce((n, r) => n + r.support, 0)).toBe(290);
  });

  it("writes <key>_correct and <key>_margin onto the samples, null where skipped", () => {
    const correct = column<boolean | null>(ds, "eval_model_correct"),
      margin = column<number | null>(ds, "eval_model_margin");
    expect(correct.slice(0, 10)).toEqual(new Array(10).fill(null));
    expect(margin.slice(0, 10)).toEqual(new Array(10).fill(null));
    keptRows.forEach((row, j) => {
      const t = input.truth[j],
        p = input.proba[j];
      expect(correct[row]).toBe(input.pred[j] === t);
      expect(margin[row]).toBeCloseTo(p[t] - Math.max(...p.filter((_, c) => c !== t)), 15);
      expect(margin[row]! < 0).toBe(argmax(p) !== t);
    });
    const custom = evaluateClassification(build(specs, ANIMALS), "model", { key: "run1" });
    expect(custom.key).toBe("run1");
    expect(custom.dataset.samples.columnNames()).toEqual(expect.arrayContaining(["run1_correct", "run1_margin"]));
  });

  it("equals the metric functions on the encoded samples", () => {
    const k = 4,
      m = cls.confusionMatrix(input.truth, input.pred, k),
      s = cls.classScores(m, k);
    const probs = { values: Float64Array.from(input.proba.flat()), k };
    close(ev.confusion.matrix.flat(), Array.from(m));
    close(
      [ev.accuracy, ev.balancedAccuracy, ev.kappa, ev.mcc],
      [cls.accuracy(m, k), cls.balancedAccuracy(m, k), cls.cohenKappa(m, k), cls.matthews(m, k)],
    );
    close(perClass(ev, "f1"), Array.from(s.f1));
    expect(ev.averages).toEqual({ macro: s.macro, micro: s.micro, weighted: s.weighted });
    const p = ev.probabilistic!;
    close([p.logLoss, p.topK.accuracy], [cls.logLoss(input.truth, probs), cls.topKAccuracy(input.truth, probs, 4)]);
    expect(p.topK.k).toBe(4); // 5 capped by the 4 classes
    close(
      [p.rocAuc.ovrMacro, p.rocAuc.ovrWeighted, p.rocAuc.ovo],
      [
        cls.rocAucOneVsRest(input.truth, probs),
        cls.rocAucOneVsRest(input.truth, probs, "weighted"),
        cls.rocAucOneVsOne(input.truth, probs),
      ],
    );
    close(
      [p.averagePrecision.macro, p.averagePrecision.weighted],
      [
        cls.averagePrecisionOneVsRest(input.truth, probs),
        cls.averagePrecisionOneVsRest(input.truth, probs, "weighted"),
      ],
    );
    const rel = cls.reliability(input.truth, probs, 15);
    close([p.calibration.ece, p.calibration.mce], [rel.ece, rel.mce]);
    expect(p.calibration.bins.count).toEqual(rel.bins.count);
    expect(p.binary).toBeNull();
    // The multi-class sweep: is the top label right, scored by its confidence.
    const sweep = cls.thresholdSweep(
      input.proba.map((r, i) => argmax(r) === input.truth[i]),
      input.proba.map((r) => Math.max(...r)),
    );
    expect(p.sweep.score).toBe("top-label confidence");
    close(p.sweep.f1, Array.from(sweep.f1));
    expect(p.sweep.best).toEqual(sweep.best);
    expect(
      evaluateClassification(build(specs, ANIMALS), "model", { k: 2, bins: 10 }).probabilistic!.calibration.bins.count
        .length,
    ).toBe(10);
    close(
      [evaluateClassification(build(specs, ANIMALS), "model", { k: 2 }).probabilistic!.topK.accuracy],
      cls.topKAccuracy(input.truth, probs, 2),
    );
  });

  it("reports rows whose probabilities do not sum to 1, and rescales them in the log loss", () => {
    const scaled = generate(40, ANIMALS, 3);
    scaled[0].probs = scaled[0].probs!.map((p) => p * 0.9);
    const e = evaluateClassification(build(scaled, ANIMALS), "model");
    const x = encode(scaled, ANIMALS, () => true);
    const rescaled = x.proba.map((r) => r.map((p) => p / r.reduce((a, b) => a + b)));
    expect(e.probabilistic!.unnormalizedRows).toBe(1);
    close([e.probabilistic!.logLoss], cls.logLoss(x.truth, { values: Float64Array.from(rescaled.flat()), k: 4 }));
  });

  it("without probabilities: the sorted labels are the classes, margins are null", () => {
    const labels = generate(150, ["b", "c", "a"], 11).map((s) => ({ ...s, probs: null }));
    labels[0].label = "d"; // a class only predicted
    const e = evaluateClassification(build(labels, null), "model");
    expect(e.classes).toEqual(["a", "b", "c", "d"]);
    expect(e.probabilistic).toBeNull();
    expect(e.metrics).toEqual([
      "accuracy",
      "macro_f1",
      "balanced_accuracy",
      "weighted_f1",
      "macro_precision",
      "macro_recall",
      "kappa",
      "mcc",
    ]);
    expect(new Set(column(e.dataset, "eval_model_margin"))).toEqual(new Set([null]));
    expect(column(e.dataset, "eval_model_correct")[0]).toBe(false);
  });

  it("metricsOf a subset, with repeated rows, equals a fresh evaluation of that subset", () => {
    const rand = mulberry32(5);
    const subsets = [
      Int32Array.from({ length: 300 }, (_, i) => i),
      Int32Array.from({ length: 80 }, () => Math.floor(rand() * 300)),
      Int32Array.from({ length: 300 }, () => Math.floor(rand() * 300)), // a bootstrap resample
      Int32Array.from([0, 3, 5, 7, 9]), // only skipped samples: every metric NaN
      Int32Array.from(specs.flatMap((s, i) => (s.truth === "fish" ? [] : [i, i]))), // a class absent: its AUC is NaN
    ];
    expect(ev.metrics).toEqual([
      "accuracy",
      "macro_f1",
      "balanced_accuracy",
      "weighted_f1",
      "macro_precision",
      "macro_recall",
      "kappa",
      "mcc",
      "log_loss",
      "top_k_accuracy",
      "roc_auc",
      "average_precision",
      "ece",
    ]);
    for (const rows of subsets)
      same(
        ev.metricsOf(rows),
        evaluateClassification(
          build(
            Array.from(rows, (r) => specs[r]),
            ANIMALS,
          ),
          "model",
        ).metricsOf(Int32Array.from(rows.keys())),
      );
    const all = ev.metricsOf(subsets[0]),
      at = (name: string) => all[ev.metrics.indexOf(name)];
    expect([at("accuracy"), at("macro_f1"), at("log_loss"), at("roc_auc"), at("ece")]).toEqual([
      ev.accuracy,
      ev.averages.macro.f1,
      ev.probabilistic!.logLoss,
      ev.probabilistic!.rocAuc.ovrMacro,
      ev.probabilistic!.calibration.ece,
    ]);
    expect(Array.from(ev.metricsOf(subsets[3])).every(Number.isNaN)).toBe(true);
    expect(ev.metricsOf(subsets[4])[ev.metrics.indexOf("roc_auc")]).toBeNaN();

    const labels = generate(120, ["x", "y", "z"], 9).map((s) => ({ ...s, probs: null }));
    const byLabel = evaluateClassification(build(labels, null), "model");
    const some = Int32Array.from(labels.flatMap((s, i) => (s.truth === "z" ? [] : [i, i, i])));
    same(
      byLabel.metricsOf(some),
      evaluateClassification(
        build(
          Array.from(some, (r) => labels[r]),
          null,
        ),
        "model",
      ).metricsOf(Int32Array.from(some.keys())),
    );
  });

  it("toJSON: arrays for typed arrays, null for NaN, no dataset", () => {
    const noFish = specs.slice(12).filter((s) => s.truth !== "fish");
    const e = evaluateClassification(build(noFish, ANIMALS), "model");
    const json = JSON.parse(JSON.stringify(e));
    expect(json.dataset).toBeUndefined();
    expect(json.probabilistic.rocAuc.ovrMacro).toBeNull();
    expect(json.perClass[3]).toMatchObject({ class: "fish", support: 0, rocAuc: null });
    expect(Array.isArray(json.probabilistic.curves[0].pr.precision)).toBe(true);
    expect(json.probabilistic.calibration.bins.accuracy).toContain(null);
    expect(json.accuracy).toBe(e.accuracy);
  });

  it("names the fields it can evaluate when given another, and refuses a bad k", () => {
    expect(() => evaluateClassification(build(specs, ANIMALS), "nope")).toThrow(
      /no classification labels in "nope" \(its classification fields: ground_truth, model\)/,
    );
    expect(() => evaluateClassification(build(specs, ANIMALS), "model", { gt: "truth" })).toThrow(BlindspotError);
    expect(() => evaluateClassification(build(specs, ANIMALS), "model", { k: 0 })).toThrow(
      /k must be a positive integer/,
    );
  });
});

type Expected = Record<string, number | number[]> & { binary?: Record<string, number | number[] | number[][]> };

describe.runIf(hasPython())("evaluateClassification equals scikit-learn's, run live", () => {
  const specs = animals(),
    binarySpecs = generate(200, ["neg", "pos"], 21);
  const labelSpecs = generate(150, ["b", "c", "a"], 11).map((s) => ({ ...s, probs: null }));
  const evaluations = {
    animals: evaluateClassification(build(specs, ANIMALS), "model"),
    binary: evaluateClassification(build(binarySpecs, ["neg", "pos"]), "model"),
    labels: evaluateClassification(build(labelSpecs, null), "model"),
  };
  const cases = [
    { name: "animals", ...encode(specs, ANIMALS, (i) => i >= 10) },
    { name: "binary", ...encode(binarySpecs, ["neg", "pos"], () => true) },
    { name: "labels", ...encode(labelSpecs, ["a", "b", "c"], () => true) },
  ];
  const file = path.join(tmpDir("sklearn-evaluate"), "cases.json");
  fs.writeFileSync(file, JSON.stringify(cases));
  const expected = JSON.parse(
    execFileSync(PYTHON, [path.join(__dirname, "sklearn_metrics.py"), file], { encoding: "utf8" }),
  ) as Record<string, Expected>;

  for (const name of ["animals", "binary", "labels"] as const) {
    it(name, () => {
      const ev = evaluations[name],
        e = expected[name];
      close(ev.confusion.matrix.flat(), e.confusion, "confusion");
      close(
        [ev.accuracy, ev.balancedAccuracy, ev.kappa, ev.mcc],
        [e.accuracy, e.balanced_accuracy, e.kappa, e.mcc] as number[],
        "accuracy, balanced, kappa, mcc",
      );
      close(perClass(ev, "precision"), e.precision, "precision");
      close(perClass(ev, "recall"), e.recall, "recall");
      close(perClass(ev, "f1"), e.f1, "f1");
      for (const avg of ["macro", "micro", "weighted"] as const)
        close(
          [ev.averages[avg].precision, ev.averages[avg].recall, ev.averages[avg].f1],
          [e[`precision_${avg}`], e[`recall_${avg}`], e[`f1_${avg}`]] as number[],
          avg,
        );
      const p = ev.probabilistic;
      if (name === "labels") return expect(p).toBeNull();
      close([p!.logLoss], e.log_loss, "log loss");
      if (e.top2 !== undefined)
        close(
          [evaluateClassification(build(specs, ANIMALS), "model", { k: 2 }).probabilistic!.topK.accuracy],
          e.top2,
          "top-2",
        );
      if (e.auc_ovr_macro !== undefined)
        close(
          [p!.rocAuc.ovrMacro, p!.rocAuc.ovrWeighted, p!.rocAuc.ovo],
          [e.auc_ovr_macro, e.auc_ovr_weighted, e.auc_ovo_macro] as number[],
          "auc",
        );
      // scikit-learn's binary block scores the first class against the rest.
      const b = e.binary!,
        curves = p!.curves[0];
      close(curves.pr.precision, b.precision as number[], "pr precision");
      close(curves.pr.recall, b.recall as number[], "pr recall");
      close(curves.pr.thresholds, b.thresholds as number[], "pr thresholds");
      close(curves.roc.fpr, b.fpr as number[], "fpr");
      close(curves.roc.tpr, b.tpr as number[], "tpr");
      close(
        [ev.perClass[0].averagePrecision!, ev.perClass[0].rocAuc!],
        [b.ap, b.auc] as number[],
        "first class ap, auc",
      );
      if (name === "binary") {
        // Two classes: the second is positive; its AUC and Brier score equal the first's.
        expect(p!.binary!.positive).toBe("pos");
        close([p!.binary!.rocAuc, p!.binary!.brier], [b.auc, b.brier] as number[], "binary auc, brier");
        expect(p!.sweep.score).toBe("positive-class probability");
      }
    });
  }
});
