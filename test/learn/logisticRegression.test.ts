import { afterAll, describe, expect, it } from "vitest";
import { fitLogistic, predictProbs } from "../../src/learn/logisticRegression";
import { removeTmpDirs } from "../helpers/data";
import { hasPython } from "../helpers/reference";
import { blobs, maxDiff, sklearnProbs, type LogisticCase } from "./helpers";

afterAll(removeTmpDirs);

/** The same model as scikit-learn's LogisticRegression(solver="lbfgs"), run live: probabilities within 1e-5. */
describe.skipIf(!hasPython())("logistic regression against scikit-learn 1.7.2", () => {
  const cases: [string, LogisticCase][] = [
    ["two classes (binomial)", blobs(1, 300, 6, 2, 1.5)],
    ["three classes", blobs(2, 400, 10, 3, 1.2)],
    ["ten classes, 64 features, C 0.1", { ...blobs(3, 800, 64, 10, 2), C: 0.1 }],
    ["separable classes, C 100", { ...blobs(4, 200, 4, 3, 0.2), C: 100 }],
  ];
  const reference = sklearnProbs(cases.map(([, c]) => c));
  cases.forEach(([name, c], i) => {
    it(name, () => {
      const model = fitLogistic(c.X, c.y, c.classes, { C: c.C });
      expect(model.converged).toBe(true);
      expect(maxDiff(predictProbs(model, c.X), reference[i])).toBeLessThan(1e-5);
    });
  });
});

describe("the WebAssembly kernel and the TypeScript loops", () => {
  it("fit the same multinomial model (odd row and feature counts included)", () => {
    for (const c of [blobs(5, 401, 33, 5, 1.2), blobs(6, 64, 7, 3, 0.8)]) {
      const wasm = fitLogistic(c.X, c.y, c.classes, { gradientTolerance: 1e-10, valueTolerance: 0 });
      const ts = fitLogistic(c.X, c.y, c.classes, { gradientTolerance: 1e-10, valueTolerance: 0, engine: "ts" });
      expect(maxDiff(predictProbs(wasm, c.X), predictProbs(ts, c.X))).toBeLessThan(1e-7);
    }
  });
});
