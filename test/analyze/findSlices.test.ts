import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import * as aq from "arquero";
import { describe, expect, it } from "vitest";
import { findSlices, type FoundSlices } from "../../src/analyze/slices";
import { sliceLine, type SliceLineOptions } from "../../src/analyze/slices/sliceline";
import { values } from "../../src/dataset/columns";
import { DatasetBuilder } from "../../src/dataset/builder";
import type { Dataset } from "../../src/dataset/dataset";
import { mulberry32 } from "../../src/dataset/view";
import { generateDemo } from "../../src/demo";
import { evaluateDetections } from "../../src/eval/detection";
import { tmpDir } from "../helpers/data";
import { hasPython, PYTHON } from "../helpers/reference";

/** One run of the sliceline package: features as strings, per-row errors, its parameters. */
interface Case {
  name: string;
  X: string[][];
  errors: number[];
  alpha: number;
  k: number;
  max_l: number;
  min_sup: number;
}

interface Reference {
  slices: (string | null)[][];
  statistics: Record<
    "slice_score" | "sum_slice_error" | "max_slice_error" | "slice_size" | "slice_average_error",
    number
  >[];
  average_error: number;
}

function sliceline(cases: Case[]): Record<string, Reference> {
  const file = path.join(tmpDir("sliceline"), "cases.json");
  fs.writeFileSync(file, JSON.stringify(cases));
  const out = execFileSync(PYTHON, [path.join(__dirname, "sliceline_reference.py"), file], {
    encoding: "utf8",
    maxBuffer: 1 << 28,
  });
  return JSON.parse(out);
}

/**
 * Seeded rows of `features` values, with errors raised where every planted (feature, value) holds:
 * binary errors, or amounts when `amounts` (with ties and zeros either way).
 */
function generated(
  name: string,
  seed: number,
  n: number,
  features: number[],
  planted: [number, number][],
  params: Omit<Case, "name" | "X" | "errors">,
  amounts = false,
): Case {
  const rand = mulberry32(seed);
  const X = Array.from({ length: n }, () => features.map((d, f) => `f${f}_${Math.floor(rand() * d)}`));
  const errors = X.map((row) => {
    const hit = planted.every(([f, v]) => row[f] === `f${f}_${v}`);
    const p = hit ? 0.95 : 0.03;
    if (!amounts) return rand() < p ? 1 : 0;
    return rand() < p ? Math.round(rand() * 40) / 10 : 0;
  });
  return { name, X, errors, ...params };
}

const CASES: Case[] = [
  generated("one planted value, k 3", 1, 400, [3, 4, 2], [[1, 2]], { alpha: 0.6, k: 3, max_l: 4, min_sup: 10 }),
  generated(
    "a planted pair, depth 2",
    2,
    800,
    [4, 3, 3, 2],
    [
      [0, 1],
      [2, 0],
    ],
    { alpha: 0.6, k: 5, max_l: 2, min_sup: 20 },
  ),
  generated(
    "a planted triple, k 10",
    3,
    1500,
    [3, 3, 3, 4, 2],
    [
      [0, 0],
      [1, 2],
      [3, 1],
    ],
    {
      alpha: 0.8,
      k: 10,
      max_l: 4,
      min_sup: 0.01,
    },
  ),
  generated(
    "error amounts, alpha 0.95",
    4,
    600,
    [5, 2, 3],
    [[0, 4]],
    { alpha: 0.95, k: 4, max_l: 3, min_sup: 5 },
    true,
  ),
  generated("alpha 1, size does not count", 5, 300, [2, 2, 2, 2], [[2, 1]], { alpha: 1, k: 6, max_l: 4, min_sup: 3 }),
  generated("alpha 0.9", 6, 500, [6, 2], [[0, 3]], { alpha: 0.9, k: 2, max_l: 2, min_sup: 10 }),
  generated("min support above every slice", 7, 100, [2, 2], [[0, 0]], { alpha: 0.6, k: 3, max_l: 2, min_sup: 90 }),
  // Binary errors on few rows: equal scores, decided by the one-hot order and kept at the k-th.
  {
    name: "ties",
    X: Array.from({ length: 48 }, (_, i) => [`a${i % 2}`, `b${Math.floor(i / 2) % 2}`, `c${Math.floor(i / 4) % 3}`]),
    errors: Array.from({ length: 48 }, (_, i) => (i % 2 === Math.floor(i / 4) % 3 ? 1 : 0)),
    alpha: 0.95,
    k: 2,
    max_l: 3,
    min_sup: 4,
  },
];

/** The case through sliceLine, in the reference's shape. */
function ours(c: Case): Reference {
  const F = c.X[0].length;
  const domains: string[][] = Array.from({ length: F }, (_, f) => [...new Set(c.X.map((r) => r[f]))].sort());
  const codes = domains.map((d, f) => Int32Array.from(c.X, (r) => d.indexOf(r[f])));
  const options: SliceLineOptions = { alpha: c.alpha, k: c.k, maxLevel: c.max_l, minSupport: c.min_sup };
  const r = sliceLine(
    codes,
    domains.map((d) => d.length),
    Float64Array.from(c.errors),
    options,
  );
  return {
    slices: r.slices.map((s) => Array.from(s.codes, (v, f) => (v < 0 ? null : domains[f][v]))),
    statistics: r.slices.map((s) => ({
      slice_score: s.score,
      sum_slice_error: s.errorSum,
      max_slice_error: s.maxError,
      slice_size: s.size,
      slice_average_error: s.averageError,
    })),
    average_error: r.averageError,
  };
}

function expectSame(got: Reference, want: Reference, name: string) {
  expect(got.slices, name).toEqual(want.slices);
  expect(got.average_error).toBeCloseTo(want.average_error, 12);
  got.statistics.forEach((s, i) => {
    for (const [key, v] of Object.entries(want.statistics[i]))
      expect(Math.abs(s[key as keyof typeof s] - v), `${name} slice ${i} ${key}`).toBeLessThan(1e-9);
  });
}

describe.skipIf(!hasPython())("findSlices = sliceline 0.3.0", () => {
  it("on generated cases: the same slices in the same order, the same statistics to 1e-9", () => {
    const reference = sliceline(CASES);
    for (const c of CASES) expectSame(ours(c), reference[c.name], c.name);
    // The cases test something: planted slices are found, ties and empty results occur.
    expect(reference["one planted value, k 3"].slices[0]).toEqual([null, "f1_2", null]);
    expect(reference["a planted triple, k 10"].slices.some((s) => s.filter((v) => v !== null).length === 3)).toBe(true);
    expect(reference["min support above every slice"].slices).toEqual([]);
    const tied = reference.ties.statistics.map((s) => s.slice_score);
    expect(new Set(tied).size).toBeLessThan(tied.length);
  });

  it("on the demo's detector, sliced by camera, time of day, weather and binned box counts: the weak camera first", async () => {
    const { dataset: ds } = await generateDemo({ samples: 600, seed: 0, out: tmpDir("slices-demo") });
    const ev = evaluateDetections(ds, "model");
    const objects = ds.objects
      .filter((d: any) => d.field === "ground_truth")
      .groupby("sample_id")
      .count({ as: "boxes" });
    ds.setFields(objects.rename({ sample_id: "id" }));
    const found = findSlices(ev, { fields: ["camera", "time_of_day", "weather", "boxes"], k: 5 });
    expect(found.summary.errors).toBe("eval_model_fp + eval_model_fn");
    // Errors are counts: the weak camera's busiest images first, then the camera itself.
    expect(found.slices.get("camera", 0)).toBe("cam_e");
    const slices = Array.from(values<string>(found.slices, "slice"));
    const camera = slices.indexOf("camera = cam_e");
    expect(camera).toBeGreaterThanOrEqual(0);
    expect(camera).toBeLessThan(3);
    // The same input through the package.
    const X = featureRows(found, ["camera", "time_of_day", "weather", "boxes"]);
    const errors = Array.from(values<number>(found.errors, "error"));
    const reference = sliceline([
      { name: "demo", X, errors, alpha: 0.95, k: 5, max_l: 3, min_sup: found.summary.minSupport },
    ]).demo;
    expect(found.slices.numRows()).toBe(reference.slices.length);
    const scores = Array.from(values<number>(found.slices, "score"));
    reference.statistics.forEach((s, i) => expect(Math.abs(scores[i] - s.slice_score)).toBeLessThan(1e-9));
    // Members: the samples of the slice "camera = cam_e" are exactly the camera's.
    const members = found.members.params({ rank: camera + 1 }).filter((d: any, $: any) => d.rank === $.rank);
    expect(new Set(members.array("id") as string[])).toEqual(
      new Set(ds.where("camera", "cam_e").samples().array("id") as string[]),
    );
    // Its interval lies above the average error.
    expect(found.slices.get("average_error_low", camera) as number).toBeGreaterThan(found.summary.averageError);
    console.log(
      `demo (600): average error ${found.summary.averageError.toFixed(3)}; top slices:\n` +
        found.slices
          .objects()
          .map(
            (r: any) =>
              `  ${r.slice}: ${r.size} samples, ${r.average_error.toFixed(2)} [${r.average_error_low.toFixed(2)}, ${r.average_error_high.toFixed(2)}]`,
          )
          .join("\n"),
    );
  });
});

/** Each sample's feature values as findSlices coded them (for the package). */
function featureRows(found: FoundSlices, names: string[]): string[][] {
  const columns = names.map((n) => Array.from(values<string>(found.features, n)));
  return columns[0].map((_, i) => columns.map((c) => c[i]));
}

describe("findSlices", () => {
  const small = (): Dataset => {
    const b = new DatasetBuilder("slices", "/nonexistent");
    for (let i = 0; i < 60; i++)
      b.addSample({
        id: `s${i}`,
        filepath: `s${i}.jpg`,
        fields: {
          camera: `c${i % 3}`,
          light: i % 2 ? "day" : "night",
          score: i / 60,
          wrong: i % 3 === 0 && i % 2 === 0,
        },
      });
    return b.build();
  };

  it("bins numbers into named quantiles, and finds the planted slice from a boolean error field", () => {
    const ds = small();
    const found = findSlices(ds, { errors: "wrong", minSupport: 5, k: 1 });
    expect(found.summary.features.map((f) => f.name)).toEqual(["camera", "light", "score"]);
    expect(found.summary.top?.slice).toBe("camera = c0 & light = night");
    expect(found.summary.top?.size).toBe(10);
    expect(found.slices.get("average_error", 0)).toBe(1);
    const bins = found.summary.features.find((f) => f.name === "score")!;
    expect(bins).toMatchObject({ kind: "number", values: 4 });
  });

  it("names the field, the count or the value that is wrong", () => {
    const ds = small();
    expect(() => findSlices(ds, { errors: "wrnog" })).toThrow(/no sample field "wrnog"[\s\S]*fix: sample fields are/);
    expect(() => findSlices(ds, { errors: [1, 0] })).toThrow(/2 errors for 60 samples/);
    expect(() => findSlices(ds, { errors: Array.from({ length: 60 }, (_, i) => (i === 5 ? -1 : 0)) })).toThrow(
      /sample s5 has error -1: errors are numbers >= 0/,
    );
    expect(() => findSlices(ds)).toThrow(/no per-sample errors/);
    expect(() => findSlices(ds, { errors: "wrong", fields: ["camra"] })).toThrow(/no sample field "camra"/);
    expect(() => findSlices(ds, { errors: "wrong", bins: 1 })).toThrow(/bins must be a whole number >= 2/);
  });

  it("an arquero table of errors can come from any per-sample computation", () => {
    const ds = small();
    const errors = aq.table({ e: Array.from({ length: 60 }, (_, i) => (i < 20 ? 1 : 0)) }).array("e") as number[];
    const found = findSlices(ds, { errors, fields: ["score"], minSupport: 5 });
    expect(found.summary.errors).toBe("given");
    expect(found.summary.top?.slice).toMatch(/^score = q1: /);
  });
});
