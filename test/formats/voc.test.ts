import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { DatasetBuilder } from "../../src/dataset/builder";
import { values } from "../../src/dataset/columns";
import type { Dataset } from "../../src/dataset/dataset";
import { BlindspotError } from "../../src/errors";
import { exportDataset } from "../../src/formats/api";
import { voc } from "../../src/formats/voc";
import { HAS_SHARED, snapshot, tmpDir, VOC, VOC_COCO, VOC_IMAGES, vocReferenceDiffs } from "../helpers/data";
import { coco } from "../../src/formats/coco";

interface Box {
  label: string;
  x: number;
  y: number;
  w: number;
  h: number;
  attributes?: Record<string, unknown>;
}
interface Sample {
  filepath: string;
  width?: number;
  height?: number;
  split?: string | null;
  boxes?: Box[];
}

/** A ground-truth dataset built in memory. */
function dataset(samples: Sample[]): Dataset {
  const b = new DatasetBuilder("test", null);
  b.declareField({ name: "ground_truth", kind: "detections", predicted: false });
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

async function rejection(p: Promise<unknown>): Promise<BlindspotError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(BlindspotError);
  return err as BlindspotError;
}

/** A folder with one VOC annotation file `a.xml` holding `objects` (XML text). */
function vocFile(objects: string, root = "<annotation>"): string {
  const dir = tmpDir("voc-in");
  fs.writeFileSync(
    path.join(dir, "a.xml"),
    `${root}\n<filename>a.jpg</filename>\n<size><width>100</width><height>80</height><depth>3</depth></size>` +
      `\n${objects}\n</annotation>\n`,
  );
  return dir;
}

/** `v` as the short decimal a labels file would hold. */
const dec = (v: number, places: number) => Number(v.toFixed(places));

const attrs = (ds: Dataset) =>
  Array.from(values<string | null>(ds.objects, "attributes"), (a) => (a === null ? null : JSON.parse(a)));

describe.skipIf(!HAS_SHARED)("VOC on the VOC100 sample", () => {
  it("reads both VOC layouts with the COCO reference's boxes, and VOC's own attributes typed", async () => {
    const pascal = await voc.read!(path.join(VOC, "gts/pascalvoc_format"), { images: VOC_IMAGES });
    expect(pascal.problems).toEqual([]);
    expect(await vocReferenceDiffs(pascal, 0)).toEqual([]);
    expect(attrs(pascal)[0]).toEqual({ pose: "Unspecified", truncated: 0, difficult: 0 });

    const imagenet = await voc.read!(path.join(VOC, "gts/imagenet_format"), { images: VOC_IMAGES });
    expect(imagenet.problems).toEqual([]);
    expect(await vocReferenceDiffs(imagenet, 0)).toEqual([]);
    expect(attrs(imagenet)[0]).toEqual({ occluded: 0 });
    // ImageSets/Main/default.txt lists the samples without a split (CVAT's and Datumaro's exports).
    expect(new Set(values<string | null>(imagenet.samples, "split"))).toEqual(new Set([null]));
  });

  it("writes what it read and reads it back the same: boxes, sizes, splits and attributes", async () => {
    const ds = await voc.read!(path.join(VOC, "gts/imagenet_format"), { images: VOC_IMAGES });
    const out = path.join(tmpDir("voc-rt"), "voc");
    expect((await exportDataset(ds, out, { format: "voc" })).dropped).toEqual([]);
    const back = await voc.read!(out, { images: VOC_IMAGES });
    expect(back.problems).toEqual([]);
    expect(snapshot(back)).toEqual(snapshot(ds));
    expect(await vocReferenceDiffs(back, 0)).toEqual([]);
  });

  it("writes the COCO reference (its metadata left out when lossy) with the same boxes", async () => {
    const ref = await coco.read!(VOC_COCO, { images: VOC_IMAGES });
    const out = path.join(tmpDir("voc-coco"), "voc");
    const report = await exportDataset(ref, out, { format: "voc", lossy: true });
    expect(report.dropped).toEqual([
      "metadata columns license, flickr_url, coco_url, date_captured (voc cannot hold them)",
      "100 image ids (voc cannot hold them: results files naming them would not match)",
      `273 objects' nested attributes ({"attributes": {...}}, as CVAT's COCO export writes them) written as ` +
        `attributes of their own (voc has no nesting: they read back flat)`,
    ]);
    expect(await vocReferenceDiffs(await voc.read!(out, { images: VOC_IMAGES }), 0)).toEqual([]);
  });
});

describe("VOC reader (streaming XML scanner)", () => {
  it("keeps label text as written, spaces included", async () => {
    const dir = vocFile(
      "<object><name> van </name><bndbox><xmin>1</xmin><ymin>2</ymin><xmax>11</xmax><ymax>12</ymax></bndbox></object>",
    );
    const ds = await voc.read!(dir, {});
    expect(Array.from(values<string>(ds.objects, "label"))).toEqual([" van "]);
  });

  it("does not take a part's or an attribute's <name> for the object's", async () => {
    const dir = vocFile(`<object><name>person</name>
      <part><name>head</name><bndbox><xmin>3</xmin><ymin>3</ymin><xmax>5</xmax><ymax>5</ymax></bndbox></part>
      <bndbox><xmin>1</xmin><ymin>2</ymin><xmax>11</xmax><ymax>12</ymax></bndbox>
      <attributes><attribute><name>color</name><value>red</value></attribute></attributes></object>`);
    const ds = await voc.read!(dir, {});
    expect(Array.from(values<string>(ds.objects, "label"))).toEqual(["person"]);
    expect(snapshot(ds).objects).toMatchObject({ x: [1], y: [2], w: [10], h: [10], attributes: [{ color: "red" }] });
  });

  it("reads CVAT / Datumaro <attributes>, typed: booleans and numbers as JSON values, other text as is", async () => {
    const dir = vocFile(`<object><name>car</name><difficult>1</difficult><occluded>true</occluded>
      <bndbox><xmin>1</xmin><ymin>2</ymin><xmax>11</xmax><ymax>12</ymax></bndbox>
      <attributes>
        <attribute><name>color</name><value>dark red</value></attribute>
        <attribute><name>parked</name><value>True</value></attribute>
        <attribute><name>speed</name><value>-1.5e2</value></attribute>
        <attribute><name>plate</name><value>007</value></attribute>
        <attribute><name>empty</name><value></value></attribute>
      </attributes></object>`);
    const ds = await voc.read!(dir, {});
    expect(attrs(ds)).toEqual([
      { difficult: 1, occluded: true, color: "dark red", parked: true, speed: -150, plate: "007", empty: "" },
    ]);
  });

  it("fails with the file, the place and a fix", async () => {
    const noBox = await rejection(voc.read!(vocFile("<object>\n<name>car</name>\n</object>"), {}));
    expect(noBox.message).toMatch(/a\.xml \(object 1, line 4\): object has no complete <bndbox>/);
    expect(noBox.hint).toMatch(/bndbox with four numbers/);

    const noName = await rejection(
      voc.read!(
        vocFile("<object><bndbox><xmin>1</xmin><ymin>2</ymin><xmax>11</xmax><ymax>12</ymax></bndbox></object>"),
        {},
      ),
    );
    expect(noName.message).toMatch(/object has no <name>/);

    const cut = tmpDir("voc-cut");
    fs.writeFileSync(path.join(cut, "a.xml"), "<annotation>\n<filename>a.jpg</filename>\n<object><name>car</name>\n");
    const truncated = await rejection(voc.read!(cut, {}));
    expect(truncated.message).toMatch(/a\.xml \(end of file, line \d+\): XML ends too early/);

    const bad = tmpDir("voc-bad");
    fs.writeFileSync(path.join(bad, "a.xml"), "<annotation>\n<object><name>car</nam></object>\n</annotation>\n");
    expect((await rejection(voc.read!(bad, {}))).message).toMatch(/a\.xml \(line 2\): invalid XML: expected <\/name>/);

    const other = tmpDir("voc-other");
    fs.writeFileSync(path.join(other, "a.xml"), "<annotations><image/></annotations>\n");
    expect((await rejection(voc.read!(other, {}))).message).toMatch(/root element is <annotations>, not <annotation>/);
  });

  it("records an object's <part>s and <actions> as problems: nothing is left out silently", async () => {
    const box = (x: number) =>
      `<bndbox><xmin>${x}</xmin><ymin>${x}</ymin><xmax>${x + 2}</xmax><ymax>${x + 2}</ymax></bndbox>`;
    const dir = vocFile(
      `<object><name>person</name>${box(1)}
      <part><name>head</name>${box(2)}</part><part><name>hand</name>${box(3)}</part><part><name>hand</name>${box(4)}` +
        `</part>
      <actions><jumping>0</jumping><phoning>1</phoning></actions><point><x>3</x><y>4</y></point>
    </object><object><name>person</name>${box(5)}<actions><jumping>1</jumping></actions></object>`,
    );
    const ds = await voc.read!(dir, {});
    expect(ds.objectCount()).toBe(2);
    expect(Array.from(values<string>(ds.objects, "label"))).toEqual(["person", "person"]);
    expect(ds.problems.map((p) => [p.kind, p.sampleId, p.file])).toEqual([
      ["unsupported-shape", "a.jpg", path.join(dir, "a.xml")],
      ["ignored-field", "a.jpg", path.join(dir, "a.xml")],
    ]);
    expect(ds.problems[0].message).toBe(
      "3 <part> box(es) of objects not loaded (1 head, 2 hand): blindspot reads each object's own box",
    );
    expect(ds.problems[1].message).toBe("not loaded: 2 <actions>, 1 <point> of objects");
  });

  it("reads ImageSets/Main/default.txt as samples without a split, as TFRecord reads default.tfrecord", async () => {
    const dir = tmpDir("voc-default");
    fs.mkdirSync(path.join(dir, "Annotations"));
    fs.mkdirSync(path.join(dir, "ImageSets/Main"), { recursive: true });
    for (const n of ["a", "b", "c"])
      fs.writeFileSync(
        path.join(dir, "Annotations", `${n}.xml`),
        `<annotation><filename>${n}.jpg</filename></annotation>`,
      );
    // "a" is listed in both: a real split wins over default, whichever file comes first.
    fs.writeFileSync(path.join(dir, "ImageSets/Main/default.txt"), "a\nb\n");
    fs.writeFileSync(path.join(dir, "ImageSets/Main/aaa.txt"), "a\n");
    const ds = await voc.read!(dir, {});
    expect(Array.from(values<string | null>(ds.samples, "split"))).toEqual(["aaa", null, null]);

    const named = dataset([
      { filepath: "a.jpg", split: "default" },
      { filepath: "b.jpg", split: "train" },
    ]);
    const out = path.join(tmpDir("voc-default-out"), "voc");
    const err = await rejection(exportDataset(named, out, { format: "voc" }));
    expect(err.message).toContain(
      `1 samples' splits named "default" (voc reads ImageSets/Main/default.txt as samples without a split)`,
    );
    expect(fs.existsSync(out)).toBe(false);
    await exportDataset(named, out, { format: "voc", lossy: true });
    expect(Array.from(values<string | null>((await voc.read!(out, {})).samples, "split"))).toEqual([null, "train"]);
  });

  it("skips per-class lists in ImageSets/Main and reads splits with an underscore", async () => {
    const dir = tmpDir("voc-sets");
    fs.mkdirSync(path.join(dir, "Annotations"));
    fs.mkdirSync(path.join(dir, "ImageSets/Main"), { recursive: true });
    for (const n of ["a", "b"])
      fs.writeFileSync(
        path.join(dir, "Annotations", `${n}.xml`),
        `<annotation><filename>${n}.jpg</filename></annotation>`,
      );
    fs.writeFileSync(path.join(dir, "ImageSets/Main/train_small.txt"), "a\n");
    fs.writeFileSync(path.join(dir, "ImageSets/Main/val.txt"), "b\n");
    fs.writeFileSync(path.join(dir, "ImageSets/Main/car_val.txt"), "a  1\nb -1\n");
    const ds = await voc.read!(dir, {});
    expect(Array.from(values<string | null>(ds.samples, "split"))).toEqual(["train_small", "val"]);
  });
});

describe("VOC writer", () => {
  it("writes corners so that non-integer boxes read back exactly", async () => {
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
    const out = path.join(tmpDir("voc-exact"), "voc");
    await exportDataset(ds, out, { format: "voc" });
    const back = await voc.read!(out, {});
    expect(snapshot(back).objects).toEqual(snapshot(ds).objects);
    expect(Array.from(values<number>(back.objects, "w"))[0]).toBe(0.2);
  });

  it("writes every attribute, the others as CVAT / Datumaro do, and reads them back the same", async () => {
    const a = {
      pose: "Left",
      truncated: 1,
      difficult: false,
      occluded: true,
      color: "red",
      count: 3,
      ratio: 0.25,
      parked: true,
      note: " two  spaces ",
      "a<b&c": "x\ny",
    };
    const ds = dataset([{ filepath: "a.jpg", boxes: [{ label: " van ", x: 1, y: 2, w: 10, h: 20, attributes: a }] }]);
    const out = path.join(tmpDir("voc-attrs"), "voc");
    const report = await exportDataset(ds, out, { format: "voc" });
    expect(report.dropped).toEqual([]);
    const xml = fs.readFileSync(path.join(out, "Annotations/a.xml"), "utf8");
    expect(xml.replace(/\s+/g, "")).toContain(
      "<attributes><attribute><name>color</name><value>red</value></attribute><attribute><name>count</name><value>3</" +
        "value></attribute>",
    );
    expect(xml).toContain("<pose>Left</pose>");
    const back = await voc.read!(out, {});
    expect(snapshot(back).objects).toEqual(snapshot(ds).objects);
    expect(attrs(back)).toEqual([a]);
  });

  it("refuses attribute values that would read back changed, unless lossy", async () => {
    const ds = dataset([
      {
        filepath: "a.jpg",
        boxes: [{ label: "car", x: 1, y: 2, w: 10, h: 20, attributes: { plate: "42", tags: ["a"], gone: null } }],
      },
    ]);
    const dir = tmpDir("voc-typed");
    const err = await rejection(exportDataset(ds, path.join(dir, "voc"), { format: "voc" }));
    expect(err.message).toMatch(/1 attribute values that are text reading back as a number or true\/false .*plate/);
    expect(err.message).toMatch(/1 attribute values that are lists or objects/);
    expect(err.message).toMatch(/1 empty \(null\) attribute values/);
    expect(fs.existsSync(path.join(dir, "voc"))).toBe(false);
    const report = await exportDataset(ds, path.join(dir, "voc"), { format: "voc", lossy: true });
    expect(report.dropped).toHaveLength(3);
    expect(attrs(await voc.read!(path.join(dir, "voc"), {}))).toEqual([{ plate: 42, tags: '["a"]' }]);
  });

  it('lists nested attributes ({"attributes": {...}}) it writes flat', async () => {
    const ds = dataset([
      {
        filepath: "a.jpg",
        boxes: [
          {
            label: "car",
            x: 1,
            y: 2,
            w: 10,
            h: 20,
            attributes: { attributes: { occluded: true, color: "red" }, color: "blue" },
          },
        ],
      },
    ]);
    const out = path.join(tmpDir("voc-nested"), "voc");
    const err = await rejection(exportDataset(ds, out, { format: "voc" }));
    expect(err.message).toContain(
      `1 objects' nested attributes ({"attributes": {...}}, as CVAT's COCO export writes them) written as attributes ` +
        `of their own (voc has no nesting: they read back flat)`,
    );
    expect(err.message).toContain(
      "1 nested attribute values named like an attribute of the object itself (voc keeps the object's own)",
    );
    await exportDataset(ds, out, { format: "voc", lossy: true });
    expect(attrs(await voc.read!(out, {}))).toEqual([{ occluded: true, color: "blue" }]);
  });

  it("writes splits as ImageSets/Main lists and reads them back", async () => {
    const ds = dataset([
      { filepath: "train/a.jpg", split: "train" },
      { filepath: "val/b.jpg", split: "val" },
      { filepath: "c.jpg", split: "my_split" },
      { filepath: "d.jpg" },
    ]);
    const out = path.join(tmpDir("voc-splits"), "voc");
    await exportDataset(ds, out, { format: "voc" });
    expect(fs.readdirSync(path.join(out, "ImageSets/Main")).sort()).toEqual(["my_split.txt", "train.txt", "val.txt"]);
    const back = await voc.read!(out, {});
    expect(snapshot(back).samples).toEqual(snapshot(ds).samples);
  });

  it("refuses a split that would leave the output folder, before writing anything", async () => {
    const dir = tmpDir("voc-escape");
    const ds = dataset([{ filepath: "a.jpg", split: "../../x" }]);
    const err = await rejection(exportDataset(ds, path.join(dir, "out", "voc"), { format: "voc" }));
    expect(err.message).toMatch(/split "\.\.\/\.\.\/x" cannot be used as a file or folder name/);
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it("refuses images that share a file stem (one annotation file each), before writing anything", async () => {
    const dir = tmpDir("voc-stems");
    const ds = dataset([
      { filepath: "x/a.jpg" },
      { filepath: "y/a.png" },
      { filepath: "z/A.jpg" },
      { filepath: "b.jpg" },
    ]);
    const err = await rejection(exportDataset(ds, path.join(dir, "voc"), { format: "voc" }));
    expect(err.message).toMatch(/2 samples would overwrite another's file, so nothing was written/);
    expect(err.message).toContain('Annotations/a.xml <- "x/a.jpg", "y/a.png", "z/A.jpg"');
    expect(err.hint).toMatch(/distinct file names/);
    expect(fs.existsSync(path.join(dir, "voc"))).toBe(false);
  });
});
