/**
 * Drift of image embeddings, two ways. A domain classifier: a logistic regression learns to tell
 * current rows from reference rows; its ROC AUC on held-out folds is 0.5 when the sets look alike
 * and drifts above Evidently's 0.55. And the maximum mean discrepancy (unbiased MMD^2, Gaussian
 * kernel with the median distance as its width) with a permutation p-value. The verdict is the
 * MMD test's: it accounts for the sets' sizes, where the AUC of a classifier fitted on a few
 * hundred rows of a thousand dimensions and more strays past 0.55 by chance (0.58 between two halves of the
 * demo's reference period).
 */

import { values } from "../../dataset/columns";
import type { Dataset } from "../../dataset/dataset";
import { mulberry32, type View } from "../../dataset/view";
import type { Embeddings } from "../../embed/embed";
import { BlindspotError } from "../../errors";
import { rocAuc } from "../../eval/classification/curves";
import { fitFolds } from "../../learn/foldPool";
import { samplesOf } from "./index";

export interface EmbeddingDriftOptions {
  /** Held-out folds of the domain classifier (default 2). */
  folds?: number;
  /** ROC AUC above which the embeddings drift (default 0.55, Evidently's). */
  aucThreshold?: number;
  /** Label permutations of the MMD test (default 200) and the p-value under which it drifts (default 0.05). */
  permutations?: number;
  alpha?: number;
  /** Rows per set the MMD uses at most (a seeded sample; default 1,000: the kernel matrix grows with the square). */
  mmdRows?: number;
  seed?: number;
}

export interface EmbeddingDrift {
  reference: number;
  current: number;
  auc: number;
  aucThreshold: number;
  aucDrift: boolean;
  mmd: number;
  /** The Gaussian kernel's width: the median distance between the pooled rows. */
  bandwidth: number;
  pValue: number;
  /** The verdict: the MMD test's p-value is under alpha. */
  drifted: boolean;
  /** The fold of each row (reference rows first), and the permutations of the MMD test, for checking. */
  foldOf: Int32Array;
  permuted: Int32Array[];
}

/** The drift of two sets' image embeddings (rows of `embeddings` by sample id). */
export async function embeddingDrift(
  reference: Dataset | View,
  current: Dataset | View,
  embeddings: Embeddings,
  options: EmbeddingDriftOptions = {},
): Promise<EmbeddingDrift> {
  const { dim } = embeddings;
  const a = embeddingRows(embeddings, values<string>(samplesOf(reference), "id")),
    b = embeddingRows(embeddings, values<string>(samplesOf(current), "id"));
  if (a.length < 2 * dim || b.length < 2 * dim)
    throw new BlindspotError({
      place: "embeddingDrift",
      message: `the sets have ${a.length / dim} and ${b.length / dim} samples; each needs at least two`,
      hint: "compare larger sets (a window of a few dozen images at least)",
    });
  return embeddingRowsDrift(a, b, dim, options);
}

/** The embedding rows of these samples, in their order. */
export function embeddingRows(e: Embeddings, ids: ArrayLike<string>): Float32Array {
  const rowOf = new Map((e.ids as string[]).map((id, r) => [id, r]));
  const out = new Float32Array(ids.length * e.dim);
  for (let i = 0; i < ids.length; i++) {
    const r = rowOf.get(ids[i]);
    if (r === undefined)
      throw new BlindspotError({
        place: "embeddingDrift: embeddings",
        message: `sample ${ids[i]} has no embedding`,
        hint: "pass the embeddings computeEmbeddings(ds) returned for the dataset both sets come from",
      });
    out.set(e.vectors.subarray(r * e.dim, (r + 1) * e.dim), i * e.dim);
  }
  return out;
}

export async function embeddingRowsDrift(
  reference: Float32Array,
  current: Float32Array,
  dim: number,
  options: EmbeddingDriftOptions = {},
): Promise<EmbeddingDrift> {
  const n1 = reference.length / dim,
    n2 = current.length / dim;
  const seed = options.seed ?? 0;
  const k = options.folds ?? 2;
  const X = new Float64Array((n1 + n2) * dim);
  X.set(reference);
  X.set(current, n1 * dim);
  const y = Int32Array.from({ length: n1 + n2 }, (_, i) => (i < n1 ? 0 : 1));
  const foldOf = stratifiedFolds(y, k, seed);
  const fitted = await fitFolds({ X, y, folds: foldOf, k, classes: 2, options: {} });
  const auc = rocAuc(
    y,
    Float64Array.from({ length: n1 + n2 }, (_, i) => fitted.probs[i * 2 + 1]),
  );
  const aucThreshold = options.aucThreshold ?? 0.55;
  const mmd = mmdTest(reference, current, dim, options);
  return {
    reference: n1,
    current: n2,
    auc,
    aucThreshold,
    aucDrift: auc > aucThreshold,
    ...mmd,
    drifted: mmd.pValue < (options.alpha ?? 0.05),
    foldOf,
  };
}

/** Each class's rows shuffled (seeded) and dealt to the folds in turn. */
function stratifiedFolds(y: Int32Array, k: number, seed: number): Int32Array {
  const rand = mulberry32(seed);
  const folds = new Int32Array(y.length);
  for (const c of [0, 1]) {
    const rows = Array.from(y.keys()).filter((i) => y[i] === c);
    shuffle(rows, rand);
    rows.forEach((r, j) => (folds[r] = j % k));
  }
  return folds;
}

function shuffle(xs: number[] | Int32Array, rand: () => number): void {
  for (let i = xs.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [xs[i], xs[j]] = [xs[j], xs[i]];
  }
}

/** Unbiased MMD^2 of the two sets and its permutation p-value, (1 + as large or larger) / (1 + permutations). */
function mmdTest(reference: Float32Array, current: Float32Array, dim: number, options: EmbeddingDriftOptions) {
  const rand = mulberry32((options.seed ?? 0) + 1);
  const cap = options.mmdRows ?? 1000;
  const a = sampleRows(reference, dim, cap, rand),
    b = sampleRows(current, dim, cap, rand);
  const n1 = a.length / dim,
    n = n1 + b.length / dim;
  const rows = new Float32Array(n * dim);
  rows.set(a);
  rows.set(b, n1 * dim);
  const d2 = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = i + 1; j < n; j++) {
      let s = 0;
      for (let t = 0; t < dim; t++) {
        const d = rows[i * dim + t] - rows[j * dim + t];
        s += d * d;
      }
      d2[i * n + j] = d2[j * n + i] = s;
    }
  const upper: number[] = [];
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) upper.push(Math.sqrt(d2[i * n + j]));
  const bandwidth = median(upper) || 1;
  const K = d2.map((v) => Math.exp(-v / (2 * bandwidth * bandwidth)));
  const identity = Int32Array.from({ length: n }, (_, i) => i);
  const mmd = mmd2(K, n, identity, n1);
  const permuted: Int32Array[] = [];
  let larger = 0;
  for (let p = 0; p < (options.permutations ?? 200); p++) {
    const order = identity.slice();
    shuffle(order, rand);
    permuted.push(order);
    if (mmd2(K, n, order, n1) >= mmd) larger++;
  }
  return { mmd, bandwidth, pValue: (1 + larger) / (1 + permuted.length), permuted };
}

/** Unbiased MMD^2 of the rows order[0..n1) against order[n1..n), from the kernel matrix. */
function mmd2(K: Float64Array, n: number, order: Int32Array, n1: number): number {
  const n2 = n - n1;
  let xx = 0,
    yy = 0,
    xy = 0;
  for (let i = 0; i < n; i++) {
    const ri = order[i] * n;
    for (let j = i + 1; j < n; j++) {
      const v = K[ri + order[j]];
      if (j < n1) xx += v;
      else if (i >= n1) yy += v;
      else xy += v;
    }
    // Pairs (i, j) with i < n1 <= j are counted above; those with j < n1 <= i never occur (j > i).
  }
  return (2 * xx) / (n1 * (n1 - 1)) + (2 * yy) / (n2 * (n2 - 1)) - (2 * xy) / (n1 * n2);
}

function sampleRows(rows: Float32Array, dim: number, cap: number, rand: () => number): Float32Array {
  const n = rows.length / dim;
  if (n <= cap) return rows;
  const picked = Array.from({ length: n }, (_, i) => i);
  shuffle(picked, rand);
  const out = new Float32Array(cap * dim);
  picked.slice(0, cap).forEach((r, i) => out.set(rows.subarray(r * dim, (r + 1) * dim), i * dim));
  return out;
}

function median(xs: number[]): number {
  const s = Float64Array.from(xs).sort();
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}
