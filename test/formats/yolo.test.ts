import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { DatasetBuilder } from "../../src/dataset/builder";
import { values } from "../../src/dataset/columns";
import type { Dataset } from "../../src/dataset/dataset";
import { detectFormat, exportDataset, load } from "../../src/formats/api";
import { readClassList, readClassNames, stripComment, yolo } from "../../src/formats/yolo";
import {
  boxDiffs,
  HAS_SHARED,
  rejection,
  snapshot,
  tmpDir,
  VOC,
  VOC_IMAGES,
  vocReferenceDiffs,
  writeImage,
  writeText,
} from "../helpers/data";

interface Box {
  label: string;
  x: number;
  y: number;
  w: number;
  h: number;
  confidence?: number;
}
interface Sample {
  filepath: string;
  width?: number;
  height?: number;
  split?: string | null;
  boxes?: Box[];
}

function dataset(samples: Sample[], predicted = false): Dataset {
  const b = new DatasetBuilder("test", null);
  b.declareField({ name: "ground_truth", kind: "detections", predicted });
  for (const s of samples) {
    const id = b.addSample({
      filepath: s.filepath,
      width: s.width ?? 100,
      height: s.height ?? 80,
      split: s.split ?? null,
    });
    for (const o of s.boxes ?? []) b.addObject({ sampleId: id, field: "ground_truth", ...o });
  }
  return b.build();
}

const col = <T>(ds: Dataset, table: "samples" | "objects", c: string) => Array.from(values<T>(ds[table], c));

describe.skipIf(!HAS_SHARED)("YOLO on the VOC100 sample", () => {
  it("reads the Darknet export (labels in obj_train_data/, images elsewhere) like the COCO reference", async () => {
    const ds = await yolo.read!(path.join(VOC, "gts/yolo_format"), { images: VOC_IMAGES });
    expect(ds.problems).toEqual([]);
    expect(await vocReferenceDiffs(ds)).toEqual([]);
  });

  it("writes Ultralytics labels per split and reads them back beside a flat images folder", async () => {
    const ds = await yolo.read!(path.join(VOC, "gts/yolo_format"), { images: VOC_IMAGES });
    const splits = col<string>(ds, "samples", "filepath").map((_, i) => (i % 3 === 0 ? "val" : "train"));
    ds.samples = ds.samples.assign({ split: splits });
    const out = path.join(tmpDir("yolo-voc"), "out");
    await exportDataset(ds, out, { format: "yolo" });
    expect(fs.readdirSync(path.join(out, "labels")).sort()).toEqual(["train", "val"]);
    const back = await yolo.read!(out, { images: VOC_IMAGES });
    expect(back.problems).toEqual([]);
    const byFile = (d: Dataset) =>
      new Map(col<string>(d, "samples", "filepath").map((f, i) => [f, col<string | null>(d, "samples", "split")[i]]));
    expect(byFile(back)).toEqual(byFile(ds));
    expect(await vocReferenceDiffs(back)).toEqual([]);
  });
});

describe("YOLO label files matched to images", () => {
  it("by relative path first: labels/val/a.txt goes with images/val/a.jpg, not images/train/a.jpg", async () => {
    const root = tmpDir("yolo-paths");
    await writeImage(path.join(root, "images/train/a.jpg"), 100, 50);
    await writeImage(path.join(root, "images/val/a.jpg"), 200, 80);
    writeText(path.join(root, "data.yaml"), "names: [cat, dog]\n");
    writeText(path.join(root, "labels/train/a.txt"), "0 0.5 0.5 0.2 0.2\n");
    writeText(path.join(root, "labels/val/a.txt"), "1 0.5 0.5 0.5 0.5\n");
    const ds = await yolo.read!(root, {});
    expect(ds.problems).toEqual([]);
    expect(col(ds, "samples", "filepath")).toEqual(["train/a.jpg", "val/a.jpg"]);
    expect(col(ds, "samples", "split")).toEqual(["train", "val"]);
    expect(col(ds, "objects", "label")).toEqual(["cat", "dog"]);
    // Each box is scaled by its own image's size.
    expect(col(ds, "objects", "w")).toEqual([20, 100]);
    expect(col(ds, "objects", "h")).toEqual([10, 40]);
  });

  it("then by a bare name that one image alone has (flat images folder, labels per split)", async () => {
    const root = tmpDir("yolo-stem");
    await writeImage(path.join(root, "images/a.jpg"), 100, 50);
    writeText(path.join(root, "data.yaml"), "names: [cat]\n");
    writeText(path.join(root, "labels/train/a.txt"), "0 0.5 0.5 0.2 0.2\n");
    const ds = await yolo.read!(root, {});
    expect(ds.problems).toEqual([]);
    expect(col(ds, "samples", "filepath")).toEqual(["a.jpg"]);
    expect(col(ds, "samples", "split")).toEqual(["train"]);
  });

  it("a bare name that several images have becomes a recorded problem, not a wrong match", async () => {
    const root = tmpDir("yolo-ambiguous");
    await writeImage(path.join(root, "images/x/a.jpg"), 100, 50);
    await writeImage(path.join(root, "images/y/a.jpg"), 100, 50);
    writeText(path.join(root, "data.yaml"), "names: [cat]\n");
    writeText(path.join(root, "labels/a.txt"), "0 0.5 0.5 0.2 0.2\n");
    const ds = await yolo.read!(root, {});
    const ambiguous = ds.problems.filter((p) => p.kind === "ambiguous-image");
    expect(ambiguous).toHaveLength(1);
    expect(ambiguous[0].message).toMatch(/2 images have its name \(x\/a\.jpg, y\/a\.jpg\): none was chosen/);
    expect(ambiguous[0].file).toBe(path.join(root, "labels/a.txt"));
    // The two images have no label file of their own: background samples.
    expect(col(ds, "samples", "filepath")).toEqual(["a.jpg", "x/a.jpg", "y/a.jpg"]);
  });

  it("an image without a label file is a background sample; a label file without an image is one problem", async () => {
    const root = tmpDir("yolo-background");
    await writeImage(path.join(root, "images/train/a.jpg"), 100, 50);
    await writeImage(path.join(root, "images/train/empty.jpg"), 60, 40);
    await writeImage(path.join(root, "images/val/b.png"), 80, 80);
    writeText(path.join(root, "data.yaml"), "names: [cat]\n");
    writeText(path.join(root, "labels/train/a.txt"), "0 0.5 0.5 0.2 0.2\n");
    writeText(path.join(root, "labels/val/gone.txt"), "0 0.5 0.5 0.2 0.2\n");
    const ds = await yolo.read!(root, {});
    expect(col(ds, "samples", "filepath")).toEqual(["train/a.jpg", "val/gone.jpg", "train/empty.jpg", "val/b.png"]);
    expect(col(ds, "samples", "split")).toEqual(["train", "val", "train", "val"]);
    expect(col(ds, "samples", "width")).toEqual([100, null, 60, 80]);
    expect(col(ds, "objects", "sample_id")).toHaveLength(1);
    const missing = ds.problems.filter((p) => p.kind === "missing-image");
    expect(missing).toHaveLength(1);
    expect(missing[0].file).toBe(path.join(root, "labels/val/gone.txt"));
    expect(missing[0].message).toContain("label file without an image");
  });
});

describe("YOLO data.yaml names", () => {
  it("leaves out # comments outside quotes", () => {
    expect(stripComment("names: [a, b] # two classes")).toBe("names: [a, b]");
    expect(stripComment("  - 'a # b'  # c")).toBe("  - 'a # b'");
    expect(stripComment('  0: "x#y" # z')).toBe('  0: "x#y"');
    expect(stripComment("  - c#sharp")).toBe("  - c#sharp");
    expect(stripComment("  - don't # x")).toBe("  - don't");
    expect(stripComment("# whole line")).toBe("");
  });

  const names = (yaml: string) => {
    const dir = tmpDir("yolo-yaml");
    fs.writeFileSync(path.join(dir, "data.yaml"), yaml);
    return readClassNames(dir);
  };

  it("reads flow lists, flow maps, block lists and index maps with comments", () => {
    expect(names("path: .\nnames: ['a, b', \"c\", d]  # classes\nnc: 3\n")).toEqual(["a, b", "c", "d"]);
    expect(names("names: [\n  cat, # first\n  dog\n]\n")).toEqual(["cat", "dog"]);
    expect(names("names: {0: cat, 1: 'hot dog'}\n")).toEqual(["cat", "hot dog"]);
    expect(
      names("names:\n  # the classes\n  - cat # one\n\n  - 'it''s'\n  - \"x # y\"\ntrain: images/train\n"),
    ).toEqual(["cat", "it's", "x # y"]);
    expect(names("names: # by index\n  0: person  # people\n  1: bicycle\n")).toEqual(["person", "bicycle"]);
    expect(names("names: ['a]b', \"c, d\", e] # x\n")).toEqual(["a]b", "c, d", "e"]);
    expect(() => names("names: [a, b\n")).toThrow(/names list is not closed/);
  });

  it("reads a block list written without indentation, and refuses an empty names:", () => {
    expect(names("names:\n- person\n- bicycle # two wheels\nnc: 2\n")).toEqual(["person", "bicycle"]);
    expect(() => names("names:\nnc: 0\n")).toThrow(/names: lists no classes/);
  });

  it("finds the names in a YAML of any name (coco8.yaml), and never takes a comment for a class", async () => {
    const root = tmpDir("yolo-any-yaml");
    const yaml =
      "# Ultralytics YOLO, AGPL-3.0 license\n# COCO8 dataset config file\npath: .\ntrain: images/train\n" +
      "names:\n  0: person\n  1: bicycle\n";
    writeText(path.join(root, "coco8.yaml"), yaml);
    writeText(path.join(root, "notes.yml"), "author: me\n");
    await writeImage(path.join(root, "images/train/a.jpg"), 100, 50);
    writeText(path.join(root, "labels/train/a.txt"), "1 0.5 0.5 0.2 0.2\n");
    expect(readClassNames(root)).toEqual(["person", "bicycle"]);
    expect(readClassList(path.join(root, "coco8.yaml"))).toEqual(["person", "bicycle"]);
    const ds = await load(root);
    expect(col(ds, "objects", "label")).toEqual(["bicycle"]);
    writeText(path.join(root, "other.yaml"), "names: [x]\n");
    expect(() => readClassNames(root)).toThrow(/2 YAML files name classes \(coco8\.yaml, other\.yaml\)/);
  });
});

describe("YOLO writer", () => {
  it("writes labels/<split>/<name>.txt with the confidence last, and reads them back", async () => {
    const root = tmpDir("yolo-write");
    await writeImage(path.join(root, "images/train/a.jpg"), 100, 80);
    await writeImage(path.join(root, "images/val/a.jpg"), 100, 80);
    await writeImage(path.join(root, "images/b.jpg"), 100, 80);
    const ds = dataset(
      [
        { filepath: "b.jpg", boxes: [] },
        {
          filepath: "train/a.jpg",
          split: "train",
          boxes: [{ label: "cat", x: 10, y: 20, w: 30, h: 40, confidence: 0.75 }],
        },
        { filepath: "val/a.jpg", split: "val", boxes: [{ label: "dog", x: 0, y: 0, w: 50, h: 40, confidence: 0.5 }] },
      ],
      true,
    );
    const out = path.join(root, "out");
    await exportDataset(ds, out, { format: "yolo" });
    expect(fs.readFileSync(path.join(out, "labels/train/a.txt"), "utf8")).toBe("0 0.25 0.5 0.3 0.5 0.75\n");
    expect(fs.readFileSync(path.join(out, "labels/val/a.txt"), "utf8")).toBe("1 0.25 0.25 0.5 0.5 0.5\n");
    expect(fs.readFileSync(path.join(out, "labels/b.txt"), "utf8")).toBe("");
    const back = await yolo.read!(out, { images: path.join(root, "images") });
    expect(back.problems).toEqual([]);
    expect(back.fields).toEqual([{ name: "ground_truth", kind: "detections", predicted: true }]);
    expect(snapshot(back).samples).toEqual(snapshot(ds).samples);
    expect(boxDiffs(ds, back, "ground_truth", { confidence: true, tol: 1e-12 })).toEqual([]);
  });

  it("refuses samples that would share a label file, before writing anything", async () => {
    const dir = tmpDir("yolo-clash");
    const ds = dataset(["x/a.jpg", "y/a.jpg", "z/a.png"].map((filepath) => ({ filepath, split: "train" })));
    const err = await rejection(exportDataset(ds, path.join(dir, "out"), { format: "yolo" }));
    expect(err.message).toMatch(/2 samples would overwrite another's file, so nothing was written/);
    expect(err.message).toContain('labels/train/a.txt <- "x/a.jpg", "y/a.jpg", "z/a.png"');
    expect(fs.existsSync(path.join(dir, "out"))).toBe(false);
    // Different splits are different folders.
    const ok = dataset([
      { filepath: "x/a.jpg", split: "train" },
      { filepath: "y/a.jpg", split: "val" },
    ]);
    expect((await exportDataset(ok, path.join(dir, "ok"), { format: "yolo" })).files).toBe(3);
  });

  it("refuses a split or file name that would leave the output folder", async () => {
    const dir = tmpDir("yolo-escape");
    const split = await rejection(
      exportDataset(dataset([{ filepath: "a.jpg", split: "../../x" }]), path.join(dir, "out"), { format: "yolo" }),
    );
    expect(split.message).toMatch(/split "\.\.\/\.\.\/x" cannot be used as a file or folder name/);
    const name = await rejection(
      exportDataset(dataset([{ filepath: "sub/.." }]), path.join(dir, "out"), { format: "yolo" }),
    );
    expect(name.message).toMatch(/image file name "\." cannot be used/);
    expect(fs.readdirSync(dir)).toEqual([]);
  });
});

describe("YOLO list files", () => {
  it("reads back label files of images named like list files (test, train, classes, val, valid)", async () => {
    const root = tmpDir("yolo-listnames");
    const names = ["test", "train", "classes", "val", "valid", "a"];
    for (const n of names) await writeImage(path.join(root, `images/${n}.jpg`), 100, 80);
    await writeImage(path.join(root, "images/train/train.jpg"), 100, 80);
    const ds = dataset([
      ...names.map((n, k) => ({
        filepath: `${n}.jpg`,
        boxes: [{ label: k % 2 ? "cat" : "dog", x: k, y: 2, w: 10, h: 20 }],
      })),
      { filepath: "train/train.jpg", split: "train", boxes: [{ label: "cat", x: 5, y: 5, w: 5, h: 5 }] },
    ]);
    const out = path.join(root, "out");
    await exportDataset(ds, out, { format: "yolo" });
    const back = await yolo.read!(out, { images: path.join(root, "images") });
    expect(back.problems).toEqual([]);
    expect(col<string>(back, "samples", "filepath").sort()).toEqual(
      [...names.map((n) => `${n}.jpg`), "train/train.jpg"].sort(),
    );
    expect(boxDiffs(ds, back, "ground_truth", { tol: 1e-12 })).toEqual([]);
  });

  it("skips image and class lists at the root only (Darknet: obj_train_data/train.txt is a label file)", async () => {
    const root = tmpDir("yolo-darknet-lists");
    await writeImage(path.join(root, "images/train.jpg"), 100, 80);
    await writeImage(path.join(root, "images/a.jpg"), 100, 80);
    writeText(path.join(root, "obj.names"), "cat\n");
    writeText(path.join(root, "classes.txt"), "cat\n");
    writeText(path.join(root, "train.txt"), "data/obj_train_data/train.jpg\ndata/obj_train_data/a.jpg\n");
    writeText(path.join(root, "obj_train_data/train.txt"), "0 0.5 0.5 0.2 0.2\n");
    writeText(path.join(root, "obj_train_data/a.txt"), "0 0.5 0.5 0.4 0.4\n");
    const ds = await yolo.read!(root, {});
    expect(ds.problems).toEqual([]);
    expect(col(ds, "samples", "filepath")).toEqual(["a.jpg", "train.jpg"]);
    expect(col(ds, "objects", "w")).toEqual([40, 20]);
  });
});

describe("YOLO detection", () => {
  const folder = (files: Record<string, string>) => {
    const dir = tmpDir("yolo-detect");
    for (const [f, text] of Object.entries(files)) writeText(path.join(dir, f), text);
    return dir;
  };

  it("needs data.yaml, obj.names, label files under labels/, or classes.txt with the Darknet layout", () => {
    expect(yolo.detect!(folder({ "data.yaml": "names: [a]\n" }))).toBe(true);
    expect(yolo.detect!(folder({ "VOC.yaml": "# config\nnames:\n  0: a\n" }))).toBe(true);
    expect(yolo.detect!(folder({ "config.yaml": "lr: 0.1\n" }))).toBe(false);
    expect(yolo.detect!(folder({ "obj.names": "a\n" }))).toBe(true);
    expect(yolo.detect!(folder({ "labels/train/a.txt": "0 0.5 0.5 0.1 0.1\n" }))).toBe(true);
    expect(yolo.detect!(folder({ "classes.txt": "a\n", "obj_train_data/a.txt": "" }))).toBe(true);
    expect(
      yolo.detect!(folder({ "classes.txt": "a\n", "train.txt": "data/obj_train_data/a.jpg\n", "a.txt": "" })),
    ).toBe(true);
    // classes.txt beside box files is what the txt-* formats write, also with an image named train.
    expect(yolo.detect!(folder({ "classes.txt": "a\n", "a.txt": "0 1 2 3 4\n" }))).toBe(false);
    expect(yolo.detect!(folder({ "classes.txt": "a\n", "train.txt": "0 1 2 3 4\n" }))).toBe(false);
  });

  it("does not take a txt-abs-xywh export for YOLO", async () => {
    const dir = tmpDir("yolo-detect-txt");
    const ds = dataset([
      { filepath: "train.jpg", boxes: [{ label: "cat", x: 1, y: 2, w: 30, h: 40 }] },
      { filepath: "b.jpg" },
    ]);
    const out = path.join(dir, "out");
    await exportDataset(ds, out, { format: "txt-abs-xywh" });
    expect(fs.readdirSync(out).sort()).toEqual(["b.txt", "classes.txt", "train.txt"]);
    expect(yolo.detect!(out)).toBe(false);
    expect(() => detectFormat(out)).toThrow(/cannot tell the label format/);
    const yoloOut = path.join(dir, "yolo");
    await exportDataset(ds, yoloOut, { format: "yolo" });
    expect(detectFormat(yoloOut).name).toBe("yolo");
  });
});
