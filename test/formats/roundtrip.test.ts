import * as fs from "node:fs";
import * as path from "node:path";
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { values } from "../../src/dataset/columns";
import type { Dataset } from "../../src/dataset/dataset";
import { exportDataset, load } from "../../src/formats/api";
import { FORMATS } from "../../src/formats/registry";
import type { Format } from "../../src/formats/format";
import { canonical, compareCanonical, HAS_SHARED, SHARED, tmpDir, VOC, VOC_IMAGES } from "../helpers/data";

/** Writable formats that hold boxes: every ordered pair is converted A -> B and compared. */
const BOX_FORMATS = FORMATS.filter((f) => f.write && f.read && f.holds.boxes && f.name !== "coco-results");

/** Where a format writes: a file for file formats, a folder for the others. */
function target(dir: string, f: Format): string {
  const file: Record<string, string> = {
    coco: "labels.json",
    jsonl: "labels.jsonl",
    cvat: "annotations.xml",
    openimages: "boxes.csv",
    tfrecord: "labels.tfrecord",
  };
  return path.join(dir, file[f.name] ?? f.name);
}

async function roundTrip(ds: Dataset, f: Format, dir: string, images: string): Promise<Dataset> {
  const out = target(dir, f);
  await exportDataset(ds, out, { format: f.name, lossy: true });
  return load(out, { format: f.name, images });
}

/** TFRecord stores box coordinates as float32 (the format's own type): ~6e-8 of the image size. */
const tolerance = (...fs: Format[]) => (fs.some((f) => f.name === "tfrecord") ? 1e-7 : 1e-9);

/** Compares what both formats of a pair hold. */
function holdsBoth(a: Format, b: Format) {
  return {
    crowd: a.holds.crowd && b.holds.crowd,
    confidence: a.holds.confidence && b.holds.confidence,
    segmentation: a.holds.polygons && b.holds.polygons && a.holds.rle && b.holds.rle,
  };
}

/** COCO val images are not shipped; blank images of the same sizes stand in for them. */
async function blankImages(ds: Dataset, dir: string): Promise<string> {
  const fps = values<string>(ds.samples, "filepath"),
    ws = values<number>(ds.samples, "width"),
    hs = values<number>(ds.samples, "height");
  for (let i = 0; i < fps.length; i++) {
    await sharp({ create: { width: ws[i], height: hs[i], channels: 3, background: "#808080" } })
      .jpeg()
      .toFile(path.join(dir, fps[i]));
  }
  return dir;
}

describe.skipIf(!HAS_SHARED)("convert: every pair of writable formats round-trips", async () => {
  const sets: [string, Dataset, string][] = [];
  if (HAS_SHARED) {
    sets.push(["voc100", await load(path.join(VOC, "voc100_gt_coco.json"), { images: VOC_IMAGES }), VOC_IMAGES]);
    const cocoDs = await load(path.join(SHARED, "coco-fake100/instances_val2014_100.json"));
    sets.push(["coco-fake100", cocoDs, await blankImages(cocoDs, tmpDir("coco-images"))]);
  }

  for (const [name, source, images] of sets) {
    const ref = canonical(source, "ground_truth");
    for (const a of BOX_FORMATS) {
      it(`${name}: ${a.name} -> every format`, async () => {
        const dir = tmpDir(`rt-${name}-${a.name}`);
        const viaA = await roundTrip(source, a, dir, images);
        expect(
          compareCanonical(ref, canonical(viaA, "ground_truth"), { ...holdsBoth(a, a), tol: tolerance(a) }),
        ).toEqual([]);
        for (const b of BOX_FORMATS) {
          const sub = path.join(dir, `to-${b.name}`);
          fs.mkdirSync(sub);
          const viaB = await roundTrip(viaA, b, sub, images);
          const diffs = compareCanonical(ref, canonical(viaB, "ground_truth"), {
            ...holdsBoth(a, b),
            tol: tolerance(a, b),
          });
          expect(diffs, `${a.name} -> ${b.name}`).toEqual([]);
        }
      });
    }
  }

  it("a format that cannot hold something refuses to write and says what", async () => {
    const cocoDs = sets[1][1];
    const dir = tmpDir("refuse");
    await expect(exportDataset(cocoDs, path.join(dir, "voc"), { format: "voc" })).rejects.toThrow(
      /crowd flags.*\n.*polygon|polygon[\s\S]*crowd/,
    );
    expect(fs.existsSync(path.join(dir, "voc"))).toBe(false);
    const report = await exportDataset(cocoDs, path.join(dir, "voc"), { format: "voc", lossy: true });
    expect(report.dropped.join("\n")).toMatch(/crowd flags/);
    expect(report.dropped.join("\n")).toMatch(/RLE masks/);
  });

  it("COCO -> COCO keeps ids, areas, crowd regions and RLE/polygons exactly", async () => {
    const src = path.join(SHARED, "coco-fake100/instances_val2014_100.json");
    const dir = tmpDir("coco-exact");
    const ds = await load(src);
    await exportDataset(ds, path.join(dir, "out.json"), { format: "coco" });
    const a = JSON.parse(fs.readFileSync(src, "utf8"));
    const b = JSON.parse(fs.readFileSync(path.join(dir, "out.json"), "utf8"));
    const byId = (list: { id: number }[]) => new Map(list.map((x) => [x.id, x]));
    expect(byId(b.annotations)).toEqual(byId(a.annotations));
    expect(byId(b.images)).toEqual(byId(a.images));
    expect(b.categories).toEqual(a.categories);
    expect(b.info).toEqual(a.info);
  });
});
