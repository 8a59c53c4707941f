import { afterAll, describe, expect, it } from "vitest";
import { boxLabelIssues } from "../../src/analyze/boxIssues";
import { DatasetBuilder } from "../../src/dataset/builder";
import type { Dataset } from "../../src/dataset/dataset";
import { values } from "../../src/dataset/columns";
import { Rng } from "../../src/demo/random";
import { BlindspotError } from "../../src/errors";
import { removeTmpDirs } from "../helpers/data";
import { hasPython } from "../helpers/reference";
import { compareWithCleanlab } from "./boxIssuesCompare";

afterAll(removeTmpDirs);

const CLASSES = ["car", "person", "bicycle", "dog", "truck"];

/**
 * Random scenes with the cases that trip implementations: a class never predicted (truck), a class
 * with one label (dog), an image with labels and no predictions, one with predictions and no
 * labels, two labels of different classes on one box, touching boxes, confidences exactly at
 * cleanlab's 0.5 and 0.95 cut-offs, confident predictions of a wrong class and far from any label.
 */
function scenes(seed: number): Dataset {
  const rng = new Rng(seed);
  const b = new DatasetBuilder("scenes", "/nowhere");
  b.declareField({ name: "ground_truth", kind: "detections", predicted: false });
  b.declareField({ name: "model", kind: "detections", predicted: true });
  for (const c of CLASSES) b.category(c);
  const box = () => {
    const w = rng.range(8, 120),
      h = rng.range(8, 120);
    return { x: rng.range(0, 640 - w), y: rng.range(0, 480 - h), w, h };
  };
  // Continuous confidences: numpy's unstable argsort orders tied scores its own way in the AP.
  const confidence = () => rng.pick([rng.range(0.3, 1), rng.range(0.9, 1), rng.range(0.3, 0.6)]);
  for (let i = 0; i < 80; i++) {
    const sampleId = b.addSample({ id: `img${i}`, filepath: `img${i}.jpg`, width: 640, height: 480 });
    const gt = (label: string, g: { x: number; y: number; w: number; h: number }) =>
      b.addObject({ sampleId, field: "ground_truth", label, ...g });
    const pred = (label: string, g: { x: number; y: number; w: number; h: number }, c = confidence()) =>
      b.addObject({ sampleId, field: "model", label, ...g, confidence: c });
    if (i === 0) gt("dog", box());
    if (i === 1) gt("truck", box());
    if (i === 2) {
      const g = box();
      gt("car", g);
      gt("person", g);
      pred("car", g, 0.99);
    }
    if (i === 3) {
      gt("car", { x: 10, y: 10, w: 50, h: 50 });
      pred("car", { x: 60, y: 10, w: 50, h: 50 }, 0.97); // touches the label: IoU 0, overlooked candidate
    }
    if (i === 4) for (let k = 0; k < 3; k++) gt(rng.pick(CLASSES.slice(0, 3)), box()); // no predictions
    if (i === 5) for (let k = 0; k < 3; k++) pred(rng.pick(CLASSES.slice(0, 3)), box(), rng.range(0.9, 1)); // no labels
    // Exactly at the cut-offs, once per class (no ties).
    if (i === 6) pred("car", box(), 0.95);
    if (i === 7) pred("person", box(), 0.5);
    if (i === 8) {
      const g = box();
      gt("bicycle", g);
      pred("bicycle", { ...g, x: g.x + 2 }, 0.5);
      pred("car", { ...g, y: g.y + 2 }, 0.95);
    }
    if (i < 9) continue;
    const n = rng.int(0, 6);
    for (let k = 0; k < n; k++) {
      const label = rng.pick(CLASSES.slice(0, 3));
      const g = box();
      gt(label, g);
      if (rng.chance(0.8)) {
        const jitter = rng.pick([0.02, 0.1, 0.3]);
        const p = {
          x: g.x + rng.range(-jitter, jitter) * g.w,
          y: g.y + rng.range(-jitter, jitter) * g.h,
          w: g.w * (1 + rng.range(-jitter, jitter)),
          h: g.h * (1 + rng.range(-jitter, jitter)),
        };
        pred(rng.chance(0.15) ? rng.pick(CLASSES.slice(0, 3)) : label, p);
      }
    }
    if (rng.chance(0.3)) pred(rng.pick(CLASSES.slice(0, 3)), box());
  }
  return b.build();
}

describe.skipIf(!hasPython())("box label issues equal cleanlab's object-detection module (live)", () => {
  it("on generated scenes: every box score, pooled score, flagged image and ranking", { timeout: 120_000 }, () => {
    for (const seed of [1, 2, 3]) {
      const { result, ref } = compareWithCleanlab(scenes(seed), { predictions: "model" });
      expect(ref.issues.length, `seed ${seed}: some images flagged`).toBeGreaterThan(3);
      expect(result.summary.boxes.overlooked + result.summary.boxes.swap + result.summary.boxes.badloc).toBeGreaterThan(
        ref.issues.length - 1,
      );
    }
  });

  it(
    "with the overlapping-label check off, other aggregation weights and box-score parameters",
    { timeout: 120_000 },
    () => {
      compareWithCleanlab(scenes(4), { predictions: "model", overlappingLabelCheck: false });
      compareWithCleanlab(scenes(5), {
        predictions: "model",
        aggregationWeights: { overlooked: 0.5, swap: 0.3, badloc: 0.2 },
      });
      const { result } = compareWithCleanlab(scenes(6), {
        predictions: "model",
        alpha: 0.7,
        lowProbability: 0.3,
        highProbability: 0.6,
        temperature: 0.3,
      });
      expect(result.summary.boxes.swap, "a lower highProbability lets swaps through").toBeGreaterThan(0);
    },
  );
});

describe("box label issues on a hand-made scene", () => {
  it("names each planted error, its type and the prediction that fixes it", () => {
    const b = new DatasetBuilder("hand", "/nowhere");
    b.declareField({ name: "ground_truth", kind: "detections", predicted: false });
    b.declareField({ name: "model", kind: "detections", predicted: true });
    for (const c of ["car", "person"]) b.category(c);
    for (let i = 0; i < 6; i++) {
      const sampleId = b.addSample({ id: `s${i}`, filepath: `s${i}.jpg`, width: 400, height: 400 });
      // Good labels the model confirms, so that each class has a high AP and a real threshold.
      b.addObject({ sampleId, field: "ground_truth", label: "car", x: 10, y: 10, w: 60, h: 40 });
      b.addObject({ sampleId, field: "model", label: "car", x: 11, y: 10, w: 60, h: 40, confidence: 0.99 });
      b.addObject({ sampleId, field: "ground_truth", label: "person", x: 200, y: 200, w: 30, h: 80 });
      b.addObject({ sampleId, field: "model", label: "person", x: 200, y: 201, w: 30, h: 80, confidence: 0.98 });
    }
    // s0: a person nobody labelled; s1: a car labelled person; s2: a loose car box.
    b.addObject({ sampleId: "s0", field: "model", label: "person", x: 300, y: 20, w: 30, h: 80, confidence: 0.99 });
    b.addObject({ sampleId: "s1", field: "ground_truth", label: "person", x: 100, y: 300, w: 60, h: 40 });
    b.addObject({ sampleId: "s1", field: "model", label: "car", x: 100, y: 300, w: 60, h: 40, confidence: 0.99 });
    b.addObject({ sampleId: "s2", field: "ground_truth", label: "car", x: 200, y: 20, w: 190, h: 160 });
    b.addObject({ sampleId: "s2", field: "model", label: "car", x: 270, y: 55, w: 60, h: 50, confidence: 0.97 });
    const ds = b.build();
    const result = boxLabelIssues(ds, { predictions: "model" });
    const flagged = result.boxes.objects() as { sample_id: string; issue_type: string; suggested_label: string }[];
    expect(flagged.map((f) => [f.sample_id, f.issue_type, f.suggested_label]).sort()).toEqual([
      ["s0", "overlooked", "person"],
      ["s1", "swap", "car"],
      ["s2", "badloc", "car"],
    ]);
    expect(result.summary.issues).toBe(3);
    const issue = values<boolean>(ds.samples, "label_issue");
    expect(Array.from(issue)).toEqual([true, true, true, false, false, false]);
    const types = values<string | null>(ds.objects, "label_issue_type");
    expect(Array.from(types).filter((t) => t !== null)).toHaveLength(3);
  });

  it("scores a label loose around a smaller sure prediction of its class, and nothing else", () => {
    const b = new DatasetBuilder("loose", "/nowhere");
    b.declareField({ name: "ground_truth", kind: "detections", predicted: false });
    b.declareField({ name: "model", kind: "detections", predicted: true });
    for (const c of ["car", "person"]) b.category(c);
    const sampleId = b.addSample({ id: "a", filepath: "a.jpg", width: 400, height: 400 });
    const label = (x: number, y: number, w: number, h: number) =>
      b.addObject({ sampleId, field: "ground_truth", label: "car", x, y, w, h });
    const predict = (x: number, y: number, w: number, h: number, confidence: number, l = "car") =>
      b.addObject({ sampleId, field: "model", label: l, x, y, w, h, confidence });
    // Loose: 100 x 100 around a sure 60 x 50 car (score 0.9 x (1 - 3000 / 10000) = 0.63).
    label(0, 0, 100, 100);
    predict(20, 25, 60, 50, 0.9);
    // Tight: the prediction is the box (0).
    label(200, 0, 50, 50);
    predict(200, 0, 50, 50, 0.95);
    // Around a person's box, and around a car too unsure to show the extent: no match (null).
    label(0, 200, 100, 100);
    predict(20, 220, 60, 60, 0.99, "person");
    label(200, 200, 100, 100);
    predict(220, 220, 60, 60, 0.3);
    // The matching car sticks out of the label: shifted, not loose (0).
    label(300, 300, 60, 60);
    predict(320, 300, 60, 60, 0.99);
    const ds = b.build();
    const result = boxLabelIssues(ds, { predictions: "model" });
    const rows = ds.objects.objects() as { id: number; field: string; x: number; label_loose_score: number | null }[];
    const gt = rows.filter((r) => r.field === "ground_truth");
    expect(gt.map((r) => r.label_loose_score)).toEqual([expect.closeTo(0.63, 12), 0, null, null, 0]);
    expect(rows.filter((r) => r.field === "model").every((r) => r.label_loose_score === null)).toBe(true);
    const fix = rows.find((r) => r.field === "model" && r.x === 20)!.id;
    expect(result.loose.objects()).toEqual([
      {
        sample_id: "a",
        object_id: gt[0].id,
        label: "car",
        score: expect.closeTo(0.63, 12),
        fix_object_id: fix,
        rank: 1,
      },
    ]);
    expect(result.summary.loose).toBe(1);
    // cleanlab flags nothing here (one sure box per label): the loose label is an issue of its own, its fix the car inside.
    const flagged = ds.objects.objects() as {
      id: number;
      label_issue_type: string | null;
      label_issue_fix: number | null;
    }[];
    expect(
      flagged.filter((o) => o.label_issue_type !== null).map((o) => [o.id, o.label_issue_type, o.label_issue_fix]),
    ).toEqual([[gt[0].id, "loose", fix]]);
    expect(result.summary.issues).toBe(0);
    expect(values<boolean>(ds.samples, "label_issue")[0]).toBe(true);
    expect(() => boxLabelIssues(ds, { predictions: "model", loose: { minScore: 2 } })).toThrow(
      /loose.minScore must lie in \[0, 1\], got 2/,
    );
  });

  it("records images whose labels no prediction can check", () => {
    const b = new DatasetBuilder("unchecked", "/nowhere");
    b.declareField({ name: "ground_truth", kind: "detections", predicted: false });
    b.declareField({ name: "model", kind: "detections", predicted: true });
    b.category("car");
    for (const id of ["a", "b"]) {
      b.addSample({ id, filepath: `${id}.jpg` });
      b.addObject({ sampleId: id, field: "ground_truth", label: "car", x: 0, y: 0, w: 5, h: 5 });
    }
    b.addObject({ sampleId: "a", field: "model", label: "car", x: 0, y: 0, w: 5, h: 5, confidence: 0.9 });
    const result = boxLabelIssues(b.build(), { predictions: "model" });
    expect(result.summary.warnings).toEqual([
      "1 images with labels have no box of model: nothing can confirm or question their labels, so they score 1",
    ]);
  });

  it("refuses confidences above 1 and weights that do not sum to 1, naming them", () => {
    const b = new DatasetBuilder("bad", "/nowhere");
    b.declareField({ name: "ground_truth", kind: "detections", predicted: false });
    b.declareField({ name: "model", kind: "detections", predicted: true });
    b.category("car");
    const sampleId = b.addSample({ id: "a", filepath: "a.jpg" });
    b.addObject({ sampleId, field: "ground_truth", label: "car", x: 0, y: 0, w: 5, h: 5 });
    b.addObject({ sampleId, field: "model", label: "car", x: 0, y: 0, w: 5, h: 5, confidence: 7.5 });
    const ds = b.build();
    expect(() => boxLabelIssues(ds, { predictions: "model" })).toThrow(/confidence above 1.*7\.5/);
    expect(() => boxLabelIssues(ds, { predictions: "nope" })).toThrow(BlindspotError);
    expect(() =>
      boxLabelIssues(ds, { predictions: "model", aggregationWeights: { overlooked: 1, swap: 1, badloc: 0 } }),
    ).toThrow(/sum to 1/);
    expect(() => boxLabelIssues(ds, { predictions: "model", highProbability: 1.5 })).toThrow(/highProbability/);
  });
});
