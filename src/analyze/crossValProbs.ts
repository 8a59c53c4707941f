/**
 * Out-of-fold predicted probabilities from a dataset's embeddings, for confident learning
 * (labelIssues): the samples are cut into k leak-free folds by `split` (stratified by the label,
 * groups and duplicate sets kept whole), and each fold is predicted by an L2 logistic regression
 * (learn/logisticRegression.ts, scikit-learn's LogisticRegression(solver="lbfgs")) fitted on the
 * others, so that no sample is scored by a model that saw its label. Folds are fitted on worker
 * threads, one per core.
 */

import type { Dataset } from "../dataset/dataset";
import { values } from "../dataset/columns";
import type { Embeddings } from "../embed/embed";
import { BlindspotError } from "../errors";
import { fitFolds } from "../learn/foldPool";
import type { LogisticOptions } from "../learn/logisticRegression";
import { withProgress } from "../progress";
import { classLabels } from "./classLabels";
import { split } from "./split";

export interface CrossValOptions extends LogisticOptions {
  /** Folds (default 5). */
  k?: number;
  /** A sample field whose values stay in one fold (scene, video, patient). */
  groups?: string;
  /** Shuffle before cutting the folds, with this seed (default: no shuffle, as scikit-learn). */
  seed?: number;
  /** The classification field learned (default: ground_truth, else the only ground-truth field). */
  labelField?: string;
  /** The sample field that records each sample's fold (default "cv_fold"). */
  field?: string;
  /** Threads fitting folds (default: one per core). */
  threads?: number;
  /** Called with (folds fitted, k). */
  onProgress?: (done: number, total: number) => void;
}

export interface CrossValProbs {
  /** Class order of the rows. */
  classes: string[];
  /** Per sample (ds order): its out-of-fold probabilities, or null without a label or an embedding. */
  rows: (Float64Array | null)[];
  /** Per sample: its fold, or -1. */
  folds: Int32Array;
  /** L-BFGS iterations of each fold's fit, and whether each converged. */
  iterations: number[];
  converged: boolean[];
}

export function crossValProbs(
  ds: Dataset,
  embeddings: Embeddings,
  options: CrossValOptions = {},
): Promise<CrossValProbs> {
  return withProgress("cross-validated probabilities", options, false, (o) => run(ds, embeddings, o));
}

async function run(ds: Dataset, embeddings: Embeddings, options: CrossValOptions): Promise<CrossValProbs> {
  const labels = classLabels(ds, options.labelField, "crossValProbs");
  if (labels.unit !== "samples") {
    throw new BlindspotError({
      place: "crossValProbs: labelField",
      message: `${JSON.stringify(labels.field.name)} holds boxes; crossValProbs learns classification labels`,
      hint: "name a classification field with { labelField }",
    });
  }
  const k = options.k ?? 5;
  const field = options.field ?? "cv_fold";
  split(ds, {
    k,
    stratify: labels.field.name,
    groups: options.groups,
    seed: options.seed ?? 0,
    shuffle: options.seed !== undefined,
    field,
  });
  const foldOf = values<unknown>(ds.samples, field);
  const ids = values<string>(ds.samples, "id");
  const rowOf = new Map<string | number, number>(embeddings.ids.map((id, r) => [id, r]));
  const dim = embeddings.dim;
  // The samples with a label and an embedding, their class, fold and features.
  const used = Array.from(labels.sampleRows).flatMap((r, i) =>
    rowOf.has(ids[r]) && foldOf[r] != null ? [{ sample: r, label: labels.codes[i] }] : [],
  );
  const X = new Float64Array(used.length * dim);
  used.forEach((u, i) => {
    const r = rowOf.get(ids[u.sample])!;
    for (let j = 0; j < dim; j++) X[i * dim + j] = embeddings.vectors[r * dim + j];
  });
  const y = Int32Array.from(used, (u) => u.label);
  const folds = Int32Array.from(used, (u) => Number(foldOf[u.sample]));
  const K = labels.classes.length;
  const { C, memory, gradientTolerance, valueTolerance, maxIterations } = options;
  const fit = { C, memory, gradientTolerance, valueTolerance, maxIterations };
  const fits = await fitFolds({ X, y, folds, k, classes: K, options: fit }, options.threads, options.onProgress);

  const rows: (Float64Array | null)[] = new Array(ds.count()).fill(null);
  const sampleFolds = new Int32Array(ds.count()).fill(-1);
  used.forEach((u, i) => {
    rows[u.sample] = fits.probs.slice(i * K, (i + 1) * K);
    sampleFolds[u.sample] = folds[i];
  });
  return {
    classes: labels.classes,
    rows,
    folds: sampleFolds,
    iterations: fits.iterations,
    converged: fits.converged,
  };
}
