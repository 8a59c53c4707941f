import { describe, expect, it } from "vitest";
import { DatasetBuilder } from "../../src/dataset/builder";
import { values } from "../../src/dataset/columns";
import { evaluateDetections } from "../../src/eval/detection";
import { BlindspotError } from "../../src/errors";

/** Two images; ground truth and scored predictions of known sizes, labels and scores. */
function scene() {
  const b = new DatasetBuilder("scene", null);
  b.declareField({ name: "ground_truth", kind: "detections", predicted: false });
  b.declareField({ name: "model", kind: "detections", predicted: true });
  const a = b.addSample({ filepath: "a.jpg", width: 640, height: 480, fields: { weather: "rain" } });
  const c = b.addSample({ filepath: "c.jpg", width: 640, height: 480, fields: { weather: "sun" } });
  // Ground truth: a large car and a small person in a; a medium car in c (missed).
  b.addObject({ sampleId: a, field: "ground_truth", label: "car", x: 10, y: 10, w: 200, h: 100 });
  b.addObject({ sampleId: a, field: "ground_truth", label: "person", x: 400, y: 50, w: 20, h: 40 });
  b.addObject({ sampleId: c, field: "ground_truth", label: "car", x: 100, y: 100, w: 50, h: 50 });
  // Predictions: a true car (0.9), the person at 0.6 (tp), a spurious car (0.8) and a spurious person (0.3).
  b.addObject({ sampleId: a, field: "model", label: "car", x: 12, y: 10, w: 200, h: 100, confidence: 0.9 });
  b.addObject({ sampleId: a, field: "model", label: "person", x: 400, y: 50, w: 20, h: 40, confidence: 0.6 });
  b.addObject({ sampleId: a, field: "model", label: "car", x: 300, y: 300, w: 30, h: 30, confidence: 0.8 });
  b.addObject({ sampleId: c, field: "model", label: "person", x: 500, y: 10, w: 60, h: 80, confidence: 0.3 });
  return b.build();
}

describe("patches view", () => {
  const ds = scene();
  const labelsOf = (rows: Int32Array) => Array.from(rows, (r) => ds.objects.get("label", r));
  const scoresOf = (rows: Int32Array) => Array.from(rows, (r) => ds.objects.get("confidence", r));

  it("one row per box of the field, largest first by default", () => {
    const p = ds.patches("model");
    expect(p.count()).toBe(4);
    expect(scoresOf(p.rows())).toEqual([0.9, 0.3, 0.8, 0.6]);
    expect(p.sampleIds()).toEqual(["a.jpg", "c.jpg", "a.jpg", "a.jpg"]);
    expect(ds.patches("ground_truth").count()).toBe(3);
  });

  it("filters by label, COCO size range, area and score; sorts by any object field", () => {
    expect(labelsOf(ds.patches("model", { label: "car" }).rows())).toEqual(["car", "car"]);
    expect(ds.patches("model", { size: "small" }).count()).toBe(2);
    expect(ds.patches("model", { size: "medium" }).count()).toBe(1);
    expect(ds.patches("model", { size: "large" }).count()).toBe(1);
    expect(ds.patches("model", { size: [800, 900] }).count()).toBe(2);
    expect(scoresOf(ds.patches("model", { minScore: 0.5, sortBy: "confidence", descending: false }).rows())).toEqual([
      0.6, 0.8, 0.9,
    ]);
    expect(scoresOf(ds.patches("model", { maxScore: 0.7, sortBy: "confidence" }).rows())).toEqual([0.6, 0.3]);
    expect(labelsOf(ds.patches("model", { sortBy: "label", descending: false }).rows())).toEqual([
      "car",
      "car",
      "person",
      "person",
    ]);
    expect(ds.patches("ground_truth", { minScore: 0 }).count()).toBe(0);
    expect(scoresOf(ds.patches("model", { sortBy: "confidence", limit: 2 }).rows())).toEqual([0.9, 0.8]);
  });

  it("filters by any object field with an expression, and by the samples of a view", () => {
    expect(scoresOf(ds.patches("model", { where: "d => d.x > 250" }).rows())).toEqual([0.3, 0.8, 0.6]);
    expect(ds.where("weather", "sun").patches("model").sampleIds()).toEqual(["c.jpg"]);
  });

  it("evaluation outcomes: tp and fp from predictions, fn from the ground truth, counts as the evaluation's", () => {
    const ev = evaluateDetections(ds, "model");
    const perClass = ev.perClass();
    const total = (col: string) => Array.from(values<number>(perClass, col)).reduce((s, v) => s + v, 0);
    const fp = ds.patches("model", { outcome: "fp" });
    expect(fp.count()).toBe(total("fp"));
    expect(fp.count()).toBe(2);
    expect(scoresOf(fp.rows()).sort()).toEqual([0.3, 0.8]);
    expect(ds.patches("model", { outcome: "tp" }).count()).toBe(total("tp"));
    const fn = ds.patches("model", { outcome: "fn" });
    expect(fn.count()).toBe(total("fn"));
    expect(Array.from(fn.rows(), (r) => ds.objects.get("field", r))).toEqual(["ground_truth"]);
    expect(ds.patches("model", { outcome: ["fp", "fn"] }).count()).toBe(3);
    expect(fp.countBy("label")).toEqual({ car: 1, person: 1 });
    const ids = fp.objectIds();
    expect(Array.from(values<number>(fp.table(), "id"))).toEqual(Array.from(ids));
  });

  it("sees evaluations and tags made after it", () => {
    const fresh = scene();
    const p = fresh.patches("model");
    expect(p.count()).toBe(4);
    fresh.objects = fresh.objects.filter("d => d.confidence !== 0.3").reify();
    expect(p.count()).toBe(3);
  });

  it("names the field, option and fix of a mistake", () => {
    const fresh = scene();
    expect(() => fresh.patches("modle")).toThrow(/no detection field "modle"[\s\S]*ground_truth, model/);
    expect(() => fresh.patches("model", { outcome: "fp" })).toThrow(
      /no outcome column "eval_model"[\s\S]*evaluateDetections/,
    );
    expect(() => fresh.patches("model", { sortBy: "scor" })).toThrow(BlindspotError);
    expect(() => fresh.patches("model", { size: "huge" as never })).toThrow(/unknown size/);
    expect(() => fresh.patches("model", { outcome: "tn" as never })).toThrow(/unknown outcome/);
    expect(() => fresh.patches("model", { limit: -1 })).toThrow(/limit must be a whole number/);
  });
});
