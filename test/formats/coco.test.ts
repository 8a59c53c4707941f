import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { DatasetBuilder } from "../../src/dataset/builder";
import { values } from "../../src/dataset/columns";
import { BlindspotError } from "../../src/errors";
import { exportDataset, load } from "../../src/formats/api";
import { HAS_SHARED, tmpDir, VOC, VOC_IMAGES, writeImage } from "../helpers/data";

/* eslint-disable @typescript-eslint/no-explicit-any */

/** Writes a COCO file (JSON text, so that `__proto__` keys stay keys) and returns its path. */
function cocoFile(dir: string, text: string, name = "labels.json"): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
}

/** The rejection of a promise (or the error of a call), to inspect its message. */
async function rejection(p: Promise<unknown> | (() => unknown)): Promise<Error> {
  try {
    await (typeof p === "function" ? p() : p);
  } catch (err) {
    return err as Error;
  }
  throw new Error("expected an error");
}

const byId = (list: { id: unknown }[]) => new Map(list.map((x) => [JSON.stringify(x.id), x]));

/** A COCO file with every unusual value the columns cannot hold as they are. */
const UNUSUAL =
  `{
  "info": {"year": 2024, "description": "unusual values"}, "licenses": [{"id": 1, "name": "cc"}],
  "images": [
    {"id": "img-a", "file_name": "a.jpg", "width": 100, "height": 80, "license": 1, "filepath": "kept as a key", ` +
  `"problems": "also a key"},
    {"id": 7.5, "file_name": "b.jpg", "width": "640", "height": 80},
    {"id": 12, "file_name": "c.jpg", "width": 50, "height": 50}
  ],
  "annotations": [
    {"id": 1.5, "image_id": "img-a", "category_id": 1, "bbox": [1, 2, 30, 40], "area": "1200", "iscrowd": 2, ` +
  `"segmentation": null, "score": null},
    {"id": "7", "image_id": 7.5, "category_id": 1, "bbox": [5, 5, 10, 10], "area": 100, "iscrowd": 0, ` +
  `"segmentation": [], "__proto__": {"polluted": true}},
    {"id": "ann-x", "image_id": 12, "category_id": 2, "bbox": [0, 0, 20, 20], "area": 400, "iscrowd": 0, ` +
  `"segmentation": [[0, 0, 20, 0, 20, 20]], "attributes": {"occluded": false}},
    {"id": 3, "image_id": 12, "category_id": 2, "bbox": [1, 1, 2, 2], "area": 4, "iscrowd": 1, "segmentation": ` +
  `{"size": [50, 50], "counts": "abc"}}
  ],
  "categories": [{"id": 1, "name": "cat", "supercategory": "animal"}, {"id": 2, "name": "dog", "supercategory": ` +
  `"animal"}, {"id": 9, "name": "unused", "supercategory": "thing"}]
}`;

describe("coco", () => {
  it(
    "COCO -> COCO keeps text and non-integer ids, iscrowd 2, a text area, score null and segmentation " +
      "null as given",
    async () => {
      const dir = tmpDir("coco-unusual");
      const src = cocoFile(dir, UNUSUAL);
      const ds = await load(src, { checkImages: "none" });
      expect(Array.from(values(ds.samples, "source_id"))).toEqual(["img-a", 7.5, 12]);
      expect(Array.from(values(ds.objects, "source_id"))).toEqual(["1.5", "7", "ann-x", "3"]);
      expect(Array.from(values(ds.objects, "iscrowd"))).toEqual([1, 0, 0, 1]);
      const report = await exportDataset(ds, path.join(dir, "out.json"), { format: "coco" });
      expect(report.dropped).toEqual([]);
      const a = JSON.parse(UNUSUAL),
        b = JSON.parse(fs.readFileSync(path.join(dir, "out.json"), "utf8"));
      expect(byId(b.annotations)).toEqual(byId(a.annotations));
      expect(byId(b.images)).toEqual(byId(a.images));
      expect(b.categories).toEqual(a.categories);
      expect(b.info).toEqual(a.info);
      expect(b.licenses).toEqual(a.licenses);
      // The text id that looks like a number stays text; the number ids stay numbers.
      expect(b.annotations.map((x: any) => x.id)).toEqual([1.5, "7", "ann-x", 3]);
    },
  );

  it("never writes a null width or height: reads the image header, or refuses saying why", async () => {
    const dir = tmpDir("coco-sizes");
    await writeImage(path.join(dir, "images/a.jpg"), 64, 48);
    const unsized = (imagesDir: string | null) => {
      const b = new DatasetBuilder("unsized", imagesDir);
      b.declareField({ name: "ground_truth", kind: "detections", predicted: false });
      b.addSample({ filepath: "a.jpg" });
      b.addObject({ sampleId: "a.jpg", field: "ground_truth", label: "x", x: 1, y: 1, w: 2, h: 2 });
      return b.build();
    };
    await exportDataset(unsized(path.join(dir, "images")), path.join(dir, "out.json"), { format: "coco" });
    const written = JSON.parse(fs.readFileSync(path.join(dir, "out.json"), "utf8"));
    expect(written.images.map((im: any) => [im.width, im.height])).toEqual([[64, 48]]);
    const err = await rejection(exportDataset(unsized(null), path.join(dir, "refused.json"), { format: "coco" }));
    expect(err.message).toMatch(
      /a\.jpg \(sample a\.jpg\): image size unknown\n {2}fix: COCO gives every image its width and height/,
    );
    expect(fs.existsSync(path.join(dir, "refused.json"))).toBe(false);
  });

  it("numbers ids only where there are none, above the ids given", async () => {
    const b = new DatasetBuilder("mixed", null);
    b.declareField({ name: "ground_truth", kind: "detections", predicted: false });
    b.addSample({ filepath: "a.jpg", width: 10, height: 10, fields: { source_id: 40 } });
    b.addSample({ filepath: "b.jpg", width: 10, height: 10 });
    b.addSample({ filepath: "c.jpg", width: 10, height: 10, fields: { source_id: "c" } });
    b.addObject({ sampleId: "a.jpg", field: "ground_truth", label: "x", x: 1, y: 1, w: 2, h: 2, sourceId: 5 });
    b.addObject({ sampleId: "b.jpg", field: "ground_truth", label: "x", x: 1, y: 1, w: 2, h: 2 });
    b.addObject({ sampleId: "c.jpg", field: "ground_truth", label: "x", x: 1, y: 1, w: 2, h: 2, sourceId: 5 });
    const dir = tmpDir("coco-ids");
    await exportDataset(b.build(), path.join(dir, "out.json"), { format: "coco" });
    const out = JSON.parse(fs.readFileSync(path.join(dir, "out.json"), "utf8"));
    expect(out.images.map((im: any) => im.id)).toEqual([40, 41, "c"]);
    // A second object with id 5 gets a new id; the first keeps its own.
    expect(out.annotations.map((x: any) => x.id)).toEqual([5, 6, 7]);
  });

  it(
    "attributes named like COCO keys do not overwrite the box, image or category; the write " + "lists them first",
    async () => {
      const b = new DatasetBuilder("clash", null);
      b.declareField({ name: "ground_truth", kind: "detections", predicted: false });
      b.addSample({ filepath: "a.jpg", width: 100, height: 100, fields: { source_id: 1, file_name: "other.jpg" } });
      const attributes = JSON.parse(
        '{"bbox": "nonsense", "image_id": 99, "id": "abc", "category_id": 7, "occluded": true, "__proto__": ' +
          '{"evil": 1}}',
      );
      b.addObject({
        sampleId: "a.jpg",
        field: "ground_truth",
        label: "car",
        x: 10,
        y: 20,
        w: 30,
        h: 40,
        sourceId: 3,
        attributes,
      });
      const ds = b.build();
      const dir = tmpDir("coco-clash");
      const out = path.join(dir, "out.json");
      const err = await rejection(exportDataset(ds, out, { format: "coco" }));
      expect(err).toBeInstanceOf(BlindspotError);
      expect(err.message).toMatch(
        /attributes of 1 objects named like COCO's own annotation keys \(bbox 1x, image_id 1x, id 1x, category_id 1x\)/,
      );
      expect(err.message).toMatch(/metadata values named like COCO's own image keys \(file_name 1x\)/);
      expect(fs.existsSync(out)).toBe(false);

      const report = await exportDataset(ds, out, { format: "coco", lossy: true });
      expect(report.dropped.join("\n")).toMatch(/bbox 1x/);
      const text = fs.readFileSync(out, "utf8");
      const ann = JSON.parse(text).annotations[0];
      expect(ann).toMatchObject({ id: 3, image_id: 1, bbox: [10, 20, 30, 40], occluded: true });
      expect(JSON.parse(text).images[0].file_name).toBe("a.jpg");
      expect(Object.prototype.hasOwnProperty.call(ann, "__proto__")).toBe(true);
      expect(text).toContain('"__proto__":{"evil":1}');

      // The file reloads: the box is the box, and __proto__ is an attribute like any other.
      const back = await load(out, { checkImages: "none" });
      expect(Array.from(values(back.objects, "x"))).toEqual([10]);
      expect(back.categories.find((c) => c.name === "car")).toBeDefined();
      const attrs = JSON.parse(values<string>(back.objects, "attributes")[0]);
      expect(Object.keys(attrs).sort()).toEqual(["__proto__", "occluded"]);
      expect(({} as any).evil).toBeUndefined();
    },
  );

  it("the plan lists the clashes before writing; the write reports them", async () => {
    const { coco } = await import("../../src/formats/coco");
    const b = new DatasetBuilder("clash", null);
    b.declareField({ name: "ground_truth", kind: "detections", predicted: false });
    b.addSample({ filepath: "a.jpg", width: 100, height: 100 });
    b.addObject({
      sampleId: "a.jpg",
      field: "ground_truth",
      label: "car",
      x: 1,
      y: 2,
      w: 3,
      h: 4,
      attributes: { bbox: [0, 0, 1, 1] },
    });
    const ds = b.build();
    const dir = tmpDir("coco-direct");
    expect((await coco.plan!(ds, path.join(dir, "a.json"), {})).join("\n")).toMatch(/bbox 1x/);
    expect(fs.existsSync(path.join(dir, "a.json"))).toBe(false);
    const report = await coco.write!(ds, path.join(dir, "b.json"), {});
    expect(report.dropped.join("\n")).toMatch(/bbox 1x/);
    expect(JSON.parse(fs.readFileSync(path.join(dir, "b.json"), "utf8")).annotations[0].bbox).toEqual([1, 2, 3, 4]);
  });

  it("splits and sample tags are image keys split and tags, object tags the annotation key tags", async () => {
    const b = new DatasetBuilder("tagged", null);
    b.declareField({ name: "ground_truth", kind: "detections", predicted: false });
    b.addSample({ filepath: "a.jpg", width: 100, height: 100, split: "train", tags: ["night", "review"] });
    b.addSample({ filepath: "b.jpg", width: 100, height: 100, split: "val" });
    b.addObject({ sampleId: "a.jpg", field: "ground_truth", label: "car", x: 1, y: 2, w: 3, h: 4, tags: ["hard"] });
    b.addObject({ sampleId: "b.jpg", field: "ground_truth", label: "car", x: 1, y: 2, w: 3, h: 4 });
    const ds = b.build();
    const dir = tmpDir("coco-tags");
    const report = await exportDataset(ds, path.join(dir, "out.json"), { format: "coco" });
    expect(report.dropped).toEqual([]);
    const out = JSON.parse(fs.readFileSync(path.join(dir, "out.json"), "utf8"));
    expect(out.images[0]).toMatchObject({ split: "train", tags: ["night", "review"] });
    expect(out.images[1]).toMatchObject({ split: "val" });
    expect(out.images[1].tags).toBeUndefined();
    expect(out.annotations[0].tags).toEqual(["hard"]);
    expect(out.annotations[1].tags).toBeUndefined();

    const back = await load(path.join(dir, "out.json"), { checkImages: "none" });
    expect(Array.from(values(back.samples, "split"))).toEqual(["train", "val"]);
    expect(Array.from(values(back.samples, "tags"))).toEqual([["night", "review"], []]);
    expect(Array.from(values(back.objects, "tags"))).toEqual([["hard"], []]);
    expect(Array.from(values(back.objects, "attributes"))).toEqual([null, null]);
    expect(back.samples.columnNames()).not.toContain("split_field");
  });

  it("a split or tags COCO cannot take as they are stay as they were", async () => {
    const dir = tmpDir("coco-odd-split");
    const text = JSON.stringify({
      images: [{ id: 1, file_name: "a.jpg", width: 10, height: 10, split: 3, tags: "one" }],
      annotations: [
        { id: 1, image_id: 1, category_id: 1, bbox: [1, 1, 2, 2], area: 4, iscrowd: 0, segmentation: [], tags: [1, 2] },
      ],
      categories: [{ id: 1, name: "x", supercategory: "" }],
    });
    const ds = await load(cocoFile(dir, text), { checkImages: "none" });
    expect(values(ds.samples, "split")[0]).toBeNull();
    expect(values(ds.samples, "split_field")[0]).toBe(3);
    await exportDataset(ds, path.join(dir, "out.json"), { format: "coco" });
    expect(JSON.parse(fs.readFileSync(path.join(dir, "out.json"), "utf8"))).toEqual(JSON.parse(text));
  });

  it("null and non-object entries name the file, the entry and the fix", async () => {
    const dir = tmpDir("coco-null");
    const good = { id: 1, image_id: 1, category_id: 1, bbox: [1, 1, 2, 2] };
    const cases: [string, any, RegExp][] = [
      [
        "annotations",
        {
          images: [{ id: 1, file_name: "a.jpg" }],
          annotations: [...Array(12).fill(good), null],
          categories: [{ id: 1, name: "x" }],
        },
        /annotations\[12\]\): expected an annotation .* found null/,
      ],
      [
        "images",
        { images: [{ id: 1, file_name: "a.jpg" }, 5], annotations: [], categories: [] },
        /images\[1\]\): expected an image .* found number 5/,
      ],
      [
        "categories",
        { images: [], annotations: [], categories: [[1, "x"]] },
        /categories\[0\]\): expected a category .* found a list/,
      ],
      ["annotations list", { images: [], annotations: { 0: good }, categories: [] }, /\(annotations\): not a list/],
    ];
    for (const [name, data, message] of cases) {
      const file = cocoFile(dir, JSON.stringify(data), `${name.replace(" ", "-")}.json`);
      const err = await rejection(load(file, { checkImages: "none" }));
      expect(err, name).toBeInstanceOf(BlindspotError);
      expect(err.message, name).toContain(file);
      expect(err.message, name).toMatch(message);
      expect(err.message, name).toMatch(/fix: /);
    }
  });

  it('names an image or category id that differs from the file\'s own only by type ("2299" for 2299)', async () => {
    const dir = tmpDir("coco-id-types");
    const images = [{ id: 2299, file_name: "a.jpg", width: 10, height: 10 }];
    const categories = [{ id: 1, name: "car" }];
    const textImage = { id: 1, image_id: "2299", category_id: 1, bbox: [1, 1, 2, 2] };
    const file = cocoFile(dir, JSON.stringify({ images, annotations: [textImage], categories }), "text-image.json");
    const err = await rejection(load(file, { checkImages: "none" }));
    expect(err.message).toContain('image_id "2299" is text (in quotes), and the id there is the number 2299');
    expect(err.message).toMatch(/fix: write image ids one way/);
    const textCategory = { id: 1, image_id: 2299, category_id: "1", bbox: [1, 1, 2, 2] };
    const other = cocoFile(
      dir,
      JSON.stringify({ images, annotations: [textCategory], categories }),
      "text-category.json",
    );
    const ds = await load(other, { checkImages: "none" });
    expect(ds.problems.map((p) => p.message)).toEqual([
      'category_id "1" is text (in quotes), and the id there is the number 1; kept with label unknown-category-1',
    ]);
  });

  it("two categories of one name stay apart (name#2), with a duplicate-category problem naming both ids", async () => {
    const dir = tmpDir("coco-dup-cat");
    const src = cocoFile(
      dir,
      JSON.stringify({
        images: [{ id: 1, file_name: "a.jpg", width: 10, height: 10 }],
        annotations: [
          { id: 1, image_id: 1, category_id: 1, bbox: [0, 0, 2, 2] },
          { id: 2, image_id: 1, category_id: 2, bbox: [1, 1, 2, 2] },
          { id: 3, image_id: 1, category_id: 4, bbox: [2, 2, 2, 2] },
        ],
        categories: [
          { id: 1, name: "sign" },
          { id: 2, name: "sign" },
          { id: 3, name: "sign#2" },
          { id: 4, name: "sign" },
        ],
      }),
    );
    const ds = await load(src, { checkImages: "none" });
    expect(ds.categories.map((c) => [c.id, c.name])).toEqual([
      [1, "sign"],
      [2, "sign#3"],
      [3, "sign#2"],
      [4, "sign#4"],
    ]);
    expect(Array.from(values(ds.objects, "label"))).toEqual(["sign", "sign#3", "sign#4"]);
    expect(ds.problems.map((p) => [p.kind, p.place])).toEqual([
      ["duplicate-category", "categories[1]"],
      ["duplicate-category", "categories[3]"],
    ]);
    expect(ds.problems[0].message).toBe(
      'categories 1 and 2 are both named "sign"; category 2 is kept apart as "sign#3"',
    );
    // Written back, each annotation keeps its category id.
    await exportDataset(ds, path.join(dir, "out.json"), { format: "coco" });
    const out = JSON.parse(fs.readFileSync(path.join(dir, "out.json"), "utf8"));
    expect(out.annotations.map((a: any) => a.category_id)).toEqual([1, 2, 4]);
    expect(out.categories.map((c: any) => c.id)).toEqual([1, 2, 3, 4]);
  });

  it("two images with one file name: the builder keeps both (id#2) and records it, once", async () => {
    const dir = tmpDir("coco-dup");
    const file = cocoFile(
      dir,
      JSON.stringify({
        images: [
          { id: 1, file_name: "a.jpg", width: 10, height: 10 },
          { id: 2, file_name: "a.jpg", width: 10, height: 10 },
        ],
        annotations: [{ id: 1, image_id: 2, category_id: 1, bbox: [1, 1, 2, 2] }],
        categories: [{ id: 1, name: "x" }],
      }),
    );
    const ds = await load(file, { checkImages: "none" });
    expect(Array.from(values(ds.samples, "id"))).toEqual(["a.jpg", "a.jpg#2"]);
    expect(Array.from(values(ds.objects, "sample_id"))).toEqual(["a.jpg#2"]);
    expect(ds.problems.filter((p) => p.kind === "duplicate-sample")).toHaveLength(1);
  });

  it.skipIf(!HAS_SHARED)(
    "VOC100 with string image ids: COCO -> COCO keeps them, and COCO results written for it refer to them",
    async () => {
      const dir = tmpDir("coco-voc-strings");
      const d = JSON.parse(fs.readFileSync(path.join(VOC, "voc100_gt_coco.json"), "utf8"));
      for (const im of d.images) im.id = `voc-${im.id}`;
      for (const a of d.annotations) a.image_id = `voc-${a.image_id}`;
      const src = cocoFile(dir, JSON.stringify(d));
      const ds = await load(src, { images: VOC_IMAGES });
      expect(ds.problems).toEqual([]);
      await exportDataset(ds, path.join(dir, "out.json"), { format: "coco" });
      const out = JSON.parse(fs.readFileSync(path.join(dir, "out.json"), "utf8"));
      expect(byId(out.images)).toEqual(byId(d.images));
      expect(byId(out.annotations)).toEqual(byId(d.annotations));
    },
  );
});

describe("category keys beyond id, name and supercategory", () => {
  it("are kept by coco and jsonl, and reported by formats that cannot hold them", async () => {
    const dir = tmpDir("coco-catkeys");
    const src = path.join(dir, "in.json");
    fs.writeFileSync(
      src,
      JSON.stringify({
        images: [{ id: 1, file_name: "a.jpg", width: 100, height: 80 }],
        annotations: [
          { id: 7, image_id: 1, category_id: 1, bbox: [1, 2, 30, 40], area: 1200, iscrowd: 0, segmentation: [] },
        ],
        categories: [
          { id: 1, name: "person", supercategory: "person", keypoints: ["nose", "eye"], skeleton: [[1, 2]] },
        ],
      }),
    );
    const ds = await load(src);
    expect(ds.categories[0].attributes).toEqual({ keypoints: ["nose", "eye"], skeleton: [[1, 2]] });
    await exportDataset(ds, path.join(dir, "out.json"), { format: "coco" });
    expect(JSON.parse(fs.readFileSync(path.join(dir, "out.json"), "utf8")).categories).toEqual(
      JSON.parse(fs.readFileSync(src, "utf8")).categories,
    );
    await exportDataset(ds, path.join(dir, "out.jsonl"), { format: "jsonl" });
    expect((await load(path.join(dir, "out.jsonl"))).categories).toEqual(ds.categories);
    await expect(exportDataset(ds, path.join(dir, "voc"), { format: "voc" })).rejects.toThrow(
      /1 categories' own keys \(keypoints, skeleton\)/,
    );
  });
});
