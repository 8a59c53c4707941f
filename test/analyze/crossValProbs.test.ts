import { afterAll, describe, expect, it } from "vitest";
import { crossValProbs } from "../../src/analyze/crossValProbs";
import { labelIssues } from "../../src/analyze/labelIssues";
import { DatasetBuilder } from "../../src/dataset/builder";
import { values } from "../../src/dataset/columns";
import type { Dataset } from "../../src/dataset/dataset";
import type { Embeddings } from "../../src/embed/embed";
import { removeTmpDirs } from "../helpers/data";
import { hasPython } from "../helpers/reference";
import { blobs, maxDiff, sklearnProbs, type LogisticCase } from "../learn/helpers";

afterAll(removeTmpDirs);

/** A dataset of the case's labels (c0, c1, ...) and embeddings of its features; `groups` gives a scene field. */
function datasetOf(c: LogisticCase, groups = 0): { ds: Dataset; embeddings: Embeddings } {
  const b = new DatasetBuilder("cv", null);
  b.declareField({ name: "ground_truth", kind: "classification", predicted: false });
  const ids = Array.from(c.y, (_, i) => `s${i}`);
  c.y.forEach((y, i) =>
    b.addSample({
      id: ids[i],
      filepath: `${ids[i]}.jpg`,
      fields: { ground_truth: `c${y}`, ...(groups ? { scene: `scene${i % groups}` } : {}) },
    }),
  );
  const dim = c.X.length / c.y.length;
  const embeddings = { ids, vectors: Float32Array.from(c.X), dim } as unknown as Embeddings;
  return { ds: b.build(), embeddings };
}

/** Out-of-fold probabilities against scikit-learn's, fitted on the same folds, run live. */
describe.skipIf(!hasPython())("crossValProbs against scikit-learn 1.7.2 on the same folds", () => {
  it("gives each sample the probabilities of the model fitted on the other folds, on threads or not", async () => {
    const c = blobs(11, 600, 16, 4, 1.5);
    const { ds, embeddings } = datasetOf(c);
    const progress: number[] = [];
    const out = await crossValProbs(ds, embeddings, { k: 5, onProgress: (done) => progress.push(done) });
    expect(out.classes).toEqual(["c0", "c1", "c2", "c3"]);
    expect(out.converged).toEqual([true, true, true, true, true]);
    expect(progress.at(-1)).toBe(5);
    const folds = Int32Array.from(values<string>(ds.samples, "cv_fold"), Number);
    expect(Array.from(out.folds)).toEqual(Array.from(folds));
    // The folds are stratified: each holds a fifth of every class, to one sample.
    for (let k = 0; k < 4; k++) {
      const sizes = [0, 1, 2, 3, 4].map((f) => c.y.filter((y, i) => y === k && folds[i] === f).length);
      expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
    }
    const [reference] = sklearnProbs([{ ...c, X: Float64Array.from(embeddings.vectors), folds }]);
    const ours = new Float64Array(out.rows.length * 4);
    out.rows.forEach((r, i) => ours.set(r!, i * 4));
    expect(maxDiff(ours, reference)).toBeLessThan(1e-5);

    const oneThread = await crossValProbs(ds, embeddings, { k: 5, threads: 1 });
    expect(oneThread.rows).toEqual(out.rows);

    // What labelIssues takes.
    const issues = labelIssues(ds, { probs: out });
    expect(issues.summary.scored).toBe(600);
  });

  it("keeps groups in one fold, and refuses more folds than a class has samples", async () => {
    const c = blobs(12, 300, 8, 3, 1.5);
    const { ds, embeddings } = datasetOf(c, 30);
    const out = await crossValProbs(ds, embeddings, { k: 3, groups: "scene", seed: 4 });
    const scene = values<string>(ds.samples, "scene");
    const foldOfScene = new Map<string, Set<number>>();
    out.folds.forEach((f, i) => foldOfScene.set(scene[i], (foldOfScene.get(scene[i]) ?? new Set()).add(f)));
    expect([...foldOfScene.values()].every((s) => s.size === 1)).toBe(true);

    const two = blobs(13, 40, 4, 2, 1);
    two.y = two.y.map((_, i) => (i === 0 ? 1 : 0));
    const few = datasetOf(two);
    await expect(crossValProbs(few.ds, few.embeddings, { k: 2 })).rejects.toThrow(/k=2 is larger than class "c1"/);
  });
});
