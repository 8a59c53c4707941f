import * as fs from "node:fs";
import * as path from "node:path";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DatasetBuilder } from "../../src/dataset/builder";
import { values } from "../../src/dataset/columns";
import { BlindspotError } from "../../src/errors";
import { coco } from "../../src/formats/coco";
import { parseCsv } from "../../src/formats/common/csv";
import { exportDataset } from "../../src/formats/api";
import { openimages, parseDecimal } from "../../src/formats/openimages";
import { boxDiffs, canonical, VOC, VOC_COCO, VOC_IMAGES, vocReferenceDiffs } from "../helpers/data";

const CSV = path.join(VOC, "gts/openimages_format/all_bounding_boxes.csv");
const haveData = fs.existsSync(CSV) && fs.existsSync(VOC_IMAGES);
const TMP = path.resolve(__dirname, "../.tmp/openimages-test");

async function makeImage(file: string, width: number, height: number): Promise<void> {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const img = sharp({ create: { width, height, channels: 3, background: { r: 40, g: 90, b: 160 } } });
  await (file.endsWith(".png") ? img.png() : img.jpeg()).toFile(file);
}

function catchAsync(p: Promise<unknown>): Promise<Error> {
  return p.then(
    () => {
      throw new Error("expected an error");
    },
    (err: Error) => err,
  );
}

beforeAll(() => fs.rmSync(TMP, { recursive: true, force: true }));
afterAll(() => fs.rmSync(TMP, { recursive: true, force: true }));

describe("parseDecimal", () => {
  it("reads decimal points, decimal commas and exponents", () => {
    expect(parseDecimal("0.358")).toBe(0.358);
    expect(parseDecimal("0,358")).toBe(0.358);
    expect(parseDecimal(" 1 ")).toBe(1);
    expect(parseDecimal(".5")).toBe(0.5);
    expect(parseDecimal("1e-3")).toBe(0.001);
    expect(parseDecimal("1,5E-1")).toBe(0.15);
    expect(parseDecimal("")).toBeNull();
    expect(parseDecimal("1,234.5")).toBeNaN();
    expect(parseDecimal("abc")).toBeNaN();
  });
});

describe.skipIf(!haveData)(`Open Images CSV on voc100 (needs ${VOC})`, () => {
  it("reads the CVAT export (decimal commas) with the same boxes as the COCO reference", async () => {
    const ds = await openimages.read!(CSV, { images: VOC_IMAGES });
    expect(ds.count()).toBe(100);
    expect(ds.objectCount()).toBe(273);
    expect(ds.problems).toEqual([]);
    expect(ds.fields).toEqual([{ name: "ground_truth", kind: "detections", predicted: false }]);
    // Boxes as in COCO; sizes come from the image headers and agree with the COCO file's.
    expect(await vocReferenceDiffs(ds)).toEqual([]);
  });

  it("reads the folder holding the CSV too", async () => {
    const ds = await openimages.read!(path.dirname(CSV), { images: VOC_IMAGES });
    expect(ds.objectCount()).toBe(273);
  });

  it("refuses to read without the images, saying to pass --images", async () => {
    const err = await catchAsync(openimages.read!(CSV, {}));
    expect(err).toBeInstanceOf(BlindspotError);
    expect(err.message).toContain(CSV);
    expect(err.message).toMatch(/pass --images/);
  });

  it("round-trips write then read exactly", async () => {
    const ds = await openimages.read!(CSV, { images: VOC_IMAGES });
    const out = path.join(TMP, "voc", "boxes.csv");
    const report = await openimages.write!(ds, out, {});
    expect(report).toEqual({ files: 1, dropped: [] });
    const text = fs.readFileSync(out, "utf8");
    expect(text.split("\n")[0]).toBe(
      "ImageID,Source,LabelName,Confidence,XMin,XMax,YMin,YMax,IsOccluded,IsTruncated,IsGroupOf,IsDepiction,IsInside",
    );
    expect(text).not.toMatch(/"\d+,\d+"/);
    const back = await openimages.read!(out, { images: VOC_IMAGES });
    expect(back.count()).toBe(100);
    expect(boxDiffs(ds, back, "ground_truth", { tol: 1e-12 })).toEqual([]);
    // Normalised values survive to 1e-9 relative.
    const orig = parseCsv(fs.readFileSync(CSV, "utf8")).rows,
      again = parseCsv(text).rows;
    expect(again.length).toBe(orig.length);
    for (let r = 0; r < orig.length; r++) {
      expect(again[r][0]).toBe(orig[r][0]);
      expect(again[r][2]).toBe(orig[r][2]);
      for (let c = 4; c < 8; c++) {
        const a = Number(again[r][c]),
          b = Number(orig[r][c].replace(",", "."));
        expect(Math.abs(a - b)).toBeLessThanOrEqual(1e-9 * Math.max(Math.abs(b), 1e-12));
      }
    }
  });

  it("writes a COCO dataset's boxes that read back the same", async () => {
    const ref = await coco.read!(VOC_COCO, { images: VOC_IMAGES });
    const out = path.join(TMP, "from-coco.csv");
    const report = await exportDataset(ref, out, { format: "openimages", lossy: true });
    // Image metadata has no place; per-object attributes ({"attributes":{"occluded":false}}) become an
    // extra column of JSON text, which reads back as text: the plan says so.
    expect(report.dropped.length).toBe(3);
    expect(report.dropped[0]).toMatch(/^metadata columns .* \(openimages cannot hold them\)$/);
    expect(report.dropped[1]).toMatch(/^100 image ids \(openimages cannot hold them/);
    expect(report.dropped[2]).toBe(
      "273 attribute values that are lists or objects (openimages writes them as JSON text, which reads back as " +
        'text; attributes "attributes")',
    );
    expect(fs.readFileSync(out, "utf8").split("\n")[0]).toMatch(/,IsInside,attributes$/);
    const back = await openimages.read!(out, { images: VOC_IMAGES });
    expect(boxDiffs(ref, back, "ground_truth", { tol: 1e-9 })).toEqual([]);
  });
});

describe("Open Images CSV, synthetic cases", () => {
  const dir = path.join(TMP, "synthetic");
  const images = path.join(dir, "images");

  beforeAll(async () => {
    await makeImage(path.join(images, "abc123.jpg"), 200, 100);
    await makeImage(path.join(images, "train", "def456.png"), 50, 40);
    await makeImage(path.join(images, "empty.jpg"), 10, 10);
  });

  it("finds bare ImageIDs in the images folder and keeps flags, attributes and group-of", async () => {
    const csv = path.join(dir, "bare.csv");
    fs.writeFileSync(
      csv,
      [
        "ImageID,Source,LabelName,Confidence,XMin,XMax,YMin,YMax,IsOccluded,IsTruncated,IsGroupOf,IsDepiction," +
          "IsInside,XClick1X",
        "abc123,xclick,/m/01g317,1,0.1,0.6,0.2,0.7,1,0,0,-1,0,0.15",
        "abc123,activemil,/m/0k4j,1,0,1,0,1,,,1,,,",
        'def456,xclick,"/m/x,y",1,0.5,1,0.25,0.75,0,1,0,0,1,',
      ].join("\r\n") + "\r\n",
    );
    const ds = await openimages.read!(csv, { images });
    expect(ds.problems).toEqual([]);
    expect(Array.from(values<string>(ds.samples, "filepath"))).toEqual(["abc123.jpg", "train/def456.png"]);
    // All confidences 1: the official human-verified boxes, read as ground truth.
    expect(ds.fields[0]).toEqual({ name: "ground_truth", kind: "detections", predicted: false });
    const boxes = canonical(ds, "ground_truth", { by: "filepath" });
    const a = boxes.get("abc123.jpg")!;
    expect(a[0]).toMatchObject({ label: "/m/01g317", confidence: null, iscrowd: 0 });
    const [x, y, w, h] = a[0].box;
    expect(x).toBeCloseTo(20, 9);
    expect(w).toBeCloseTo(100, 9);
    expect(y).toBeCloseTo(20, 9);
    expect(h).toBeCloseTo(50, 9);
    expect(JSON.parse(a[0].attributes!)).toEqual({
      source: "xclick",
      occluded: 1,
      truncated: 0,
      depiction: -1,
      inside: 0,
      XClick1X: "0.15",
    });
    expect(a[1]).toMatchObject({ iscrowd: 1, box: [0, 0, 200, 100] });
    expect(JSON.parse(a[1].attributes!)).toEqual({ source: "activemil" });
    expect(boxes.get("train/def456.png")![0]).toMatchObject({ label: "/m/x,y", box: [25, 10, 25, 20] });

    // Written back: bare ids, Confidence 1, the same flags and columns.
    const out = path.join(dir, "bare-out.csv");
    await openimages.write!(ds, out, {});
    const t = parseCsv(fs.readFileSync(out, "utf8"));
    expect(t.header).toEqual([
      "ImageID",
      "Source",
      "LabelName",
      "Confidence",
      "XMin",
      "XMax",
      "YMin",
      "YMax",
      "IsOccluded",
      "IsTruncated",
      "IsGroupOf",
      "IsDepiction",
      "IsInside",
      "XClick1X",
    ]);
    expect(t.rows[0]).toEqual([
      "abc123",
      "xclick",
      "/m/01g317",
      "1",
      "0.1",
      "0.6",
      "0.2",
      "0.7",
      "1",
      "0",
      "0",
      "-1",
      "0",
      "0.15",
    ]);
    expect(t.rows[1]).toEqual(["abc123", "activemil", "/m/0k4j", "1", "0", "1", "0", "1", "", "", "1", "", "", ""]);
    expect(t.rows[2][0]).toBe("train/def456");
    const back = await openimages.read!(out, { images });
    expect(boxDiffs(ds, back, "ground_truth", { tol: 1e-12 })).toEqual([]);
  });

  it("reads scores as predictions, and writes them back", async () => {
    const csv = path.join(dir, "preds.csv");
    fs.writeFileSync(
      csv,
      "ImageID,LabelName,Confidence,XMin,XMax,YMin,YMax\nabc123.jpg,cat,0.9,0,0.5,0,0.5\nabc123.jpg,dog,,0,0.5,0,0.5\n",
    );
    const ds = await openimages.read!(csv, { images });
    expect(ds.fields[0]).toEqual({ name: "predictions", kind: "detections", predicted: true });
    expect(Array.from(values(ds.objects, "confidence"))).toEqual([0.9, null]);
    const out = path.join(dir, "preds-out.csv");
    await openimages.write!(ds, out, {});
    const rows = parseCsv(fs.readFileSync(out, "utf8")).rows;
    expect(rows.map((r) => r[3])).toEqual(["0.9", ""]);
    expect(rows.map((r) => r[10])).toEqual(["0", "0"]);
  });

  it("records missing images as problems and keeps the rest", async () => {
    const csv = path.join(dir, "missing.csv");
    fs.writeFileSync(
      csv,
      "ImageID,LabelName,XMin,XMax,YMin,YMax\nnope.jpg,cat,0,0.5,0,0.5\nabc123.jpg,dog,0,0.5,0,0.5\n",
    );
    const ds = await openimages.read!(csv, { images });
    expect(ds.count()).toBe(2);
    expect(ds.objectCount()).toBe(1);
    expect(ds.problems.map((p) => p.kind).sort()).toEqual(["missing-image", "unknown-image-size"]);
    expect(ds.problems.find((p) => p.kind === "unknown-image-size")!.message).toMatch(/1 box not loaded/);
  });

  it("records boxes outside the image as problems", async () => {
    const csv = path.join(dir, "outside.csv");
    fs.writeFileSync(csv, "ImageID,LabelName,XMin,XMax,YMin,YMax\nabc123.jpg,cat,0.5,1.5,0,0.5\n");
    const ds = await openimages.read!(csv, { images });
    expect(ds.problems.map((p) => p.kind)).toEqual(["box-outside-image"]);
  });

  it("names the line of a malformed row", async () => {
    const csv = path.join(dir, "bad.csv");
    fs.writeFileSync(
      csv,
      "ImageID,LabelName,XMin,XMax,YMin,YMax\nabc123.jpg,cat,0,0.5,0,0.5\nabc123.jpg,cat,0,0,5,0,0.5\n",
    );
    let err = await catchAsync(openimages.read!(csv, { images }));
    expect(err.message).toContain(`${csv} (line 3)`);
    expect(err.message).toMatch(/decimal comma must be quoted/);
    fs.writeFileSync(csv, "ImageID,LabelName,XMin,XMax,YMin,YMax\nabc123.jpg,cat,0,x,0,0.5\n");
    err = await catchAsync(openimages.read!(csv, { images }));
    expect(err.message).toContain("(line 2, XMax)");
    fs.writeFileSync(csv, "ImageID,LabelName,XMin,XMax\n");
    err = await catchAsync(openimages.read!(csv, { images }));
    expect(err.message).toMatch(/missing columns YMin, YMax/);
  });

  it("reports images without boxes when writing, and needs sizes", async () => {
    const b = new DatasetBuilder("t", images);
    b.declareField({ name: "ground_truth", kind: "detections", predicted: false });
    b.addSample({ filepath: "abc123.jpg", width: 200, height: 100 });
    b.addSample({ filepath: "empty.jpg", width: 10, height: 10 });
    b.addSample({ filepath: "train/def456.png" });
    b.addObject({
      sampleId: "abc123.jpg",
      field: "ground_truth",
      label: "cat",
      x: 10,
      y: 10,
      w: 20,
      h: 20,
      attributes: { difficult: true, XMin: 3 },
    });
    b.addObject({ sampleId: "train/def456.png", field: "ground_truth", label: "cat", x: 5, y: 4, w: 10, h: 8 });
    const ds = b.build();
    const out = path.join(dir, "written.csv");
    const report = await openimages.write!(ds, out, {});
    expect(report.dropped).toEqual([
      "1 image without boxes (an Open Images box file lists only images that have boxes)",
      expect.stringMatching(/^1 attribute values named like an Open Images column/),
      '1 boolean attribute values (written as 1/0: openimages has no booleans; attributes "difficult")',
    ]);
    const t = parseCsv(fs.readFileSync(out, "utf8"));
    expect(t.header.at(-1)).toBe("difficult");
    expect(t.rows[0].at(-1)).toBe("1");
    // The PNG's size was read from its header: 5/50 = 0.1.
    expect(t.rows[1].slice(4, 8)).toEqual(["0.1", "0.3", "0.1", "0.3"]);

    const noImages = new DatasetBuilder("t", null);
    noImages.addSample({ filepath: "a.jpg" });
    noImages.addObject({ sampleId: "a.jpg", field: "ground_truth", label: "cat", x: 1, y: 1, w: 1, h: 1 });
    const err = await catchAsync(openimages.write!(noImages.build(), path.join(dir, "never.csv"), {}));
    expect(err.message).toMatch(/image size unknown/);
    expect(fs.existsSync(path.join(dir, "never.csv"))).toBe(false);
  });

  it("lists attribute values that would read back changed before writing, and writes them with lossy", async () => {
    const b = new DatasetBuilder("t", images);
    b.declareField({ name: "ground_truth", kind: "detections", predicted: false });
    b.addSample({ filepath: "abc123.jpg", width: 200, height: 100 });
    const attributes = {
      difficult: true,
      ratio: 0.5,
      code: "12",
      note: " padded ",
      nested: { k: 1 },
      empty: "",
      gone: null,
      count: 3,
      kind: "car",
      occluded: 1,
    };
    b.addObject({
      sampleId: "abc123.jpg",
      field: "ground_truth",
      label: "cat",
      x: 10,
      y: 10,
      w: 20,
      h: 20,
      attributes,
    });
    const ds = b.build();
    const out = path.join(dir, "changed.csv");
    const planned = await openimages.plan!(ds, out, {});
    expect(planned).toEqual([
      '1 boolean attribute values (written as 1/0: openimages has no booleans; attributes "difficult")',
      "1 attribute values that are numbers other than integers (openimages reads them back as text; " +
        'attributes "ratio")',
      "2 attribute values that are text reading back as a number or without their spaces at the ends (openimages " +
        'reads integer cells as numbers and trims cells; attributes "code", "note")',
      "1 attribute values that are lists or objects (openimages writes them as JSON text, which reads back as text; " +
        'attributes "nested")',
      '2 empty (null or "") attribute values (openimages reads an empty cell as no value; attributes "empty", "gone")',
    ]);
    const err = await catchAsync(exportDataset(ds, out, { format: "openimages" }));
    expect(err).toBeInstanceOf(BlindspotError);
    expect(err.message).toMatch(/1 boolean attribute values[\s\S]*2 empty/);
    expect(fs.existsSync(out)).toBe(false);
    const report = await exportDataset(ds, out, { format: "openimages", lossy: true });
    expect(report.dropped).toEqual(planned);
    // What comes back is what the plan said would change; the rest is equal.
    const back = await openimages.read!(out, { images });
    expect(JSON.parse(values<string>(back.objects, "attributes")[0])).toEqual({
      difficult: 1,
      ratio: "0.5",
      code: 12,
      note: "padded",
      nested: '{"k":1}',
      count: 3,
      kind: "car",
      occluded: 1,
    });
  });

  it("says when predictions would read back as ground truth, or ground truth as predictions", async () => {
    const make = (predicted: boolean, scores: (number | null)[]) => {
      const b = new DatasetBuilder("t", images);
      b.declareField({ name: predicted ? "model" : "ground_truth", kind: "detections", predicted });
      b.addSample({ filepath: "abc123.jpg", width: 200, height: 100 });
      scores.forEach((confidence, k) =>
        b.addObject({
          sampleId: "abc123.jpg",
          field: predicted ? "model" : "ground_truth",
          label: "cat",
          x: k,
          y: 0,
          w: 10,
          h: 10,
          confidence,
        }),
      );
      return b.build();
    };
    const out = path.join(dir, "scores.csv");
    // Scores that are all 1 are the official human-verified boxes' Confidence: read as ground truth.
    const ones = make(true, [1, 1]);
    expect(await openimages.plan!(ones, out, {})).toEqual([
      'predictions "model": their 2 scores, all 1 (openimages reads a file whose scores are all 1 as ground truth ' +
        "without scores, as the official human-verified boxes are)",
    ]);
    await expect(exportDataset(ones, out, { format: "openimages" })).rejects.toThrow(/scores, all 1/);
    expect(fs.existsSync(out)).toBe(false);
    await exportDataset(ones, out, { format: "openimages", lossy: true });
    expect((await openimages.read!(out, { images })).fields[0]).toEqual({
      name: "ground_truth",
      kind: "detections",
      predicted: false,
    });
    fs.rmSync(out);

    expect(await openimages.plan!(make(true, [null, null]), out, {})).toEqual([
      'predictions "model" without scores (openimages reads them back as ground truth)',
    ]);
    expect(await openimages.plan!(make(false, [0.5, null]), out, {})).toEqual([
      'ground truth "ground_truth" with 1 scores (openimages reads a file with scores other than 1 as predictions)',
    ]);
    // What reads back as it was is not listed.
    for (const [predicted, scores] of [
      [true, [1, 0.5]],
      [true, [1, null]],
      [false, [null, null]],
    ] as const) {
      expect(await openimages.plan!(make(predicted, [...scores]), out, {}), JSON.stringify(scores)).toEqual([]);
    }
    const mixed = make(true, [1, 0.5]);
    await exportDataset(mixed, out, { format: "openimages" });
    const back = await openimages.read!(out, { images });
    expect(back.fields[0]).toEqual({ name: "predictions", kind: "detections", predicted: true });
    expect(Array.from(values(back.objects, "confidence"))).toEqual([1, 0.5]);
  });

  it("detects Open Images CSVs by their header", () => {
    expect(openimages.detect!(path.join(dir, "bare.csv"))).toBe(true);
    const other = path.join(dir, "other.csv");
    fs.writeFileSync(other, "filename,label\n");
    expect(openimages.detect!(other)).toBe(false);
    expect(openimages.detect!(path.join(dir, "absent.csv"))).toBe(false);
  });
});
