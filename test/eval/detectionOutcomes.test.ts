import { describe, expect, it } from "vitest";
import { DatasetBuilder } from "../../src/dataset/builder";
import { values } from "../../src/dataset/columns";
import type { Dataset } from "../../src/dataset/dataset";
import { BlindspotError } from "../../src/errors";
import { BACKGROUND, evaluateDetections } from "../../src/eval/detection";

/**
 * Per-object outcomes with FiftyOne's conventions (greedy by score, crowds take many
 * predictions, class-agnostic matching as an option), the confusion matrix with a background
 * row and column, what is written back, and the messages bad input gets.
 */
type Box = [number, number, number, number];
interface Obj {
  label: string;
  box: Box;
  score?: number;
  crowd?: boolean;
  sample?: string;
}

function dataset(truth: Obj[], preds: Obj[], extraSamples: string[] = []): Dataset {
  const b = new DatasetBuilder("t", null);
  for (const id of new Set([
    "a.jpg",
    ...truth.map((o) => o.sample ?? "a.jpg"),
    ...preds.map((o) => o.sample ?? "a.jpg"),
    ...extraSamples,
  ]))
    b.addSample({ id, filepath: id, width: 100, height: 100 });
  b.declareField({ name: "ground_truth", kind: "detections", predicted: false });
  b.declareField({ name: "model", kind: "detections", predicted: true });
  for (const name of ["car", "person", "truck"]) b.category(name);
  const add = (o: Obj, field: string) =>
    b.addObject({
      sampleId: o.sample ?? "a.jpg",
      field,
      label: o.label,
      x: o.box[0],
      y: o.box[1],
      w: o.box[2],
      h: o.box[3],
      confidence: o.score ?? null,
      iscrowd: o.crowd ? 1 : 0,
    });
  truth.forEach((o) => add(o, "ground_truth"));
  preds.forEach((o) => add(o, "model"));
  return b.build();
}

const TRUTH: Obj[] = [
  { label: "car", box: [0, 0, 10, 10] },
  { label: "car", box: [50, 50, 10, 10] },
  { label: "person", box: [20, 20, 30, 30], crowd: true },
];
const PREDS: Obj[] = [
  { label: "car", box: [0, 0, 10, 10], score: 0.9 }, // takes the first car
  { label: "car", box: [1, 0, 10, 10], score: 0.8 }, // that car is taken: a duplicate
  { label: "person", box: [25, 25, 5, 5], score: 0.7 }, // inside the crowd
  { label: "person", box: [22, 22, 5, 5], score: 0.6 }, // a crowd takes many
  { label: "truck", box: [50, 50, 10, 10], score: 0.5 }, // on the second car, wrong label
];

function outcomes(ds: Dataset, key: string) {
  const o = ds.objects;
  const field = values<string>(o, "field"),
    out = values<string | null>(o, key),
    iou = values<number | null>(o, `${key}_iou`),
    match = values<number | null>(o, `${key}_id`),
    id = values<number>(o, "id");
  const rows = Array.from(field, (f, r) => ({
    field: f,
    outcome: out[r],
    iou: iou[r],
    match: match[r] === null ? null : Array.from(id).indexOf(match[r]!),
  }));
  return { truth: rows.filter((r) => r.field === "ground_truth"), preds: rows.filter((r) => r.field === "model") };
}

function cell(ev: ReturnType<typeof evaluateDetections>, truth: string, pred: string): number {
  const { labels, matrix } = ev.confusion;
  return matrix[labels.indexOf(truth) * labels.length + labels.indexOf(pred)];
}

describe("per-object outcomes", () => {
  it("match by score, leave taken truth alone, let crowds take many, and write back onto objects and samples", () => {
    const ds = dataset(TRUTH, PREDS);
    const ev = evaluateDetections(ds, "model");
    const { truth, preds } = outcomes(ds, "eval_model");
    expect(preds.map((p) => p.outcome)).toEqual(["tp", "fp", "tp", "tp", "fp"]);
    expect(truth.map((t) => t.outcome)).toEqual(["tp", "fn", "tp"]);
    // Matched ids point at the object on the other side; the crowd keeps its first match.
    expect(preds.map((p) => p.match)).toEqual([0, null, 2, 2, null]);
    expect(truth.map((t) => t.match)).toEqual([3, null, 5]);
    expect(preds[0].iou).toBe(1);
    expect(preds[2].iou).toBe(1); // against a crowd, IoU is over the prediction's own area
    expect(Array.from(values(ds.samples, "eval_model_tp"))).toEqual([3]);
    expect(Array.from(values(ds.samples, "eval_model_fp"))).toEqual([2]);
    expect(Array.from(values(ds.samples, "eval_model_fn"))).toEqual([1]);
    expect(cell(ev, "car", "car")).toBe(1);
    expect(cell(ev, BACKGROUND, "car")).toBe(1);
    expect(cell(ev, "person", "person")).toBe(2);
    expect(cell(ev, BACKGROUND, "truck")).toBe(1);
    expect(cell(ev, "car", BACKGROUND)).toBe(1);
    expect(ev.confusion.matrix.reduce((a, b) => a + b)).toBe(6);
    const perClass = ev.perClass().objects() as Record<string, unknown>[];
    expect(perClass.find((r) => r.class === "car")).toMatchObject({
      truth: 2,
      predicted: 2,
      tp: 1,
      fp: 1,
      fn: 1,
      precision: 0.5,
      recall: 0.5,
    });
    // The match table behind the confusion matrix: one row per prediction and per missed truth object.
    const matches = ev.matchTable().objects() as Record<string, unknown>[];
    expect(matches.filter((m) => m.truth === "car" && m.predicted === BACKGROUND)).toHaveLength(1);
    expect(matches).toHaveLength(6);
  });

  it("class-agnostic matching lets a prediction take truth of another label: a confusion between the two", () => {
    const ds = dataset(TRUTH, PREDS);
    const ev = evaluateDetections(ds, "model", { classwise: false, key: "any" });
    const { truth, preds } = outcomes(ds, "any");
    expect(preds[4]).toMatchObject({ outcome: "fp", match: 1, iou: 1 });
    expect(truth[1]).toMatchObject({ outcome: "fn", match: 7 });
    expect(cell(ev, "car", "truck")).toBe(1);
    expect(cell(ev, BACKGROUND, "truck")).toBe(0);
    expect(cell(ev, "car", BACKGROUND)).toBe(0);
    expect(ev.classes).toEqual(["all"]);
  });

  it("an IoU just under the threshold does not match; at the threshold it does", () => {
    // A 10x5 box inside a 10x10 one: IoU exactly 0.5.
    const ds = dataset([{ label: "car", box: [0, 0, 10, 10] }], [{ label: "car", box: [0, 0, 10, 5], score: 0.9 }]);
    const at = evaluateDetections(ds, "model", { iou: 0.5 });
    const above = evaluateDetections(ds, "model", { iou: 0.50001, key: "strict" });
    expect(outcomes(ds, at.key).preds[0].outcome).toBe("tp");
    expect(outcomes(ds, above.key).preds[0].outcome).toBe("fp");
  });
});

describe("bad input", () => {
  const error = (f: () => unknown): string => {
    try {
      f();
    } catch (e) {
      expect(e).toBeInstanceOf(BlindspotError);
      return (e as Error).message;
    }
    throw new Error("expected an error");
  };

  it("refuses NaN or negative scores and non-finite boxes, with counts and examples", () => {
    const ds = dataset(TRUTH, [
      ...PREDS,
      { label: "car", box: [1, 1, 5, 5], score: NaN },
      { label: "car", box: [1, 1, 5, 5], score: -1 },
      { label: "car", box: [1, NaN, 5, 5], score: 0.5 },
    ]);
    const message = error(() => evaluateDetections(ds, "model"));
    expect(message).toMatch(
      /2 objects have a missing, NaN or negative score, e\.g\. a\.jpg, object 8: NaN; a\.jpg, object 9: -1/,
    );
    expect(message).toMatch(/1 objects have a box with a missing or non-finite coordinate/);
    expect(message).toMatch(/^field model: cannot evaluate/);
    expect(message).toMatch(/fix: /);
  });

  it("warns about predicted labels that no ground truth has, with counts, and counts them as false positives", () => {
    const ds = dataset(TRUTH, [
      ...PREDS,
      { label: "boat", box: [1, 1, 5, 5], score: 0.3 },
      { label: "boat", box: [2, 2, 5, 5], score: 0.2 },
    ]);
    const ev = evaluateDetections(ds, "model");
    expect(ev.warnings).toContainEqual(
      expect.stringMatching(/predicted labels that no ground truth has: "truck" x1, "boat" x2/),
    );
    expect(
      outcomes(ds, ev.key)
        .preds.slice(5)
        .map((p) => p.outcome),
    ).toEqual(["fp", "fp"]);
  });

  it("names the fields there are when a field is missing", () => {
    const ds = dataset(TRUTH, PREDS);
    expect(error(() => evaluateDetections(ds, "modle"))).toMatch(/no detection field "modle".*\n.*ground_truth, model/);
  });

  it("warns, with counts, about zero-area boxes and exact repeats, and still evaluates them", () => {
    const ds = dataset([...TRUTH, { label: "car", box: [70, 70, 0, 5] }], [...PREDS, PREDS[0], PREDS[0]]);
    const ev = evaluateDetections(ds, "model");
    expect(ev.warnings).toContainEqual(expect.stringMatching(/^1 boxes of ground_truth have zero or negative width/));
    expect(ev.warnings).toContainEqual(expect.stringMatching(/^2 boxes of model repeat another box/));
    const { preds, truth } = outcomes(ds, "eval_model");
    expect(preds.slice(5).map((p) => p.outcome)).toEqual(["fp", "fp"]);
    expect(truth[3].outcome).toBe("fn");
  });
});
