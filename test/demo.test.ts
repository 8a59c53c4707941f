import { describe, it, expect, beforeAll, afterAll } from "vitest";
import * as fs from "node:fs";
import * as path from "node:path";
import sharp from "sharp";
import { generateDemo, type DemoTruth } from "../src/demo";
import { loadDataset } from "../src/dataset/persist";
import type { Dataset } from "../src/dataset/dataset";

const SEED = Number(process.env.DEMO_SEED ?? 7); // other seeds: DEMO_SEED=3 npx vitest run test/demo.test.ts
const ROOT = path.join(__dirname, ".tmp", `demo-${process.pid}`);
const A = path.join(ROOT, "a");
const B = path.join(ROOT, "b");
const C = path.join(ROOT, "c");

let ds: Dataset;
let truth: DemoTruth;
let progress: [number, number][] = [];

beforeAll(async () => {
  fs.rmSync(ROOT, { recursive: true, force: true });
  const a = await generateDemo({ samples: 200, seed: SEED, out: A, onProgress: (d, t) => progress.push([d, t]) });
  await generateDemo({ samples: 200, seed: SEED, out: B });
  await generateDemo({ samples: 200, seed: SEED + 1, out: C });
  ds = a.dataset;
  truth = a.truth;
}, 120_000);

afterAll(() => fs.rmSync(ROOT, { recursive: true, force: true }));

const rows = <T = Record<string, any>>(d: Dataset, table: "samples" | "objects") => d[table].objects() as T[];
const image = (dir: string, file: string) => path.join(dir, "images", file);

async function luminance(file: string): Promise<number> {
  const { channels } = await sharp(file).stats();
  return 0.299 * channels[0].mean + 0.587 * channels[1].mean + 0.114 * channels[2].mean;
}

function median(values: number[]): number {
  const s = [...values].sort((x, y) => x - y);
  return s[Math.floor(s.length / 2)];
}

function correlation(a: Uint8Array, b: Uint8Array): number {
  let ma = 0,
    mb = 0;
  for (let i = 0; i < a.length; i++) ((ma += a[i]), (mb += b[i]));
  ma /= a.length;
  mb /= b.length;
  let ab = 0,
    aa = 0,
    bb = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] - ma,
      y = b[i] - mb;
    ab += x * y;
    aa += x * x;
    bb += y * y;
  }
  return ab / Math.sqrt(aa * bb);
}

function iou(a: any, b: any): number {
  const iw = Math.min(a.x + a.w, b.x + b.w) - Math.max(a.x, b.x);
  const ih = Math.min(a.y + a.h, b.y + b.h) - Math.max(a.y, b.y);
  if (iw <= 0 || ih <= 0) return 0;
  return (iw * ih) / (a.w * a.h + b.w * b.h - iw * ih);
}

describe("demo dataset", () => {
  it("writes every image, decodable at the declared size, mostly JPEG with some PNG", async () => {
    const samples = rows(ds, "samples");
    expect(samples).toHaveLength(200);
    const formats = new Map<string, number>();
    for (const s of samples) {
      const m = await sharp(image(A, s.filepath)).metadata();
      expect([m.width, m.height]).toEqual([320, 240]);
      expect([s.width, s.height]).toEqual([320, 240]);
      formats.set(m.format!, (formats.get(m.format!) ?? 0) + 1);
    }
    expect(formats.get("jpeg")!).toBeGreaterThan(150);
    expect(formats.get("png")!).toBeGreaterThan(0);
    const { data, info } = await sharp(image(A, samples[0].filepath)).raw().toBuffer({ resolveWithObject: true });
    expect(data.length).toBe(info.width * info.height * info.channels);
    expect(progress[0]).toEqual([0, 200]);
    expect(progress[progress.length - 1]).toEqual([200, 200]);
  });

  it("is deterministic for a seed and differs across seeds", () => {
    const ta = fs.readFileSync(path.join(A, "truth.json"), "utf8");
    expect(fs.readFileSync(path.join(B, "truth.json"), "utf8")).toBe(ta);
    expect(fs.readFileSync(path.join(C, "truth.json"), "utf8")).not.toBe(ta);
    for (const s of rows(ds, "samples"))
      expect(fs.readFileSync(image(B, s.filepath)).equals(fs.readFileSync(image(A, s.filepath)))).toBe(true);
    const other = fs.readdirSync(path.join(C, "images"));
    const first = other.find((f) => f.startsWith("s000000"))!;
    const mine = fs.readdirSync(path.join(A, "images")).find((f) => f.startsWith("s000000"))!;
    expect(fs.readFileSync(image(C, first)).equals(fs.readFileSync(image(A, mine)))).toBe(false);
  });

  it("reloads with loadDataset", () => {
    const back = loadDataset(A);
    expect(back.count()).toBe(200);
    expect(back.objects.numRows()).toBe(ds.objects.numRows());
    expect(back.imagesDir).toBe(path.join(A, "images"));
    expect(back.categories.map((c) => c.name)).toEqual(["car", "person", "bicycle", "truck", "traffic_light", "dog"]);
    expect(back.fields).toEqual([
      { name: "ground_truth", kind: "detections", predicted: false },
      { name: "model", kind: "detections", predicted: true },
    ]);
    const s = rows(back, "samples")[0];
    for (const k of ["time_of_day", "weather", "camera", "location", "capture_time", "sequence", "split"])
      expect(s[k]).toBeTypeOf("string");
    expect(fs.existsSync(back.imagePath(s.filepath))).toBe(true);
  });

  it("keeps every sequence in one split but the planted one, which spans train and test", () => {
    const splitsOf = new Map<string, Set<string>>();
    for (const s of rows(ds, "samples")) splitsOf.set(s.sequence, (splitsOf.get(s.sequence) ?? new Set()).add(s.split));
    const crossing = [...splitsOf].filter(([, splits]) => splits.size > 1).map(([name]) => name);
    expect(crossing).toEqual([truth.groupLeak.value]);
    expect([...splitsOf.get(truth.groupLeak.value)!].sort()).toEqual(["test", "train"]);
    const members = rows(ds, "samples").filter((s) => s.sequence === truth.groupLeak.value);
    expect(members.map((s) => s.id).sort()).toEqual([...truth.groupLeak.sampleIds].sort());
    expect(
      members
        .filter((s) => s.split === "test")
        .map((s) => s.id)
        .sort(),
    ).toEqual([...truth.groupLeak.moved].sort());
  });

  it("gives every planted reference a real sample and object", () => {
    const ids = new Set(rows(ds, "samples").map((s) => s.id));
    const objects = rows(ds, "objects");
    const planted = [
      ...Object.values(truth.images).flat(),
      ...truth.duplicates.exact.flatMap((d) => [d.sampleId, d.duplicateOf]),
      ...truth.duplicates.near.flatMap((d) => [d.sampleId, d.duplicateOf]),
      ...truth.labels.missing.map((m) => m.sampleId),
      ...truth.contextClass.sampleIds,
    ];
    for (const id of planted) expect(ids.has(id)).toBe(true);
    const refs = [
      ...truth.rareClass.objects,
      ...truth.labels.mislabeled,
      ...truth.labels.loose,
      ...truth.overconfident,
    ];
    for (const r of refs) {
      const o = objects[r.objectId];
      expect([o.id, o.sample_id, o.label, o.x, o.y, o.w, o.h]).toEqual([
        r.objectId,
        r.sampleId,
        r.label,
        r.box.x,
        r.box.y,
        r.box.w,
        r.box.h,
      ]);
    }
    for (const k of ["dark", "overexposed", "blurred", "lowInformation"] as const)
      expect(truth.images[k].length).toBeGreaterThanOrEqual(2);
    expect(truth.labels.mislabeled.length).toBeGreaterThanOrEqual(3);
    expect(truth.labels.missing.length).toBeGreaterThanOrEqual(3);
    expect(truth.labels.loose.length).toBeGreaterThanOrEqual(3);
    expect(truth.overconfident.length).toBeGreaterThanOrEqual(4);
  });

  it("plants label errors the truth describes", () => {
    const objects = rows(ds, "objects");
    for (const m of truth.labels.mislabeled) expect(m.trueLabel).not.toBe(m.label);
    for (const l of truth.labels.loose) {
      for (const [given, tight] of [
        [l.box.w, l.trueBox.w],
        [l.box.h, l.trueBox.h],
      ]) {
        expect(given / tight).toBeGreaterThanOrEqual(1.25);
        expect(given / tight).toBeLessThanOrEqual(1.65);
      }
    }
    for (const m of truth.labels.missing) {
      const gt = objects.filter((o) => o.sample_id === m.sampleId && o.field === "ground_truth");
      expect(gt.every((o) => iou(o, m.box) < 0.5)).toBe(true);
      expect(m.predictionId).not.toBeNull();
      expect(objects[m.predictionId!].field).toBe("model");
    }
    for (const o of truth.overconfident) {
      expect(objects[o.objectId].field).toBe("model");
      expect(o.confidence).toBeGreaterThan(0.9);
      expect(objects[o.objectId].confidence).toBe(o.confidence);
    }
  });

  it(
    "makes planted dark images darker than the median, overexposed brighter, blurred softer, " + "low-information flat",
    async () => {
      const samples = rows(ds, "samples");
      const file = new Map(samples.map((s) => [s.id, image(A, s.filepath)]));
      const stats = new Map<string, { lum: number; sharp: number; sd: number }>();
      for (const s of samples) {
        const st = await sharp(file.get(s.id)!).stats();
        const lum = 0.299 * st.channels[0].mean + 0.587 * st.channels[1].mean + 0.114 * st.channels[2].mean;
        stats.set(s.id, { lum, sharp: st.sharpness, sd: st.channels[1].stdev });
      }
      const all = [...stats.values()];
      const medLum = median(all.map((v) => v.lum));
      for (const id of truth.images.dark) expect(stats.get(id)!.lum).toBeLessThan(medLum * 0.5);
      for (const id of truth.images.dark) expect(await luminance(file.get(id)!)).toBeLessThan(40);
      for (const id of truth.images.overexposed) expect(stats.get(id)!.lum).toBeGreaterThan(200);
      const medSharp = median(all.map((v) => v.sharp));
      for (const id of truth.images.blurred) expect(stats.get(id)!.sharp).toBeLessThan(medSharp);
      for (const id of truth.images.lowInformation) expect(stats.get(id)!.sd).toBeLessThan(3);
    },
  );

  it("plants byte-identical exact duplicates and close near duplicates, some across train and test", async () => {
    const split = new Map(rows(ds, "samples").map((s) => [s.id, s.split]));
    const fileOf = new Map(rows(ds, "samples").map((s) => [s.id, image(A, s.filepath)]));
    for (const d of truth.duplicates.exact) {
      expect(fs.readFileSync(fileOf.get(d.sampleId)!).equals(fs.readFileSync(fileOf.get(d.duplicateOf)!))).toBe(true);
    }
    const crosses = (ds: { sampleId: string; duplicateOf: string }[]) =>
      ds.some((d) => split.get(d.duplicateOf) === "train" && split.get(d.sampleId) === "test");
    expect(crosses(truth.duplicates.exact)).toBe(true);
    expect(crosses(truth.duplicates.near)).toBe(true);
    // Undo the planted shift: the overlapping pixels must agree up to gain and JPEG loss.
    for (const d of truth.duplicates.near) {
      expect(fs.readFileSync(fileOf.get(d.sampleId)!).equals(fs.readFileSync(fileOf.get(d.duplicateOf)!))).toBe(false);
      const w = 320 - Math.abs(d.dx),
        h = 240 - Math.abs(d.dy);
      const crop = (f: string, left: number, top: number) =>
        sharp(f).extract({ left, top, width: w, height: h }).greyscale().raw().toBuffer();
      const near = await crop(fileOf.get(d.sampleId)!, Math.max(0, d.dx), Math.max(0, d.dy));
      const src = await crop(fileOf.get(d.duplicateOf)!, Math.max(0, -d.dx), Math.max(0, -d.dy));
      expect(correlation(near, src)).toBeGreaterThan(0.93);
    }
  });

  it("keeps the rare class rare and the context class in its context", () => {
    const gt = rows(ds, "objects").filter((o) => o.field === "ground_truth");
    const dogs = gt.filter((o) => o.label === "dog").length;
    expect(dogs).toBe(truth.rareClass.objects.length);
    expect(dogs).toBeGreaterThanOrEqual(3);
    expect(dogs / gt.length).toBeLessThan(0.03);
    const time = new Map(rows(ds, "samples").map((s) => [s.id, s[truth.contextClass.field]]));
    const trucks = gt.filter((o) => o.label === truth.contextClass.label);
    expect(trucks.length).toBeGreaterThan(5);
    for (const t of trucks) expect(time.get(t.sample_id)).toBe(truth.contextClass.value);
  });

  it("drifts the production batch: more fog and night, captured later", () => {
    const samples = rows(ds, "samples");
    const share = (split: string, key: string, value: string) => {
      const s = samples.filter((r) => r.split === split);
      return s.filter((r) => r[key] === value).length / s.length;
    };
    const weathers = ["clear", "rain", "fog", "snow"];
    const tvd =
      weathers.reduce((s, w) => s + Math.abs(share("production", "weather", w) - share("train", "weather", w)), 0) / 2;
    expect(tvd).toBeGreaterThan(0.25);
    expect(share("production", "weather", "fog") - share("train", "weather", "fog")).toBeGreaterThan(0.15);
    expect(share("production", "time_of_day", "night") - share("train", "time_of_day", "night")).toBeGreaterThan(0.1);
    const latest = (split: string) =>
      samples
        .filter((r) => r.split === split)
        .map((r) => r.capture_time)
        .sort()
        .at(-1);
    const earliestProd = samples
      .filter((r) => r.split === "production")
      .map((r) => r.capture_time)
      .sort()[0];
    for (const split of ["train", "val", "test"]) expect(latest(split) < earliestProd).toBe(true);
  });

  it("simulates a model that is much worse on cam_e", () => {
    const samples = rows(ds, "samples");
    const camera = new Map(samples.map((s) => [s.id, s.camera]));
    const bySample = new Map<string, { gt: any[]; pred: any[] }>();
    for (const o of rows(ds, "objects")) {
      const e = bySample.get(o.sample_id) ?? { gt: [], pred: [] };
      (o.field === "ground_truth" ? e.gt : e.pred).push(o);
      bySample.set(o.sample_id, e);
    }
    const hits = { weak: [0, 0], rest: [0, 0] };
    for (const [id, { gt, pred }] of bySample) {
      const h = camera.get(id) === truth.subgroup.value ? hits.weak : hits.rest;
      for (const g of gt) {
        h[1]++;
        if (pred.some((p) => p.label === g.label && iou(p, g) >= 0.5)) h[0]++;
      }
    }
    const recall = (h: number[]) => h[0] / h[1];
    expect(recall(hits.rest)).toBeGreaterThan(0.7);
    expect(recall(hits.rest) - recall(hits.weak)).toBeGreaterThan(0.25);
  });

  it("refuses out-of-range sizes with a clear message", async () => {
    await expect(generateDemo({ samples: 10, out: path.join(ROOT, "x") })).rejects.toThrow(/200 to 100000/);
  });
});
