import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { values } from "../../src/dataset/columns";
import sharp from "sharp";
import { DatasetBuilder } from "../../src/dataset/builder";
import { computeEmbeddings, openEmbeddingSession, type Embeddings } from "../../src/embed/embed";
import { knn } from "../../src/embed/knn";
import { loadModel } from "../../src/embed/model/load";
import { MOBILENET } from "../../src/embed/model/mobilenet";
import { load } from "../../src/formats/api";
import { coco } from "../../src/formats/coco";
import { releaseSessions } from "../../src/onnx/session";
import { writeBrokenAndUnusualImages } from "../helpers/brokenImages";
import { HAS_SHARED, SHARED, SKIP_MESSAGE, tmpDir, VOC_COCO, VOC_IMAGES, writeImage } from "../helpers/data";

/**
 * The built-in MobileNetV2 on real photos: 1,000 of sign-digits' hand signs (100 of each of the 10)
 * embedded, timed with decoding included, and judged by leave-one-out 10-NN (cosine) accuracy.
 * The model comes from the models cache that scripts/setup.sh fills (converted here if missing).
 */
const SIGNS = path.join(SHARED, "sign-digits/Dataset");
/** Hands per sign in the subset the embedding tests use (the whole set is embedded by the analyses' tests). */
const PER_SIGN = 100;

/** The first PER_SIGN photos of each sign, by name, copied into a folder of the same layout. */
function signsSubset(): string {
  const out = tmpDir("signs-subset");
  for (const sign of fs.readdirSync(SIGNS).sort()) {
    fs.mkdirSync(path.join(out, sign));
    for (const file of fs.readdirSync(path.join(SIGNS, sign)).sort().slice(0, PER_SIGN))
      fs.copyFileSync(path.join(SIGNS, sign, file), path.join(out, sign, file));
  }
  return out;
}

afterAll(releaseSessions);

/** Leave-one-out 10-NN (cosine) accuracy: each row takes the majority label of its 10 nearest other rows. */
async function knnAccuracy(emb: Embeddings, labels: string[]): Promise<number> {
  const k = 10;
  const nn = await knn(emb.vectors, emb.dim, k);
  let correct = 0;
  for (let r = 0; r < labels.length; r++) {
    const votes = new Map<string, number>();
    for (let j = 0; j < k; j++) {
      const l = labels[nn.indices[r * k + j]];
      votes.set(l, (votes.get(l) ?? 0) + 1);
    }
    if ([...votes.entries()].reduce((a, b) => (b[1] > a[1] ? b : a))[0] === labels[r]) correct++;
  }
  return correct / labels.length;
}

describe.skipIf(!HAS_SHARED)("embeddings of sign-digits", () => {
  it.each([
    [MOBILENET, 1792, 0.7],
    ["mobilenet_v2_1.0", 1280, 0.6],
  ])(
    "by %s separate the 10 hand signs: leave-one-out 10-NN accuracy far above chance (10%)",
    async (name, dim, least) => {
      const ds = await load(signsSubset(), { format: "image-folder" });
      expect(ds.count()).toBe(1000);
      const model = await loadModel(name);
      await openEmbeddingSession(model.path); // compiled once per process: not part of the throughput
      const t0 = performance.now();
      const emb = await computeEmbeddings(ds, { model: name });
      const seconds = (performance.now() - t0) / 1000;
      expect(emb.dim).toBe(dim);
      expect(emb.ids).toEqual(Array.from(values<string>(ds.samples, "id")));
      expect(emb.failed).toEqual([]);
      for (let r = 0; r < emb.ids.length; r += 97) {
        const row = emb.vectors.subarray(r * emb.dim, (r + 1) * emb.dim);
        expect(Math.hypot(...row)).toBeCloseTo(1, 5);
      }

      const accuracy = await knnAccuracy(emb, Array.from(values<string>(ds.samples, "ground_truth")));
      console.log(
        `sign-digits by ${name}: ${emb.ids.length} images embedded on ${emb.provider} in ${seconds.toFixed(1)} s ` +
          `(${(emb.ids.length / seconds).toFixed(0)} images/s, decode included); leave-one-out 10-NN accuracy ` +
          `${(accuracy * 100).toFixed(1)}%`,
      );
      expect(accuracy).toBeGreaterThan(least);
    },
    600_000,
  );

  it("of VOC100's boxes: crops' 10-NN labels beat the majority class", async () => {
    const ds = await coco.read!(VOC_COCO, { images: VOC_IMAGES });
    const emb = await computeEmbeddings(ds, { crops: { field: "ground_truth", context: 0.1 } });
    const ids = values<number>(ds.objects, "id"),
      labels = values<string>(ds.objects, "label");
    expect(emb.ids).toEqual(Array.from(ids));
    const accuracy = await knnAccuracy(emb, Array.from(labels));
    const counts = new Map<string, number>();
    for (const l of labels) counts.set(l, (counts.get(l) ?? 0) + 1);
    const majority = Math.max(...counts.values()) / labels.length;
    console.log(
      `VOC100 boxes: ${emb.ids.length} crops (context 0.1), leave-one-out 10-NN label accuracy ` +
        `${(accuracy * 100).toFixed(1)}% (majority class ${(majority * 100).toFixed(1)}%)`,
    );
    expect(accuracy).toBeGreaterThan(majority + 0.1);
  }, 300_000);
});
if (!HAS_SHARED) it.skip(SKIP_MESSAGE, () => {});

/** A 120 x 80 PNG with a gradient and a block: content the model responds to. */
async function writePattern(file: string): Promise<void> {
  const raw = Buffer.alloc(120 * 80 * 3);
  for (let y = 0; y < 80; y++)
    for (let x = 0; x < 120; x++) {
      const o = 3 * (y * 120 + x);
      raw[o] = 2 * x;
      raw[o + 1] = 3 * y;
      raw[o + 2] = x > 40 && x < 90 && y > 20 && y < 60 ? 255 : 0;
    }
  fs.mkdirSync(path.dirname(file), { recursive: true });
  await sharp(raw, { raw: { width: 120, height: 80, channels: 3 } })
    .png()
    .toFile(file);
}

const dot = (e: Embeddings, a: number, b: number) =>
  e.vectors.subarray(a * e.dim, (a + 1) * e.dim).reduce((s, v, t) => s + v * e.vectors[b * e.dim + t], 0);

describe("embeddings", () => {
  it("record an unreadable image as a problem on its sample and go on", async () => {
    const dir = tmpDir("embed-bad");
    await writePattern(path.join(dir, "a/ok.png"));
    await writeImage(path.join(dir, "b/ok.jpg"), 30, 50);
    fs.writeFileSync(path.join(dir, "b/broken.jpg"), Buffer.from("not a jpeg at all"));
    const ds = await load(dir, { format: "image-folder" });
    // The loader's header check found it; the embeddings, which fail on it too, add nothing.
    const broken = [{ sampleId: "b/broken.jpg", kind: "corrupt-image", file: path.join(dir, "b/broken.jpg") }];
    expect(ds.problems).toMatchObject(broken);
    const emb = await computeEmbeddings(ds, { batchSize: 2 });
    expect(emb.ids).toEqual(["a/ok.png", "b/ok.jpg"]);
    expect(emb.failed).toEqual(["b/broken.jpg"]);
    expect(ds.problems).toMatchObject(broken);
    // Nor does a rerun.
    await computeEmbeddings(ds, { batchSize: 2 });
    expect(ds.problems).toMatchObject(broken);
  });

  it(
    "turn truncated, corrupt, empty, non-image, huge and missing files into problems and embed the " + "unusual ones",
    async () => {
      const dir = tmpDir("embed-broken");
      const expected = await writeBrokenAndUnusualImages(dir);
      const names = Object.keys(expected);
      const b = new DatasetBuilder("broken", dir);
      for (const n of names) b.addSample({ filepath: n });
      const ds = b.build();
      const emb = await computeEmbeddings(ds, { maxPixels: 5e6, batchSize: 4 });
      const broken = names.filter((n) => expected[n] !== null);
      expect([...emb.failed].sort()).toEqual([...broken].sort());
      expect([...emb.ids].sort()).toEqual(names.filter((n) => expected[n] === null).sort());
      expect(Object.fromEntries(ds.problems.map((p) => [p.sampleId, p.kind]))).toEqual(
        Object.fromEntries(broken.map((n) => [n, expected[n]])),
      );
      expect(emb.vectors.every(Number.isFinite)).toBe(true);
    },
  );

  it(
    "of boxes: a whole-image box embeds like the image, context widens the box, empty boxes and missing images " +
      "are problems",
    async () => {
      const dir = tmpDir("embed-crops");
      await writePattern(path.join(dir, "a.png"));
      const b = new DatasetBuilder("crops", dir);
      b.declareField({ name: "gt", kind: "detections", predicted: false });
      b.addSample({ filepath: "a.png", width: 120, height: 80 });
      b.addSample({ filepath: "gone.png", width: 120, height: 80 });
      const box = (sampleId: string, x: number, y: number, w: number, h: number) =>
        b.addObject({ sampleId, field: "gt", label: "thing", x, y, w, h });
      box("a.png", 0, 0, 120, 80);
      box("a.png", 30, 20, 40, 20);
      box("a.png", 20, 15, 60, 30); // the box above with context 0.25
      box("a.png", 200, 200, 10, 10);
      box("gone.png", 0, 0, 10, 10);
      const ds = b.build();
      const objectIds = Array.from(values<number>(ds.objects, "id"));

      const whole = await computeEmbeddings(ds);
      expect(whole.ids).toEqual(["a.png"]);
      const crops = await computeEmbeddings(ds, { crops: { field: "gt" } });
      expect(crops.ids).toEqual(objectIds.slice(0, 3));
      expect(crops.failed).toEqual(objectIds.slice(3));
      // The missing image was recorded once, by the first run.
      expect(ds.problems.map((p) => p.kind).sort()).toEqual(["box-outside-image", "missing-image"]);
      expect(dot(crops, 0, 0)).toBeCloseTo(1, 5);
      const full = crops.vectors.subarray(0, crops.dim).reduce((s, v, t) => s + v * whole.vectors[t], 0);
      expect(full).toBeGreaterThan(0.99);

      const widened = await computeEmbeddings(ds, { crops: { field: "gt", context: 0.25 } });
      expect(widened.vectors.subarray(widened.dim, 2 * widened.dim)).toEqual(
        crops.vectors.subarray(2 * crops.dim, 3 * crops.dim),
      );
      expect(dot(crops, 1, 2)).toBeLessThan(0.99);
    },
  );

  it("are cached by image content: a rerun reuses every row and gives the same vectors", async () => {
    const dir = tmpDir("embed-cache");
    await writePattern(path.join(dir, "x/one.png"));
    await writeImage(path.join(dir, "y/two.jpg"), 64, 48);
    const ds = await load(dir, { format: "image-folder" });
    const cacheRoot = path.join(dir, ".blindspot-cache");
    const first = await computeEmbeddings(ds, { cacheRoot });
    const again = await computeEmbeddings(ds, { cacheRoot });
    expect([first.computed, first.reused, again.computed, again.reused]).toEqual([2, 0, 0, 2]);
    expect(again.vectors).toEqual(first.vectors);
    const b = new DatasetBuilder("boxes", dir);
    b.declareField({ name: "gt", kind: "detections", predicted: false });
    b.addSample({ filepath: "x/one.png", width: 120, height: 80 });
    b.addObject({ sampleId: "x/one.png", field: "gt", label: "t", x: 5, y: 5, w: 50, h: 40 });
    const boxes = b.build();
    const c1 = await computeEmbeddings(boxes, { cacheRoot, crops: { field: "gt" } });
    const c2 = await computeEmbeddings(boxes, { cacheRoot, crops: { field: "gt" } });
    expect([c1.computed, c1.reused, c2.computed, c2.reused]).toEqual([1, 0, 0, 1]);
    expect(c2.vectors).toEqual(c1.vectors);
  });
});
