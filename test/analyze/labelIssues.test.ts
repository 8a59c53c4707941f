import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { calibratedShares, confidentJoint, roundHalfEven } from "../../src/analyze/labelIssues/confidentJoint";
import { FILTERS, findLabelIssues, rankedIssues } from "../../src/analyze/labelIssues/filter";
import { labelIssues } from "../../src/analyze/labelIssues";
import { labelQualityScores, SCORE_METHODS } from "../../src/analyze/labelIssues/scores";
import { DatasetBuilder } from "../../src/dataset/builder";
import { values } from "../../src/dataset/columns";
import type { Dataset } from "../../src/dataset/dataset";
import { confidentThresholds, type ClassProbs } from "../../src/analyze/labelIssues/thresholds";
import { noisyProbs } from "../../src/plant/noisyProbs";
import { removeTmpDirs, tmpDir } from "../helpers/data";
import { hasPython } from "../helpers/reference";
import { cleanlab } from "./cleanlab";

/**
 * Confident learning's numbers against cleanlab 2.9.0 run live (test/analyze/cleanlab_label_issues.py) on generated
 * cases: noisy labels over random probabilities, a class never predicted, a class with one sample, tied
 * probabilities, rows that do not sum to 1 by 1e-7. Issue lists must be identical, and in the same order when ranked;
 * where samples tie exactly (same label, same probabilities), cleanlab's choice among them comes from numpy's
 * unstable sort, so only the others must agree. The label health is cleanlab's computed on blindspot's calibrated
 * joint, which may differ from cleanlab's own only by such a tie (checked above).
 */
const TOL = 1e-9;

afterAll(removeTmpDirs);

function cases(): [string, ClassProbs][] {
  const neverPredicted = noisyProbs(2, 300, 4, 0.1);
  for (let i = 0; i < 300; i++) {
    // Class 3 never the most probable: its probability moved to class 0.
    neverPredicted.probs[i * 4] += neverPredicted.probs[i * 4 + 3] * 0.9;
    neverPredicted.probs[i * 4 + 3] *= 0.1;
  }
  const single = noisyProbs(3, 200, 5, 0.1);
  single.labels = single.labels.map((y) => (y === 4 ? 0 : y));
  single.labels[17] = 4;
  const ties = noisyProbs(4, 240, 3, 0.2);
  for (let i = 0; i < 240; i += 4) ties.probs.set([0.4, 0.4, 0.2], i * 3);
  for (let i = 2; i < 240; i += 8) ties.probs.set([1 / 3, 1 / 3, 1 / 3], i * 3);
  const offByTiny = noisyProbs(5, 400, 6, 0.15);
  for (let i = 0; i < offByTiny.probs.length; i += 6) offByTiny.probs[i] += 1e-7;
  return [
    ["noisy labels, 10 classes", noisyProbs(1, 2000, 10, 0.05)],
    ["two classes", noisyProbs(6, 500, 2, 0.1)],
    ["a class never predicted", neverPredicted],
    ["a class with one sample", single],
    ["ties", ties],
    ["rows off by 1e-7", offByTiny],
    ["a class no sample has", { ...noisyProbs(7, 300, 4, 0.1), labels: noisyProbs(7, 300, 3, 0.1).labels }],
  ];
}

/** A dataset of the case: labels c0..c(K-1) in ground_truth, the probabilities in the prediction field "model". */
function datasetOf(input: ClassProbs, rows?: number[][]): Dataset {
  const K = input.classes;
  const classes = Array.from({ length: K }, (_, k) => `c${k}`);
  const b = new DatasetBuilder("label-issues", null);
  b.declareField({ name: "ground_truth", kind: "classification", predicted: false });
  b.declareField({ name: "model", kind: "classification", predicted: true, classes });
  input.labels.forEach((y, i) => {
    const probs = rows?.[i] ?? Array.from(input.probs.subarray(i * K, (i + 1) * K));
    const top = probs.indexOf(Math.max(...probs));
    b.addSample({
      id: `s${i}`,
      filepath: `s${i}.jpg`,
      fields: { ground_truth: classes[y], model: classes[Math.max(0, top)], model_probs: probs },
    });
  });
  return b.build();
}

const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  expect(a.length).toBe(b.length);
  return Array.from(a).reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);
};

/**
 * Equal counts, except that where a row's rounding had to step one of several cells that the calibration made equal,
 * either may have been stepped: cleanlab orders them with numpy's default argsort, which is not stable. Each
 * difference must then be a swap between two cells of one row with the same unrounded value.
 */
function expectSameUpToTies(ours: Float64Array, theirs: number[], shares: Float64Array): void {
  const K = Math.sqrt(ours.length);
  const differ = Array.from(ours).flatMap((v, i) => (v === theirs[i] ? [] : [i]));
  const swapped = (i: number, j: number) =>
    j !== i &&
    Math.floor(i / K) === Math.floor(j / K) &&
    shares[j] === shares[i] &&
    ours[i] === theirs[j] &&
    ours[j] === theirs[i];
  expect(differ.filter((i) => !differ.some((j) => swapped(i, j)))).toEqual([]);
}

/** Samples whose label and probabilities equal another sample's: numpy's unstable sorts may order them either way. */
function tiedSamples({ labels, probs, classes: K }: ClassProbs): Set<number> {
  const byKey = new Map<string, number[]>();
  labels.forEach((y, i) => {
    const key = `${y} ${Array.from(probs.subarray(i * K, (i + 1) * K)).join(" ")}`;
    byKey.set(key, [...(byKey.get(key) ?? []), i]);
  });
  return new Set([...byKey.values()].filter((g) => g.length > 1).flat());
}

/** The samples in one list and not the other that are not exact ties. */
function apartFromTies(ours: number[], theirs: number[], tied: Set<number>): number[] {
  const a = new Set(ours),
    b = new Set(theirs);
  return [...ours.filter((i) => !b.has(i)), ...theirs.filter((i) => !a.has(i))].filter((i) => !tied.has(i));
}

describe.skipIf(!hasPython())("confident learning against cleanlab 2.9.0", () => {
  const all = cases();
  const reference = cleanlab(all.map(([, c]) => c));
  all.forEach(([name, input], c) => {
    it(`${name}: thresholds, confident joint and label quality scores`, () => {
      const ref = reference[c];
      const K = input.classes;
      expect(maxDiff(confidentThresholds(input), ref.thresholds)).toBeLessThan(TOL);
      const raw = confidentJoint(input, false);
      expect(Array.from(raw.counts)).toEqual(ref.raw);
      expect(Array.from(raw.offDiagonal)).toEqual(ref.offDiagonal);
      expectSameUpToTies(confidentJoint(input).counts, ref.calibrated, calibratedShares(raw.counts, input.labels, K));
      for (const method of SCORE_METHODS) {
        expect(maxDiff(labelQualityScores(input, method), ref.scores[method])).toBeLessThan(TOL);
        if (method !== "confidence_weighted_entropy")
          expect(maxDiff(labelQualityScores(input, method, true), ref.scores[`${method}_adjusted`])).toBeLessThan(TOL);
      }
    });
  });

  all.forEach(([name, input], c) => {
    it(`${name}: the issues of every filter, and ranked by every score`, () => {
      const ref = reference[c];
      const tied = tiedSamples(input);
      for (const filterBy of FILTERS) {
        const mask = findLabelIssues(input, { filterBy });
        const ours = Array.from(mask.keys()).filter((i) => mask[i]);
        if (tied.size)
          expect({ filterBy, apart: apartFromTies(ours, ref.issues[filterBy], tied) }).toEqual({ filterBy, apart: [] });
        else expect({ filterBy, issues: ours }).toEqual({ filterBy, issues: ref.issues[filterBy] });
      }
      const mask = findLabelIssues(input);
      for (const method of SCORE_METHODS) {
        const ours = Array.from(rankedIssues(mask, labelQualityScores(input, method)));
        if (tied.size) expect(apartFromTies(ours, ref.ranked[method], tied)).toEqual([]);
        else expect({ method, ranked: ours }).toEqual({ method, ranked: ref.ranked[method] });
      }
    });
  });

  it("labelIssues on a dataset: the flagged samples ranked, the fields written, the label health", () => {
    const [, input] = all[0];
    const ref = reference[0];
    const ds = datasetOf(input);
    const out = labelIssues(ds, { probs: "model" });
    const ids = Array.from(values<string>(ds.samples, "id"));
    expect(out.issues.array("sample_id")).toEqual(ref.ranked.self_confidence.map((i) => ids[i]));
    expect(out.summary).toMatchObject({ scored: input.labels.length, issues: ref.ranked.self_confidence.length });
    expect(Math.abs(out.summary.healthScore - ref.health.score)).toBeLessThan(TOL);
    const flagged = Array.from(values<boolean>(ds.samples, "label_issue"));
    expect(flagged.flatMap((f, i) => (f ? [i] : []))).toEqual(ref.issues.prune_by_noise_rate);
    const quality = values<number>(ds.samples, "label_quality");
    expect(maxDiff(Array.from(quality), ref.scores.self_confidence)).toBeLessThan(TOL);

    type Row = Record<string, number | string>;
    const byClass = new Map((out.classes.objects() as Row[]).map((r) => [r.class as string, r]));
    for (const c of ref.health.classes) {
      const ours = byClass.get(`c${c["Class Index"]}`)!;
      expect([ours.label_issues, ours.inverse_label_issues]).toEqual([c["Label Issues"], c["Inverse Label Issues"]]);
      expect(Math.abs((ours.label_noise as number) - c["Label Noise"])).toBeLessThan(TOL);
      expect(Math.abs((ours.inverse_label_noise as number) - c["Inverse Label Noise"])).toBeLessThan(TOL);
      expect(Math.abs((ours.label_quality as number) - c["Label Quality Score"])).toBeLessThan(TOL);
    }
    const pairs = new Map((out.overlaps.objects() as Row[]).map((r) => [`${r.class_a} ${r.class_b}`, r]));
    for (const o of ref.health.overlaps) {
      const ours = pairs.get(`c${o["Class Index A"]} c${o["Class Index B"]}`)!;
      expect(ours.samples).toBe(o["Num Overlapping Examples"]);
      expect(Math.abs((ours.joint_probability as number) - o["Joint Probability"])).toBeLessThan(TOL);
    }
  });

  it("refuses probabilities that are not a row per class in [0, 1], labels outside the classes, an unknown field", () => {
    const [, input] = all[0];
    const fails = (change: (rows: number[][]) => void, options: object, pattern: RegExp) => {
      const rows = Array.from({ length: input.labels.length }, (_, i) =>
        Array.from(input.probs.subarray(i * input.classes, (i + 1) * input.classes)),
      );
      change(rows);
      const ds = datasetOf(input, rows);
      expect(() => labelIssues(ds, { probs: "model", ...options })).toThrow(pattern);
    };
    fails((rows) => (rows[5][2] = NaN), {}, /sample "s5" has probability NaN for c2/);
    fails((rows) => rows[7].pop(), {}, /sample "s7" has 9 probabilities for 10 classes/);
    fails(() => {}, { probs: "modle" }, /did you mean "model"/);
    fails(() => {}, { rankBy: "margin" }, /unknown value "margin"/);
    const ds = datasetOf(input);
    expect(() =>
      labelIssues(ds, {
        probs: { classes: ["c0", "c1"], rows: Array.from(values<number[]>(ds.samples, "model_probs")) },
      }),
    ).toThrow(/labelled "c\d", not one of the 2 classes/);
  });

  it("reads a model's probabilities from a CSV file by sample id, in any row order", () => {
    const [, input] = all[0];
    const K = input.classes;
    const header = ["id", ...Array.from({ length: K }, (_, k) => `c${k}`)].join(",");
    const lines = Array.from(input.labels, (_, i) =>
      [`s${i}`, ...Array.from(input.probs.subarray(i * K, (i + 1) * K), (p) => p.toPrecision(17))].join(","),
    );
    const file = path.join(tmpDir("probs-csv"), "probs.csv");
    fs.writeFileSync(file, [header, ...lines.reverse()].join("\n"));
    const fromField = labelIssues(datasetOf(input), { probs: "model" });
    const fromCsv = labelIssues(datasetOf(input), { probs: { csv: file } });
    expect(fromCsv.issues.objects()).toEqual(fromField.issues.objects());

    fs.writeFileSync(file, [header, lines[0], "nobody," + lines[1].split(",").slice(1).join(",")].join("\n"));
    expect(() => labelIssues(datasetOf(input), { probs: { csv: file } })).toThrow(/"nobody" is not a sample id/);
    fs.writeFileSync(file, [header, lines[0].replace(/,[^,]+$/, ",high")].join("\n"));
    expect(() => labelIssues(datasetOf(input), { probs: { csv: file } })).toThrow(/"high" for c9 is not a number/);
  });

  it("rounds halves to the even neighbour, as numpy does", () => {
    expect([0.5, 1.5, 2.5, -0.5, -1.5, 2.4999, 2.5001].map((v) => roundHalfEven(v) + 0)).toEqual([
      0, 2, 2, 0, -2, 2, 3,
    ]);
  });
});
