import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { expect } from "vitest";
import { mulberry32 } from "../../src/dataset/view";
import { tmpDir } from "../helpers/data";
import { PYTHON } from "../helpers/reference";

export interface LogisticCase {
  X: Float64Array;
  y: Int32Array;
  classes: number;
  C: number;
  folds?: Int32Array;
}

/** scikit-learn's predict_proba for each case (test/learn/sklearn_logistic.py), n x classes flat. */
export function sklearnProbs(cases: LogisticCase[]): number[][] {
  const file = path.join(tmpDir("sklearn-logistic"), "cases.json");
  fs.writeFileSync(
    file,
    JSON.stringify(
      cases.map((c) => ({
        X: Array.from(c.X),
        y: Array.from(c.y),
        C: c.C,
        folds: c.folds ? Array.from(c.folds) : null,
      })),
    ),
  );
  const out = execFileSync(PYTHON, [path.join(__dirname, "sklearn_logistic.py"), file], {
    encoding: "utf8",
    maxBuffer: 1 << 28,
  });
  const parsed = JSON.parse(out) as { sklearn: string; cases: number[][] };
  expect(parsed.sklearn).toBe("1.7.2");
  return parsed.cases;
}

/** n samples of d features around a mean per class, seeded. */
export function blobs(seed: number, n: number, d: number, classes: number, spread: number): LogisticCase {
  const rand = mulberry32(seed);
  const centres = Float64Array.from({ length: classes * d }, () => rand() * 2 - 1);
  const y = Int32Array.from({ length: n }, () => Math.floor(rand() * classes));
  const X = Float64Array.from(
    { length: n * d },
    (_, i) => centres[y[Math.floor(i / d)] * d + (i % d)] + spread * (rand() * 2 - 1),
  );
  return { X, y, classes, C: 1 };
}

export const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>) =>
  Array.from(a).reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);
