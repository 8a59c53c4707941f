import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { classWeights, type ClassWeights, type ClassWeightsFile } from "../../src/analyze/classWeights";
import { DatasetBuilder } from "../../src/dataset/builder";
import { values } from "../../src/dataset/columns";
import type { Dataset } from "../../src/dataset/dataset";
import { mulberry32 } from "../../src/dataset/view";
import { BlindspotError } from "../../src/errors";
import { load } from "../../src/formats/api";
import { HAS_SHARED, SHARED, tmpDir, VOC_COCO, VOC_IMAGES } from "../helpers/data";
import { plannedDemo } from "../helpers/plannedDemo";
import { hasPython, PYTHON } from "../helpers/reference";

/**
 * classWeights against scikit-learn 1.7.2's compute_class_weight("balanced") and the
 * class-balanced weights of Cui et al. 2019 as their code computes them (numpy), run live
 * (test/analyze/sklearn_class_weight.py): on the demo, voc100 and sign-digits, by objects and
 * by images, and on generated labels with a class of one example and a declared class without any.
 */
const TOL = 1e-12;
const BETAS = [0, 0.9, 0.99, 0.999, 0.9999];

/** The labels scikit-learn is given for the same weights: one per box, or one per (image, class held). */
function labelsOf(ds: Dataset, w: ClassWeights): string[] {
  const field = ds.fields.find((f) => f.name === w.labelField)!;
  if (field.kind === "classification") return Array.from(values<string>(ds.samples, w.labelField));
  const fieldOf = values<string>(ds.objects, "field"),
    label = values<string>(ds.objects, "label"),
    sample = values<string>(ds.objects, "sample_id");
  const y: string[] = [];
  const seen = new Set<string>();
  for (let i = 0; i < fieldOf.length; i++) {
    if (fieldOf[i] !== w.labelField) continue;
    if (w.by === "objects") y.push(label[i]);
    else if (!seen.has(`${sample[i]}\u0000${label[i]}`)) {
      seen.add(`${sample[i]}\u0000${label[i]}`);
      y.push(label[i]);
    }
  }
  return y;
}

interface Reference {
  classes: string[];
  balanced: number[];
  effective: number[];
}

function sklearn(cases: { y: string[]; beta: number }[]): Reference[] {
  const file = path.join(tmpDir("class-weights"), "cases.json");
  fs.writeFileSync(file, JSON.stringify(cases));
  const out = execFileSync(PYTHON, [path.join(__dirname, "sklearn_class_weight.py"), file], {
    encoding: "utf8",
    maxBuffer: 1 << 28,
  });
  return (JSON.parse(out) as { cases: Reference[] }).cases;
}

/** Compares weights class by class (by name); absent classes must be 0. Returns the largest difference. */
function compare(w: ClassWeights, ref: string[], expected: number[]): number {
  let worst = 0;
  w.classes.forEach((c, i) => {
    const k = ref.indexOf(c);
    if (k < 0) {
      expect(w.weights[i], c).toBe(0);
      expect(w.absent).toContain(c);
      return;
    }
    const d = Math.abs(w.weights[i] - expected[k]) / Math.abs(expected[k]);
    expect(d, `${c}: ${w.weights[i]} against ${expected[k]}`).toBeLessThanOrEqual(TOL);
    worst = Math.max(worst, d);
  });
  expect(w.classes.length - w.absent.length).toBe(ref.length);
  return worst;
}

function generated(): Dataset {
  const rand = mulberry32(3);
  const b = new DatasetBuilder("gen", null);
  b.declareField({ name: "ground_truth", kind: "detections", predicted: false });
  for (const c of ["a", "b", "never", "c", "solo"]) b.category(c);
  for (let i = 0; i < 300; i++) {
    const id = b.addSample({ id: `s${i}`, filepath: `s${i}.jpg` });
    const boxes = 1 + Math.floor(rand() * 4);
    for (let k = 0; k < boxes; k++) {
      const u = rand();
      const label = u < 0.8 ? "a" : u < 0.97 ? "b" : "c";
      b.addObject({ sampleId: id, field: "ground_truth", label, x: 0, y: 0, w: 5, h: 5 });
    }
  }
  b.addObject({ sampleId: "s0", field: "ground_truth", label: "solo", x: 0, y: 0, w: 5, h: 5 });
  return b.build();
}

const demo = () => plannedDemo(2000);

describe.runIf(hasPython())("class weights equal scikit-learn's and Cui et al.'s (live)", () => {
  it("the demo and generated labels (a class of one box, a declared class of none), by objects and by images", () => {
    const sets = [
      { name: "demo", ds: demo() },
      { name: "generated", ds: generated() },
    ];
    const runs = sets.flatMap(({ name, ds }) =>
      (["objects", "images"] as const).map((by) => {
        const balanced = classWeights(ds, { by });
        const effective = BETAS.map((beta) => classWeights(ds, { method: "effective", beta, by }));
        return { name, by, balanced, effective, y: labelsOf(ds, balanced) };
      }),
    );
    // One Python run for every case.
    const refs = sklearn(runs.flatMap((r) => BETAS.map((beta) => ({ y: r.y, beta }))));
    runs.forEach((r, i) => {
      const ref = refs.slice(i * BETAS.length, (i + 1) * BETAS.length);
      const balanced = compare(r.balanced, ref[0].classes, ref[0].balanced);
      const effective = Math.max(...r.effective.map((e, k) => compare(e, ref[k].classes, ref[k].effective)));
      console.log(
        `${r.name} by ${r.by}: ${r.y.length} labels; largest relative difference: balanced ` +
          `${balanced.toExponential(2)}, effective ${effective.toExponential(2)}`,
      );
    });
  });

  it.runIf(HAS_SHARED)("voc100's boxes and sign-digits' photos (real labels)", async () => {
    const voc = await load(VOC_COCO, { images: VOC_IMAGES, checkImages: "none" });
    const signs = await load(path.join(SHARED, "sign-digits/Dataset"), { checkImages: "none" });
    for (const [name, ds, by] of [
      ["voc100", voc, "objects"],
      ["voc100", voc, "images"],
      ["sign-digits", signs, "images"],
    ] as const) {
      const w = classWeights(ds, { by });
      const [ref] = sklearn([{ y: labelsOf(ds, w), beta: 0.99 }]);
      const e = classWeights(ds, { by, method: "effective", beta: 0.99 });
      const balanced = compare(w, ref.classes, ref.balanced);
      const effective = compare(e, ref.classes, ref.effective);
      console.log(
        `${name} by ${by}: largest relative difference: balanced ${balanced.toExponential(2)}, ` +
          `effective ${effective.toExponential(2)}`,
      );
    }
  });
});

describe.runIf(HAS_SHARED)("class weights equal the stored scikit-learn reference", () => {
  it("refs/sklearn_digits_refs.json's compute_class_weight('balanced')", () => {
    const refs = JSON.parse(fs.readFileSync(path.join(SHARED, "refs/sklearn_digits_refs.json"), "utf8")) as {
      class_weight_balanced: { y: number[]; classes: number[]; weights: number[] };
    };
    const { y, classes, weights } = refs.class_weight_balanced;
    const b = new DatasetBuilder("refs", null);
    b.declareField({ name: "ground_truth", kind: "classification", predicted: false });
    y.forEach((label, i) =>
      b.addSample({ id: `s${i}`, filepath: `s${i}.jpg`, fields: { ground_truth: String(label) } }),
    );
    const w = classWeights(b.build());
    compare(w, classes.map(String), weights);
  });
});

describe("class weights for PyTorch: a JSON in class-index order, written atomically", () => {
  it("writes the weights, classes and counts in the categories' order", () => {
    const ds = demo();
    const out = path.join(tmpDir("weights-json"), "weights", "ground_truth.json");
    const w = classWeights(ds, { method: "effective", beta: 0.999, out });
    const file = JSON.parse(fs.readFileSync(out, "utf8")) as ClassWeightsFile;
    expect(file.classes).toEqual(ds.categories.map((c) => c.name));
    expect(file.weights).toEqual(w.weights);
    expect(file.counts).toEqual(w.counts);
    expect(file).toMatchObject({ format: "blindspot.class-weights", method: "effective", by: "objects", beta: 0.999 });
    // Nothing else is left in the folder (the temporary file was renamed).
    expect(fs.readdirSync(path.dirname(out))).toEqual(["ground_truth.json"]);
  });
});

describe("classWeights refuses bad input and writes nothing", () => {
  const ds = demo();
  const dir = tmpDir("weights-bad");
  const out = path.join(dir, "w.json");
  const fails = (options: Parameters<typeof classWeights>[1], message: RegExp, target: Dataset = ds) => {
    let error: unknown;
    try {
      classWeights(target, { ...options, out });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(BlindspotError);
    expect((error as Error).message).toMatch(message);
    expect(fs.existsSync(out)).toBe(false);
  };

  it("beta out of [0, 1), beta with the balanced method, an unknown method or unit", () => {
    for (const beta of [1, -0.1, 1.5, NaN]) fails({ method: "effective", beta }, /beta must be a number in \[0, 1\)/);
    fails({ beta: 0.9 }, /beta is a parameter of method "effective" only/);
    fails({ method: "inverse" as never }, /unknown value "inverse"[\s\S]*"balanced", "effective"/);
    fails({ by: "boxes" as never }, /unknown value "boxes"/);
  });

  it("objects of a classification field, an unknown label field, an empty or unlabelled dataset", () => {
    const cls = new DatasetBuilder("cls", null);
    cls.declareField({ name: "ground_truth", kind: "classification", predicted: false });
    cls.addSample({ id: "a", filepath: "a.jpg", fields: { ground_truth: "cat" } });
    fails({ by: "objects" }, /classifies images; it has no objects/, cls.build());
    fails({ labelField: "ground_truht" }, /did you mean "ground_truth"\?/);
    fails({}, /has no samples/, new DatasetBuilder("empty", null).build());
    const bare = new DatasetBuilder("bare", null);
    bare.addSample({ id: "a", filepath: "a.jpg" });
    fails({}, /has no label field/, bare.build());
  });
});
