import * as fs from "node:fs";
import * as path from "node:path";
import sharp from "sharp";
import { afterEach, describe, expect, test } from "vitest";
import { stopCropServers, CropServer } from "../../kernel/artifacts/cropRequests";
import { cropFile, cropRect, MIN_CROP_SIDE } from "../../kernel/artifacts/crops";
import { MIME, parsePatchId, patchCropPath, selectionPath, type PatchesBundle } from "../../kernel/protocol";
import { selection } from "../../kernel/selection";
import { show } from "../../kernel/show";
import { DatasetBuilder } from "../../src/dataset/builder";
import { values } from "../../src/dataset/columns";
import { MODEL_FIELD } from "../../src/demo";
import { evaluateDetections } from "../../src/eval/detection";
import { tmpDir } from "../helpers/data";
import { captureOutputs, demoDataset, lastOf, readArrow } from "./helpers";
import { linkGroup } from "../../kernel/linkGroup";

afterEach(() => stopCropServers());

/** Gray 400 x 300 image with a red 60 x 40 rectangle at (100, 80) and a blue one touching the right edge. */
async function redBoxImage(dir: string): Promise<string> {
  const file = path.join(dir, "red.png");
  const w = 400,
    h = 300;
  const px = Buffer.alloc(w * h * 3, 128);
  const paint = (x0: number, y0: number, bw: number, bh: number, rgb: number[]) => {
    for (let y = y0; y < y0 + bh; y++) for (let x = x0; x < x0 + bw; x++) px.set(rgb, (y * w + x) * 3);
  };
  paint(100, 80, 60, 40, [220, 20, 20]);
  paint(380, 10, 20, 10, [20, 20, 220]);
  await sharp(px, { raw: { width: w, height: h, channels: 3 } })
    .png()
    .toFile(file);
  return file;
}

async function rgbAt(file: string, x: number, y: number): Promise<number[]> {
  const { data, info } = await sharp(file).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const i = (y * info.width + x) * 3;
  return [data[i], data[i + 1], data[i + 2]];
}

describe("crop rectangles", () => {
  test("the box grown by 1.25 around its centre, at least 32 px, square-ish, inside the image", () => {
    expect(cropRect(100, 80, 60, 40, 400, 300)).toEqual([93, 75, 75, 50]);
    expect(cropRect(50, 50, 4, 4, 400, 300)).toEqual([36, 36, MIN_CROP_SIDE, MIN_CROP_SIDE]);
    // A thin box: the short side grows to half the long one.
    expect(cropRect(0, 100, 200, 10, 400, 300)).toEqual([0, 43, 250, 125]);
    // Past the right edge: moved inside; larger than the image: cut to it.
    expect(cropRect(380, 10, 20, 10, 400, 300)).toEqual([368, 0, 32, 32]);
    expect(cropRect(0, 0, 400, 300, 400, 300)).toEqual([0, 0, 400, 300]);
    expect(cropRect(0, 0, 10, 10, 0, 0)).toBeNull();
  });
});

describe("show(ds.patches(...))", () => {
  test("crops cut from the full image at the box's place, the box drawn in the crop's frame", async () => {
    const { outputs, notebookDir } = captureOutputs("patches-geometry");
    const images = tmpDir("patches-images");
    await redBoxImage(images);
    const b = new DatasetBuilder("geometry", images);
    b.declareField({ name: "ground_truth", kind: "detections", predicted: false });
    const id = b.addSample({ filepath: "red.png", width: 400, height: 300 });
    b.addObject({ sampleId: id, field: "ground_truth", label: "red", x: 100, y: 80, w: 60, h: 40 });
    b.addObject({ sampleId: id, field: "ground_truth", label: "blue", x: 380, y: 10, w: 20, h: 10 });
    const ds = b.build();
    await show(ds.patches("ground_truth"));
    const bundle = lastOf<PatchesBundle>(outputs, MIME.patches);
    expect(bundle.kind).toBe("patches");
    expect(bundle.total).toBe(2);
    const rows = readArrow(notebookDir, bundle.samples);
    const crop = (i: number) =>
      ["crop_x", "crop_y", "width", "height"].map((c) => Number(rows.getChild(c)!.at(i))) as [
        number,
        number,
        number,
        number,
      ];
    expect(crop(0)).toEqual([93, 75, 75, 50]);
    expect(crop(1)).toEqual([368, 0, 32, 32]);
    const file = path.join(
      notebookDir,
      patchCropPath(String(rows.getChild("image")!.at(0)), crop(0), bundle.thumbSize),
    );
    const meta = await sharp(file).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(["webp", 192, 128]);
    // Red inside the box's place in the crop, gray in the context around it.
    const s = 192 / 75;
    const [r, g] = await rgbAt(file, Math.round((130 - 93) * s), Math.round((100 - 75) * s));
    expect(r).toBeGreaterThan(180);
    expect(g).toBeLessThan(60);
    expect((await rgbAt(file, 4, 4)).every((v) => Math.abs(v - 128) < 8)).toBe(true);
    expect((await rgbAt(file, Math.round((100 - 93) * s) - 4, 64))[0]).toBeLessThan(140);
    expect((await rgbAt(file, Math.round((100 - 93) * s) + 4, 64))[0]).toBeGreaterThan(180);
    // The same pixels as cutting the original: mean difference of a lossy encoding only.
    const direct = await sharp(path.join(images, "red.png"))
      .extract({ left: 93, top: 75, width: 75, height: 50 })
      .resize(192, 128)
      .raw()
      .toBuffer();
    const made = await sharp(file).removeAlpha().raw().toBuffer();
    let diff = 0;
    for (let i = 0; i < made.length; i++) diff += Math.abs(made[i] - direct[i]);
    expect(diff / made.length).toBeLessThan(3);
    // The tile's box: fractions of the crop.
    const boxes = readArrow(notebookDir, bundle.objects!.files[0]);
    expect([0, 1, 2, 3].map((k) => Number(boxes.getChild(["x", "y", "w", "h"][k])!.at(0)))).toEqual(
      [7 / 75, 5 / 50, 60 / 75, 40 / 50].map(Math.fround),
    );
    // The crops are cached: showing again writes nothing new.
    const mtime = fs.statSync(file).mtimeMs;
    await show(ds.patches("ground_truth"));
    expect(fs.statSync(file).mtimeMs).toBe(mtime);
  });

  test("a box whose image cannot be read, or whose path leaves the images folder, gets a tile saying why", async () => {
    const { outputs, notebookDir } = captureOutputs("patches-missing");
    const images = tmpDir("patches-missing-images");
    await redBoxImage(images);
    const b = new DatasetBuilder("missing", images);
    b.declareField({ name: "ground_truth", kind: "detections", predicted: false });
    for (const filepath of ["red.png", "gone.png", "../outside.png"]) {
      const id = b.addSample({ filepath, width: 400, height: 300 });
      b.addObject({ sampleId: id, field: "ground_truth", label: "red", x: 100, y: 80, w: 60, h: 40 });
    }
    await show(b.build().patches("ground_truth"));
    const bundle = lastOf<PatchesBundle>(outputs, MIME.patches);
    expect([bundle.total, bundle.missingThumbs]).toEqual([3, 2]);
    const rows = readArrow(notebookDir, bundle.samples);
    const why = [0, 1, 2].map((i) => rows.getChild("thumb_missing")!.at(i));
    expect(why[0]).toBeNull();
    expect(why[1]).toMatch(/image file not found/);
    expect(why[2]).toMatch(/outside|escap|leaves/i);
  });

  test("demo FPs: one row per FP box, their fields, the first crops made, the samples' grid", async () => {
    const ds = await demoDataset();
    const { outputs, notebookDir } = captureOutputs("patches-demo");
    const ev = evaluateDetections(ds, MODEL_FIELD);
    const fpTotal = Array.from(values<number>(ev.perClass(), "fp")).reduce((a, b) => a + b, 0);
    const fpObjects = ds.objects.filter(`d => d.field === '${MODEL_FIELD}' && d.${ev.key} === 'fp'`).numRows();
    expect(fpTotal).toBe(fpObjects);
    await show(ds.patches(MODEL_FIELD, { outcome: "fp" }));
    const bundle = lastOf<PatchesBundle>(outputs, MIME.patches);
    expect(bundle.total).toBe(fpTotal);
    expect(bundle.group).toBe(`${linkGroup(ds)}/patches`);
    expect(bundle.caption).toEqual(["label", "confidence", ev.key]);
    const rows = readArrow(notebookDir, bundle.samples);
    expect(rows.numRows).toBe(fpTotal);
    const outcomes = new Set(rows.getChild(ev.key)!.toArray());
    expect([...outcomes]).toEqual(["fp"]);
    // Largest first.
    const areas = rows.getChild("area")!.toArray() as Float64Array;
    for (let i = 1; i < areas.length; i++) expect(areas[i]).toBeLessThanOrEqual(areas[i - 1]);
    // Ids name the sample and the object; the objects are the dataset's FP boxes.
    const objectIds = new Set(values<number>(ds.objects.filter(`d => d.${ev.key} === 'fp'`), "id"));
    const ids = Array.from(rows.getChild("id")!.toArray() as string[]);
    expect(ids.every((id) => objectIds.has(parsePatchId(id)!.object))).toBe(true);
    // The first crops exist before the output appears.
    const first = Math.min(20, fpTotal);
    for (let i = 0; i < first; i++) {
      const crop = ["crop_x", "crop_y", "width", "height"].map((c) => Number(rows.getChild(c)!.at(i))) as [
        number,
        number,
        number,
        number,
      ];
      expect(
        fs.existsSync(
          path.join(notebookDir, patchCropPath(String(rows.getChild("image")!.at(i)), crop, bundle.thumbSize)),
        ),
      ).toBe(true);
    }
    // The samples' own grid files, with object ids, for the large view.
    const sampleRows = readArrow(notebookDir, bundle.patches.samples.samples);
    expect(sampleRows.numRows).toBe(new Set(ids.map((id) => parsePatchId(id)!.sample)).size);
    const sampleBoxes = readArrow(notebookDir, bundle.patches.samples.objects!.files[0]);
    expect(sampleBoxes.names).toContain("id");
    expect(JSON.stringify(outputs.at(-1)!.data["text/plain"])).toContain(`${fpTotal} boxes`);
  });

  test("selection() of a patches grid: the boxes picked and their samples", async () => {
    const ds = await demoDataset();
    const { notebookDir } = captureOutputs("patches-selection");
    evaluateDetections(ds, MODEL_FIELD);
    await show(ds.patches(MODEL_FIELD, { outcome: "fp", label: "car" }));
    const group = `${linkGroup(ds)}/patches`;
    const oids = values<number>(ds.objects, "id"),
      sids = values<string>(ds.objects, "sample_id");
    const picked = [`${sids[3]}#${oids[3]}`, `${sids[9]}#${oids[9]}`];
    const file = path.join(notebookDir, selectionPath(group));
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(
      file,
      JSON.stringify({ version: 1, group, dataset: linkGroup(ds), picked, filter: null, updated: "" }),
    );
    expect(selection({ objects: true })).toEqual({
      objects: [oids[3], oids[9]],
      samples: [...new Set([sids[3], sids[9]])],
    });
    expect(selection(group)).toEqual([...new Set([sids[3], sids[9]])]);
  });
});

describe("crops on request", () => {
  test("rows the renderer asks for are made while the kernel is idle; others are not", async () => {
    const { notebookDir } = captureOutputs("patches-requests");
    const images = tmpDir("patches-request-images");
    const image = await redBoxImage(images);
    const job = (row: number) => ({
      path: image,
      image: "ab".repeat(16),
      crop: [row, 0, 40, 40] as [number, number, number, number],
    });
    const requests = path.join(notebookDir, "blindspot-artifacts/patches/requests/k.json");
    const server = new CropServer(requests, 300, job, 64, 300).start();
    fs.mkdirSync(path.dirname(requests), { recursive: true });
    fs.writeFileSync(requests, JSON.stringify({ version: 1, rows: [250, 7] }));
    const wanted = [250, 7].map((r) => cropFile(job(r).image, job(r).crop, 64));
    for (let t = 0; t < 100 && !wanted.every((f) => fs.existsSync(f)); t++)
      await new Promise((r) => setTimeout(r, 100));
    expect(wanted.every((f) => fs.existsSync(f))).toBe(true);
    expect(fs.existsSync(cropFile(job(8).image, job(8).crop, 64))).toBe(false);
    server.stop();
  });
});
