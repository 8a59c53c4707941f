import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import * as cls from "../../src/eval/classification";
import { mulberry32 } from "../../src/dataset/view";
import { tmpDir } from "../helpers/data";
import { hasPython, PYTHON } from "../helpers/reference";

/**
 * Classification metrics against scikit-learn run live (test/eval/sklearn_metrics.py, in the
 * project's .venv) on generated predictions: binary, multi-class, a class never predicted, a
 * class absent from the truth, and scores with many ties.
 */
const TOL = 1e-12;

interface Case {
  name: string;
  k: number;
  truth: number[];
  pred: number[];
  proba: number[][];
}

function generate(
  name: string,
  n: number,
  k: number,
  seed: number,
  options: { skill?: number; decimals?: number; neverPredicted?: number; absentTruth?: number } = {},
): Case {
  const rand = mulberry32(seed);
  const truth: number[] = [],
    pred: number[] = [],
    proba: number[][] = [];
  for (let i = 0; i < n; i++) {
    let t = Math.floor(rand() * k);
    if (t === options.absentTruth) t = (t + 1) % k;
    const logits = Array.from({ length: k }, (_, c) => rand() * 2 + (c === t ? (options.skill ?? 1.5) : 0));
    if (options.neverPredicted !== undefined) logits[options.neverPredicted] = -10;
    const exp = logits.map(Math.exp),
      sum = exp.reduce((a, b) => a + b);
    let row = exp.map((e) => e / sum);
    if (options.decimals !== undefined) {
      // Rounded scores tie often; the last entry keeps the row summing to 1.
      const f = 10 ** options.decimals;
      row = row.map((p) => Math.round(p * f) / f);
      row[k - 1] = Math.max(0, 1 - row.slice(0, -1).reduce((a, b) => a + b));
      const s = row.reduce((a, b) => a + b);
      row = row.map((p) => p / s);
    }
    truth.push(t);
    proba.push(row);
    pred.push(row.indexOf(Math.max(...row)));
  }
  return { name, k, truth, pred, proba };
}

const CASES = [
  generate("binary", 400, 2, 1),
  generate("multiclass", 600, 5, 2),
  generate("never-predicted", 300, 4, 3, { neverPredicted: 2 }),
  generate("absent-from-truth", 300, 4, 4, { absentTruth: 3 }),
  generate("ties", 500, 3, 5, { decimals: 1, skill: 0.8 }),
];

type Expected = Record<string, number | number[]> & { binary?: Record<string, number | number[] | number[][]> };

const LIVE = hasPython();

describe.runIf(LIVE)("classification metrics equal scikit-learn's, run live", () => {
  const dir = tmpDir("sklearn-live");
  const file = path.join(dir, "cases.json");
  fs.writeFileSync(file, JSON.stringify(CASES));
  const expected = LIVE
    ? (JSON.parse(
        execFileSync(PYTHON, [path.join(__dirname, "sklearn_metrics.py"), file], { encoding: "utf8" }),
      ) as Record<string, Expected>)
    : {};
  const close = (actual: ArrayLike<number>, want: number | number[]) => {
    const w = typeof want === "number" ? [want] : want;
    expect(actual.length).toBe(w.length);
    for (let i = 0; i < w.length; i++) expect(Math.abs(actual[i] - w[i]), `entry ${i}`).toBeLessThanOrEqual(TOL);
  };

  for (const c of CASES) {
    it(c.name, () => {
      const e = expected[c.name];
      const m = cls.confusionMatrix(c.truth, c.pred, c.k);
      const probs = { values: Float64Array.from(c.proba.flat()), k: c.k };
      const s = cls.classScores(m, c.k);
      close(m, e.confusion);
      close([cls.accuracy(m, c.k), cls.balancedAccuracy(m, c.k), cls.cohenKappa(m, c.k), cls.matthews(m, c.k)], [
        e.accuracy,
        e.balanced_accuracy,
        e.kappa,
        e.mcc,
      ] as number[]);
      close(s.precision, e.precision);
      close(s.recall, e.recall);
      close(s.f1, e.f1);
      for (const avg of ["macro", "micro", "weighted"] as const)
        close([s[avg].precision, s[avg].recall, s[avg].f1], [
          e[`precision_${avg}`],
          e[`recall_${avg}`],
          e[`f1_${avg}`],
        ] as number[]);
      close([cls.logLoss(c.truth, probs)], e.log_loss);
      if (e.top2 !== undefined) close([cls.topKAccuracy(c.truth, probs, 2)], e.top2);
      if (e.auc_ovr_macro !== undefined) {
        close(
          [
            cls.rocAucOneVsRest(c.truth, probs),
            cls.rocAucOneVsRest(c.truth, probs, "weighted"),
            cls.rocAucOneVsOne(c.truth, probs),
          ],
          [e.auc_ovr_macro, e.auc_ovr_weighted, e.auc_ovo_macro] as number[],
        );
      }
      const b = e.binary!;
      const positive = c.truth.map((t) => t === 0),
        score = c.proba.map((row) => row[0]);
      const pr = cls.precisionRecallCurve(positive, score),
        roc = cls.rocCurve(positive, score);
      close(pr.precision, b.precision as number[]);
      close(pr.recall, b.recall as number[]);
      close(pr.thresholds, b.thresholds as number[]);
      // scikit-learn >= 1.3 starts ROC thresholds at infinity, 1.2 at the top score + 1: compare the rates.
      close(roc.fpr, b.fpr as number[]);
      close(roc.tpr, b.tpr as number[]);
      close([cls.averagePrecision(positive, score), cls.rocAuc(positive, score), cls.brierScore(positive, score)], [
        b.ap,
        b.auc,
        b.brier,
      ] as number[]);
      const cal = cls.calibrationCurve(positive, score, 10),
        [fraction, mean] = b.calibration as number[][];
      close(cal.fractionPositive, fraction);
      close(cal.meanScore, mean);
    });
  }
});
