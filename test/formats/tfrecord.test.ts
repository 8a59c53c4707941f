import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { DatasetBuilder } from "../../src/dataset/builder";
import { values } from "../../src/dataset/columns";
import type { Dataset } from "../../src/dataset/dataset";
import { BlindspotError } from "../../src/errors";
import { exportDataset } from "../../src/formats/api";
import { coco } from "../../src/formats/coco";
import { ProtoWriter, WIRE_FIXED32, WIRE_VARINT } from "../../src/io/protobuf";
import { tfrecord } from "../../src/formats/tfrecord";
import { decodeExample, encodeExample, type Feature } from "../../src/formats/tfrecord/example";
import { formatLabelMap, parseLabelMap } from "../../src/formats/tfrecord/labelMap";
import { crc32c, frameRecord, maskedCrc32c, readRecords } from "../../src/formats/tfrecord/records";
import { boxDiffs, imageSizes, VOC, VOC_COCO, VOC_IMAGES, vocReferenceDiffs } from "../helpers/data";

const TF_DIR = path.join(VOC, "gts/tfrecord_format");
const TF_FILE = path.join(TF_DIR, "default.tfrecord");
const haveData = fs.existsSync(TF_FILE) && fs.existsSync(VOC_IMAGES);
const TMP = path.resolve(__dirname, "../.tmp/tfrecord-test");

function catchAsync(p: Promise<unknown>): Promise<Error> {
  return p.then(
    () => {
      throw new Error("expected an error");
    },
    (err: Error) => err,
  );
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
    expect(recs.map((r) => Buffer.from(r.data).toString("hex"))).toEqual(
      datas.map((d) => Buffer.from(d).toString("hex")),
    );
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
    const ex = new ProtoWriter()
      .message(1, (fs_) => {
        fs_.message(1, (e) =>
          e
            .stringField(1, "f")
            .message(2, (f) => f.message(2, (l) => l.tag(1, WIRE_FIXED32).float(1.5).tag(1, WIRE_FIXED32).float(2.5))),
        );
        fs_.message(1, (e) =>
          e
            .stringField(1, "i")
            .message(2, (f) => f.message(3, (l) => l.tag(1, WIRE_VARINT).int64(-7).tag(1, WIRE_VARINT).int64(8))),
        );
        fs_.message(1, (e) => e.stringField(1, "none"));
      })
      .int64Field(9, 42)
      .finish();
    const back = decodeExample(ex);
    expect(back.get("f")).toEqual({ kind: "float", value: [1.5, 2.5] });
    expect(back.get("i")).toEqual({ kind: "int64", value: [-7, 8] });
    expect(back.get("none")).toEqual({ kind: "bytes", value: [] });
  });
});

describe("label_map.pbtxt", () => {
  it("parses items with single or double quotes, comments and display names", () => {
    const cats = parseLabelMap(
      `# labels\nitem {\n  id: 1\n  name: 'person'\n}\nitem { name: "it's \\"x\\"" id: 2 display_name: 'X' }\nitem: ` +
        `{ id: 3 display_name: "only display" keypoints { id: 0 label: "nose" } }\n`,
      "map.pbtxt",
    );
    expect(cats).toEqual([
      { id: 1, name: "person" },
      { id: 2, name: 'it\'s "x"' },
      { id: 3, name: "only display" },
    ]);
  });

  it("writes what it reads", () => {
    const cats = [
      { id: 1, name: "person" },
      { id: 5, name: "o'brien\\x" },
    ];
    expect(parseLabelMap(formatLabelMap(cats), "m")).toEqual(cats);
    expect(formatLabelMap([{ id: 1, name: "person" }])).toBe("item {\n\tid: 1\n\tname: 'person'\n}\n");
  });

  it("fails with the line of a mistake", () => {
    expect(catchSync(() => parseLabelMap("item {\n id: 1\n name: 'a\n}", "m.pbtxt")).message).toMatch(
      /m\.pbtxt \(line 3\): string is never closed/,
    );
    expect(catchSync(() => parseLabelMap("item {\n name: 'a'\n}", "m.pbtxt")).message).toMatch(/no integer id/);
    expect(
      catchSync(() => parseLabelMap("item { id: 1 name: 'a' }\nitem { id: 1 name: 'b' }", "m.pbtxt")).message,
    ).toMatch(/id 1 appears twice/);
    expect(catchSync(() => parseLabelMap("item { id: 1 name: 'a' ", "m.pbtxt")).message).toMatch(
      /expected "}", found the end of the file/,
    );
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
    expect(fs.readFileSync(path.join(out, "label_map.pbtxt"), "utf8")).toBe(
      fs.readFileSync(path.join(TF_DIR, "label_map.pbtxt"), "utf8").replace(/\n+$/, "\n"),
    );
    const back = await tfrecord.read!(out, { images: VOC_IMAGES });
    expect(back.count()).toBe(100);
    expect(back.categories).toEqual(ds.categories);
    expect(boxDiffs(ds, back, null, { tol: 0 })).toEqual([]);
    // Normalised floats are the same float32 values, record by record.
    const orig = [...readRecords(TF_FILE)].map((r) => decodeExample(r.data));
    const again = [...readRecords(path.join(out, "default.tfrecord"))].map((r) => decodeExample(r.data));
    expect(again.length).toBe(orig.length);
    for (let i = 0; i < orig.length; i++) {
      for (const key of [
        "image/object/bbox/xmin",
        "image/object/bbox/xmax",
        "image/object/bbox/ymin",
        "image/object/bbox/ymax",
        "image/width",
        "image/height",
        "image/object/class/label",
      ]) {
        const a = again[i].get(key)!.value as number[],
          b = orig[i].get(key)!.value as number[];
        expect(a.length).toBe(b.length);
        a.forEach((v, k) => expect(Math.abs(v - b[k])).toBeLessThanOrEqual(1e-9 * Math.abs(b[k])));
      }
      // The image bytes are in the record.
      const name = new TextDecoder().decode((again[i].get("image/filename")!.value as Uint8Array[])[0]);
      const encoded = (again[i].get("image/encoded")!.value as Uint8Array[])[0];
      const onDisk = fs.readFileSync(path.join(VOC_IMAGES, name));
      expect(encoded.length).toBe(onDisk.length);
      expect(new TextDecoder().decode((again[i].get("image/key/sha256")!.value as Uint8Array[])[0])).toBe(
        createHash("sha256").update(onDisk).digest("hex"),
      );
      expect(new TextDecoder().decode((again[i].get("image/format")!.value as Uint8Array[])[0])).toBe("jpeg");
    }
  });

  it("writes a COCO dataset that reads back with the same boxes", async () => {
    const ref = await coco.read!(VOC_COCO, { images: VOC_IMAGES });
    const file = path.join(TMP, "from-coco", "voc.tfrecord");
    const report = await exportDataset(ref, file, { format: "tfrecord", lossy: true });
    expect(report.files).toBe(2);
    // The attributes are written; their nesting goes and their type changes (occluded: false becomes 0).
    expect(report.dropped).toEqual([
      expect.stringMatching(/^metadata columns /),
      "273 boolean attribute values (written as 0/1: tfrecord has no booleans)",
      `273 objects' nested attributes ({"attributes": {...}}, as CVAT's COCO export writes them) written as ` +
        `attributes of their own (tfrecord holds one list per attribute: they read back flat)`,
    ]);
    const back = await tfrecord.read!(file, {});
    expect(boxDiffs(ref, back, null, { tol: 1e-6 })).toEqual([]);
    expect(Array.from(values(back.objects, "area"))).toEqual(Array.from(values(ref.objects, "area")));
    expect(values<string>(back.objects, "attributes")[0]).toBe('{"occluded":0}');
    expect(back.problems).toEqual([]);
    // COCO image ids travel as image/source_id, text in the record, and come back as the numbers they were.
    expect(typeof values(ref.samples, "source_id")[0]).toBe("number");
    expect(Array.from(values(back.samples, "source_id"))).toEqual(Array.from(values(ref.samples, "source_id")));
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
    expect(err.message).toContain(
      `${file} (record 2 at byte ${second.offset}): the record's data checksum does not match`,
    );
    expect(err.message).toMatch(/fix: /);

    // A flipped byte in the length header.
    const badLength = Buffer.from(bytes);
    badLength[recs[2].offset + 1] ^= 0x01;
    fs.writeFileSync(file, badLength);
    expect(catchSync(() => [...readRecords(file)]).message).toContain(
      `(record 3 at byte ${recs[2].offset}): the record length's checksum does not match`,
    );
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
    await sharp({ create: { width: 64, height: 32, channels: 3, background: "#336699" } })
      .png()
      .toFile(path.join(images, "a.png"));
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
    expect(fs.readdirSync(out).sort()).toEqual([
      "default.tfrecord",
      "label_map.pbtxt",
      "train.tfrecord",
      "val.tfrecord",
    ]);
    expect(report.files).toBe(4);
    expect(report.dropped).toEqual([
      "1 confidence scores (tfrecord cannot hold them)",
      `3 images not found in ${images}: written with empty image/encoded, which training with the TF Object ` +
        `Detection API needs`,
    ]);
    // A category id 0 (background in TF) makes the writer renumber from 1.
    expect(parseLabelMap(fs.readFileSync(path.join(out, "label_map.pbtxt"), "utf8"), "m")).toEqual([
      { id: 1, name: "zero" },
      { id: 2, name: "cat" },
      { id: 3, name: "dog" },
    ]);
    const back = await tfrecord.read!(out, { images });
    const splitOf = new Map(
      Array.from(values<string>(back.samples, "filepath")).map((f, i) => [
        f,
        values<string | null>(back.samples, "split")[i],
      ]),
    );
    expect(Object.fromEntries(splitOf)).toEqual({ "a.png": "train", "b.jpg": "val", "c.jpg": null, "d.jpg": null });
    // An image without boxes and without a known size is written without one.
    expect(imageSizes(back).get("d.jpg")).toEqual([null, null]);
    expect(imageSizes(back).get("a.png")).toEqual([64, 32]);
    expect(boxDiffs(dataset(), back, null, { tol: 1e-6 })).toEqual([]);
    expect(Array.from(values(back.objects, "iscrowd"))).toEqual([0, 1, 0]);
    // The PNG went in as bytes.
    const rec = [...readRecords(path.join(out, "train.tfrecord"))][0];
    const ex = decodeExample(rec.data);
    expect((ex.get("image/encoded")!.value as Uint8Array[])[0].length).toBe(
      fs.statSync(path.join(images, "a.png")).size,
    );
    expect(new TextDecoder().decode((ex.get("image/format")!.value as Uint8Array[])[0])).toBe("png");
  });

  it("takes labels from the label map when class/text is absent, and reports unknown ids", async () => {
    const out = path.join(dir, "ids");
    fs.mkdirSync(out, { recursive: true });
    const ex = (name: string, labels: number[], textLabels: string[] = []) =>
      frameRecord(
        encodeExample([
          ["image/filename", { kind: "bytes", value: [text(name)] }],
          ["image/width", { kind: "int64", value: [100] }],
          ["image/height", { kind: "int64", value: [50] }],
          ["image/object/bbox/xmin", { kind: "float", value: labels.map(() => 0.25) }],
          ["image/object/bbox/xmax", { kind: "float", value: labels.map(() => 0.75) }],
          ["image/object/bbox/ymin", { kind: "float", value: labels.map(() => 0) }],
          ["image/object/bbox/ymax", { kind: "float", value: labels.map(() => 0.5) }],
          ["image/object/class/label", { kind: "int64", value: labels }],
          ["image/object/class/text", { kind: "bytes", value: textLabels.map(text) }],
        ]),
      );
    fs.writeFileSync(
      path.join(out, "data.record"),
      Buffer.concat([ex("x.jpg", [1, 2]), ex("y.jpg", [7]), ex("z.jpg", [1], ["dog"])]),
    );
    fs.writeFileSync(path.join(out, "label_map.pbtxt"), "item { id: 1 name: 'cat' }\nitem { id: 2 name: 'bird' }\n");
    const ds = await tfrecord.read!(path.join(out, "data.record"), {});
    expect(Array.from(values(ds.objects, "label"))).toEqual(["cat", "bird", "class-7", "dog"]);
    expect(ds.problems.map((p) => p.kind)).toEqual(["unknown-category", "label-mismatch"]);
    expect(Array.from(values(ds.objects, "x"))).toEqual([25, 25, 25, 25]);
    expect(Array.from(values(ds.objects, "w"))).toEqual([50, 50, 50, 50]);
  });

  it("reads sizes from the images when the record has none, else records the problem", async () => {
    const file = path.join(dir, "nosize.tfrecord");
    fs.writeFileSync(
      file,
      frameRecord(
        encodeExample([
          ["image/filename", { kind: "bytes", value: [text("a.png")] }],
          ["image/object/bbox/xmin", { kind: "float", value: [0.5] }],
          ["image/object/bbox/xmax", { kind: "float", value: [1] }],
          ["image/object/bbox/ymin", { kind: "float", value: [0] }],
          ["image/object/bbox/ymax", { kind: "float", value: [0.5] }],
          ["image/object/class/text", { kind: "bytes", value: [text("cat")] }],
        ]),
      ),
    );
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
    fs.writeFileSync(
      file,
      Buffer.concat([
        first,
        frameRecord(
          encodeExample([
            ["image/filename", { kind: "bytes", value: [text("a.png")] }],
            ["image/object/bbox/xmin", { kind: "float", value: [0.5, 0.1] }],
            ["image/object/bbox/xmax", { kind: "float", value: [1] }],
            ["image/object/bbox/ymin", { kind: "float", value: [0] }],
            ["image/object/bbox/ymax", { kind: "float", value: [0.5] }],
          ]),
        ),
      ]),
    );
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

describe("TFRecord per-object lists, plan and streaming", () => {
  const dir = path.join(TMP, "lists");
  const images = path.join(dir, "images");

  beforeAll(async () => {
    fs.mkdirSync(images, { recursive: true });
    for (const f of ["a.png", "b.png"])
      await sharp({ create: { width: 40, height: 20, channels: 3, background: "#102030" } })
        .png()
        .toFile(path.join(images, f));
  });

  /** The nested encoder the flat one replaced: each message built by its own writer. */
  function nestedExample(features: [string, Feature][]): Uint8Array {
    return new ProtoWriter()
      .message(1, (fw) => {
        for (const [key, f] of features) {
          fw.message(1, (entry) => {
            entry.stringField(1, key);
            entry.message(2, (m) => {
              if (f.kind === "bytes")
                m.message(1, (l) => {
                  for (const v of f.value) l.bytesField(1, v);
                });
              else if (f.kind === "float")
                m.message(2, (l) => {
                  if (f.value.length) l.packedFloats(1, f.value);
                });
              else
                m.message(3, (l) => {
                  if (f.value.length) l.packedInt64s(1, f.value);
                });
            });
          });
        }
      })
      .finish();
  }

  it("encodes examples flat, byte for byte as nested messages", () => {
    const big = new Uint8Array(70_000).map((_, i) => i * 31);
    const features: [string, Feature][] = [
      ["image/encoded", { kind: "bytes", value: [big] }],
      ["empty/bytes", { kind: "bytes", value: [] }],
      ["empty/float", { kind: "float", value: [] }],
      ["empty/int", { kind: "int64", value: [] }],
      ["f", { kind: "float", value: Array.from({ length: 40 }, (_, i) => i / 7) }],
      ["i", { kind: "int64", value: [0, -1, 127, 128, 2 ** 40, Number.MIN_SAFE_INTEGER] }],
      ["k".repeat(200), { kind: "bytes", value: [text("x"), new Uint8Array(0), text("é".repeat(100))] }],
    ];
    expect(Buffer.from(encodeExample(features)).equals(Buffer.from(nestedExample(features)))).toBe(true);
    expect(Buffer.from(encodeExample([])).equals(Buffer.from(nestedExample([])))).toBe(true);
  });

  function record(name: string, extra: [string, Feature][]): Uint8Array {
    return frameRecord(
      encodeExample([
        ["image/filename", { kind: "bytes", value: [text(name)] }],
        ["image/width", { kind: "int64", value: [100] }],
        ["image/height", { kind: "int64", value: [50] }],
        ["image/object/bbox/xmin", { kind: "float", value: [0, 0.5] }],
        ["image/object/bbox/xmax", { kind: "float", value: [0.25, 1] }],
        ["image/object/bbox/ymin", { kind: "float", value: [0, 0] }],
        ["image/object/bbox/ymax", { kind: "float", value: [0.5, 1] }],
        ["image/object/class/text", { kind: "bytes", value: [text("cat"), text("dog")] }],
        ...extra,
      ]),
    );
  }

  it(
    "reads is_crowd as the crowd flag, area as the area, other per-object lists as attributes, and names the " +
      "keys it ignores",
    async () => {
      const file = path.join(dir, "keys.tfrecord");
      fs.writeFileSync(
        file,
        Buffer.concat([
          record("x.jpg", [
            ["image/object/is_crowd", { kind: "int64", value: [0, 1] }],
            ["image/object/area", { kind: "float", value: [312.5, 2500] }],
            ["image/object/difficult", { kind: "int64", value: [1, 0] }],
            ["image/object/truncated", { kind: "int64", value: [0, 1] }],
            ["image/object/view", { kind: "bytes", value: [text("frontal"), text("left")] }],
            ["image/object/weight", { kind: "float", value: [0.5, 1] }],
            [
              "image/object/mask",
              { kind: "bytes", value: [Uint8Array.from([0x89, 0x50, 0xff]), Uint8Array.from([0xff])] },
            ],
            ["image/class/label", { kind: "int64", value: [3] }],
          ]),
          record("y.jpg", [
            ["image/object/difficult", { kind: "int64", value: [1] }], // not one per box
            ["image/object/group_of", { kind: "int64", value: [] }], // empty: nothing to keep
            ["image/class/label", { kind: "int64", value: [4] }],
          ]),
        ]),
      );
      const ds = await tfrecord.read!(file, {});
      expect(Array.from(values(ds.objects, "iscrowd"))).toEqual([0, 1, 0, 0]);
      expect(Array.from(values(ds.objects, "area"))).toEqual([312.5, 2500, null, null]);
      expect(
        Array.from(values<string | null>(ds.objects, "attributes")).map((a) => (a === null ? null : JSON.parse(a))),
      ).toEqual([
        { difficult: 1, truncated: 0, view: "frontal", weight: 0.5 },
        { difficult: 0, truncated: 1, view: "left", weight: 1 },
        null,
        null,
      ]);
      expect(ds.problems).toHaveLength(1);
      const p = ds.problems[0];
      expect(p.kind).toBe("ignored-field");
      expect(p.file).toBe(file);
      expect(p.message).toContain("image/object/mask (1 record: holds binary data, not text)");
      expect(p.message).toContain("image/class/label (2 records: not a key blindspot reads)");
      expect(p.message).toContain("image/object/difficult (1 record: its list does not have one value per box)");
      expect(p.message).not.toContain("group_of");
    },
  );

  function attributed(): Dataset {
    const b = new DatasetBuilder("attrs", images);
    b.declareField({ name: "ground_truth", kind: "detections", predicted: false });
    const a = b.addSample({ filepath: "a.png", width: 40, height: 20 });
    const c = b.addSample({ filepath: "b.png", width: 40, height: 20 });
    b.addObject({
      sampleId: a,
      field: "ground_truth",
      label: "cat",
      x: 0,
      y: 0,
      w: 10,
      h: 10,
      area: 100,
      iscrowd: 1,
      attributes: { difficult: 1, view: "left", weight: 0.5 },
    });
    b.addObject({
      sampleId: a,
      field: "ground_truth",
      label: "dog",
      x: 10,
      y: 0,
      w: 20,
      h: 10,
      area: 200,
      attributes: { difficult: 0, view: "right", weight: 2 },
    });
    b.addObject({
      sampleId: c,
      field: "ground_truth",
      label: "cat",
      x: 0,
      y: 0,
      w: 4,
      h: 4,
      area: 16,
      attributes: { difficult: 0 },
    });
    return b.build();
  }

  it("writes crowd flags, areas and attributes as per-object lists that read back the same", async () => {
    const out = path.join(dir, "attrs-out");
    const report = await exportDataset(attributed(), out, { format: "tfrecord" });
    expect(report.dropped).toEqual([]);
    const back = await tfrecord.read!(out, { images });
    expect(back.problems).toEqual([]);
    const ds = attributed();
    expect(Array.from(values(back.objects, "iscrowd"))).toEqual(Array.from(values(ds.objects, "iscrowd")));
    expect(Array.from(values(back.objects, "area"))).toEqual([100, 200, 16]);
    expect(Array.from(values(back.objects, "attributes"))).toEqual([
      '{"difficult":1,"view":"left","weight":0.5}',
      '{"difficult":0,"view":"right","weight":2}',
      '{"difficult":0}',
    ]);
    expect(fs.readdirSync(out).sort()).toEqual(["default.tfrecord", "label_map.pbtxt"]); // no temporary file left
  });

  it("lists what it cannot write before writing anything, and writes it with lossy", async () => {
    const b = new DatasetBuilder("lossy", images);
    b.declareField({ name: "ground_truth", kind: "detections", predicted: false });
    const a = b.addSample({ filepath: "a.png", width: 40, height: 20 });
    b.addSample({ filepath: "gone.png", width: 40, height: 20 });
    b.addObject({
      sampleId: a,
      field: "ground_truth",
      label: "cat",
      x: 0,
      y: 0,
      w: 10,
      h: 10,
      area: 100.1,
      attributes: { occluded: true, note: "x", score: 0.1, is_crowd: 1 },
    });
    b.addObject({
      sampleId: a,
      field: "ground_truth",
      label: "cat",
      x: 1,
      y: 1,
      w: 10,
      h: 10,
      attributes: { occluded: false, score: 0.2, is_crowd: 0, shape: [1, 2] },
    });
    const ds = b.build();
    const expected = [
      `1 image not found in ${images}: written with empty image/encoded, which training with the TF Object ` +
        `Detection API needs`,
      "4 attribute values (tfrecord holds an attribute as one list per image: text or numbers on every box, not " +
        "named like a key it uses)",
      "1 object areas (tfrecord writes an image's areas only when every box has one)",
      "2 boolean attribute values (written as 0/1: tfrecord has no booleans)",
      "2 decimal attribute values and areas rounded to 32-bit floats (tfrecord stores decimals as float32)",
    ];
    const out = path.join(dir, "lossy-out");
    expect(await tfrecord.plan!(ds, out, {})).toEqual(expected);
    const err = await catchAsync(exportDataset(ds, out, { format: "tfrecord" }));
    expect(err).toBeInstanceOf(BlindspotError);
    expect(err.message).toContain("nothing was written");
    expect(fs.existsSync(out)).toBe(false);
    const report = await exportDataset(ds, out, { format: "tfrecord", lossy: true });
    expect(report.dropped).toEqual(expected);
    const back = await tfrecord.read!(out, {});
    expect(Array.from(values(back.objects, "attributes"))).toEqual([
      '{"occluded":1,"score":0.10000000149011612}',
      '{"occluded":0,"score":0.20000000298023224}',
    ]);
  });

  it("streams records to a temporary file and leaves nothing behind when a write fails", async () => {
    const imgs = path.join(dir, "vanishing");
    fs.mkdirSync(imgs, { recursive: true });
    fs.copyFileSync(path.join(images, "a.png"), path.join(imgs, "a.png"));
    fs.copyFileSync(path.join(images, "b.png"), path.join(imgs, "b.png"));
    const b = new DatasetBuilder("v", imgs);
    b.declareField({ name: "ground_truth", kind: "detections", predicted: false });
    b.addSample({ filepath: "a.png", width: 40, height: 20 });
    b.addSample({ filepath: "b.png", width: 40, height: 20 });
    const ds = b.build();
    const out = path.join(dir, "vanishing-out");
    const options = {};
    expect(await tfrecord.plan!(ds, out, options)).toEqual([]);
    fs.rmSync(path.join(imgs, "b.png")); // gone between the plan and the write
    const err = await catchAsync(tfrecord.write!(ds, out, options));
    expect(err).toBeInstanceOf(BlindspotError);
    expect(err.message).toContain("sample b.png");
    expect(fs.existsSync(out) ? fs.readdirSync(out) : []).toEqual([]);
  });

  it("keeps both records of one image file, as two samples", async () => {
    const file = path.join(dir, "twice.tfrecord");
    fs.writeFileSync(file, Buffer.concat([record("x.jpg", []), record("x.jpg", [])]));
    const ds = await tfrecord.read!(file, {});
    expect(Array.from(values(ds.samples, "id"))).toEqual(["x.jpg", "x.jpg#2"]);
    expect(ds.objectCount()).toBe(4);
    expect(ds.problems.map((p) => p.kind)).toEqual(["duplicate-sample"]);
  });

  it("reads numeric image ids back as numbers, and lists ids that would not read back the same", async () => {
    const b = new DatasetBuilder("ids", null);
    b.declareField({ name: "ground_truth", kind: "detections", predicted: false });
    const ids: unknown[] = [1146, "img-7", "0012", 7.5, "42", null];
    ids.forEach((source_id, k) => b.addSample({ filepath: `${k}.png`, width: 40, height: 20, fields: { source_id } }));
    const ds = b.build();
    const out = path.join(dir, "ids.tfrecord");
    const planned = await tfrecord.plan!(ds, out, {});
    expect(planned.filter((l) => /image ids/.test(l))).toEqual([
      "1 image ids that are text reading back as a number, or not text or numbers (tfrecord writes image/source_id " +
        "as text and reads numbers back as numbers)",
    ]);
    await exportDataset(ds, out, { format: "tfrecord", lossy: true });
    const back = await tfrecord.read!(out, {});
    // Each record names its image by file name, so the null id is no column value.
    expect(Array.from(values(back.samples, "source_id"))).toEqual([1146, "img-7", "0012", 7.5, 42, null]);
  });

  it("lists the splits a single file, or a split named default, cannot hold", async () => {
    const b = new DatasetBuilder("splits", null);
    b.declareField({ name: "ground_truth", kind: "detections", predicted: false });
    for (const [f, split] of [
      ["a.png", "train"],
      ["b.png", "default"],
      ["c.png", null],
    ] as const)
      b.addSample({ filepath: f, width: 40, height: 20, split });
    const ds = b.build();
    // One file: no splits at all.
    const file = path.join(dir, "one", "all.tfrecord");
    const err = await catchAsync(exportDataset(ds, file, { format: "tfrecord" }));
    expect(err.message).toMatch(
      /2 samples' splits \(a single tfrecord file holds none: write to a folder for one file per split\)/,
    );
    expect(fs.existsSync(file)).toBe(false);
    await exportDataset(ds, file, { format: "tfrecord", lossy: true });
    expect(Array.from(values((await tfrecord.read!(file, {})).samples, "split"))).toEqual([null, null, null]);
    // A folder: one file per split, and default.tfrecord is the samples without one.
    const folder = path.join(dir, "split-folder");
    const planned = await tfrecord.plan!(ds, folder, {});
    expect(planned.filter((l) => /split/.test(l))).toEqual([
      '1 samples\' splits named "default" (default.tfrecord is read back as samples without a split)',
    ]);
    await exportDataset(ds, folder, { format: "tfrecord", lossy: true });
    expect(fs.readdirSync(folder).sort()).toEqual(["default.tfrecord", "label_map.pbtxt", "train.tfrecord"]);
    const back = await tfrecord.read!(folder, {});
    const splitOf = new Map(
      Array.from(values<string>(back.samples, "filepath"), (f, i) => [
        f,
        values<string | null>(back.samples, "split")[i],
      ]),
    );
    expect(Object.fromEntries(splitOf)).toEqual({ "a.png": "train", "b.png": null, "c.png": null });
  });

  it("lists nested attributes it writes flat", async () => {
    const b = new DatasetBuilder("nested", null);
    b.declareField({ name: "ground_truth", kind: "detections", predicted: false });
    b.addSample({ filepath: "a.png", width: 40, height: 20 });
    b.addObject({
      sampleId: "a.png",
      field: "ground_truth",
      label: "cat",
      x: 0,
      y: 0,
      w: 4,
      h: 4,
      attributes: { attributes: { occluded: 1, note: "inner" }, note: "outer" },
    });
    const ds = b.build();
    const out = path.join(dir, "nested.tfrecord");
    const planned = await tfrecord.plan!(ds, out, {});
    expect(planned.filter((l) => /nested/.test(l))).toEqual([
      `1 objects' nested attributes ({"attributes": {...}}, as CVAT's COCO export writes them) written as attributes ` +
        `of their own (tfrecord holds one list per attribute: they read back flat)`,
      "1 nested attribute values named like an attribute of the object itself (tfrecord keeps the object's own)",
    ]);
    await exportDataset(ds, out, { format: "tfrecord", lossy: true });
    expect(JSON.parse(values<string>((await tfrecord.read!(out, {})).objects, "attributes")[0])).toEqual({
      occluded: 1,
      note: "outer",
    });
  });

  it("refuses a split that is not a file name", async () => {
    const b = new DatasetBuilder("s", null);
    b.declareField({ name: "ground_truth", kind: "detections", predicted: false });
    b.addSample({ filepath: "a.png", width: 40, height: 20, split: "../../escape" });
    const out = path.join(dir, "split-out");
    const err = await catchAsync(exportDataset(b.build(), out, { format: "tfrecord", lossy: true }));
    expect(err.message).toMatch(/split "..\/..\/escape" cannot be used as a file or folder name/);
    expect(fs.existsSync(out)).toBe(false);
  });
});

describe("Open Images writer plan", () => {
  const dir = path.join(TMP, "openimages");

  it(
    "refuses images without boxes and clashing attribute names before writing, and computes " + "the write once",
    async () => {
      const b = new DatasetBuilder("oi", null);
      b.declareField({ name: "ground_truth", kind: "detections", predicted: false });
      b.addSample({ filepath: "a.jpg", width: 100, height: 50 });
      b.addSample({ filepath: "empty.jpg", width: 100, height: 50 });
      for (let k = 0; k < 20; k++)
        b.addObject({
          sampleId: "a.jpg",
          field: "ground_truth",
          label: "cat",
          x: k,
          y: 0,
          w: 10,
          h: 10,
          attributes: { difficult: 1, XMin: 0 },
        });
      const ds = b.build();
      const out = path.join(dir, "boxes.csv");
      const err = await catchAsync(exportDataset(ds, out, { format: "openimages" }));
      expect(err.message).toMatch(/1 image without boxes[\s\S]*20 attribute values named like an Open Images column/);
      expect(fs.existsSync(out)).toBe(false);
      const parse = vi.spyOn(JSON, "parse");
      try {
        const report = await exportDataset(ds, out, { format: "openimages", lossy: true });
        expect(report.dropped).toHaveLength(2);
        expect(parse.mock.calls.filter(([t]) => t === '{"difficult":1,"XMin":0}')).toHaveLength(1);
      } finally {
        parse.mockRestore();
      }
      expect(fs.readFileSync(out, "utf8").split("\n")[0]).toMatch(/,difficult$/);
    },
  );
});
