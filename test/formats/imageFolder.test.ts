import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { DatasetBuilder } from "../../src/dataset/builder";
import { values } from "../../src/dataset/columns";
import { BlindspotError } from "../../src/errors";
import { exportDataset, load } from "../../src/formats/api";
import { imageFolder } from "../../src/formats/imageFolder";
import { HAS_SHARED, SHARED, tmpDir, VOC_IMAGES, writeImage } from "../helpers/data";

const SIGNS = path.join(SHARED, "sign-digits/Dataset");

describe.skipIf(!HAS_SHARED)("a flat folder of images", () => {
  it("loads without --format as an unlabelled image set, sizes from the headers", async () => {
    const ds = await load(VOC_IMAGES);
    expect(ds.count()).toBe(100);
    expect(ds.fields).toEqual([]);
    expect(ds.problems).toEqual([]);
    const widths = Array.from(values<number | null>(ds.samples, "width"));
    expect(widths.every((w) => w !== null && w > 0)).toBe(true);
    expect(values<string>(ds.samples, "filepath")[0]).toMatch(/^[^/]+\.jpg$/);
  });
});

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
    const fps = values<string>(ds.samples, "filepath"),
      labels = values<string>(ds.samples, "ground_truth");
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
    expect(fs.readFileSync(path.join(dir, "out", key(back)[0]))).toEqual(
      fs.readFileSync(path.join(SIGNS, key(back)[0])),
    );
  });
});

describe("image-folder writer", () => {
  /** A classification dataset over three small image files (their bytes are not decoded). */
  function dataset(
    images: string | null,
    labels: (string | null)[],
    splits: (string | null)[] = labels.map(() => null),
  ) {
    const b = new DatasetBuilder("cls", images);
    b.declareField({ name: "ground_truth", kind: "classification", predicted: false });
    labels.forEach((label, i) =>
      b.addSample({
        filepath: `sub/img${i}.jpg`,
        width: 4,
        height: 4,
        split: splits[i],
        fields: { ground_truth: label },
      }),
    );
    return b.build();
  }
  function images(): string {
    const dir = path.join(tmpDir("imgs"), "images");
    fs.mkdirSync(path.join(dir, "sub"), { recursive: true });
    for (let i = 0; i < 3; i++) fs.writeFileSync(path.join(dir, `sub/img${i}.jpg`), `image ${i}`);
    return dir;
  }
  const rejection = (p: Promise<unknown>) =>
    p.then(
      () => {
        throw new Error("expected an error");
      },
      (e: unknown) => e as BlindspotError,
    );

  it("writes each labelled image under its split and class", async () => {
    const out = path.join(tmpDir("if-out"), "out");
    const report = await exportDataset(dataset(images(), ["cat", "dog", "cat"], ["train", "Val", "val"]), out, {
      format: "image-folder",
    });
    expect(report).toEqual({ files: 3, objects: 0, dropped: [] });
    expect(fs.readFileSync(path.join(out, "train/cat/img0.jpg"), "utf8")).toBe("image 0");
    expect(fs.readFileSync(path.join(out, "Val/dog/img1.jpg"), "utf8")).toBe("image 1");
    expect(fs.readFileSync(path.join(out, "val/cat/img2.jpg"), "utf8")).toBe("image 2");
  });

  it("refuses splits and labels that are not folder names, writing nothing", async () => {
    const root = tmpDir("if-escape");
    const out = path.join(root, "a", "b", "out");
    for (const [labels, splits, re] of [
      [["cat", "..", "cat"], [null, null, null], /class ".." cannot be used/],
      [
        ["cat", "a//b", "cat"],
        [null, null, null],
        /class "a\/\/b" cannot be written as nested class folders: "" cannot be a folder name/,
      ],
      [
        ["cat", "a/../../b", "cat"],
        [null, null, null],
        /class "a\/..\/..\/b" cannot be written as nested class folders: ".." cannot be a folder name/,
      ],
      [["cat", "a\\b", "cat"], [null, null, null], /class "a\\\\b" cannot be used/],
    ] as const) {
      const err = await rejection(
        exportDataset(dataset(images(), [...labels], [...splits]), out, { format: "image-folder" }),
      );
      expect(err).toBeInstanceOf(BlindspotError);
      expect(err.message).toMatch(re);
      expect(fs.readdirSync(root)).toEqual([]);
    }
  });

  it("refuses unlabeled images unless lossy, then leaves them out", async () => {
    const out = path.join(tmpDir("if-unlabeled"), "out");
    const ds = dataset(images(), ["cat", null, "dog"]);
    expect(await imageFolder.plan!(ds, out, {})).toEqual([
      "1 images without a ground_truth label (an image folder has no place for them)",
    ]);
    const err = await rejection(exportDataset(ds, out, { format: "image-folder" }));
    expect(err.message).toMatch(/nothing was written[\s\S]*1 images without a ground_truth label/);
    expect(fs.existsSync(out)).toBe(false);
    const report = await exportDataset(ds, out, { format: "image-folder", lossy: true });
    expect(report).toEqual({
      files: 2,
      objects: 0,
      dropped: ["1 images without a ground_truth label (an image folder has no place for them)"],
    });
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
    expect(err.message).toMatch(
      new RegExp(
        /1 sample would overwrite another's file, so nothing was written:\n  - /.source +
          /cat\/img0.jpg <- "sub\/img0.jpg", "other\/img0.jpg"/.source,
      ),
    );
    expect(fs.existsSync(out)).toBe(false);
  });

  /** Real images (the reader checks their headers) and a dataset over them. */
  async function realDataset(labels: (string | null)[], splits: (string | null)[]) {
    const dir = path.join(tmpDir("if-real"), "images");
    const b = new DatasetBuilder("cls", dir);
    b.declareField({ name: "ground_truth", kind: "classification", predicted: false });
    for (let i = 0; i < labels.length; i++) {
      await writeImage(path.join(dir, `img${i}.jpg`), 8, 6);
      b.addSample({
        filepath: `img${i}.jpg`,
        width: 8,
        height: 6,
        split: splits[i],
        fields: { ground_truth: labels[i] },
      });
    }
    return b.build();
  }
  const byFile = (ds: Awaited<ReturnType<typeof load>>) => {
    const fps = values<string>(ds.samples, "filepath"),
      labels = values<string | null>(ds.samples, "ground_truth"),
      splits = values<string | null>(ds.samples, "split");
    return Object.fromEntries(Array.from(fps, (f, i) => [f.split("/").pop(), [labels[i], splits[i]]]));
  };

  it("refuses splits the reader cannot get back unless lossy, then writes without split folders", async () => {
    const ds = await realDataset(["cat", "dog", "cat"], ["train", "production", null]);
    const out = path.join(tmpDir("if-splits"), "out");
    const lost = [
      "the splits of 2 images (written without split folders): an image folder reads back only train, val, valid, " +
        'validation and test as splits, not "production"',
    ];
    expect(await imageFolder.plan!(ds, out, {})).toEqual(lost);
    const err = await rejection(exportDataset(ds, out, { format: "image-folder" }));
    expect(err.message).toMatch(
      /nothing was written[\s\S]*reads back only train, val, valid, validation and test as splits, not "production"/,
    );
    expect(fs.existsSync(out)).toBe(false);
    expect(await exportDataset(ds, out, { format: "image-folder", lossy: true })).toMatchObject({
      files: 3,
      dropped: lost,
    });
    expect(fs.readdirSync(out).sort()).toEqual(["cat", "dog"]);
    const back = await load(out);
    expect(byFile(back)).toEqual({ "img0.jpg": ["cat", null], "img1.jpg": ["dog", null], "img2.jpg": ["cat", null] });
  });

  it("refuses a mix of images with and without a split unless lossy", async () => {
    const ds = await realDataset(["cat", "dog", "cat"], ["train", null, "val"]);
    const out = path.join(tmpDir("if-mixed"), "out");
    const lost = [
      "the splits of 2 images (written without split folders): 1 other images have no split, and an image folder has " +
        "split folders for all images or for none",
    ];
    expect(await imageFolder.plan!(ds, out, {})).toEqual(lost);
    await rejection(exportDataset(ds, out, { format: "image-folder" }));
    expect(fs.existsSync(out)).toBe(false);
    await exportDataset(ds, out, { format: "image-folder", lossy: true });
    expect(byFile(await load(out))).toEqual({
      "img0.jpg": ["cat", null],
      "img1.jpg": ["dog", null],
      "img2.jpg": ["cat", null],
    });
    // A split outside the folder is left out with the others, never written.
    const escape = await realDataset(["cat", "cat"], ["../../x", "train"]);
    const out2 = path.join(tmpDir("if-escape-split"), "a", "out");
    await exportDataset(escape, out2, { format: "image-folder", lossy: true });
    expect(fs.readdirSync(path.dirname(out2))).toEqual(["out"]);
    expect(fs.readdirSync(out2)).toEqual(["cat"]);
  });

  it("images without a label do not count in the split check; all known splits read back", async () => {
    const ds = await realDataset(["cat", null, "dog"], ["train", null, "test"]);
    const out = path.join(tmpDir("if-split-ok"), "out");
    expect(await exportDataset(ds, out, { format: "image-folder", lossy: true })).toMatchObject({
      files: 2,
      dropped: ["1 images without a ground_truth label (an image folder has no place for them)"],
    });
    expect(byFile(await load(out))).toEqual({ "img0.jpg": ["cat", "train"], "img2.jpg": ["dog", "test"] });
  });

  it("refuses classes that all read back as splits unless lossy", async () => {
    const ds = await realDataset(["train", "test/x"], [null, null]);
    const out = path.join(tmpDir("if-split-classes"), "out");
    expect(await imageFolder.plan!(ds, out, {})).toEqual([
      "the classes of 2 images (test, train): every top class folder is a split name, so an image folder reads them " +
        "back as splits without classes (rename a class, e.g. add one that is not train, val, valid, " +
        "validation or test)",
    ]);
    await rejection(exportDataset(ds, out, { format: "image-folder" }));
    expect(fs.existsSync(out)).toBe(false);
  });

  it("writes a / in a class as nested folders, which read back as the same class", async () => {
    const root = tmpDir("if-nested");
    await writeImage(path.join(root, "in/animals/cat/a.jpg"), 8, 6);
    await writeImage(path.join(root, "in/animals/b.jpg"), 8, 6);
    await writeImage(path.join(root, "in/plants/tree/oak/c.jpg"), 8, 6);
    const ds = await load(path.join(root, "in"));
    expect(byFile(ds)).toEqual({
      "a.jpg": ["animals/cat", null],
      "b.jpg": ["animals", null],
      "c.jpg": ["plants/tree/oak", null],
    });
    const out = path.join(root, "out");
    expect(await exportDataset(ds, out, { format: "image-folder" })).toMatchObject({ files: 3, dropped: [] });
    expect(fs.existsSync(path.join(out, "animals/cat/a.jpg"))).toBe(true);
    expect(byFile(await load(out))).toEqual(byFile(ds));
    // Under split folders too.
    const split = await realDataset(["animals/cat", "animals"], ["train", "val"]);
    const out2 = path.join(root, "out2");
    await exportDataset(split, out2, { format: "image-folder" });
    expect(fs.existsSync(path.join(out2, "train/animals/cat/img0.jpg"))).toBe(true);
    expect(byFile(await load(out2))).toEqual({ "img0.jpg": ["animals/cat", "train"], "img1.jpg": ["animals", "val"] });
  });

  it(
    "says a dataset with only detections has no classification labels, lossy or not, and names a " + "format that fits",
    async () => {
      const b = new DatasetBuilder("det", null);
      b.declareField({ name: "ground_truth", kind: "detections", predicted: false });
      const id = b.addSample({ filepath: "a.jpg", width: 10, height: 10 });
      b.addObject({ sampleId: id, field: "ground_truth", label: "cat", x: 1, y: 1, w: 2, h: 2 });
      const ds = b.build();
      const out = path.join(tmpDir("if-det"), "out");
      for (const lossy of [false, true]) {
        const err = await rejection(exportDataset(ds, out, { format: "image-folder", lossy }));
        expect(err.message).toContain(
          "the dataset has no classification labels (its label fields: ground_truth (detections)), and an " +
            "image folder " +
            "holds only one class per image, so nothing was written",
        );
        expect(err.message).toContain(out);
        expect(err.message).not.toMatch(/pick a classification field/);
        expect(err.hint).toBe(
          `write the boxes to a detection format instead, e.g. --to coco ${out}.json, or --to yolo or voc with the ` +
            `folder ${out}`,
        );
      }
      expect(fs.existsSync(out)).toBe(false);
    },
  );

  it("asks for a classification field when the one chosen holds boxes", async () => {
    const b = new DatasetBuilder("both", null);
    b.declareField({ name: "ground_truth", kind: "detections", predicted: false });
    b.declareField({ name: "scene", kind: "classification", predicted: false });
    b.addSample({ filepath: "a.jpg", fields: { scene: "indoor" } });
    const err = await rejection(
      exportDataset(b.build(), path.join(tmpDir("if-both"), "out"), {
        format: "image-folder",
        field: "ground_truth",
        lossy: true,
      }),
    );
    expect(err.message).toMatch(
      /label field ground_truth holds detections, not classification labels, so nothing was written/,
    );
    expect(err.hint).toBe("pick a classification field with --field: scene");
  });
});
