import { describe, expect, it } from "vitest";
import { values } from "../../src/dataset/columns";
import { DatasetBuilder } from "../../src/dataset/builder";
import { mulberry32 } from "../../src/dataset/view";
import { projectEmbeddings, type ProjectionRecord } from "../../src/index";

const DIM = 6;

/** n samples with random unit embeddings, the last sample left without one. */
function embedded(n: number) {
  const b = new DatasetBuilder("proj", null);
  const rand = mulberry32(3);
  const ids = Array.from({ length: n }, (_, i) => b.addSample({ filepath: `${i}.jpg`, width: 10, height: 10 }));
  const vectors = Float32Array.from({ length: (n - 1) * DIM }, () => rand() - 0.5);
  return { ds: b.build(), emb: { ids: ids.slice(0, -1), vectors, dim: DIM } };
}

describe("projectEmbeddings, without a notebook", () => {
  it(
    "writes <key>_x, <key>_y sample fields, null where a sample has no embedding, and records " + "the projection",
    async () => {
      const { ds, emb } = embedded(25);
      const p = await projectEmbeddings(ds, emb, { method: "pca", key: "map" });
      expect(p).toEqual({ x: "map_x", y: "map_y", of: "samples", rows: 24, reused: false });
      const x = Array.from(values<number | null>(ds.samples, "map_x"));
      expect(x.slice(0, -1).every((v) => typeof v === "number" && Number.isFinite(v))).toBe(true);
      expect(x.at(-1)).toBeNull();
      const record = (ds.info.projections as Record<string, ProjectionRecord>).map;
      expect(record).toMatchObject({ method: "pca", of: "samples", rows: 24 });
    },
  );

  it("reuses the fields for the same embeddings and options, and projects again when they change", async () => {
    const { ds, emb } = embedded(30);
    const progress: string[] = [];
    const onProgress = (phase: string) => progress.push(phase);
    const first = await projectEmbeddings(ds, emb, { method: "umap", seed: 1, iterations: 20, onProgress });
    const xs = Array.from(values<number>(ds.samples, "umap_x"));
    expect(first.reused).toBe(false);
    expect(new Set(progress)).toEqual(new Set(["knn", "umap"]));

    progress.length = 0;
    expect((await projectEmbeddings(ds, emb, { method: "umap", seed: 1, iterations: 20, onProgress })).reused).toBe(
      true,
    );
    expect(progress).toEqual([]);
    expect(Array.from(values<number>(ds.samples, "umap_x"))).toEqual(xs);

    expect((await projectEmbeddings(ds, emb, { method: "umap", seed: 2, iterations: 20 })).reused).toBe(false);
    const changed = { ...emb, vectors: emb.vectors.map((v) => -v) };
    expect((await projectEmbeddings(ds, changed, { method: "umap", seed: 2, iterations: 20 })).reused).toBe(false);
    expect(
      (await projectEmbeddings(ds, changed, { method: "umap", seed: 2, iterations: 20, recompute: true })).reused,
    ).toBe(false);
  });

  it("refuses embeddings of another dataset, naming them", async () => {
    const { ds, emb } = embedded(10);
    await expect(projectEmbeddings(ds, { ...emb, ids: ["x", ...emb.ids.slice(1)] })).rejects.toThrow(
      /1 of the 9 embeddings belong to no sample of dataset "proj" \(e\.g\. \["x"\]\)/,
    );
  });
});
