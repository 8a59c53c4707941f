import { describe, expect, it } from "vitest";
import { umap } from "../../src/embed/project/umap";
import { blobs, sameBlobNeighbours } from "./projectData";

describe("UMAP", () => {
  const { data, label } = blobs(3, 120, 20, 5);

  it("keeps well-separated blobs apart", async () => {
    const points = await umap(data, 20, { seed: 1 });
    expect(points.length).toBe(2 * 360);
    expect(sameBlobNeighbours(points, label)).toBeGreaterThan(0.95);
  });

  it("is reproducible: the same seed gives the same layout, another seed another", async () => {
    const a = await umap(data, 20, { seed: 7, nEpochs: 50 });
    const b = await umap(data, 20, { seed: 7, nEpochs: 50 });
    const c = await umap(data, 20, { seed: 8, nEpochs: 50 });
    expect(Array.from(b)).toEqual(Array.from(a));
    expect(Array.from(c)).not.toEqual(Array.from(a));
  });

  it("reports progress, stops on abort, and refuses too few rows", async () => {
    const phases = new Set<string>();
    const controller = new AbortController();
    const run = umap(data, 20, {
      nEpochs: 200,
      signal: controller.signal,
      onProgress: (phase, done) => {
        phases.add(phase);
        if (phase === "umap" && done >= 50) controller.abort(new Error("stop"));
      },
    });
    await expect(run).rejects.toThrow("stop");
    expect([...phases]).toEqual(["knn", "umap"]);
    await expect(umap(new Float32Array(4), 2)).rejects.toThrow(/at least 3 rows/);
  });
});
