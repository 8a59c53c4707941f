import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import {
  accuracy,
  averagePrecision,
  brierScore,
  calibrationCurve,
  reliability,
  thresholdSweep,
  averagePrecisionOneVsRest,
  rocAucOneVsOne,
  rocAucOneVsRest,
  balancedAccuracy,
  classScores,
  cohenKappa,
  confusionMatrix,
  logLoss,
  matthews,
  precisionRecallCurve,
  rocAuc,
  rocCurve,
  topKAccuracy,
} from "../../src/eval/classification";
import { HAS_SHARED, SHARED } from "../helpers/data";

/** scikit-learn 1.2.1 on a digits classifier's 540 test predictions (../shared/data/refs). */
interface DigitsRefs {
  inputs: { y_true: number[]; proba: number[][] };
  multiclass: Record<string, number | number[] | number[][]> & { y_pred: number[]; confusion_matrix: number[][] };
  binary_class3: Record<string, number | number[]>;
}

const TOL = 1e-12;
const refs = HAS_SHARED
  ? (JSON.parse(fs.readFileSync(path.join(SHARED, "refs/sklearn_digits_refs.json"), "utf8")) as DigitsRefs)
  : null!;
const close = (actual: ArrayLike<number>, expected: number[]) => {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) expect(Math.abs(actual[i] - expected[i])).toBeLessThanOrEqual(TOL);
};

describe.runIf(HAS_SHARED)("classification metrics equal scikit-learn's on the digits predictions", () => {
  const k = 10;
  const truth = Int32Array.from(refs?.inputs.y_true ?? []);
  const predicted = Int32Array.from(refs?.multiclass.y_pred ?? []);
  const matrix = HAS_SHARED ? confusionMatrix(truth, predicted, k) : new Float64Array();
  const m = refs?.multiclass;

  it("confusion matrix, accuracy, balanced accuracy", () => {
    expect(Array.from(matrix)).toEqual(m.confusion_matrix.flat());
    close([accuracy(matrix, k), balancedAccuracy(matrix, k)], [m.accuracy as number, m.balanced_accuracy as number]);
  });

  it("precision, recall, F1 and support per class, macro, micro and weighted", () => {
    const s = classScores(matrix, k);
    close(s.precision, m.precision as number[]);
    close(s.recall, m.recall as number[]);
    close(s.f1, m.f1 as number[]);
    expect(Array.from(s.support)).toEqual(m.support);
    for (const avg of ["macro", "micro", "weighted"] as const) {
      close([s[avg].precision, s[avg].recall, s[avg].f1], [
        m[`precision_${avg}`],
        m[`recall_${avg}`],
        m[`f1_${avg}`],
      ] as number[]);
    }
  });

  it("Cohen's kappa, MCC, log loss and top-2 accuracy", () => {
    const probs = { values: Float64Array.from(refs.inputs.proba.flat()), k };
    close([cohenKappa(matrix, k), matthews(matrix, k), logLoss(truth, probs), topKAccuracy(truth, probs, 2)], [
      m.cohen_kappa,
      m.mcc,
      m.log_loss,
      m.top2_accuracy,
    ] as number[]);
  });

  it("ROC AUC one-vs-rest (macro, weighted), one-vs-one, and macro average precision", () => {
    const probs = { values: Float64Array.from(refs.inputs.proba.flat()), k };
    close(
      [
        rocAucOneVsRest(truth, probs),
        rocAucOneVsRest(truth, probs, "weighted"),
        rocAucOneVsOne(truth, probs),
        averagePrecisionOneVsRest(truth, probs),
      ],
      [m.roc_auc_ovr_macro, m.roc_auc_ovr_weighted, m.roc_auc_ovo_macro, m.average_precision_macro_ovr] as number[],
    );
  });
});

describe.runIf(HAS_SHARED)("curves equal scikit-learn's on the digits predictions (class 3 against the rest)", () => {
  const b = refs?.binary_class3;
  const positive = (refs?.inputs.y_true ?? []).map((y) => y === 3);
  const score = (refs?.inputs.proba ?? []).map((row) => row[3]);

  it("precision-recall curve and average precision", () => {
    const curve = precisionRecallCurve(positive, score);
    close(curve.precision, b.precision as number[]);
    close(curve.recall, b.recall as number[]);
    close(curve.thresholds, b.thresholds as number[]);
    close([averagePrecision(positive, score)], [b.average_precision as number]);
  });

  it("ROC curve and its area", () => {
    const curve = rocCurve(positive, score);
    close(curve.fpr, b.fpr as number[]);
    close(curve.tpr, b.tpr as number[]);
    close(curve.thresholds, b.roc_thresholds as number[]);
    close([rocAuc(positive, score)], [b.roc_auc as number]);
  });

  it("Brier score and the 10-bin calibration curve", () => {
    close([brierScore(positive, score)], [b.brier as number]);
    const curve = calibrationCurve(positive, score, 10);
    const [fraction, mean] = b.calibration_curve_10_uniform as unknown as number[][];
    close(curve.fractionPositive, fraction);
    close(curve.meanScore, mean);
  });
});

describe("classification metrics on edge cases", () => {
  it("a class never predicted scores precision 0 and still counts in the macro average", () => {
    // Class 2 occurs in the truth only; scikit-learn gives precision 0 (zero_division) for it.
    const matrix = confusionMatrix([0, 0, 1, 1, 2], [0, 1, 1, 1, 0], 3);
    const s = classScores(matrix, 3);
    expect(Array.from(s.precision)).toEqual([0.5, 2 / 3, 0]);
    expect(Array.from(s.recall)).toEqual([0.5, 1, 0]);
    expect(s.macro.precision).toBeCloseTo((0.5 + 2 / 3) / 3, 15);
    expect(balancedAccuracy(matrix, 3)).toBeCloseTo(0.5, 15);
  });

  it("a class absent from truth and predictions is left out of the averages", () => {
    const matrix = confusionMatrix([0, 1, 1], [0, 1, 0], 3);
    expect(classScores(matrix, 3).macro.recall).toBeCloseTo((1 + 0.5) / 2, 15);
  });

  it("ties in scores rank the later class first, as scikit-learn's top_k_accuracy_score does", () => {
    const probs = { values: Float64Array.from([0.4, 0.4, 0.2, 0.4, 0.4, 0.2]), k: 3 };
    // Row 1: true class 0 ties with class 1, which ranks first: top-1 misses, top-2 hits.
    expect(topKAccuracy([0, 1], probs, 1)).toBe(0.5);
    expect(topKAccuracy([0, 1], probs, 2)).toBe(1);
  });

  it("the threshold sweep gives F1 at every threshold and the best one, checked by counting", () => {
    const positive = [1, 0, 1, 1, 0, 0, 1, 0],
      score = [0.9, 0.8, 0.8, 0.6, 0.5, 0.3, 0.2, 0.1];
    const sweep = thresholdSweep(positive, score);
    expect(Array.from(sweep.thresholds)).toEqual([0.1, 0.2, 0.3, 0.5, 0.6, 0.8, 0.9]);
    sweep.thresholds.forEach((t, j) => {
      let tp = 0,
        fp = 0,
        fn = 0;
      score.forEach((s, i) => {
        if (s >= t) {
          if (positive[i]) tp++;
          else fp++;
        } else if (positive[i]) fn++;
      });
      expect(sweep.f1[j]).toBeCloseTo((2 * tp) / (2 * tp + fp + fn), 14);
    });
    // At 0.6: tp 3, fp 1, fn 1 -> F1 0.75, the best.
    expect(sweep.best).toMatchObject({ threshold: 0.6, precision: 0.75, recall: 0.75 });
    expect(sweep.best.f1).toBeCloseTo(0.75, 14);
  });

  it("top-label ECE and MCE over 15 bins, by hand", () => {
    // Confidences 0.9 (right), 0.8 (wrong), 0.7 (right), 0.55 (right), one per bin.
    const probs = { values: Float64Array.from([0.9, 0.1, 0.8, 0.2, 0.3, 0.7, 0.55, 0.45]), k: 2 };
    const r = reliability([0, 1, 1, 0], probs);
    expect(r.ece).toBeCloseTo((0.1 + 0.8 + 0.3 + 0.45) / 4, 14);
    expect(r.mce).toBeCloseTo(0.8, 14);
    expect(Array.from(r.bins.count).reduce((a, b) => a + b)).toBe(4);
    expect(r.bins.accuracy[11]).toBe(0);
  });

  it("refuses mismatched lengths and out-of-range classes, naming the entry", () => {
    expect(() => confusionMatrix([0, 1], [0], 2)).toThrow(/2 entries but predictions have 1/);
    expect(() => confusionMatrix([0, 5], [0, 1], 2)).toThrow(/entry 1/);
  });
});
