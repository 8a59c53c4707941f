import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { DatasetBuilder } from "../../src/dataset/builder";
import { values } from "../../src/dataset/columns";
import { mergeLabels } from "../../src/dataset/merge";
import { importLabels, load } from "../../src/formats/api";
import { HAS_SHARED, VOC, VOC_CLASSES, VOC_IMAGES } from "../helpers/data";

function classification(name: string, files: string[], field: string, predicted: boolean) {
  const b = new DatasetBuilder(name, null);
  b.declareField({ name: field, kind: "classification", predicted });
  files.forEach((f, i) =>
    b.addSample({
      filepath: f,
      fields: { [field]: `c${i % 2}`, ...(predicted ? { [`${field}_confidence`]: 0.5 + i / 10 } : {}) },
    }),
  );
  return b;
}

describe("merging label sets", () => {
  it("matches images by id, path, then file name, and adds classification columns", () => {
    const target = classification("gt", ["train/a.jpg", "train/b.jpg", "val/c.png"], "ground_truth", false).build();
    const preds = classification("p", ["a.jpg", "b.jpg", "c.png"], "model", true).build();
    mergeLabels(target, preds, "preds.csv");
    expect(Array.from(values(target.samples, "model"))).toEqual(["c0", "c1", "c0"]);
    expect(Array.from(values(target.samples, "model_confidence"))).toEqual([0.5, 0.6, 0.7]);
    expect(target.fields.map((f) => f.name)).toEqual(["ground_truth", "model"]);
  });

  it("refuses classification labels for images the dataset lacks, with counts", () => {
    const target = classification("gt", ["a.jpg"], "ground_truth", false).build();
    const preds = classification("p", ["a.jpg", "zzz.jpg", "yyy.jpg"], "model", true).build();
    expect(() => mergeLabels(target, preds, "preds.csv")).toThrow(
      /2 labels are for 2 images that are not in the dataset/,
    );
  });

  it("keeps the problems column in step with the problems it adds", () => {
    const target = classification("gt", ["a.jpg", "b.jpg"], "ground_truth", false).build();
    const b = classification("p", ["a.jpg", "b.jpg"], "model", true);
    b.addProblem({ kind: "odd-score", sampleId: "b.jpg", file: "preds.csv", message: "x" });
    mergeLabels(target, b.build(), "preds.csv");
    expect(Array.from(values<string[]>(target.samples, "problems"))).toEqual([[], ["odd-score"]]);
  });

  it.skipIf(!HAS_SHARED)("normalised predictions added to a dataset use its images folder", async () => {
    const ds = await load(path.join(VOC, "voc100_gt_coco.json"), { images: VOC_IMAGES });
    await importLabels(ds, path.join(VOC, "dets/rel_xywh"), {
      format: "txt-rel-cxcywh",
      classes: VOC_CLASSES,
      field: "model",
    });
    expect(ds.objectCount("model")).toBe(452);
    expect(ds.problems).toEqual([]);
  });
});
