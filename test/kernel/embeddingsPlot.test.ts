import * as aq from "arquero";
import { describe, expect, test } from "vitest";
import { plot } from "../../kernel/plot";
import type { ProjectionRecord } from "../../src/embed/project/project";
import { MIME, type ChartBundle } from "../../kernel/protocol";
import { show } from "../../kernel/show";
import { values } from "../../src/dataset/columns";
import { DatasetBuilder } from "../../src/dataset/builder";
import { mulberry32 } from "../../src/dataset/view";
import { captureOutputs, readArrow } from "./helpers";
import { linkGroup } from "../../kernel/linkGroup";

const DIM = 8;

/** n samples in three clusters (cluster c around axis c), unit rows, with a category and a number field. */
function clustered(n: number, name = "emb") {
  const b = new DatasetBuilder(name, null);
  b.declareField({ name: "ground_truth", kind: "detections", predicted: false });
  const rand = mulberry32(7);
  const vectors = new Float32Array(n * DIM);
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const c = i % 3;
    const id = b.addSample({
      filepath: `${i}.jpg`,
      width: 100,
      height: 80,
      fields: { cluster: `c${c}`, score: i / n },
    });
    ids.push(id);
    let norm = 0;
    for (let d = 0; d < DIM; d++) {
      const v = (d === c ? 3 : 0) + rand() * 0.5;
      vectors[i * DIM + d] = v;
      norm += v * v;
    }
    for (let d = 0; d < DIM; d++) vectors[i * DIM + d] /= Math.sqrt(norm);
    b.addObject({ sampleId: id, field: "ground_truth", label: c === 0 ? "car" : "person", x: 10, y: 10, w: 20, h: 20 });
  }
  return { ds: b.build(), emb: { ids, vectors, dim: DIM, model: { card: { name: "toy" } } } };
}

const numbersOf = (t: aq.ColumnTable, f: string) => Array.from(values<number | null>(t, f));

describe("plot.embeddings", () => {
  test(
    "PCA coordinates become sample fields, the scatter is coloured by a category and its brush links to " +
      "the samples",
    async () => {
      const { ds, emb } = clustered(30);
      const { outputs, notebookDir } = captureOutputs("embeddings-pca");
      const p = await plot.embeddings(ds, emb, { method: "pca", color: "cluster" });
      expect(p.kind).toBe("scatter");
      expect(p.title).toBe("PCA of toy embeddings (30 samples), coloured by cluster: brush to select");
      const x = numbersOf(ds.samples, "pca_x"),
        y = numbersOf(ds.samples, "pca_y");
      expect(x.every((v) => typeof v === "number" && Number.isFinite(v))).toBe(true);
      expect(y.every((v) => typeof v === "number" && Number.isFinite(v))).toBe(true);
      // The three clusters are apart along the first two components: same-cluster points are closer.
      const d = (i: number, j: number) => Math.hypot(x[i]! - x[j]!, y[i]! - y[j]!);
      expect(d(0, 3)).toBeLessThan(d(0, 1));
      const record = (ds.info.projections as Record<string, ProjectionRecord>).pca;
      expect(record).toMatchObject({ method: "pca", of: "samples", rows: 30 });
      expect(record.embeddings).toMatch(/^[0-9a-f]{64}$/);

      await show(p);
      const chart = outputs.at(-1)!.data[MIME.chart] as ChartBundle;
      expect(chart.group).toBe(linkGroup(ds));
      expect(chart.link).toMatchObject({ param: "brush", type: "interval", fields: { x: "x", y: "y" } });
      const main = (chart.spec.layer as Record<string, any>[])[0];
      expect(main.encoding.color).toMatchObject({ field: "color", type: "nominal", title: "cluster" });
      expect(main.encoding.x.title).toBe("pca_x");
      const rows = readArrow(notebookDir, chart.link!.rows);
      expect(rows.numRows).toBe(30);
      expect(Array.from({ length: 30 }, (_, i) => rows.getChild("id")!.get(i))).toEqual(emb.ids);
      expect(rows.getChild("x")!.get(4)).toBeCloseTo(x[4]!, 6);
      expect(rows.getChild("color")!.get(4)).toBe("c1");
    },
  );

  test(
    "UMAP is seeded (same seed, same points), a numeric colour gets a gradient, the view " + "limits the points",
    async () => {
      const a = clustered(40, "a"),
        b = clustered(40, "b");
      const pa = await plot.embeddings(a.ds, a.emb, { color: "score", seed: 3, iterations: 50 });
      await plot.embeddings(b.ds, b.emb, { seed: 3, iterations: 50 });
      expect(numbersOf(a.ds.samples, "umap_x")).toEqual(numbersOf(b.ds.samples, "umap_x"));
      expect(numbersOf(a.ds.samples, "umap_y")).toEqual(numbersOf(b.ds.samples, "umap_y"));
      const main = (pa.spec.layer as Record<string, any>[])[0];
      expect(main.encoding.color).toMatchObject({ type: "quantitative", title: "score", scale: { scheme: "viridis" } });
      const c = clustered(40, "c");
      await plot.embeddings(c.ds, c.emb, { seed: 4, iterations: 50 });
      expect(numbersOf(c.ds.samples, "umap_x")).not.toEqual(numbersOf(a.ds.samples, "umap_x"));
      const onlyC0 = await plot.embeddings(a.ds.where("cluster", "c0"), a.emb, { seed: 3, iterations: 50 });
      expect(onlyC0.data.points.rows).toBe(14);
    },
  );

  test("reuses the fields for the same embeddings and options, projects again otherwise", async () => {
    const { ds, emb } = clustered(24);
    await plot.embeddings(ds, emb, { method: "tsne", iterations: 250 });
    const first = numbersOf(ds.samples, "tsne_x");
    // Overwritten by hand: a reuse keeps the hand-written values, a new projection replaces them.
    const mark = () => ds.setFields(aq.table({ id: emb.ids, tsne_x: emb.ids.map(() => 42) }));
    mark();
    await plot.embeddings(ds, emb, { method: "tsne", iterations: 250, color: "cluster" });
    expect(numbersOf(ds.samples, "tsne_x").every((v) => v === 42)).toBe(true);
    await plot.embeddings(ds, emb, { method: "tsne", iterations: 250, recompute: true });
    expect(numbersOf(ds.samples, "tsne_x")).toEqual(first);
    mark();
    await plot.embeddings(ds, emb, { method: "tsne", iterations: 300 });
    expect(numbersOf(ds.samples, "tsne_x").some((v) => v !== 42)).toBe(true);
    mark();
    const other = { ...emb, vectors: emb.vectors.map((v, i) => (i % DIM === 0 ? v * 0.9 : v)) };
    await plot.embeddings(ds, other, { method: "tsne", iterations: 300 });
    expect(numbersOf(ds.samples, "tsne_x").some((v) => v !== 42)).toBe(true);
    // Another key keeps both projections.
    await plot.embeddings(ds, emb, { method: "pca", key: "pca_images" });
    expect(ds.samples.columnNames()).toEqual(
      expect.arrayContaining(["tsne_x", "tsne_y", "pca_images_x", "pca_images_y"]),
    );
  });

  test("samples without an embedding are left out of the plot and get no coordinates", async () => {
    const { ds, emb } = clustered(12);
    const some = { ...emb, ids: emb.ids.slice(0, 9), vectors: emb.vectors.slice(0, 9 * DIM) };
    const p = await plot.embeddings(ds, some, { method: "pca" });
    expect(p.data.points.rows).toBe(9);
    expect(numbersOf(ds.samples, "pca_x").slice(9)).toEqual([null, null, null]);
  });

  test(
    "embeddings of boxes: points are objects, coloured by an object field, and select the samples " + "they belong to",
    async () => {
      const { ds } = clustered(18);
      const objectIds = Array.from(values<number>(ds.objects, "id"));
      const vectors = new Float32Array(objectIds.length * 2);
      objectIds.forEach((_, i) => {
        vectors[2 * i] = Math.cos(i);
        vectors[2 * i + 1] = Math.sin(i);
      });
      const boxes = { ids: objectIds, vectors, dim: 2 };
      const { outputs, notebookDir } = captureOutputs("embeddings-boxes");
      const p = await plot.embeddings(ds, boxes, { method: "pca", color: "label", key: "box_pca" });
      expect(p.title).toMatch(/^PCA of embeddings \(18 boxes\), coloured by label/);
      expect(ds.objects.columnNames()).toEqual(expect.arrayContaining(["box_pca_x", "box_pca_y"]));
      expect(ds.samples.columnNames()).not.toContain("box_pca_x");
      expect((ds.info.projections as Record<string, ProjectionRecord>).box_pca.of).toBe("objects");
      await show(p);
      const chart = outputs.at(-1)!.data[MIME.chart] as ChartBundle;
      const rows = readArrow(notebookDir, chart.link!.rows);
      expect(rows.numRows).toBe(18);
      const sampleOf = new Map(Array.from(values<string>(ds.objects, "sample_id"), (s, i) => [objectIds[i], s]));
      expect(Array.from({ length: 18 }, (_, i) => rows.getChild("id")!.get(i))).toEqual(
        objectIds.map((o) => sampleOf.get(o)),
      );
      expect(new Set(Array.from({ length: 18 }, (_, i) => rows.getChild("color")!.get(i)))).toEqual(
        new Set(["car", "person"]),
      );
      // A sample field colours boxes too.
      const bySample = await plot.embeddings(ds, boxes, { method: "pca", color: "cluster", key: "box_pca" });
      expect(bySample.data.points.rows).toBe(18);
    },
  );

  test("refuses what it cannot draw, with the reason and a hint", async () => {
    const { ds, emb } = clustered(12);
    await expect(plot.embeddings(ds, emb, { method: "mds" as never })).rejects.toThrow(
      /unknown projection "mds"[\s\S]*"umap", "tsne", "pca"/,
    );
    await expect(plot.embeddings(ds, emb, { color: "label" })).rejects.toThrow(
      /"label" is a field of the boxes, but these embeddings are of whole images[\s\S]*crops/,
    );
    await expect(plot.embeddings(ds, emb, { color: "nope" })).rejects.toThrow(
      /no field "nope" to colour by[\s\S]*sample fields: id/,
    );
    await expect(plot.embeddings(ds, { ...emb, ids: ["x.jpg", ...emb.ids.slice(1)] })).rejects.toThrow(
      /1 of the 12 embeddings belong to no sample of dataset "emb" \(e\.g\. \["x\.jpg"\]\)[\s\S]*computed on/,
    );
    await expect(plot.embeddings(ds, { ...emb, dim: 7 })).rejects.toThrow(/96 numbers for 12 ids of dimension 7/);
    await expect(plot.embeddings(ds, emb, { key: "a b" })).rejects.toThrow(/key must be a name/);
    await expect(
      plot.embeddings(ds, { ...emb, ids: emb.ids.slice(0, 2), vectors: emb.vectors.slice(0, 2 * DIM) }),
    ).rejects.toThrow(/UMAP needs at least 3 embeddings, got 2/);
    await expect(plot.embeddings(aq.table({ a: [1] }) as never, emb)).rejects.toThrow(/needs a dataset or a view/);
    await expect(plot.embeddings(ds, {} as never)).rejects.toThrow(
      /needs embeddings \{ ids, vectors, dim \}[\s\S]*computeEmbeddings/,
    );
  });
});
