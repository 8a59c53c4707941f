import { afterEach, describe, expect, it } from "vitest";
import { knn, pca, umap } from "../src/index";
import { setDefaultProgress, type ProgressFactory } from "../src/progress";

/** A default reporter that records the runs it was opened for and what they reported. */
function recorder() {
  const runs: { labels: string[]; reports: [string, number, number][]; closed: boolean }[] = [];
  const factory: ProgressFactory = (labelOf) => {
    const run = { labels: [] as string[], reports: [] as [string, number, number][], closed: false };
    runs.push(run);
    return {
      onProgress(phase, done, total) {
        run.labels.push(labelOf(phase));
        run.reports.push([phase, done, total]);
      },
      done: () => void (run.closed = true),
    };
  };
  return { runs, factory };
}

/** n rows of dim pseudo-random numbers (a fixed sequence: the test needs rows, not randomness). */
function rows(n: number, dim: number): Float32Array {
  return Float32Array.from({ length: n * dim }, (_, i) => (Math.sin(i * 12.9898) * 43758.5453) % 1);
}

afterEach(() => setDefaultProgress(null));

describe("the engine's default progress reporter", () => {
  it("reports a long run called without onProgress, and closes it at the end", async () => {
    const { runs, factory } = recorder();
    setDefaultProgress(factory);
    await pca(rows(50, 8), 8);
    expect(runs).toHaveLength(1);
    expect(runs[0].closed).toBe(true);
    expect(runs[0].reports.at(-1)).toEqual(["pca", 50, 50]);
    expect(runs[0].labels.at(-1)).toBe("PCA: pca");
  });

  it("gives the runs inside a run no reporter of their own: UMAP's k-NN is a phase of UMAP's", async () => {
    const { runs, factory } = recorder();
    setDefaultProgress(factory);
    await umap(rows(40, 4), 4, { nEpochs: 20 });
    expect(runs).toHaveLength(1);
    const phases = new Set(runs[0].reports.map(([phase]) => phase));
    expect([...phases]).toEqual(["knn", "umap"]);
    expect(runs[0].labels[0]).toBe("UMAP: nearest neighbours");
  });

  it("stays out of a run given its own onProgress, and of every run when none is set", async () => {
    const { runs, factory } = recorder();
    setDefaultProgress(factory);
    const own: number[] = [];
    await knn(rows(30, 4), 4, 3, { onProgress: (_, done) => own.push(done) });
    expect(runs).toHaveLength(0);
    expect(own.length).toBeGreaterThan(0);
    setDefaultProgress(null);
    await knn(rows(30, 4), 4, 3);
    expect(runs).toHaveLength(0);
  });

  it("closes the reporter when the run fails", async () => {
    const { runs, factory } = recorder();
    setDefaultProgress(factory);
    await expect(umap(rows(2, 4), 4)).rejects.toThrow(/UMAP needs at least 3 rows/);
    expect(runs.every((r) => r.closed)).toBe(true);
  });
});
