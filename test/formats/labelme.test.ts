import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it, vi } from "vitest";
import { DatasetBuilder } from "../../src/dataset/builder";
import { values } from "../../src/dataset/columns";
import type { Dataset } from "../../src/dataset/dataset";
import { BlindspotError } from "../../src/errors";
import { exportDataset } from "../../src/formats/api";
import { coco } from "../../src/formats/coco";
import { labelme } from "../../src/formats/labelme";
import { snapshot, tmpDir, VOC, VOC_COCO, VOC_IMAGES, vocReferenceDiffs } from "../helpers/data";

const images = VOC_IMAGES;
const labelsDir = path.join(VOC, "gts/labelme_format");
const tmp = () => tmpDir("labelme");

async function rejection(p: Promise<unknown>): Promise<BlindspotError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(BlindspotError);
  return err as BlindspotError;
}

describe.skipIf(!fs.existsSync(VOC))(`labelme on the VOC100 sample (skipped: ${VOC} not found)`, () => {
  it("detects the LabelMe folder and nothing else", () => {
    expect(labelme.detect!(labelsDir)).toBe(true);
    expect(labelme.detect!(path.join(VOC, "gts/coco_format_v1"))).toBe(false);
    expect(labelme.detect!(path.join(VOC, "gts/cvat_format"))).toBe(false);
    expect(labelme.detect!(path.join(labelsDir, "2007_000027.json"))).toBe(false);
  });

  it("reads 100 images and 273 boxes, the same as the COCO reference, without the embedded images", async () => {
    const ds = await labelme.read!(labelsDir, { images });
    expect(ds.count()).toBe(100);
    expect(ds.objectCount()).toBe(273);
    expect(ds.problems).toEqual([]);
    expect(ds.samples.columnNames()).not.toContain("imageData");
    expect(ds.samples.columnNames()).not.toContain("labelme_image_path"); // the paths needed no rewriting
    expect(JSON.stringify(ds.samples.objects()).length).toBeLessThan(100_000); // the files hold 12 MB of base64

    expect(await vocReferenceDiffs(ds)).toEqual([]);
    const snap = snapshot(ds);
    expect(snap.samples.id).toEqual(snap.samples.filepath);
    expect(snap.objects.attributes.every((a) => a === null)).toBe(true); // group_id null, no flags
  });

  it("round-trips write -> read exactly", async () => {
    const ds = await labelme.read!(labelsDir, { images });
    const out = path.join(tmp(), "labels");
    const report = await labelme.write!(ds, out, {});
    expect(report).toEqual({ files: 100, dropped: [] });
    const files = fs.readdirSync(out).sort();
    expect(files).toHaveLength(100);
    expect(files[0]).toBe("2007_000027.json");
    const one = JSON.parse(fs.readFileSync(path.join(out, files[0]), "utf8"));
    expect(one.version).toBe("5.2.1");
    expect(one.imageData).toBeNull();
    expect(one.imageWidth).toBe(486);
    expect(one.imageHeight).toBe(500);
    expect(fs.existsSync(path.resolve(out, one.imagePath))).toBe(true); // relative to the JSON file, as LabelMe wants
    expect(labelme.detect!(out)).toBe(true);
    const back = await labelme.read!(out, { images });
    expect(back.problems).toEqual([]);
    expect(snapshot(back)).toEqual(snapshot(ds));
  });

  it(
    "COCO -> LabelMe -> COCO keeps the image and category ids results files refer to, and the " + "nested attributes",
    async () => {
      const ref = await coco.read!(VOC_COCO, { images });
      const dir = tmp();
      expect((await exportDataset(ref, path.join(dir, "labelme"), { format: "labelme" })).dropped).toEqual([]);
      const viaLabelme = await labelme.read!(path.join(dir, "labelme"), { images });
      expect(viaLabelme.problems).toEqual([]);
      expect((await exportDataset(viaLabelme, path.join(dir, "back.json"), { format: "coco" })).dropped).toEqual([]);
      const a = JSON.parse(fs.readFileSync(VOC_COCO, "utf8")),
        b = JSON.parse(fs.readFileSync(path.join(dir, "back.json"), "utf8"));
      const imageIds = (d: { images: { id: number; file_name: string }[] }) =>
        Object.fromEntries(d.images.map((im) => [im.file_name, im.id]));
      expect(imageIds(b)).toEqual(imageIds(a));
      expect(b.categories.map((c: { id: number; name: string }) => [c.id, c.name])).toEqual(
        a.categories.map((c: { id: number; name: string }) => [c.id, c.name]),
      );
      expect(b.annotations.map((x: { attributes: unknown }) => x.attributes)).toEqual(
        a.annotations.map((x: { attributes: unknown }) => x.attributes),
      );
    },
  );

  it("fails on a truncated file, naming the file and the place", async () => {
    const dir = tmp();
    const text = fs.readFileSync(path.join(labelsDir, "2007_000032.json"), "utf8");
    fs.writeFileSync(path.join(dir, "2007_000032.json"), text.slice(0, Math.floor(text.length / 2)));
    const err = await rejection(labelme.read!(dir, { images }));
    expect(err.message).toContain(path.join(dir, "2007_000032.json"));
    expect(err.message).toMatch(/truncated/);
    expect(err.place).toMatch(/line \d+, column \d+/);
  });
});

/** A dataset with polygons, a crowd box, hostile names, typed attributes, metadata and folders. */
function generated(): Dataset {
  const b = new DatasetBuilder("gen", null);
  b.declareField({ name: "ground_truth", kind: "detections", predicted: false });
  const evil = "<img src=x onerror=alert(1)>";
  // In the order a reader lists the files (c.json, empty.json, sub/dir/...), so rows compare 1:1.
  const s3 = b.addSample({ filepath: "c.jpg", width: 33, height: 44, fields: { camera: "x", night: false } });
  const s2 = b.addSample({ filepath: "empty.png", width: 100, height: 50, fields: { camera: null } });
  const s1 = b.addSample({
    filepath: "sub/dir/a b&c.jpg",
    width: 640,
    height: 480,
    fields: { camera: "cam <1>", night: true, labelme_flags: { reviewed: true } },
  });
  b.addObject({
    sampleId: s3,
    field: "ground_truth",
    label: "cat",
    x: 1,
    y: 1,
    w: 3,
    h: 4,
    iscrowd: true,
    segmentation: [[1, 1, 4, 1, 4, 5]],
  });
  b.addObject({ sampleId: s3, field: "ground_truth", label: "dog", x: 12.456789, y: 0.1, w: 7.123456789, h: 1e-7 });
  b.addObject({
    sampleId: s1,
    field: "ground_truth",
    label: evil,
    x: 0.1,
    y: 0.2,
    w: 0.2,
    h: 10.7,
    attributes: { occluded: true, group_id: 4, description: 'line1\nline2 "q" <b>', score_hint: 0.25, source: "auto" },
  });
  b.addObject({ sampleId: s1, field: "ground_truth", label: "cat", x: 10, y: 20, w: 30, h: 40, iscrowd: true });
  b.addObject({
    sampleId: s1,
    field: "ground_truth",
    label: "cat",
    x: 1.5,
    y: 2.25,
    w: 8.5,
    h: 5.75,
    segmentation: [[1.5, 2.25, 10, 2.25, 10, 8, 3.3, 8]],
    attributes: { truncated: false },
  });
  void s2;
  return b.build();
}

describe("labelme with generated data", () => {
  it("round-trips polygons, crowd, attributes, metadata and hostile names exactly", async () => {
    const ds = generated();
    const out = tmp();
    const report = await labelme.write!(ds, out, {});
    expect(report).toEqual({ files: 3, dropped: [] });
    const written = JSON.parse(fs.readFileSync(path.join(out, "sub/dir/a b&c.json"), "utf8"));
    expect(written.imagePath).toBe("a b&c.jpg");
    expect(written.flags).toEqual({ reviewed: true });
    expect(written.camera).toBe("cam <1>");
    const { points, ...rest } = written.shapes[0];
    expect(points[0]).toEqual([0.1, 0.2]);
    expect(rest).toEqual({
      label: "<img src=x onerror=alert(1)>",
      group_id: 4,
      description: 'line1\nline2 "q" <b>',
      shape_type: "rectangle",
      flags: { occluded: true },
      score_hint: 0.25,
      source: "auto",
    });
    expect(written.shapes[1].flags).toEqual({ iscrowd: true });
    expect(written.shapes[2].shape_type).toBe("polygon");
    expect(written.shapes[2].points).toEqual([
      [1.5, 2.25],
      [10, 2.25],
      [10, 8],
      [3.3, 8],
    ]);
    expect(fs.existsSync(path.join(out, "empty.json"))).toBe(true);

    const back = await labelme.read!(out, {});
    expect(back.problems).toEqual([]);
    expect(snapshot(back)).toEqual(snapshot(ds));
  });

  it("resolves image paths relative to the JSON file, and keeps any path it rewrites", async () => {
    const root = tmp();
    const imgs = path.join(root, "images"),
      labels = path.join(root, "labels");
    fs.mkdirSync(path.join(imgs, "train"), { recursive: true });
    fs.mkdirSync(path.join(labels, "train"), { recursive: true });
    for (const f of ["train/a.jpg", "b.jpg", "c.jpg", "train/d.jpg"]) fs.writeFileSync(path.join(imgs, f), "");
    const doc = (imagePath: string) =>
      JSON.stringify({
        version: "5.2.1",
        flags: {},
        shapes: [],
        imagePath,
        imageData: null,
        imageWidth: 10,
        imageHeight: 10,
      });
    // really relative to the JSON file
    fs.writeFileSync(path.join(labels, "train/a.json"), doc("../../images/train/a.jpg"));
    // another machine: file name only
    fs.writeFileSync(path.join(labels, "b.json"), doc("C:\\Users\\me\\photos\\b.jpg"));
    fs.writeFileSync(path.join(labels, "c.json"), doc("../elsewhere/c.jpg"));
    fs.writeFileSync(path.join(labels, "train/d.json"), doc("d.jpg")); // labels tree mirrors the images tree
    const ds = await labelme.read!(labels, { images: imgs, checkImages: "exists" });
    expect(ds.problems).toEqual([]);
    expect(Array.from(values(ds.samples, "filepath"))).toEqual(["b.jpg", "c.jpg", "train/a.jpg", "train/d.jpg"]);
    expect(Array.from(values(ds.samples, "labelme_image_path"))).toEqual([
      "C:\\Users\\me\\photos\\b.jpg",
      "../elsewhere/c.jpg",
      null,
      null,
    ]);
    // Without an images folder, paths stay as LabelMe means them: relative to the labels folder.
    const bare = await labelme.read!(labels, {});
    expect(Array.from(values(bare.samples, "filepath"))).toEqual([
      "C:/Users/me/photos/b.jpg",
      "../elsewhere/c.jpg",
      "../images/train/a.jpg",
      "train/d.jpg",
    ]);
  });

  it("reads shape variants and records unsupported shapes as problems", async () => {
    const dir = tmp();
    fs.writeFileSync(
      path.join(dir, "x.json"),
      JSON.stringify({
        imagePath: "x.jpg",
        imageWidth: 100,
        imageHeight: 80,
        imageData: "aGVsbG8=",
        shapes: [
          {
            label: "cat",
            points: [
              [30, 40],
              [10, 20],
            ],
            shape_type: "rectangle",
            group_id: null,
            flags: { iscrowd: true },
            description: "",
          },
          {
            label: "dog",
            points: [
              [1, 1],
              [5, 1],
              [3, 6],
            ],
            group_id: 2,
            flags: {},
            mask: null,
          },
          {
            label: "cat",
            points: [
              [5, 5],
              [9, 9],
            ],
            shape_type: "circle",
            flags: {},
          },
          { label: "cat", points: [[5, 5]], shape_type: "point", flags: {} },
        ],
      }),
    );
    fs.writeFileSync(path.join(dir, "classes.json"), JSON.stringify(["cat", "dog"]));
    const ds = await labelme.read!(dir, {});
    expect(ds.count()).toBe(1);
    const snap = snapshot(ds);
    expect(snap.objects.label).toEqual(["cat", "dog"]);
    expect([snap.objects.x, snap.objects.y, snap.objects.w, snap.objects.h]).toEqual([
      [10, 1],
      [20, 1],
      [20, 4],
      [20, 5],
    ]);
    expect(snap.objects.iscrowd).toEqual([1, 0]);
    expect(snap.objects.segmentation).toEqual([null, "[[1,1,5,1,3,6]]"]);
    expect(snap.objects.attributes).toEqual([null, { group_id: 2 }]);
    expect(ds.problems.map((p) => p.kind).sort()).toEqual(["skipped-file", "unsupported-shape"]);
    expect(ds.problems.find((p) => p.kind === "unsupported-shape")!.message).toMatch(/1 circle, 1 point/);
  });

  it("gives clear errors for bad files", async () => {
    const cases: [string, string, RegExp][] = [
      ["noimage.json", JSON.stringify({ shapes: [] }), /imagePath/],
      [
        "badpoints.json",
        JSON.stringify({
          imagePath: "a.jpg",
          shapes: [
            {
              label: "cat",
              shape_type: "rectangle",
              points: [
                [1, "2"],
                [3, 4],
              ],
            },
          ],
        }),
        /shapes\[0\]\.points\[0\]/,
      ],
      [
        "nolabel.json",
        JSON.stringify({
          imagePath: "a.jpg",
          shapes: [
            {
              points: [
                [1, 2],
                [3, 4],
              ],
            },
          ],
        }),
        /shape has no label/,
      ],
    ];
    for (const [name, text, re] of cases) {
      const dir = tmp();
      fs.writeFileSync(path.join(dir, name), text);
      const err = await rejection(labelme.read!(dir, {}));
      expect(err.message, name).toContain(path.join(dir, name));
      expect(err.message, name).toMatch(re);
    }
    await rejection(labelme.read!(tmp(), {})).then((e) => expect(e.message).toMatch(/no \.json files/));
  });

  it("refuses two images that would share a JSON file, and what it cannot hold unless lossy", async () => {
    const b = new DatasetBuilder("clash", null);
    b.declareField({ name: "ground_truth", kind: "detections", predicted: false });
    b.addSample({ filepath: "a.jpg", width: 10, height: 10 });
    b.addSample({ filepath: "a.png", width: 10, height: 10 });
    const err = await rejection(labelme.write!(b.build(), tmp(), {}));
    expect(err.message).toMatch(/a\.json/);

    const c = new DatasetBuilder("lossy", null);
    c.declareField({ name: "model", kind: "detections", predicted: true });
    const s = c.addSample({ filepath: "a.jpg", width: 10, height: 10, split: "val" });
    c.addObject({ sampleId: s, field: "model", label: "cat", x: 1, y: 1, w: 2, h: 2, confidence: 0.5 });
    c.addObject({
      sampleId: s,
      field: "model",
      label: "cat",
      x: 0,
      y: 0,
      w: 6,
      h: 6,
      segmentation: [
        [0, 0, 6, 0, 6, 6],
        [7, 7, 8, 8, 7, 8],
      ],
    });
    const ds = c.build();
    const out = tmp();
    const refused = await rejection(exportDataset(ds, out, { format: "labelme" }));
    expect(refused.message).toMatch(/1 confidence scores[\s\S]*1 samples' splits[\s\S]*1 polygon masks/);
    expect(fs.readdirSync(out)).toEqual([]);
    const report = await exportDataset(ds, out, { format: "labelme", lossy: true });
    expect(report.dropped).toEqual([
      "1 confidence scores (labelme cannot hold them)",
      "1 samples' splits (labelme cannot hold them)", // once: the capabilities say it, the writer does not repeat it
      expect.stringMatching(/^1 polygon masks/),
    ]);
    const back = await labelme.read!(out, {});
    expect(Array.from(values(back.objects, "w"))).toEqual([2, 6]);
  });

  it("lists its losses in the plan, writes without refusing, and builds each file once", async () => {
    const b = new DatasetBuilder("plan", null);
    b.declareField({ name: "ground_truth", kind: "detections", predicted: false });
    for (const f of ["a.jpg", "b.jpg"]) {
      b.addSample({ filepath: f, width: 10, height: 10, fields: { imagePath: "elsewhere.jpg", camera: "x" } });
      for (let k = 0; k < 10; k++)
        b.addObject({
          sampleId: f,
          field: "ground_truth",
          label: "cat",
          x: k,
          y: 0,
          w: 1,
          h: 1,
          iscrowd: k === 0,
          attributes: { occluded: true, group_id: 1.5, iscrowd: false },
        });
    }
    const ds = b.build();
    const out = tmp();
    const options = {};
    const planned = await labelme.plan!(ds, out, options);
    expect(planned).toEqual([
      "22 object attributes that labelme cannot hold (a group_id that is not an integer, a non-text description, or " +
        "a name labelme reserves)",
      "2 metadata values named like LabelMe's own keys (labelme cannot hold them)",
    ]);
    expect(fs.readdirSync(out)).toEqual([]);
    const parse = vi.spyOn(JSON, "parse");
    let dropped: string[];
    try {
      dropped = (await labelme.write!(ds, out, options)).dropped;
      expect(parse).not.toHaveBeenCalled(); // the plan's parse is reused
    } finally {
      parse.mockRestore();
    }
    expect(dropped).toEqual(planned);
    const a = JSON.parse(fs.readFileSync(path.join(out, "a.json"), "utf8"));
    expect(a.imagePath).toBe("a.jpg");
    expect(a.camera).toBe("x");
    expect(a.shapes[0].flags).toEqual({ occluded: true, iscrowd: true });
    expect(a.shapes[1].flags).toEqual({ occluded: true });
  });

  it("keeps image ids (source_id), category ids and nested attributes as they are", async () => {
    const b = new DatasetBuilder("ids", null);
    b.declareField({ name: "ground_truth", kind: "detections", predicted: false });
    b.categories = [
      { id: 3, name: "cat", supercategory: "animal" },
      { id: 7, name: "dog" },
      { id: 9, name: "unused" },
    ];
    b.addSample({ filepath: "a.jpg", width: 10, height: 10, fields: { source_id: 1146 } });
    b.addSample({ filepath: "b.jpg", width: 10, height: 10, fields: { source_id: "img-2" } });
    // As CVAT's COCO export nests them.
    b.addObject({
      sampleId: "a.jpg",
      field: "ground_truth",
      label: "dog",
      x: 1,
      y: 1,
      w: 2,
      h: 2,
      attributes: { attributes: { occluded: false, color: "red" }, note: "x" },
    });
    b.addObject({ sampleId: "b.jpg", field: "ground_truth", label: "cat", x: 1, y: 1, w: 2, h: 2 });
    const ds = b.build();
    const out = tmp();
    // Nothing to refuse: LabelMe holds the ids and the nesting.
    const report = await exportDataset(ds, out, { format: "labelme" });
    expect(report.dropped).toEqual([]);
    const a = JSON.parse(fs.readFileSync(path.join(out, "a.json"), "utf8"));
    expect(a.source_id).toBe(1146);
    expect(a.categories).toEqual([
      { id: 3, name: "cat", supercategory: "animal" },
      { id: 7, name: "dog" },
      { id: 9, name: "unused" },
    ]);
    expect(a.shapes[0].attributes).toEqual({ occluded: false, color: "red" });
    expect(a.shapes[0].flags).toEqual({});
    const back = await labelme.read!(out, {});
    expect(back.problems).toEqual([]);
    expect(snapshot(back)).toEqual(snapshot(ds));
    expect(Array.from(values(back.samples, "source_id"))).toEqual([1146, "img-2"]);
    expect(back.categories).toEqual(ds.categories);
    expect(snapshot(back).objects.attributes[0]).toEqual({ attributes: { occluded: false, color: "red" }, note: "x" });
  });

  it("records files whose category lists disagree, keeping the first file's ids", async () => {
    const dir = tmp();
    const doc = (categories: unknown, label: string) =>
      JSON.stringify({
        imagePath: `${label}.jpg`,
        imageWidth: 10,
        imageHeight: 10,
        categories,
        shapes: [
          {
            label,
            shape_type: "rectangle",
            points: [
              [1, 1],
              [2, 2],
            ],
          },
        ],
      });
    fs.writeFileSync(
      path.join(dir, "a.json"),
      doc(
        [
          { id: 3, name: "cat" },
          { id: 7, name: "dog" },
        ],
        "cat",
      ),
    );
    fs.writeFileSync(
      path.join(dir, "b.json"),
      doc(
        [
          { id: 4, name: "cat" },
          { id: 7, name: "dog" },
          { id: 8, name: "cow" },
        ],
        "cow",
      ),
    );
    // Not a category list: kept as metadata, as before.
    fs.writeFileSync(path.join(dir, "c.json"), doc("animals", "dog"));
    const ds = await labelme.read!(dir, {});
    expect(ds.categories).toEqual([
      { id: 3, name: "cat" },
      { id: 7, name: "dog" },
      { id: 8, name: "cow" },
    ]);
    expect(ds.problems.map((p) => p.kind)).toEqual(["category-mismatch"]);
    expect(ds.problems[0].message).toMatch(/category "cat" has id 4 here, but in an earlier file "cat" has id 3/);
    expect(ds.problems[0].file).toBe(path.join(dir, "b.json"));
    expect(Array.from(values(ds.samples, "categories"))).toEqual([null, null, "animals"]);
  });

  it("keeps two label files of one image as two samples", async () => {
    const dir = tmp();
    const doc = JSON.stringify({
      imagePath: "a.jpg",
      imageWidth: 10,
      imageHeight: 0,
      shapes: [
        {
          label: "cat",
          shape_type: "rectangle",
          points: [
            [1, 1],
            [2, 2],
          ],
        },
      ],
    });
    fs.writeFileSync(path.join(dir, "a.json"), doc);
    fs.writeFileSync(path.join(dir, "a copy.json"), doc.replace('"a.jpg"', '"./a.jpg"'));
    const ds = await labelme.read!(dir, {});
    expect(Array.from(values(ds.samples, "id"))).toEqual(["a.jpg", "a.jpg#2"]);
    expect(Array.from(values(ds.objects, "sample_id"))).toEqual(["a.jpg", "a.jpg#2"]);
    expect(Array.from(values(ds.samples, "height"))).toEqual([null, null]); // a zero size is no size
    expect(ds.problems.map((p) => p.kind)).toEqual(["duplicate-sample"]);
  });
});
