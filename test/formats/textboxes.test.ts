import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { DatasetBuilder } from "../../src/dataset/builder";
import { values } from "../../src/dataset/columns";
import type { Dataset } from "../../src/dataset/dataset";
import { exportDataset } from "../../src/formats/api";
import { ImageIndex } from "../../src/formats/common/files";
import { txtAbsXywh, txtAbsXyxy, txtRelCxcywh } from "../../src/formats/textboxes";
import {
  boxDiffs,
  HAS_SHARED,
  rejection,
  snapshot,
  tmpDir,
  VOC,
  VOC_CLASSES,
  VOC_IMAGES,
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

function dataset(samples: { filepath: string; boxes?: Box[] }[], predicted = false): Dataset {
  const b = new DatasetBuilder("test", null);
  b.declareField({ name: "ground_truth", kind: "detections", predicted });
  for (const s of samples) {
    const id = b.addSample({ filepath: s.filepath, width: 100, height: 80 });
    for (const o of s.boxes ?? []) b.addObject({ sampleId: id, field: "ground_truth", ...o });
  }
  return b.build();
}

const col = <T>(ds: Dataset, table: "samples" | "objects", c: string) => Array.from(values<T>(ds[table], c));
const dec = (v: number, places: number) => Number(v.toFixed(places));

describe("ImageIndex (shared by YOLO, text boxes and Open Images)", () => {
  const index = new ImageIndex(["train/a.jpg", "val/a.jpg", "b.png", "x/c.jpg", "d.jpg", "d.png", "e.f.jpg"]);
  it("finds an image by its relative path without extension, else by its unique bare name", () => {
    expect(index.match("val/a")).toEqual({ file: "val/a.jpg" });
    expect(index.match("train/a")).toEqual({ file: "train/a.jpg" });
    expect(index.match("b")).toEqual({ file: "b.png" });
    expect(index.match("labels/c")).toEqual({ file: "x/c.jpg" });
    expect(index.match("e.f")).toEqual({ file: "e.f.jpg" });
  });
  it("says which images fit a key that several fit, and matches none", () => {
    expect(index.match("a")).toEqual({ file: null, candidates: ["train/a.jpg", "val/a.jpg"] });
    expect(index.match("test/a")).toEqual({ file: null, candidates: ["train/a.jpg", "val/a.jpg"] });
    expect(index.match("d")).toEqual({ file: null, candidates: ["d.jpg", "d.png"] });
    expect(index.match("zzz")).toEqual({ file: null, candidates: [] });
  });
});

describe.skipIf(!HAS_SHARED)("text boxes on the VOC100 detections", () => {
  it("the three layouts write and read back the same scored boxes", async () => {
    const ds = await txtAbsXywh.read!(path.join(VOC, "dets/abs_xywh"), { images: VOC_IMAGES, classes: VOC_CLASSES });
    expect(ds.objectCount()).toBe(452);
    for (const f of [txtAbsXywh, txtAbsXyxy, txtRelCxcywh]) {
      const out = path.join(tmpDir(`txt-${f.name}`), "out");
      await exportDataset(ds, out, { format: f.name });
      const back = await f.read!(out, { images: VOC_IMAGES });
      expect(back.problems, f.name).toEqual([]);
      expect(
        boxDiffs(ds, back, "ground_truth", { confidence: true, tol: f === txtRelCxcywh ? 1e-12 : 0 }),
        f.name,
      ).toEqual([]);
    }
  });
});

describe("text box files", () => {
  it("abs-xyxy writes corners so that non-integer boxes read back exactly", async () => {
    const boxes: Box[] = [];
    for (let k = 0; k < 200; k++)
      boxes.push({
        label: "car",
        x: dec(((k * 0.37) % 50) + 0.1, 2),
        y: dec(((k * 1.13) % 40) + 0.3, 2),
        w: dec(0.2 + (k % 7) * 0.1, 1),
        h: dec(0.7 + (k % 5) * 0.33, 2),
      });
    const ds = dataset([{ filepath: "a.jpg", boxes }]);
    const out = path.join(tmpDir("txt-exact"), "out");
    await exportDataset(ds, out, { format: "txt-abs-xyxy" });
    const back = await txtAbsXyxy.read!(out, {});
    expect(snapshot(back).objects).toEqual(snapshot(ds).objects);
    expect(col<number>(back, "objects", "w")[0]).toBe(0.2);
  });

  it("writes the confidence after the class", async () => {
    const ds = dataset(
      [{ filepath: "a.jpg", boxes: [{ label: "cat", x: 1.5, y: 2, w: 3, h: 4, confidence: 0.9 }] }],
      true,
    );
    const out = path.join(tmpDir("txt-conf"), "out");
    await exportDataset(ds, out, { format: "txt-abs-xyxy" });
    expect(fs.readFileSync(path.join(out, "a.txt"), "utf8")).toBe("0 0.9 1.5 2 4.5 6\n");
    expect(fs.readFileSync(path.join(out, "classes.txt"), "utf8")).toBe("cat\n");
  });

  it("refuses samples that would share a file (3 images, one name), before writing anything", async () => {
    const dir = tmpDir("txt-clash");
    const ds = dataset(
      ["x/a.jpg", "y/a.jpg", "z/a.jpg"].map((filepath) => ({
        filepath,
        boxes: [{ label: "cat", x: 1, y: 1, w: 2, h: 2 }],
      })),
    );
    for (const f of [txtAbsXywh, txtAbsXyxy, txtRelCxcywh]) {
      const err = await rejection(exportDataset(ds, path.join(dir, f.name), { format: f.name }));
      expect(err.message).toMatch(/2 samples would overwrite another's file, so nothing was written/);
      expect(err.message).toContain('a.txt <- "x/a.jpg", "y/a.jpg", "z/a.jpg"');
      expect(err.hint).toMatch(/distinct file names/);
    }
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it("refuses an image whose box file would be classes.txt, the class list, before writing anything", async () => {
    const dir = tmpDir("txt-classes-name");
    for (const name of ["x/classes.jpg", "CLASSES.png"]) {
      const ds = dataset([
        { filepath: "a.jpg", boxes: [{ label: "cat", x: 1, y: 1, w: 2, h: 2 }] },
        { filepath: name, boxes: [{ label: "dog", x: 1, y: 1, w: 2, h: 2 }] },
      ]);
      for (const f of [txtAbsXywh, txtAbsXyxy, txtRelCxcywh]) {
        const out = path.join(dir, f.name);
        expect(() => f.plan!(ds, out, {})).toThrow(/would write its boxes to classes\.txt, which holds the class list/);
        for (const lossy of [false, true]) {
          const err = await rejection(exportDataset(ds, out, { format: f.name, lossy }));
          expect(err.message).toContain(
            `an image (${JSON.stringify(name)}) would write its boxes to classes.txt, which holds the class list, so ` +
              `nothing was written`,
          );
          expect(err.hint).toMatch(/rename the image .*or write to a format that keeps the class list apart/);
        }
        // write alone refuses too
        await rejection(f.write!(ds, out, {}));
      }
    }
    expect(fs.readdirSync(dir)).toEqual([]);
    // Elsewhere in the name is fine.
    const ok = dataset([{ filepath: "my_classes.jpg", boxes: [{ label: "cat", x: 1, y: 1, w: 2, h: 2 }] }]);
    await exportDataset(ok, path.join(dir, "ok"), { format: "txt-abs-xywh" });
    expect(fs.readdirSync(path.join(dir, "ok")).sort()).toEqual(["classes.txt", "my_classes.txt"]);
  });

  it("refuses an image file name that cannot be a file name", async () => {
    const dir = tmpDir("txt-name");
    const err = await rejection(
      exportDataset(dataset([{ filepath: "x/" }]), path.join(dir, "out"), { format: "txt-abs-xywh" }),
    );
    expect(err.message).toMatch(/image file name "" cannot be used as a file or folder name/);
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it(
    "matches each file to its image by relative path, then by a unique name; an ambiguous name " + "is a problem",
    async () => {
      const root = tmpDir("txt-match");
      const images = path.join(root, "images");
      await writeImage(path.join(images, "cam1/a.jpg"), 100, 50);
      await writeImage(path.join(images, "cam2/a.jpg"), 200, 100);
      await writeImage(path.join(images, "b.jpg"), 40, 40);
      const dets = path.join(root, "dets");
      writeText(path.join(dets, "cam2/a.txt"), "car 0.5 0.5 0.5 0.5\n");
      writeText(path.join(dets, "other/b.txt"), "car 0.5 0.5 0.5 0.5\n");
      writeText(path.join(dets, "a.txt"), "car 0.5 0.5 0.5 0.5\n");
      const ds = await txtRelCxcywh.read!(dets, { images });
      expect(col(ds, "samples", "filepath")).toEqual(["a.jpg", "cam2/a.jpg", "b.jpg"]);
      expect(col(ds, "objects", "w")).toEqual([100, 20]); // the box of the ambiguous file has no image size
      const ambiguous = ds.problems.filter((p) => p.kind === "ambiguous-image");
      expect(ambiguous.map((p) => [p.sampleId, p.file])).toEqual([["a.jpg", path.join(dets, "a.txt")]]);
      expect(ambiguous[0].message).toMatch(/cam1\/a\.jpg, cam2\/a\.jpg/);
    },
  );

  it("reads class indices against classes.txt and fails on a wrong one with the file, line and fix", async () => {
    const dir = tmpDir("txt-classes");
    writeText(path.join(dir, "classes.txt"), "cat\ndog\n");
    writeText(path.join(dir, "a.txt"), "1 0.8 1 2 3 4\n\n2 1 2 3 4\n");
    const err = await rejection(txtAbsXywh.read!(dir, {}));
    expect(err.message).toMatch(/a\.txt \(line 3\): class 2 is not an index into the 2 class names/);
    writeText(path.join(dir, "a.txt"), "1 0.8 1 2 3 4\n");
    const ds = await txtAbsXywh.read!(dir, {});
    expect(col(ds, "objects", "label")).toEqual(["dog"]);
    expect(col(ds, "objects", "confidence")).toEqual([0.8]);
  });
});
