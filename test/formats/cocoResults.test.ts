import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { DatasetBuilder } from "../../src/dataset/builder";
import { values } from "../../src/dataset/columns";
import { BlindspotError } from "../../src/errors";
import { detectFormat, exportDataset, importLabels, load } from "../../src/formats/api";
import { HAS_SHARED, SHARED, tmpDir } from "../helpers/data";

/* eslint-disable @typescript-eslint/no-explicit-any */

async function rejection(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (err) {
    return err as Error;
  }
  throw new Error("expected an error");
}

function writeJson(dir: string, name: string, data: unknown): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, JSON.stringify(data));
  return file;
}

/** A ground-truth COCO file with text image ids, and the dataset read from it. */
async function groundTruth(dir: string) {
  const file = writeJson(dir, "gt.json", {
    images: [
      { id: "img-a", file_name: "a.jpg", width: 100, height: 100 },
      { id: "img-b", file_name: "b.jpg", width: 100, height: 100 },
    ],
    annotations: [
      { id: 1, image_id: "img-a", category_id: 3, bbox: [10, 10, 20, 20], area: 400, iscrowd: 0, segmentation: [] },
    ],
    categories: [{ id: 3, name: "cat", supercategory: "animal" }],
  });
  return { file, ds: await load(file, { checkImages: "none" }) };
}

describe("coco-results", () => {
  it("null and non-object results name the file, the entry and the fix", async () => {
    const dir = tmpDir("results-null");
    const { ds } = await groundTruth(dir);
    const good = { image_id: "img-a", category_id: 3, bbox: [1, 1, 5, 5], score: 0.5 };
    const cases: [any, RegExp][] = [
      [[good, good, good, null], /\(\[3\]\): expected a result \{image_id, category_id, bbox, score\}, found null/],
      [[7], /\(\[0\]\): expected a result .* found number 7/],
      [[good, [1, 2]], /\(\[1\]\): expected a result .* found a list/],
    ];
    for (const [k, [data, message]] of cases.entries()) {
      const file = writeJson(dir, `res${k}.json`, data);
      const err = await rejection(load(file, { format: "coco-results", reference: ds }));
      expect(err).toBeInstanceOf(BlindspotError);
      expect(err.message).toContain(file);
      expect(err.message).toMatch(message);
      expect(err.message).toMatch(/fix: make entry \[\d\] a result object, or remove it/);
    }
  });

  it('names category ids that differ from the ground truth\'s only by type ("3" for 3)', async () => {
    const dir = tmpDir("results-typed-category");
    const { ds } = await groundTruth(dir);
    const file = writeJson(dir, "res.json", [{ image_id: "img-a", category_id: "3", bbox: [1, 1, 5, 5], score: 0.5 }]);
    const err = await rejection(load(file, { format: "coco-results", reference: ds }));
    expect(err.message).toContain('("3" x1): "3" is text (in quotes), and the id there is the number 3');
    expect(err.message).toContain("write category ids as numbers without quotes");
  });

  it("is told from a COCO file by its first character, also in a folder holding both", async () => {
    const dir = tmpDir("results-detect");
    const { file: gt, ds } = await groundTruth(dir);
    const res = writeJson(dir, "res.json", [{ image_id: "img-a", category_id: 3, bbox: [1, 1, 5, 5], score: 0.5 }]);
    expect(detectFormat(gt).name).toBe("coco");
    expect(detectFormat(res).name).toBe("coco-results");
    const read = await load(dir, { format: "coco-results", reference: ds });
    expect(read.objects.numRows()).toBe(1);
  });

  it("results refer to text image ids as given, both ways", async () => {
    const dir = tmpDir("results-text-ids");
    const { ds } = await groundTruth(dir);
    const res = writeJson(dir, "res.json", [
      { image_id: "img-b", category_id: 3, bbox: [1, 2, 3, 4], score: 0.9 },
      { image_id: "img-a", category_id: 3, bbox: [10, 10, 20, 20], score: 0.7 },
    ]);
    await importLabels(ds, res, { format: "coco-results" });
    const field = Array.from(values<string>(ds.objects, "field")),
      sample = Array.from(values<string>(ds.objects, "sample_id"));
    const preds = sample.filter((_, i) => field[i] === "predictions");
    expect(preds.sort()).toEqual(["a.jpg", "b.jpg"]);

    await exportDataset(ds, path.join(dir, "out.json"), { format: "coco-results", field: "predictions" });
    const out = JSON.parse(fs.readFileSync(path.join(dir, "out.json"), "utf8"));
    expect(out.map((r: any) => r.image_id).sort()).toEqual(["img-a", "img-b"]);
  });

  it(
    "results written for a dataset without image ids use the COCO writer's numbering, and read " + "back against it",
    async () => {
      const b = new DatasetBuilder("plain", null);
      b.declareField({ name: "predictions", kind: "detections", predicted: true });
      for (const f of ["a.jpg", "b.jpg", "c.jpg"]) b.addSample({ filepath: f, width: 50, height: 50 });
      b.addObject({ sampleId: "c.jpg", field: "predictions", label: "dog", x: 1, y: 2, w: 3, h: 4, confidence: 0.25 });
      const ds = b.build();
      const dir = tmpDir("results-numbered");
      await exportDataset(ds, path.join(dir, "gt.json"), { format: "coco", field: "predictions" });
      await exportDataset(ds, path.join(dir, "res.json"), { format: "coco-results", field: "predictions" });
      const gt = JSON.parse(fs.readFileSync(path.join(dir, "gt.json"), "utf8"));
      const res = JSON.parse(fs.readFileSync(path.join(dir, "res.json"), "utf8"));
      expect(res[0].image_id).toBe(gt.images.find((im: any) => im.file_name === "c.jpg").id);
      const back = await load(path.join(dir, "res.json"), { format: "coco-results", reference: ds });
      expect(Array.from(values(back.objects, "sample_id"))).toEqual(["c.jpg"]);
    },
  );

  it.skipIf(!HAS_SHARED)(
    "coco-fake100: the fake bbox results read against their ground truth and write back the same list",
    async () => {
      const gt = await load(path.join(SHARED, "coco-fake100/instances_val2014_100.json"), { checkImages: "none" });
      const src = path.join(SHARED, "coco-fake100/instances_val2014_fakebbox100_results.json");
      const preds = await load(src, { format: "coco-results", reference: gt });
      const dir = tmpDir("results-fake100");
      await exportDataset(preds, path.join(dir, "out.json"), { format: "coco-results" });
      const key = (r: any) => JSON.stringify([r.image_id, r.category_id, r.bbox, r.score]);
      const a = JSON.parse(fs.readFileSync(src, "utf8")).map(key).sort();
      const b = JSON.parse(fs.readFileSync(path.join(dir, "out.json"), "utf8"))
        .map(key)
        .sort();
      expect(b).toEqual(a);
    },
  );
});
