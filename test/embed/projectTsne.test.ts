import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { tsne, tsneFit } from "../../src/embed/project/tsne";
import { tmpDir } from "../helpers/data";
import { blobs, sameBlobNeighbours } from "./projectData";
import { hasPython, PYTHON } from "../helpers/reference";

describe("t-SNE", () => {
  const { data, label } = blobs(3, 100, 20, 9);

  it("keeps well-separated blobs apart", async () => {
    const points = await tsne(data, 20);
    expect(points.length).toBe(600);
    expect(sameBlobNeighbours(points, label)).toBeGreaterThan(0.95);
  });

  it("is reproducible, with PCA or seeded random initial layouts", async () => {
    const a = await tsne(data, 20, { iterations: 300 });
    expect(Array.from(await tsne(data, 20, { iterations: 300 }))).toEqual(Array.from(a));
    const r1 = await tsne(data, 20, { iterations: 300, init: "random", seed: 3 });
    expect(Array.from(await tsne(data, 20, { iterations: 300, init: "random", seed: 3 }))).toEqual(Array.from(r1));
    expect(Array.from(await tsne(data, 20, { iterations: 300, init: "random", seed: 4 }))).not.toEqual(Array.from(r1));
  });

  it("reports progress, stops on abort, and refuses a perplexity at or above n", async () => {
    const controller = new AbortController();
    const run = tsne(data, 20, {
      signal: controller.signal,
      onProgress: (phase, done) => phase === "tsne" && done >= 100 && controller.abort(new Error("stop")),
    });
    await expect(run).rejects.toThrow("stop");
    await expect(tsne(data.subarray(0, 20 * 20), 20)).rejects.toThrow(
      /perplexity must be above 0 and below the number of rows \(20\)/,
    );
  });

  it.runIf(hasPython())(
    "reaches a KL divergence close to scikit-learn's TSNE, run live on the same unit rows",
    async () => {
      // Unit rows: scikit-learn's Euclidean affinities are then exactly the cosine ones used here.
      const unit = data.slice();
      for (let r = 0; r < unit.length / 20; r++) {
        const row = unit.subarray(r * 20, r * 20 + 20),
          norm = Math.hypot(...row);
        row.forEach((v, t) => (row[t] = v / norm));
      }
      const file = path.join(tmpDir("tsne"), "rows.f32");
      fs.writeFileSync(file, unit);
      const want = JSON.parse(
        execFileSync(
          PYTHON,
          [path.join(__dirname, "sklearn_project.py"), "tsne", file, "20", JSON.stringify({ perplexity: 30, seed: 0 })],
          { encoding: "utf8" },
        ),
      );
      const got = await tsneFit(unit, 20);
      console.log(
        `KL divergence: blindspot ${got.klDivergence.toFixed(4)}, scikit-learn ${want.kl_divergence.toFixed(4)}`,
      );
      expect(Math.abs(got.klDivergence - want.kl_divergence)).toBeLessThanOrEqual(0.05 * want.kl_divergence);
    },
  );
});
