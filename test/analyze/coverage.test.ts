import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import * as aq from "arquero";
import { describe, expect, it } from "vitest";
import { coverage, type Coverage, type CrossTab } from "../../src/analyze/coverage";
import { values } from "../../src/dataset/columns";
import { DatasetBuilder } from "../../src/dataset/builder";
import type { Dataset } from "../../src/dataset/dataset";
import { buildDemoDataset } from "../../src/demo/dataset";
import { planDemo } from "../../src/demo/plan";
import { buildTruth } from "../../src/demo/truth";
import { BlindspotError } from "../../src/errors";
import { load } from "../../src/formats/api";
import { HAS_SHARED, SHARED, tmpDir, VOC_COCO, VOC_IMAGES } from "../helpers/data";
import { hasPython, PYTHON } from "../helpers/reference";
import { plantContext } from "./plantContext";

/**
 * coverage() on the demo (the planted "truck only at night" is the top finding, for several
 * sizes and seeds), on real photos with a planted contextual imbalance (voc100's boxes and
 * sign-digits' classes), every count checked against an independent arquero count, and every
 * class x context test against scipy's chi2_contingency and association, run live.
 */
const TOL = 1e-12;

function demo(samples: number, seed: number) {
  const plans = planDemo({ samples, seed, width: 320, height: 240 });
  const truth = buildTruth(plans, { seed, width: 320, height: 240 });
  return { ds: buildDemoDataset(plans, "/nonexistent", {}, 320, 240), truth };
}

/** Labels per class and value of a sample field, counted by arquero (a join and a groupby), not by coverage. */
function independentCounts(ds: Dataset, cov: Coverage, t: CrossTab): Map<string, number> {
  const field = t.field;
  const labelField = cov.summary.labelField;
  const rows =
    cov.summary.unit === "objects"
      ? ds.objects
          .params({ labelField })
          .filter((d: { field: string }, $: { labelField: string }) => d.field === $.labelField)
          .select("sample_id", "label")
          .join(ds.samples.select("id", field), ["sample_id", "id"])
      : ds.samples.select(labelField, field).rename({ [labelField]: "label" });
  const counts = new Map<string, number>();
  const labels = values<string>(rows, "label"),
    vals = values<unknown>(rows, field);
  const bin = binOf(t);
  for (let i = 0; i < labels.length; i++) {
    const v = vals[i];
    const key = `${labels[i]}\u0000${v == null ? "(none)" : bin && typeof v === "number" ? bin(v) : v}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

/** For a binned field, the label of the bin whose edges hold a number. */
function binOf(t: CrossTab): ((v: number) => string) | null {
  const e = t.edges;
  if (!e) return null;
  return (v) => t.values[e.findIndex((lo, b) => b < e.length - 1 && v >= lo && (v < e[b + 1] || b === e.length - 2))];
}

interface ScipyTable {
  chi2: number;
  p: number;
  dof: number;
  expected: number[];
  v: number | null;
}

/** scipy's chi2_contingency and Cramer's V of every tested table of `cov`, live. */
function scipyOf(cov: Coverage): ScipyTable[] {
  const file = path.join(tmpDir("coverage-scipy"), "cases.json");
  const tables = cov.tables.map((t) =>
    t.tested.classes.map((_, i) =>
      Array.from(t.tested.counts.subarray(i * t.tested.values.length, (i + 1) * t.tested.values.length)),
    ),
  );
  fs.writeFileSync(file, JSON.stringify({ gamma: [], tables }));
  const out = execFileSync(PYTHON, [path.join(__dirname, "scipy_stats.py"), file], { encoding: "utf8" });
  return (JSON.parse(out) as { tables: ScipyTable[] }).tables;
}

const relative = (a: number, b: number) => (a === b ? 0 : Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b)));

/** Checks counts against arquero and the tests against scipy; returns the largest relative difference. */
function checkTables(ds: Dataset, cov: Coverage): number {
  for (const t of cov.tables) {
    const counts = independentCounts(ds, cov, t);
    t.classes.forEach((c, i) =>
      t.values.forEach((v, j) =>
        expect(t.counts[i * t.values.length + j], `${c} x ${t.field}=${v}`).toBe(counts.get(`${c}\u0000${v}`) ?? 0),
      ),
    );
  }
  if (!hasPython()) return 0;
  const ref = scipyOf(cov);
  let worst = 0;
  cov.tables.forEach((t, k) => {
    const r = ref[k];
    expect(t.dof, t.field).toBe(r.dof);
    const diffs = [
      relative(t.chi2, r.chi2),
      r.p < 1e-300 ? (t.pValue < 1e-300 ? 0 : 1) : relative(t.pValue, r.p),
      ...Array.from(t.expected, (e, i) => relative(e, r.expected[i])),
      r.v === null ? 0 : relative(t.cramersV, r.v),
    ];
    for (const d of diffs) expect(d, t.field).toBeLessThanOrEqual(TOL);
    worst = Math.max(worst, ...diffs);
  });
  return worst;
}

describe("coverage on the demo", () => {
  for (const [samples, seed] of [
    [2000, 0],
    [500, 3],
    [5000, 11],
  ]) {
    it(`${samples} samples, seed ${seed}: "truck only at night" is the top finding; tables equal scipy's`, () => {
      const { ds, truth } = demo(samples, seed);
      const cov = coverage(ds);
      const top = cov.summary.findings[0];
      const planted = truth.contextClass;
      expect([top.field, top.class, top.value]).toEqual([planted.field, planted.label, planted.value]);
      expect(top.sentence).toMatch(/^truck: \d+ % of its boxes at time_of_day night, night is \d+ % of all boxes$/);
      expect(top.pValue).toBeLessThan(1e-6);
      // The other fields were drawn independently of the classes: each much weaker.
      for (const f of cov.summary.findings.slice(1)) expect(f.cramersV).toBeLessThan(top.cramersV / 2);
      // The cell's samples are the samples the demo says hold a truck.
      const rows = cov.rows("time_of_day").filter(aq.escape((d: { class: string }) => d.class === "truck"));
      expect(new Set(values<string>(rows, "sample_id"))).toEqual(new Set(planted.sampleIds));
      const worst = checkTables(ds, cov);
      console.log(
        `demo ${samples}/${seed}: ${top.sentence} (V ${top.cramersV.toFixed(3)}); scipy ${worst.toExponential(2)}`,
      );
    });
  }

  it("counts samples and boxes per value, and the empty cells: truck by day and at dusk", () => {
    const { ds } = demo(2000, 0);
    const cov = coverage(ds, { minCount: 10 });
    const samples = ds.countBy("time_of_day");
    const counted = cov.values.filter(aq.escape((d: { field: string }) => d.field === "time_of_day")).objects() as {
      value: string;
      samples: number;
      sample_share: number;
    }[];
    for (const r of counted) {
      expect(r.samples).toBe(samples[r.value]);
      expect(r.sample_share).toBe(samples[r.value] / 2000);
    }
    const empty = cov.thin
      .filter(aq.escape((d: { count: number; value_a: string }) => d.count === 0 && d.value_a === "truck"))
      .objects()
      .map((r) => `${(r as { field_b: string }).field_b}=${(r as { value_b: string }).value_b}`);
    expect(empty.sort()).toEqual(["time_of_day=day", "time_of_day=dusk"]);
    expect(cov.summary.thinCells.empty).toBeGreaterThanOrEqual(2);
    // A time stamp and the recording id (one value per few samples) are not contexts to count.
    expect(cov.summary.skipped).toEqual([
      { field: "capture_time", reason: "more than 50 distinct values" },
      { field: "sequence", reason: "more than 50 distinct values" },
    ]);
  });

  it("field x field thin cells equal an independent count, with a minimum the user sets", () => {
    const { ds } = demo(500, 3);
    const cov = coverage(ds, { minCount: 12, fields: ["camera", "weather", "location"] });
    const pairs: [string, string][] = [
      ["camera", "weather"],
      ["camera", "location"],
      ["weather", "location"],
    ];
    let expected = 0;
    for (const [a, b] of pairs) {
      const counts = ds.samples.groupby(a, b).count().objects() as Record<string, string | number>[];
      const have = new Map(counts.map((r) => [`${r[a]}|${r[b]}`, r.count as number]));
      const thin = cov.thin.filter(
        aq.escape((d: { field_a: string; field_b: string }) => d.field_a === a && d.field_b === b),
      );
      for (const r of thin.objects() as { value_a: string; value_b: string; count: number }[]) {
        expect(r.count).toBe(have.get(`${r.value_a}|${r.value_b}`) ?? 0);
        expect(r.count).toBeLessThan(12);
      }
      const av = ds.distinct(a),
        bv = ds.distinct(b);
      for (const x of av) for (const y of bv) if ((have.get(`${x}|${y}`) ?? 0) < 12) expected++;
    }
    expect(cov.summary.thinCells.fieldByField).toBe(expected);
  });
});

/** A classification set: two classes, a yes/no field (with missing values when asked) and a number. */
function generated(missing: boolean): Dataset {
  const b = new DatasetBuilder("gen", null);
  b.declareField({ name: "ground_truth", kind: "classification", predicted: false });
  for (let i = 0; i < 400; i++) {
    const cls = i % 5 === 0 ? "rare" : "common";
    const indoor = (i * 13) % 3 === 0 || (cls === "rare" && i % 2 === 0);
    b.addSample({
      id: `s${i}`,
      filepath: `s${i}.jpg`,
      fields: { ground_truth: cls, indoor: missing && i % 7 === 0 ? null : indoor, exposure: (i * 37) % 101 },
    });
  }
  return b.build();
}

describe("coverage bins numbers and tests a 2 x 2 table as scipy does (Yates)", () => {
  it("a number cut into quantile bins, a yes/no field with missing values", () => {
    const ds = generated(true);
    const cov = coverage(ds, { fields: ["indoor", "exposure"], bins: 4 });
    expect(cov.summary.unit).toBe("samples");
    expect(cov.summary.binned).toEqual(["exposure"]);
    const bins = cov.tables.find((t) => t.field === "exposure")!.values;
    expect(bins).toHaveLength(4);
    expect(bins[0]).toMatch(/^\[0, /);
    expect(bins[3]).toMatch(/, 100\]$/);
    expect(cov.tables.find((t) => t.field === "indoor")!.values).toEqual(["false", "true", "(none)"]);
    expect(checkTables(ds, cov)).toBeLessThanOrEqual(TOL);
  });

  it("two classes by a yes/no field: one degree of freedom, Yates' correction applied", () => {
    const ds = generated(false);
    const cov = coverage(ds, { fields: ["indoor"] });
    expect(cov.tables[0].dof).toBe(1);
    expect(cov.tables[0].corrected).toBe(true);
    expect(checkTables(ds, cov)).toBeLessThanOrEqual(TOL);
  });
});

describe.runIf(HAS_SHARED)("coverage on real photos with a planted contextual imbalance", () => {
  it("voc100's boxes: dogs photographed at night come first", async () => {
    const ds = await load(VOC_COCO, { images: VOC_IMAGES, checkImages: "none" });
    const planted = plantContext(ds, { target: "dog", seed: 5 });
    const cov = coverage(ds, { minCount: 5 });
    const top = cov.summary.findings[0];
    expect([top.field, top.class, top.value]).toEqual([planted.field, planted.class, planted.value]);
    expect(cov.summary.binned).toEqual(["altitude"]);
    const worst = checkTables(ds, cov);
    console.log(
      `voc100: ${top.sentence} (V ${top.cramersV.toFixed(3)}, p ${top.pValue.toExponential(2)}); scipy ${worst.toExponential(2)}`,
    );
  });

  it("sign-digits' classes: the hand sign 7 photographed on a carpet comes first", async () => {
    const ds = await load(path.join(SHARED, "sign-digits/Dataset"), { checkImages: "none" });
    const planted = plantContext(ds, {
      target: "7",
      field: "background",
      value: "carpet",
      others: ["wall", "desk", "sofa"],
      share: 0.6,
      seed: 9,
    });
    const cov = coverage(ds);
    const top = cov.summary.findings[0];
    expect([top.field, top.class, top.value]).toEqual([planted.field, planted.class, planted.value]);
    expect(top.sentence).toMatch(/^7: \d+ % of its samples at background carpet, carpet is \d+ % of all samples$/);
    const worst = checkTables(ds, cov);
    console.log(`sign-digits: ${top.sentence} (V ${top.cramersV.toFixed(3)}); scipy ${worst.toExponential(2)}`);
  });
});

describe("coverage refuses bad input with a clear error", () => {
  const { ds } = demo(200, 1);
  const error = (run: () => unknown): BlindspotError => {
    try {
      run();
    } catch (e) {
      expect(e).toBeInstanceOf(BlindspotError);
      return e as BlindspotError;
    }
    throw new Error("no error");
  };

  it("a field that does not exist: lists the fields and suggests the closest", () => {
    const e = error(() => coverage(ds, { fields: ["wheather"] }));
    expect(e.message).toContain('no field "wheather"; did you mean "weather"?');
    expect(e.message).toMatch(/fields are: .*time_of_day/s);
  });

  it("minCount, bins out of range; a label column as a field; an empty list", () => {
    expect(error(() => coverage(ds, { minCount: 0 })).message).toMatch(
      /minCount: must be an integer of at least 1, got 0/,
    );
    expect(error(() => coverage(ds, { minCount: 2.5 })).message).toMatch(/minCount/);
    expect(error(() => coverage(ds, { bins: 1 })).message).toMatch(/bins: must be an integer of at least 2/);
    expect(error(() => coverage(ds, { fields: [] })).message).toMatch(/non-empty list/);
    expect(error(() => coverage(ds, { fields: ["capture_time"] })).message).toMatch(
      /"capture_time" has more than 50 distinct values[\s\S]*raise maxCategories/,
    );
    const cls = generated(false);
    expect(error(() => coverage(cls, { fields: ["ground_truth"] })).message).toMatch(
      /is a label column, not a context/,
    );
  });

  it("an empty dataset, a dataset without a label field, an unknown label field", () => {
    const empty = new DatasetBuilder("empty", null);
    empty.declareField({ name: "ground_truth", kind: "detections", predicted: false });
    expect(error(() => coverage(empty.build())).message).toMatch(/has no samples/);
    const unlabelled = new DatasetBuilder("bare", null);
    unlabelled.addSample({ id: "a", filepath: "a.jpg", fields: { weather: "rain" } });
    expect(error(() => coverage(unlabelled.build())).message).toMatch(/has no label field/);
    expect(error(() => coverage(ds, { labelField: "modle" })).message).toContain('did you mean "model"?');
  });
});
