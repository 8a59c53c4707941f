import * as fs from "node:fs";
import * as path from "node:path";
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { values } from "../../src/dataset/columns";
import { DatasetBuilder } from "../../src/dataset/builder";
import type { Dataset } from "../../src/dataset/dataset";
import { computeEmbeddings } from "../../src/embed/embed";
import { imageFolder } from "../../src/formats/imageFolder";
import { computeQuality, flagQuality } from "../../src/quality/issues";
import { tmpDir } from "../helpers/data";
import { writeBrokenAndUnusualImages } from "../helpers/brokenImages";
import { randomImage } from "./helpers";

/**
 * computeQuality on a folder of broken and unusual images (brokenImages.ts): the broken ones
 * become problems on their samples (with null scores), the unusual ones are scored, and the
 * run goes on.
 */
function dataset(dir: string, names: string[]): Dataset {
  const b = new DatasetBuilder("mixed", dir);
  for (const n of names) b.addSample({ filepath: n });
  return b.build();
}

describe("computeQuality on broken and unusual images", () => {
  it("records each broken image as a problem and scores the rest", async () => {
    const dir = tmpDir("quality-problems");
    const expected = await writeBrokenAndUnusualImages(dir);
    const names = Object.keys(expected);
    const ds = dataset(dir, names);
    const progress: number[] = [];
    const summary = await computeQuality(ds, {
      maxPixels: 5e6,
      batchSize: 4,
      onProgress: (done) => progress.push(done),
    });

    const broken = names.filter((n) => expected[n] !== null);
    expect(summary).toMatchObject({
      images: names.length,
      failed: broken.length,
      scored: names.length - broken.length,
    });
    expect(progress.at(-1)).toBe(names.length);
    const kinds = Object.fromEntries(ds.problems.map((p) => [p.sampleId, p.kind]));
    for (const n of broken) expect(kinds[n], n).toBe(expected[n]);
    const laplacian = values<number | null>(ds.samples, "quality_laplacian_var"),
      dark = values<boolean | null>(ds.samples, "is_dark");
    const gray = values<boolean | null>(ds.samples, "is_grayscale");
    names.forEach((n, i) => {
      expect(laplacian[i] === null, n).toBe(expected[n] !== null);
      expect(dark[i] === null, n).toBe(expected[n] !== null);
    });
    // A single-channel 8-bit file is grayscale (Pillow mode "L"); RGBA, 16-bit and CMYK are not.
    expect(names.filter((_, i) => gray[i])).toEqual(["gray.png"]);

    // A second run records no problem twice.
    await computeQuality(ds, { maxPixels: 5e6 });
    expect(ds.problems.length).toBe(broken.length);
  });

  it(
    "the graph, the TypeScript scorer in workers and on the calling thread write the same scores; a cache makes a " +
      "rerun decode nothing; thresholds change flags only",
    async () => {
      const dir = tmpDir("quality-engines");
      const names: string[] = [];
      for (const [w, h, seed] of [
        [120, 90, 1],
        [120, 90, 2],
        [33, 200, 3],
        [2, 2, 4],
        [1, 5, 5],
      ])
        names.push(path.basename(await randomImage(dir, w, h, seed)));
      fs.copyFileSync(path.join(dir, names[0]), path.join(dir, "copy.png"));
      names.push("copy.png");
      const a = dataset(dir, names),
        b = dataset(dir, names),
        c0 = dataset(dir, names);
      const cache = path.join(dir, ".cache");
      const first = await computeQuality(a, { cacheRoot: cache, engine: "graph" });
      const pooled = await computeQuality(b, { engine: "auto", provider: "cpu", workers: 2, batchSize: 3 });
      const inline = await computeQuality(c0, { engine: "reference", workers: 0 });
      expect(first.ranOn).not.toBe("typescript");
      expect([pooled.ranOn, inline.ranOn]).toEqual(["typescript", "typescript"]);
      const columns = a.samples.columnNames().filter((c) => c.startsWith("quality_") || c.startsWith("is_"));
      for (const c of columns) expect(Array.from(values(b.samples, c)), c).toEqual(Array.from(values(a.samples, c)));
      for (const c of columns) expect(Array.from(values(c0.samples, c)), c).toEqual(Array.from(values(a.samples, c)));
      expect(first.issues.exact_duplicate).toBe(2);

      const again = await computeQuality(a, { cacheRoot: cache });
      expect([again.computed, again.reused]).toEqual([0, names.length]);
      for (const c of columns) expect(Array.from(values(a.samples, c)), c).toEqual(Array.from(values(b.samples, c)));

      const before = Array.from(values(a.samples, "quality_laplacian_var"));
      const counts = flagQuality(a, { dark: { threshold: 1.01 } });
      expect(counts.dark).toBe(names.length);
      expect(Array.from(values(a.samples, "quality_laplacian_var"))).toEqual(before);
      expect(flagQuality(a).dark).toBe(first.issues.dark);
    },
  );

  it("flagQuality before computeQuality says what to run", () => {
    const ds = dataset(tmpDir("quality-none"), ["a.jpg"]);
    expect(() => flagQuality(ds)).toThrow(/run computeQuality/);
  });

  it("a truncated JPEG is one problem, from the load through the quality pass and the embeddings", async () => {
    const dir = tmpDir("quality-truncated");
    const jpeg = fs.readFileSync(await randomImage(dir, 120, 90, 7));
    const whole = await sharp(jpeg).jpeg().toBuffer();
    fs.mkdirSync(path.join(dir, "cat"));
    fs.writeFileSync(path.join(dir, "cat/whole.jpg"), whole);
    fs.writeFileSync(path.join(dir, "cat/cut.jpg"), whole.subarray(0, Math.floor(whole.length * 0.6)));
    const ds = await imageFolder.read!(dir, {});
    const only = () => ds.problems.map((p) => [p.sampleId, p.kind, p.file]);
    const id = values<string>(ds.samples, "id")[
      Array.from(values<string>(ds.samples, "filepath")).indexOf("cat/cut.jpg")
    ];
    const cut = [id, "truncated-image", path.join(dir, "cat/cut.jpg")];
    expect(only()).toEqual([cut]);
    expect((await computeQuality(ds, { cacheRoot: null })).failed).toBe(1);
    expect(only()).toEqual([cut]);
    await computeEmbeddings(ds, { model: "mobilenet_v2_1.0", cacheRoot: null });
    expect(only()).toEqual([cut]);
  });
});
