import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DatasetBuilder } from "../../src/dataset/builder";
import { values } from "../../src/dataset/columns";
import type { Dataset } from "../../src/dataset/dataset";
import { BlindspotError } from "../../src/errors";
import { exportDataset } from "../../src/formats/api";
import { coco } from "../../src/formats/coco";
import { ProtoWriter, WIRE_FIXED32, WIRE_VARINT } from "../../src/formats/common/protobuf";
import {
  crc32c, decodeExample, encodeExample, formatLabelMap, frameRecord, maskedCrc32c, parseLabelMap, readRecords, tfrecord, type Feature,
} from "../../src/formats/tfrecord";
import { boxDiffs, imageSizes, VOC, VOC_COCO, VOC_IMAGES, vocReferenceDiffs } from "../helpers/data";

const TF_DIR = path.join(VOC, "gts/tfrecord_format");
const TF_FILE = path.join(TF_DIR, "default.tfrecord");
const haveData = fs.existsSync(TF_FILE) && fs.existsSync(VOC_IMAGES);
const TMP = path.resolve(__dirname, "../.tmp/tfrecord-test");

function catchAsync(p: Promise<unknown>): Promise<Error> {
  return p.then(() => { throw new Error("expected an error"); }, (err: Error) => err);
}

function catchSync(f: () => unknown): Error {
  try {
    f();
  } catch (err) {
    return err as Error;
  }
  throw new Error("expected an error");
}

const text = (s: string) => new TextEncoder().encode(s);

beforeAll(() => fs.rmSync(TMP, { recursive: true, force: true }));
afterAll(() => fs.rmSync(TMP, { recursive: true, force: true }));

describe("CRC32C and record framing", () => {
  it("matches the CRC-32C check value", () => {
    expect(crc32c(text("123456789"))).toBe(0xe3069283);
    expect(crc32c(new Uint8Array(0))).toBe(0);
    // RFC 3720 (iSCSI) test vectors: 32 zero bytes, 32 0xff bytes.
    expect(crc32c(new Uint8Array(32))).toBe(0x8a9136aa);
    expect(crc32c(new Uint8Array(32).fill(0xff))).toBe(0x62a8ab43);
  });

  it("masks as TensorFlow does", () => {
    const c = crc32c(text("123456789"));
    expect(maskedCrc32c(text("123456789"))).toBe((((c >>> 15) | (c << 17)) + 0xa282ead8) >>> 0);
    expect(maskedCrc32c(text("123456789"), 2, 5)).toBe(maskedCrc32c(text("345")));
  });

  it("reads back framed records", () => {
    const file = path.join(TMP, "framed.tfrecord");
    fs.mkdirSync(TMP, { recursive: true });
    const datas = [text("a"), new Uint8Array(0), new Uint8Array(100000).map((_, i) => i * 7)];
    fs.writeFileSync(file, Buffer.concat(datas.map(frameRecord)));
    const recs = [...readRecords(file)];
    expect(recs.map((r) => r.index)).toEqual([1, 2, 3]);
    expect(recs.map((r) => r.offset)).toEqual([0, 17, 33]);
    expect(recs.map((r) => Buffer.from(r.data).toString("hex"))).toEqual(datas.map((d) => Buffer.from(d).toString("hex")));
  });
});

describe("tf.train.Example", () => {
  it("encodes and decodes every kind of feature", () => {
    const features: [string, Feature][] = [
      ["b", { kind: "bytes", value: [text("x"), new Uint8Array(0), text("ünï")] }],
      ["f", { kind: "float", value: [0.5, -1.25, 3] }],
      ["i", { kind: "int64", value: [0, -1, 2 ** 40] }],
      ["empty", { kind: "float", value: [] }],
    ];
    const back = decodeExample(encodeExample(features));
    expect([...back.keys()]).toEqual(["b", "f", "i", "empty"]);
    expect(back.get("b")).toEqual({ kind: "bytes", value: [text("x"), new Uint8Array(0), text("ünï")] });
    expect(back.get("f")).toEqual({ kind: "float", value: [0.5, -1.25, 3] });
    expect(back.get("i")).toEqual({ kind: "int64", value: [0, -1, 2 ** 40] });
    expect(back.get("empty")).toEqual({ kind: "float", value: [] });
  });

  it("reads unpacked float and int64 lists, and skips unknown fields", () => {
    const ex = new ProtoWriter().message(1, (fs_) => {
      fs_.message(1, (e) => e.stringField(1, "f").message(2, (f) => f.message(2, (l) => l.tag(1, WIRE_FIXED32).float(1.5).tag(1, WIRE_FIXED32).float(2.5))));
      fs_.message(1, (e) => e.stringField(1, "i").message(2, (f) => f.message(3, (l) => l.tag(1, WIRE_VARINT).int64(-7).tag(1, WIRE_VARINT).int64(8))));
      fs_.message(1, (e) => e.stringField(1, "none"));
    }).int64Field(9, 42).finish();
    const back = decodeExample(ex);
    expect(back.get("f")).toEqual({ kind: "float", value: [1.5, 2.5] });
    expect(back.get("i")).toEqual({ kind: "int64", value: [-7, 8] });
    expect(back.get("none")).toEqual({ kind: "bytes", value: [] });
  });
});

describe("label_map.pbtxt", () => {
  it("parses items with single or double quotes, comments and display names", () => {
    const cats = parseLabelMap(`# labels\nitem {\n  id: 1\n  name: 'person'\n}\nitem { name: "it's \\"x\\"" id: 2 display_name: 'X' }\nitem: { id: 3 display_name: "only display" keypoints { id: 0 label: "nose" } }\n`, "map.pbtxt");
    expect(cats).toEqual([{ id: 1, name: "person" }, { id: 2, name: 'it\'s "x"' }, { id: 3, name: "only display" }]);
  });

  it("writes what it reads", () => {
    const cats = [{ id: 1, name: "person" }, { id: 5, name: "o'brien\\x" }];
    expect(parseLabelMap(formatLabelMap(cats), "m")).toEqual(cats);
    expect(formatLabelMap([{ id: 1, name: "person" }])).toBe("item {\n\tid: 1\n\tname: 'person'\n}\n");
  });

  it("fails with the line of a mistake", () => {
    expect(catchSync(() => parseLabelMap("item {\n id: 1\n name: 'a\n}", "m.pbtxt")).message).toMatch(/m\.pbtxt \(line 3\): string is never closed/);
    expect(catchSync(() => parseLabelMap("item {\n name: 'a'\n}", "m.pbtxt")).message).toMatch(/no integer id/);
    expect(catchSync(() => parseLabelMap("item { id: 1 name: 'a' }\nitem { id: 1 name: 'b' }", "m.pbtxt")).message).toMatch(/id 1 appears twice/);
    expect(catchSync(() => parseLabelMap("item { id: 1 name: 'a' ", "m.pbtxt")).message).toMatch(/expected "}", found the end of the file/);
  });
});

describe.skipIf(!haveData)(`TFRecord on voc100 (needs ${VOC})`, () => {
  it("reads the CVAT/Datumaro export with the same boxes and sizes as the COCO reference", async () => {
    const ds = await tfrecord.read!(TF_FILE, { images: VOC_IMAGES, checkImages: "header" });
    expect(ds.count()).toBe(100);
    expect(ds.objectCount()).toBe(273);
    expect(ds.problems).toEqual([]);
    expect(ds.categories.length).toBe(20);
    expect(ds.categories[0]).toEqual({ id: 1, name: "person" });
    expect(await vocReferenceDiffs(ds)).toEqual([]);
  });

  it("frames records byte for byte as the exporter did", () => {
    const bytes = fs.readFileSync(TF_FILE);
    const framed = Buffer.concat([...readRecords(TF_FILE)].map((r) => frameRecord(r.data)));
    expect(framed.equals(bytes)).toBe(true);
  });

  it("reads the folder holding the file, without images", async () => {
    const ds = await tfrecord.read!(TF_DIR, {});
    expect(ds.count()).toBe(100);
    expect(ds.objectCount()).toBe(273);
    expect(Array.from(values(ds.samples, "split")).every((s) => s === null)).toBe(true);
    expect(tfrecord.detect!(TF_DIR)).toBe(true);
    expect(tfrecord.detect!(TF_FILE)).toBe(true);
  });

  it("round-trips write then read exactly, with the image bytes and label map", async () => {
    const ds = await tfrecord.read!(TF_FILE, { images: VOC_IMAGES });
    const out = path.join(TMP, "voc");
    const report = await tfrecord.write!(ds, out, {});
    expect(report).toEqual({ files: 2, dropped: [] });
    expect(fs.readFileSync(path.join(out, "label_map.pbtxt"), "utf8")).toBe(fs.readFileSync(path.join(TF_DIR, "label_map.pbtxt"), "utf8").replace(/\n+$/, "\n"));
    const back = await tfrecord.read!(out, { images: VOC_IMAGES });
    expect(back.count()).toBe(100);
    expect(back.categories).toEqual(ds.categories);
    expect(boxDiffs(ds, back, null, { tol: 0 })).toEqual([]);
    // Normalised floats are the same float32 values, record by record.
    const orig = [...readRecords(TF_FILE)].map((r) => decodeExample(r.data));
    const again = [...readRecords(path.join(out, "default.tfrecord"))].map((r) => decodeExample(r.data));
    expect(again.length).toBe(orig.length);
    for (let i = 0; i < orig.length; i++) {
      for (const key of ["image/object/bbox/xmin", "image/object/bbox/xmax", "image/object/bbox/ymin", "image/object/bbox/ymax", "image/width", "image/height", "image/object/class/label"]) {
        const a = again[i].get(key)!.value as number[], b = orig[i].get(key)!.value as number[];
        expect(a.length).toBe(b.length);
        a.forEach((v, k) => expect(Math.abs(v - b[k])).toBeLessThanOrEqual(1e-9 * Math.abs(b[k])));
      }
      // The image bytes are in the record.
      const name = new TextDecoder().decode((again[i].get("image/filename")!.value as Uint8Array[])[0]);
      const encoded = (again[i].get("image/encoded")!.value as Uint8Array[])[0];
      const onDisk = fs.readFileSync(path.join(VOC_IMAGES, name));
      expect(encoded.length).toBe(onDisk.length);
      expect(new TextDecoder().decode((again[i].get("image/key/sha256")!.value as Uint8Array[])[0])).toBe(createHash("sha256").update(onDisk).digest("hex"));
      expect(new TextDecoder().decode((again[i].get("image/format")!.value as Uint8Array[])[0])).toBe("jpeg");
    }
  });

  it("writes a COCO dataset that reads back with the same boxes", async () => {
    const ref = await coco.read!(VOC_COCO, { images: VOC_IMAGES });
    const file = path.join(TMP, "from-coco", "voc.tfrecord");
    const report = await exportDataset(ref, file, { format: "tfrecord", lossy: true });
    expect(report.files).toBe(2);
    expect(report.dropped.join("\n")).toMatch(/objects' attributes/);
    const back = await tfrecord.read!(file, {});
    expect(boxDiffs(ref, back, null, { tol: 1e-6 })).toEqual([]);
    // COCO image ids travel as image/source_id.
    expect(values(back.samples, "source_id")[0]).toBe(String(values(ref.samples, "source_id")[0]));
  });

  it("names the file, record and byte offset of a flipped byte", () => {
    const bytes = fs.readFileSync(TF_FILE);
    const recs = [...readRecords(TF_FILE)];
    const second = recs[1];
    const bad = Buffer.from(bytes);
    bad[second.offset + 12 + 40] ^= 0x10;
    const file = path.join(TMP, "flipped.tfrecord");
    fs.mkdirSync(TMP, { recursive: true });
    fs.writeFileSync(file, bad);
    const err = catchSync(() => [...readRecords(file)]);
    expect(err).toBeInstanceOf(BlindspotError);
    expect(err.message).toContain(`${file} (record 2 at byte ${second.offset}): the record's data checksum does not match`);
    expect(err.message).toMatch(/fix: /);

    // A flipped byte in the length header.
    const badLength = Buffer.from(bytes);
    badLength[recs[2].offset + 1] ^= 0x01;
    fs.writeFileSync(file, badLength);
    expect(catchSync(() => [...readRecords(file)]).message).toContain(`(record 3 at byte ${recs[2].offset}): the record length's checksum does not match`);
  });

  it("says a truncated file was cut short", async () => {
    const bytes = fs.readFileSync(TF_FILE);
    const file = path.join(TMP, "cut", "default.tfrecord");
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, bytes.subarray(0, bytes.length - 100));
    const err = await catchAsync(tfrecord.read!(file, {}));
    expect(err).toBeInstanceOf(BlindspotError);
    expect(err.message).toMatch(/record 100 at byte \d+\): the record says \d+ bytes but \d+ are left/);
    expect(err.message).toMatch(/cut short/);
    fs.writeFileSync(file, bytes.subarray(0, bytes.length - 4 - 5));
    expect(catchSync(() => [...readRecords(file)]).message).toMatch(/record 100 at byte/);
  });
});

describe("TFRecord, synthetic cases", () => {
  const dir = path.join(TMP, "synthetic");
  const images = path.join(dir, "images");

  beforeAll(async () => {
    fs.mkdirSync(images, { recursive: true });
    await sharp({ create: { width: 64, height: 32, channels: 3, background: "#336699" } }).png().toFile(path.join(images, "a.png"));
  });

  function dataset(): Dataset {
    const b = new DatasetBuilder("t", images);
    b.declareField({ name: "ground_truth", kind: "detections", predicted: false });
    b.categories = [{ id: 0, name: "zero" }];
    b.addSample({ filepath: "a.png", width: 64, height: 32, split: "train" });
    b.addSample({ filepath: "b.jpg", width: 100, height: 50, split: "val" });
    b.addSample({ filepath: "c.jpg", width: 10, height: 10 });
    b.addSample({ filepath: "d.jpg" });
    b.addObject({ sampleId: "a.png", field: "ground_truth", label: "cat", x: 8, y: 4, w: 16, h: 8 });
    b.addObject({ sampleId: "a.png", field: "ground_truth", label: "zero", x: 0, y: 0, w: 64, h: 32, iscrowd: 1 });
    b.addObject({ sampleId: "b.jpg", field: "ground_truth", label: "dog", x: 10, y: 5, w: 30, h: 20, confidence: 0.5 });
    return b.build();
  }

  it("writes one file per split into a folder and reads the splits back", async () => {
    const out = path.join(dir, "splits");
    const report = await exportDataset(dataset(), out, { format: "tfrecord", lossy: true });
    expect(fs.readdirSync(out).sort()).toEqual(["default.tfrecord", "label_map.pbtxt", "train.tfrecord", "val.tfrecord"]);
    expect(report.files).toBe(4);
    expect(report.dropped).toEqual([
      "1 crowd flags (tfrecord cannot hold them)",
      "1 confidence scores (tfrecord cannot hold them)",
      `3 images not found in ${images}: written with empty image/encoded, which training with the TF Object Detection API needs`,
    ]);
    // A category id 0 (background in TF) makes the writer renumber from 1.
    expect(parseLabelMap(fs.readFileSync(path.join(out, "label_map.pbtxt"), "utf8"), "m")).toEqual([{ id: 1, name: "zero" }, { id: 2, name: "cat" }, { id: 3, name: "dog" }]);
    const back = await tfrecord.read!(out, { images });
    const splitOf = new Map(Array.from(values<string>(back.samples, "filepath")).map((f, i) => [f, values<string | null>(back.samples, "split")[i]]));
    expect(Object.fromEntries(splitOf)).toEqual({ "a.png": "train", "b.jpg": "val", "c.jpg": null, "d.jpg": null });
    // An image without boxes and without a known size is written without one.
    expect(imageSizes(back).get("d.jpg")).toEqual([null, null]);
    expect(imageSizes(back).get("a.png")).toEqual([64, 32]);
    expect(boxDiffs(dataset(), back, null, { tol: 1e-6 })).toEqual([]);
    // The PNG went in as bytes.
    const rec = [...readRecords(path.join(out, "train.tfrecord"))][0];
    const ex = decodeExample(rec.data);
    expect((ex.get("image/encoded")!.value as Uint8Array[])[0].length).toBe(fs.statSync(path.join(images, "a.png")).size);
    expect(new TextDecoder().decode((ex.get("image/format")!.value as Uint8Array[])[0])).toBe("png");
  });

  it("takes labels from the label map when class/text is absent, and reports unknown ids", async () => {
    const out = path.join(dir, "ids");
    fs.mkdirSync(out, { recursive: true });
    const ex = (name: string, labels: number[], textLabels: string[] = []) => frameRecord(encodeExample([
      ["image/filename", { kind: "bytes", value: [text(name)] }],
      ["image/width", { kind: "int64", value: [100] }],
      ["image/height", { kind: "int64", value: [50] }],
      ["image/object/bbox/xmin", { kind: "float", value: labels.map(() => 0.25) }],
      ["image/object/bbox/xmax", { kind: "float", value: labels.map(() => 0.75) }],
      ["image/object/bbox/ymin", { kind: "float", value: labels.map(() => 0) }],
      ["image/object/bbox/ymax", { kind: "float", value: labels.map(() => 0.5) }],
      ["image/object/class/label", { kind: "int64", value: labels }],
      ["image/object/class/text", { kind: "bytes", value: textLabels.map(text) }],
    ]));
    fs.writeFileSync(path.join(out, "data.record"), Buffer.concat([ex("x.jpg", [1, 2]), ex("y.jpg", [7]), ex("z.jpg", [1], ["dog"])]));
    fs.writeFileSync(path.join(out, "label_map.pbtxt"), "item { id: 1 name: 'cat' }\nitem { id: 2 name: 'bird' }\n");
    const ds = await tfrecord.read!(path.join(out, "data.record"), {});
    expect(Array.from(values(ds.objects, "label"))).toEqual(["cat", "bird", "class-7", "dog"]);
    expect(ds.problems.map((p) => p.kind)).toEqual(["unknown-category", "label-mismatch"]);
    expect(Array.from(values(ds.objects, "x"))).toEqual([25, 25, 25, 25]);
    expect(Array.from(values(ds.objects, "w"))).toEqual([50, 50, 50, 50]);
  });

  it("reads sizes from the images when the record has none, else records the problem", async () => {
    const file = path.join(dir, "nosize.tfrecord");
    fs.writeFileSync(file, frameRecord(encodeExample([
      ["image/filename", { kind: "bytes", value: [text("a.png")] }],
      ["image/object/bbox/xmin", { kind: "float", value: [0.5] }],
      ["image/object/bbox/xmax", { kind: "float", value: [1] }],
      ["image/object/bbox/ymin", { kind: "float", value: [0] }],
      ["image/object/bbox/ymax", { kind: "float", value: [0.5] }],
      ["image/object/class/text", { kind: "bytes", value: [text("cat")] }],
    ])));
    const ds = await tfrecord.read!(file, { images });
    expect(ds.problems).toEqual([]);
    expect(Array.from(values(ds.objects, "x"))).toEqual([32]);
    expect(Array.from(values(ds.samples, "width"))).toEqual([64]);
    const without = await tfrecord.read!(file, {});
    expect(without.objectCount()).toBe(0);
    expect(without.problems.map((p) => p.kind)).toEqual(["unknown-image-size"]);
    expect(without.problems[0].hint).toMatch(/--images/);
  });

  it("refuses an example whose lists disagree, naming the record", async () => {
    const file = path.join(dir, "uneven.tfrecord");
    const first = frameRecord(encodeExample([["image/filename", { kind: "bytes", value: [text("ok.jpg")] }]]));
    fs.writeFileSync(file, Buffer.concat([first, frameRecord(encodeExample([
      ["image/filename", { kind: "bytes", value: [text("a.png")] }],
      ["image/object/bbox/xmin", { kind: "float", value: [0.5, 0.1] }],
      ["image/object/bbox/xmax", { kind: "float", value: [1] }],
      ["image/object/bbox/ymin", { kind: "float", value: [0] }],
      ["image/object/bbox/ymax", { kind: "float", value: [0.5] }],
    ]))]));
    const err = await catchAsync(tfrecord.read!(file, {}));
    expect(err.message).toContain(`${file} (record 2 at byte ${first.length} (a.png)): the box lists differ in length`);
  });

  it("says when a record is not a tf.train.Example", async () => {
    const file = path.join(dir, "garbage.tfrecord");
    fs.writeFileSync(file, frameRecord(Uint8Array.from([0x0a, 0x7f, 0x01])));
    const err = await catchAsync(tfrecord.read!(file, {}));
    expect(err.message).toMatch(/record 1 at byte 0\): not a valid tf.train.Example/);
  });

  it("fails clearly on a missing file or a folder without records", async () => {
    expect((await catchAsync(tfrecord.read!(path.join(dir, "absent.tfrecord"), {}))).message).toMatch(/file not found/);
    expect((await catchAsync(tfrecord.read!(images, {}))).message).toMatch(/no TFRecord file in this folder/);
  });
});
