import { averagePrecision, rocAuc } from "./curves";
import type { ProbabilityMatrix } from "./probabilistic";

/** Column c of the probabilities and whether each sample is of class c. */
function oneVsRest(
  truth: ArrayLike<number>,
  probs: ProbabilityMatrix,
  c: number,
): { positive: Uint8Array; score: Float64Array } {
  const n = truth.length,
    positive = new Uint8Array(n),
    score = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    positive[i] = truth[i] === c ? 1 : 0;
    score[i] = probs.values[i * probs.k + c];
  }
  return { positive, score };
}

/** Mean of a binary score over classes, one against the rest; weighted by class support or not. */
function overClasses(
  truth: ArrayLike<number>,
  probs: ProbabilityMatrix,
  average: "macro" | "weighted",
  metric: (positive: Uint8Array, score: Float64Array) => number,
): number {
  let sum = 0,
    weights = 0;
  for (let c = 0; c < probs.k; c++) {
    const { positive, score } = oneVsRest(truth, probs, c);
    let support = 0;
    for (let i = 0; i < positive.length; i++) support += positive[i];
    const w = average === "weighted" ? support : 1;
    sum += w * metric(positive, score);
    weights += w;
  }
  return sum / weights;
}

/** ROC AUC of each class against the rest, averaged (scikit-learn's multi_class="ovr"). */
export function rocAucOneVsRest(
  truth: ArrayLike<number>,
  probs: ProbabilityMatrix,
  average: "macro" | "weighted" = "macro",
): number {
  return overClasses(truth, probs, average, rocAuc);
}

/** Average precision of each class against the rest, averaged. */
export function averagePrecisionOneVsRest(
  truth: ArrayLike<number>,
  probs: ProbabilityMatrix,
  average: "macro" | "weighted" = "macro",
): number {
  return overClasses(truth, probs, average, averagePrecision);
}

/**
 * ROC AUC over every pair of classes (Hand and Till; scikit-learn's multi_class="ovo", macro):
 * for a pair (a, b), the samples of a or b, scored a-vs-b with column a and b-vs-a with column b.
 */
export function rocAucOneVsOne(truth: ArrayLike<number>, probs: ProbabilityMatrix): number {
  const { k, values } = probs;
  let sum = 0,
    pairs = 0;
  for (let a = 0; a < k; a++) {
    for (let b = a + 1; b < k; b++) {
      const positive: number[] = [],
        scoreA: number[] = [],
        scoreB: number[] = [];
      for (let i = 0; i < truth.length; i++) {
        if (truth[i] !== a && truth[i] !== b) continue;
        positive.push(truth[i] === a ? 1 : 0);
        scoreA.push(values[i * k + a]);
        scoreB.push(values[i * k + b]);
      }
      sum +=
        (rocAuc(positive, scoreA) +
          rocAuc(
            positive.map((p) => 1 - p),
            scoreB,
          )) /
        2;
      pairs++;
    }
  }
  return sum / pairs;
}
