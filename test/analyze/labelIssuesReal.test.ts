import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { crossValProbs } from "../../src/analyze/crossValProbs";
import { labelIssues } from "../../src/analyze/labelIssues";
import { values } from "../../src/dataset/columns";
import { computeEmbeddings, type Embeddings } from "../../src/embed/embed";
import { pca } from "../../src/embed/project/pca";
import { load } from "../../src/formats/api";
import { plantLabelFlips } from "../../src/plant/labelFlips";
import { HAS_SHARED, removeTmpDirs, SHARED, onSharedData, TEST_CACHE, tmpDir } from "../helpers/data";
import { hasPython } from "../helpers/reference";
import { expectCleanlabIssues } from "./cleanlab";

afterAll(removeTmpDirs);

/**
 * Label issues on real photos: sign-digits (2,062 hands, 10 classes) with 5 % of the labels flipped by
 * plantLabelFlips (seed 14), probabilities from the built-in cross-validation (5 folds, a logistic regression on the
 * MobileNetV2 embeddings' first 64 principal components), every filter's issues and the ranked list equal to
 * cleanlab 2.9.0's run live on the same probabilities; how many of the flips are found is printed and must stay high.
 */
describe.skipIf(!HAS_SHARED || !hasPython())(onSharedData("label issues on sign-digits with flipped labels"), () => {
  it("equal cleanlab's on out-of-fold probabilities, and find most flipped labels", { timeout: 600_000 }, async () => {
    const out = tmpDir("flipped");
    const planted = plantLabelFlips({
      dir: path.join(SHARED, "sign-digits/Dataset"),
      out,
      fraction: 0.05,
      seed: 14,
    });
    expect(planted.flips.length).toBe(103);
    const ds = await load(out, { format: "image-folder" });
    const full = await computeEmbeddings(ds, { cacheRoot: TEST_CACHE });
    const reduced = {
      ...full,
      vectors: await pca(full.vectors, full.dim, { components: 64 }),
      dim: 64,
    } as Embeddings;
    const cv = await crossValProbs(ds, reduced, { k: 5 });
    expect(cv.converged.every(Boolean)).toBe(true);

    const result = labelIssues(ds, { probs: cv });
    expectCleanlabIssues(cv, values<string>(ds.samples, "ground_truth"), 2062);

    const ids = values<string>(ds.samples, "id");
    const files = values<string>(ds.samples, "filepath");
    const flippedIds = new Set(planted.flips.map((f) => ids[Array.from(files).indexOf(f.file)]));
    const flagged = result.issues.array("sample_id") as string[];
    const found = flagged.filter((id) => flippedIds.has(id)).length;
    console.log(
      `sign-digits, 103 of 2,062 labels flipped: ${flagged.length} flagged, ${found} of them flipped ` +
        `(recall ${(found / 103).toFixed(2)}, precision ${(found / flagged.length).toFixed(2)}); ` +
        `L-BFGS iterations per fold ${cv.iterations.join(", ")}`,
    );
    expect(found / 103).toBeGreaterThanOrEqual(0.7);
  });
});
