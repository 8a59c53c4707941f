import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { values } from "../../src/dataset/columns";
import { exportDataset, load } from "../../src/formats/api";
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
