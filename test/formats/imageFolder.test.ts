import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { DatasetBuilder } from "../../src/dataset/builder";
import { values } from "../../src/dataset/columns";
import { BlindspotError } from "../../src/errors";
import { exportDataset, load } from "../../src/formats/api";
import { imageFolder } from "../../src/formats/imageFolder";
import { HAS_SHARED, SHARED, tmpDir } from "../helpers/data";

const SIGNS = path.join(SHARED, "sign-digits/Dataset");

describe.skipIf(!HAS_SHARED)("sign-digits image folder", async () => {
  const ds = HAS_SHARED ? await load(SIGNS) : null!;

  it("loads as a classification dataset of 2,062 samples in 10 classes", () => {
    expect(ds.count()).toBe(2062);
    expect(ds.fields).toEqual([{ name: "ground_truth", kind: "classification", predicted: false }]);
    expect(Object.keys(ds.countBy("ground_truth")).sort()).toEqual(["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"]);
    expect(ds.categories.map((c) => c.name)).toEqual(["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"]);
    expect(ds.problems).toEqual([]);
  });

  it("reads sizes from the headers: three 3024x3024 images, the rest 100x100", () => {
    const big = ds.filter("d => d.width !== 100 || d.height !== 100");
    expect(big.count()).toBe(3);
    expect(big.distinct("width")).toEqual([3024]);
    expect(big.distinct("height")).toEqual([3024]);
  });

  it("labels follow the class folders", () => {
    const fps = values<string>(ds.samples, "filepath"), labels = values<string>(ds.samples, "ground_truth");
    for (let i = 0; i < fps.length; i++) expect(fps[i].split("/")[0]).toBe(labels[i]);
  });

  it("writes back to an image folder and reloads identically", async () => {
    const sub = ds.take(50, 7);
    const dir = tmpDir("signs-out");
    const small = await load(SIGNS, { checkImages: "none" });
    small.samples = sub.samples().reify();
    await exportDataset(small, path.join(dir, "out"), { format: "image-folder" });
    const back = await load(path.join(dir, "out"));
    expect(back.count()).toBe(50);
    const key = (d: typeof back) => Array.from(values<string>(d.samples, "filepath")).sort();
    expect(key(back)).toEqual(key(small));
    expect(fs.readFileSync(path.join(dir, "out", key(back)[0]))).toEqual(fs.readFileSync(path.join(SIGNS, key(back)[0])));
  });
});

describe("image-folder writer", () => {
  /** A classification dataset over three small image files (their bytes are not decoded). */
  function dataset(images: string | null, labels: (string | null)[], splits: (string | null)[] = labels.map(() => null)) {
    const b = new DatasetBuilder("cls", images);
    b.declareField({ name: "ground_truth", kind: "classification", predicted: false });
    labels.forEach((label, i) => b.addSample({ filepath: `sub/img${i}.jpg`, width: 4, height: 4, split: splits[i], fields: { ground_truth: label } }));
    return b.build();
  }
  function images(): string {
    const dir = path.join(tmpDir("imgs"), "images");
    fs.mkdirSync(path.join(dir, "sub"), { recursive: true });
    for (let i = 0; i < 3; i++) fs.writeFileSync(path.join(dir, `sub/img${i}.jpg`), `image ${i}`);
    return dir;
  }
  const rejection = (p: Promise<unknown>) => p.then(() => { throw new Error("expected an error"); }, (e: unknown) => e as BlindspotError);

  it("writes each labelled image under its split and class", async () => {
    const out = path.join(tmpDir("if-out"), "out");
    const report = await exportDataset(dataset(images(), ["cat", "dog", "cat"], ["train", null, "val"]), out, { format: "image-folder" });
    expect(report).toEqual({ files: 3, objects: 0, dropped: [] });
    expect(fs.readFileSync(path.join(out, "train/cat/img0.jpg"), "utf8")).toBe("image 0");
    expect(fs.readFileSync(path.join(out, "dog/img1.jpg"), "utf8")).toBe("image 1");
    expect(fs.readFileSync(path.join(out, "val/cat/img2.jpg"), "utf8")).toBe("image 2");
  });

  it("refuses splits and labels that are not folder names, writing nothing", async () => {
    const root = tmpDir("if-escape");
    const out = path.join(root, "a", "b", "out");
    for (const [labels, splits, re] of [
      [["cat", "cat", "cat"], [null, "../../../x", null], /split "..\/..\/..\/x" cannot be used as a file or folder name/],
      [["cat", "..", "cat"], [null, null, null], /class ".." cannot be used/],
      [["cat", "a/b", "cat"], [null, null, null], /class "a\/b" cannot be used/],
    ] as const) {
      const err = await rejection(exportDataset(dataset(images(), [...labels], [...splits]), out, { format: "image-folder" }));
      expect(err).toBeInstanceOf(BlindspotError);
      expect(err.message).toMatch(re);
      expect(fs.readdirSync(root)).toEqual([]);
    }
  });

  it("refuses unlabeled images unless lossy, then leaves them out", async () => {
    const out = path.join(tmpDir("if-unlabeled"), "out");
    const ds = dataset(images(), ["cat", null, "dog"]);
    expect(await imageFolder.plan!(ds, out, {})).toEqual(["1 images without a ground_truth label (an image folder has no place for them)"]);
    const err = await rejection(exportDataset(ds, out, { format: "image-folder" }));
    expect(err.message).toMatch(/nothing was written[\s\S]*1 images without a ground_truth label/);
    expect(fs.existsSync(out)).toBe(false);
    const report = await exportDataset(ds, out, { format: "image-folder", lossy: true });
    expect(report).toEqual({ files: 2, objects: 0, dropped: ["1 images without a ground_truth label (an image folder has no place for them)"] });
    expect(fs.readdirSync(out).sort()).toEqual(["cat", "dog"]);
  });

  it("names the sample of a missing image, and a dataset without images, before writing anything", async () => {
    const dir = images();
    fs.rmSync(path.join(dir, "sub/img2.jpg"));
    const out = path.join(tmpDir("if-missing"), "out");
    let err = await rejection(exportDataset(dataset(dir, ["cat", "cat", "dog"]), out, { format: "image-folder" }));
    expect(err).toBeInstanceOf(BlindspotError);
    expect(err.message).toContain("sample sub/img2.jpg");
    expect(err.message).toMatch(/image not found, so nothing was written/);
    expect(err.hint).toBeTruthy();
    expect(fs.existsSync(out)).toBe(false);
    err = await rejection(exportDataset(dataset(null, ["cat", "cat", "dog"]), out, { format: "image-folder" }));
    expect(err.message).toMatch(/no images folder/);
    expect(fs.existsSync(out)).toBe(false);
  });

  it("refuses two images that would land on one file", async () => {
    const dir = images();
    const b = new DatasetBuilder("clash", dir);
    b.declareField({ name: "ground_truth", kind: "classification", predicted: false });
    fs.mkdirSync(path.join(dir, "other"));
    fs.writeFileSync(path.join(dir, "other/img0.jpg"), "other");
    b.addSample({ filepath: "sub/img0.jpg", fields: { ground_truth: "cat" } });
    b.addSample({ filepath: "other/img0.jpg", fields: { ground_truth: "cat" } });
    const out = path.join(tmpDir("if-clash"), "out");
    const err = await rejection(exportDataset(b.build(), out, { format: "image-folder" }));
    expect(err.message).toMatch(/1 sample would overwrite another's file, so nothing was written:\n  - cat\/img0.jpg <- "sub\/img0.jpg", "other\/img0.jpg"/);
    expect(fs.existsSync(out)).toBe(false);
  });
});
