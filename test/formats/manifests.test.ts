import type { ColumnTable } from "arquero";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { DatasetBuilder } from "../../src/dataset/builder";
import { values } from "../../src/dataset/columns";
import { generateDemo } from "../../src/demo";
import { BlindspotError } from "../../src/errors";
import { exportDataset, load } from "../../src/formats/api";
import { tmpDir, writeImage } from "../helpers/data";

/** Sample rows without the derived `problems` column, keyed by id. */
function sampleRows(t: ColumnTable) {
  return new Map((t.objects() as Record<string, unknown>[]).map(({ problems: _, ...r }) => [r.id, r]));
}

/** Object rows without their ids, as sorted JSON text. */
function objectRows(t: ColumnTable) {
  return (t.objects() as Record<string, unknown>[]).map(({ id: _, ...r }) => JSON.stringify(r)).sort();
}

function classified() {
  const b = new DatasetBuilder("pets", null);
  const classes = ["cat", "dog", "bird"];
  b.declareField({ name: "ground_truth", kind: "classification", predicted: false });
  b.declareField({ name: "model", kind: "classification", predicted: true, classes });
  for (let i = 0; i < 30; i++) {
    const p = [0.1 + (i % 3) * 0.3, 0.2, 0.7 - (i % 3) * 0.3];
    b.addSample({
      filepath: `img_${i}.png`,
      split: i < 20 ? "train" : "test",
      tags: i % 4 ? [] : ["review"],
      fields: {
        ground_truth: classes[i % 3],
        model: classes[p.indexOf(Math.max(...p))],
        model_confidence: Math.max(...p),
        model_probs: p,
        owner: `o${i % 5}`,
        weight_kg: i * 0.25,
      },
    });
  }
  return b.build();
}

describe("manifests", () => {
  it("JSON Lines holds the whole demo dataset: samples, metadata, both label fields, exactly", async () => {
    const dir = tmpDir("jsonl-demo");
    const { dataset } = await generateDemo({ samples: 200, out: path.join(dir, "demo") });
    await exportDataset(dataset, path.join(dir, "demo.jsonl"), { format: "jsonl" });
    const back = await load(path.join(dir, "demo.jsonl"), { images: dataset.imagesDir! });
    expect(sampleRows(back.samples)).toEqual(sampleRows(dataset.samples));
    expect(objectRows(back.objects)).toEqual(objectRows(dataset.objects));
    expect(back.fields.map((f) => [f.name, f.kind, f.predicted])).toEqual(
      dataset.fields.map((f) => [f.name, f.kind, f.predicted]),
    );
    expect(back.problems).toEqual([]);
  });

  it("CSV holds the demo's samples and metadata; its boxes it refuses, then reports", async () => {
    const dir = tmpDir("csv-demo");
    const { dataset } = await generateDemo({ samples: 200, out: path.join(dir, "demo") });
    await expect(exportDataset(dataset, path.join(dir, "demo.csv"), { format: "csv" })).rejects.toThrow(/boxes/);
    const report = await exportDataset(dataset, path.join(dir, "demo.csv"), { format: "csv", lossy: true });
    expect(report.dropped.join("\n")).toMatch(/\d+ boxes/);
    const back = await load(path.join(dir, "demo.csv"), { images: dataset.imagesDir! });
    expect(sampleRows(back.samples)).toEqual(sampleRows(dataset.samples));
  });

  for (const format of ["jsonl", "csv"]) {
    it(`${format}: classification labels, confidences and class probabilities round-trip`, async () => {
      const ds = classified();
      const dir = tmpDir(`cls-${format}`);
      const file = path.join(dir, `pets.${format}`);
      await exportDataset(ds, file, { format });
      const back = await load(file, { checkImages: "none" });
      expect(sampleRows(back.samples)).toEqual(sampleRows(ds.samples));
      expect(back.fields).toEqual(ds.fields);
      if (format === "csv")
        expect(fs.readFileSync(file, "utf8").split("\n")[0]).toContain("model_prob_cat,model_prob_dog,model_prob_bird");
    });
  }

  it(
    "JSON Lines keeps categories (ids, supercategories, unused ones), info, object tags and empty " + "label fields",
    async () => {
      const b = new DatasetBuilder("full", null);
      b.declareField({ name: "ground_truth", kind: "detections", predicted: false });
      b.declareField({ name: "yolo", kind: "detections", predicted: true });
      b.categories = [
        { id: 7, name: "car", supercategory: "vehicle" },
        { id: 3, name: "person", supercategory: "human" },
        { id: 11, name: "never-used" },
      ];
      b.info = { coco: { info: { year: 2024 }, licenses: [] }, source: "survey" };
      b.addSample({
        filepath: "a.jpg",
        width: 100,
        height: 100,
        split: "train",
        tags: ["night"],
        fields: { weather: "rain" },
      });
      b.addSample({ filepath: "b.jpg", width: 100, height: 100 });
      b.addObject({
        sampleId: "a.jpg",
        field: "ground_truth",
        label: "car",
        x: 1,
        y: 2,
        w: 3,
        h: 4,
        tags: ["hard", "reviewed"],
        attributes: { occluded: true },
      });
      b.addObject({ sampleId: "b.jpg", field: "ground_truth", label: "person", x: 5, y: 5, w: 5, h: 5 });
      const ds = b.build();
      const dir = tmpDir("jsonl-full");
      const file = path.join(dir, "full.jsonl");
      const report = await exportDataset(ds, file, { format: "jsonl" });
      expect(report.dropped).toEqual([]);
      const first = JSON.parse(fs.readFileSync(file, "utf8").split("\n")[0]);
      expect(first.blindspot.version).toBe(1);
      const back = await load(file, { checkImages: "none" });
      expect(back.categories).toEqual(ds.categories);
      expect(back.info).toEqual(ds.info);
      expect(back.fields).toEqual(ds.fields);
      expect(sampleRows(back.samples)).toEqual(sampleRows(ds.samples));
      expect(objectRows(back.objects)).toEqual(objectRows(ds.objects));
      expect(Array.from(values(back.objects, "tags"))).toEqual([["hard", "reviewed"], []]);
    },
  );

  it("JSON Lines without a header line still reads; unknown object keys become attributes", async () => {
    const dir = tmpDir("jsonl-plain");
    const file = path.join(dir, "plain.jsonl");
    fs.writeFileSync(
      file,
      [
        '{"filepath": "a.jpg", "width": 10, "height": 10, "ground_truth": [{"label": "car", "bbox": [1, 1, 2, 2], ' +
          '"difficult": 1, "truncated": false, "tags": ["t"]}]}',
        '{"filepath": "b.jpg", "width": 10, "height": 10, "ground_truth": [{"label": "car", "bbox": [1, 1, 2, 2], ' +
          '"attributes": {"difficult": 0}, "__proto__": "kept"}]}',
        "",
      ].join("\n"),
    );
    const ds = await load(file, { checkImages: "none" });
    expect(ds.fields).toEqual([{ name: "ground_truth", kind: "detections", predicted: false }]);
    const attrs = Array.from(values<string>(ds.objects, "attributes"), (a) => JSON.parse(a));
    expect(attrs[0]).toEqual({ difficult: 1, truncated: false });
    expect(Object.keys(attrs[1])).toEqual(["difficult", "__proto__"]);
    expect(attrs[1].difficult).toBe(0);
    expect(Array.from(values(ds.objects, "tags"))).toEqual([["t"], []]);
    expect(ds.problems).toEqual([]);
  });

  it("JSON Lines: an object key that differs from the same attribute is kept once and recorded", async () => {
    const dir = tmpDir("jsonl-attr-clash");
    const file = path.join(dir, "clash.jsonl");
    fs.writeFileSync(
      file,
      '{"filepath": "a.jpg", "ground_truth": [{"label": "car", "bbox": [1, 1, 2, 2], "difficult": 1, "attributes": ' +
        '{"difficult": 0}}]}\n',
    );
    const ds = await load(file, { checkImages: "none" });
    expect(JSON.parse(values<string>(ds.objects, "attributes")[0])).toEqual({ difficult: 0 });
    expect(ds.problems.map((p) => [p.kind, p.place])).toEqual([["attribute-clash", "line 1, ground_truth[0]"]]);
  });

  it(
    "JSON Lines decides field kinds over the whole file: an empty first list is still the " + "detection field",
    async () => {
      const dir = tmpDir("jsonl-empty-first");
      const file = path.join(dir, "labels.jsonl");
      fs.writeFileSync(
        file,
        [
          '{"filepath": "a.jpg", "ground_truth": []}',
          '{"filepath": "b.jpg", "ground_truth": null}',
          '{"filepath": "c.jpg", "ground_truth": [{"label": "car", "bbox": [1, 1, 2, 2], "confidence": 0.5}]}',
        ].join("\n"),
      );
      const ds = await load(file, { checkImages: "none" });
      expect(ds.samples.columnNames()).not.toContain("ground_truth");
      expect(ds.fields).toEqual([{ name: "ground_truth", kind: "detections", predicted: true }]);
      expect(Array.from(values(ds.objects, "sample_id"))).toEqual(["c.jpg"]);
    },
  );

  it(
    "JSON Lines: a key with boxes on one line and something else on another, a bad box, a newer header: " +
      "clear errors",
    async () => {
      const dir = tmpDir("jsonl-errors");
      const cases: [string, RegExp][] = [
        [
          '{"filepath": "a.jpg", "gt": [{"label": "car", "bbox": [1, 1, 2, 2]}]}\n{"filepath": "b.jpg", "gt": "car"}',
          /\(line 2, gt\): "gt" holds boxes \(line 1\) but string "car" here/,
        ],
        [
          '{"filepath": "a.jpg", "gt": [{"label": "car", "bbox": [1, 1, 2, 2]}, {"label": "dog", "bbox": [1, 2]}]}',
          /\(line 1, gt\[1\]\.bbox\): expected \[x, y, width, height\] as four numbers, found the list \[1,2\]/,
        ],
        [
          '{"filepath": "a.jpg", "gt": [{"label": "car", "bbox": [1, 1, 2, 2]}, null]}',
          /\(line 1, gt\[1\]\): expected an object \{label, bbox\}, found null/,
        ],
        [
          '{"blindspot": {"version": 2}}\n{"filepath": "a.jpg"}',
          /\(line 1\): written by a newer blindspot \(manifest version 2/,
        ],
        [
          '{"blindspot": {"version": 1, "fields": [{"name": "gt", "kind": "boxes"}]}}',
          /\(line 1, blindspot\.fields\[0\]\): the header line is not valid/,
        ],
      ];
      for (const [k, [text, message]] of cases.entries()) {
        const file = path.join(dir, `case${k}.jsonl`);
        fs.writeFileSync(file, text);
        const err = await load(file, { checkImages: "none" }).then(
          () => null,
          (e: unknown) => e as Error,
        );
        expect(err, text).toBeInstanceOf(BlindspotError);
        expect(err!.message, text).toContain(file);
        expect(err!.message, text).toMatch(message);
        expect(err!.message, text).toMatch(/fix: /);
      }
    },
  );

  it("JSON Lines: a metadata column named like a detection field is listed before writing", async () => {
    const b = new DatasetBuilder("shadow", null);
    b.declareField({ name: "ground_truth", kind: "detections", predicted: false });
    b.addSample({ filepath: "a.jpg", fields: { ground_truth: "old text" } });
    b.addObject({ sampleId: "a.jpg", field: "ground_truth", label: "car", x: 1, y: 1, w: 2, h: 2 });
    const err = await exportDataset(b.build(), path.join(tmpDir("jsonl-shadow"), "s.jsonl"), { format: "jsonl" }).then(
      () => null,
      (e: unknown) => e as Error,
    );
    expect(err?.message).toMatch(/metadata columns "ground_truth" \(named like a label field/);
  });

  it("CSV: columns whose values would come back as another type are listed and refused unless lossy", async () => {
    const b = new DatasetBuilder("typed", null);
    const rows: Record<string, unknown>[] = [
      { zip: "12", flag: true, extra: { a: 1 }, score: 3, note: "x" },
      { zip: "13", flag: false, extra: null, score: 4.5, note: "y" },
    ];
    rows.forEach((fields, i) => b.addSample({ filepath: `img_${i}.png`, width: 10, height: 10, fields }));
    const ds = b.build();
    const dir = tmpDir("csv-types");
    const file = path.join(dir, "typed.csv");
    const err = await exportDataset(ds, file, { format: "csv" }).then(
      () => null,
      (e: unknown) => e as Error,
    );
    expect(err).toBeInstanceOf(BlindspotError);
    expect(err!.message).toMatch(
      /2 values of column "zip" \(csv cells have no type: the text "12" would be the number 12 when read back\)/,
    );
    expect(err!.message).toMatch(
      /2 values of column "flag" \(csv cells have no type: the boolean true would be the text "true"/,
    );
    expect(err!.message).toMatch(
      /1 values of column "extra" \(csv cells have no type: the object \{"a":1\} would be the text/,
    );
    expect(err!.message).not.toMatch(/"score"|"note"/);
    expect(fs.existsSync(file)).toBe(false);

    const report = await exportDataset(ds, file, { format: "csv", lossy: true });
    expect(report.dropped.join("\n")).toMatch(/column "zip"/);
    const back = await load(file, { checkImages: "none" });
    expect(Array.from(values(back.samples, "zip"))).toEqual([12, 13]);
    expect(Array.from(values(back.samples, "score"))).toEqual([3, 4.5]);
    expect(Array.from(values(back.samples, "note"))).toEqual(["x", "y"]);
  });

  it("CSV: a classification field the reader would not take for one is listed", async () => {
    const b = new DatasetBuilder("cls", null);
    b.declareField({ name: "weather", kind: "classification", predicted: false });
    b.addSample({ filepath: "a.png", fields: { weather: "rain" } });
    const err = await exportDataset(b.build(), path.join(tmpDir("csv-cls"), "cls.csv"), { format: "csv" }).then(
      () => null,
      (e: unknown) => e as Error,
    );
    expect(err?.message).toMatch(/classification fields "weather" \(csv reads a column as a label field only when/);
  });

  it("CSV: a width or height that is not a number names the file, the line and the fix", async () => {
    const dir = tmpDir("csv-width");
    const file = path.join(dir, "sizes.csv");
    fs.writeFileSync(file, "filepath,width,height\na.jpg,640,480\n\nb.jpg,wide,480\n");
    const err = await load(file, { checkImages: "none" }).then(
      () => null,
      (e: unknown) => e as Error,
    );
    expect(err).toBeInstanceOf(BlindspotError);
    expect(err!.message).toContain(`${file} (line 4, column width): width "wide" is not a number`);
    expect(err!.message).toMatch(/fix: write the image width in pixels/);
    fs.writeFileSync(file, "filepath,width,height\na.jpg,640,480\nb.jpg,0640,\n");
    const ds = await load(file, { checkImages: "none" });
    expect(Array.from(values(ds.samples, "width"))).toEqual([640, 640]);
    expect(Array.from(values(ds.samples, "height"))).toEqual([480, null]);
  });

  it(
    "CSV: image paths without an extension get the extension of the image on disk, else one " + "clear problem",
    async () => {
      const dir = tmpDir("csv-no-ext");
      await writeImage(path.join(dir, "images/1a2b3c.jpg"), 40, 30);
      await writeImage(path.join(dir, "images/sub/ff00.jpeg"), 20, 10);
      const file = path.join(dir, "train.csv");
      fs.writeFileSync(file, "image,label\n1a2b3c,cat\nsub/ff00,dog\ngone,cat\n");
      const ds = await load(file, { images: path.join(dir, "images") });
      expect(Array.from(values(ds.samples, "filepath"))).toEqual(["1a2b3c.jpg", "sub/ff00.jpeg", "gone"]);
      expect(Array.from(values(ds.samples, "width"))).toEqual([40, 20, null]);
      expect(ds.problems.map((p) => [p.kind, p.place, p.message])).toEqual([
        [
          "missing-image",
          "line 4",
          `column image names "gone" without an extension, and no single image gone.* is in ` +
            `${path.join(dir, "images")}`,
        ],
      ]);
      expect(ds.problems[0].hint).toMatch(/pass --images with the folder that holds the images/);
    },
  );

  it("CSV: a tag holding the separator names the output file and the sample", async () => {
    const b = new DatasetBuilder("tags", null);
    b.addSample({ filepath: "a.png" });
    b.addSample({ filepath: "b.png", tags: ["ok", "a;b"] });
    const file = path.join(tmpDir("csv-tags"), "tags.csv");
    const err = await exportDataset(b.build(), file, { format: "csv" }).then(
      () => null,
      (e: unknown) => e as Error,
    );
    expect(err).toBeInstanceOf(BlindspotError);
    expect(err!.message).toContain(`${file} (sample "b.png", column tags): a tag contains ';'`);
    expect(fs.existsSync(file)).toBe(false);
  });
});
