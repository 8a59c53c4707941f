import * as fs from "node:fs";
import * as path from "node:path";
import sharp from "sharp";
import { afterAll, describe, expect, it } from "vitest";
import { values } from "../../src/dataset/columns";
import { BlindspotError } from "../../src/errors";
import { load } from "../../src/formats/api";
import { plantNearCopies, type PlantManifest } from "../../src/plant/nearCopies";
import { HAS_SHARED, SHARED, onSharedData, VOC_IMAGES, removeTmpDirs, tmpDir } from "../helpers/data";

afterAll(removeTmpDirs);

const SIGNS = path.join(SHARED, "sign-digits/Dataset");
const firstFiles = (dir: string, n: number) =>
  fs
    .readdirSync(dir)
    .sort()
    .slice(0, n)
    .map((f) => path.join(dir, f));

describe.skipIf(!HAS_SHARED)(onSharedData("plantNearCopies on real photos"), () => {
  it("writes the originals untouched, seeded near copies, and a manifest with splits", async () => {
    const sources = firstFiles(VOC_IMAGES, 30);
    const out = tmpDir("plant-voc");
    const m = await plantNearCopies({ sources, out, count: 20, seed: 7, flip: true });
    expect(m.pairs).toHaveLength(20);
    expect(JSON.parse(fs.readFileSync(path.join(out, "planted.json"), "utf8"))).toEqual(m);
    for (const s of sources) expect(fs.readFileSync(path.join(out, path.basename(s)))).toEqual(fs.readFileSync(s));
    expect(new Set(m.pairs.map((p) => p.source)).size).toBe(20);
    expect(Object.keys(m.split).sort()).toEqual(
      [...sources.map((s) => path.basename(s)), ...m.pairs.map((p) => p.copy)].sort(),
    );
    expect(m.pairs.filter((p) => m.split[p.copy] !== m.split[p.source])).toHaveLength(10);
    for (const p of m.pairs) {
      expect(p.transforms.length).toBeGreaterThanOrEqual(1);
      expect(p.transforms.length).toBeLessThanOrEqual(3);
      const meta = await sharp(path.join(out, p.copy)).metadata();
      expect(meta.format).toBe("jpeg");
      const src = await sharp(path.join(out, p.source)).metadata();
      // The copy's size follows from its edits: only a crop or a rescale changes it.
      const resized = p.transforms.some((t) => t.kind === "crop" || t.kind === "rescale");
      if (!resized) expect([meta.width, meta.height]).toEqual([src.width, src.height]);
    }
    for (const t of m.pairs.flatMap((p) => p.transforms)) {
      if (t.kind === "crop") expect(t.left + t.right).toBeGreaterThanOrEqual(0.05 - 1e-4);
      if (t.kind === "crop") expect(t.left + t.right).toBeLessThanOrEqual(0.15 + 1e-4);
      if (t.kind === "rescale") expect(t.factor).toBeGreaterThanOrEqual(0.5);
      if (t.kind === "rescale") expect(t.factor).toBeLessThanOrEqual(2);
      if (t.kind === "jpeg") expect(t.quality).toBeGreaterThanOrEqual(30);
      if (t.kind === "jpeg") expect(t.quality).toBeLessThanOrEqual(95);
      if (t.kind === "brightness") expect(Math.abs(t.factor - 1)).toBeLessThanOrEqual(0.2);
    }

    // The same seed gives the same manifest and the same bytes; another seed another plan.
    const again = tmpDir("plant-voc");
    expect(await plantNearCopies({ sources, out: again, count: 20, seed: 7, flip: true })).toEqual(m);
    for (const p of m.pairs)
      expect(fs.readFileSync(path.join(again, p.copy))).toEqual(fs.readFileSync(path.join(out, p.copy)));
    const other: PlantManifest = await plantNearCopies({ sources, out: tmpDir("plant-voc"), count: 20, seed: 8 });
    expect(other.pairs.map((p) => p.transforms)).not.toEqual(m.pairs.map((p) => p.transforms));
  });

  it("keeps class folders, so a copy loads as its source's class with the image-folder format", async () => {
    const sources = ["3", "7"].flatMap((c) => firstFiles(path.join(SIGNS, c), 12));
    const out = tmpDir("plant-signs");
    const m = await plantNearCopies({ sources, out, root: SIGNS, count: 10, seed: 1 });
    const ds = await load(out, { format: "image-folder" });
    expect(ds.count()).toBe(34);
    const files = values<string>(ds.samples, "filepath");
    const labels = values<string>(ds.samples, "ground_truth");
    const label = new Map(Array.from(files, (f, i) => [f, labels[i]]));
    for (const p of m.pairs) {
      expect(label.get(p.copy)).toBeDefined();
      expect(label.get(p.copy)).toBe(label.get(p.source));
    }
  });

  it("refuses bad input and writes nothing", async () => {
    const out = path.join(tmpDir("plant-bad"), "never");
    const sources = firstFiles(VOC_IMAGES, 3);
    await expect(plantNearCopies({ sources, out, count: 4 })).rejects.toThrow(BlindspotError);
    await expect(plantNearCopies({ sources: [], out, count: 0 })).rejects.toThrow(/no source images/);
    await expect(plantNearCopies({ sources: [...sources, "nope.jpg"], out, count: 1 })).rejects.toThrow(/not found/);
    expect(fs.existsSync(out)).toBe(false);
  });
});
