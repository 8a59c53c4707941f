import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { fairness, type Fairness } from "../../src/analyze/fairness";
import type { RateName } from "../../src/analyze/fairness/rates";
import * as aq from "arquero";
import { DatasetBuilder } from "../../src/dataset/builder";
import type { Dataset } from "../../src/dataset/dataset";
import { mulberry32 } from "../../src/dataset/view";
import { generateDemo } from "../../src/demo";
import { evaluateDetections } from "../../src/eval/detection";
import { tmpDir } from "../helpers/data";
import { hasPython, PYTHON } from "../helpers/reference";

type Values = Record<string, string[]>;

/** A generated case: labels, their predictions, sensitive and control fields per sample. */
interface Case {
  name: string;
  truth: string[];
  predicted: string[];
  sensitive: Values;
  control: Values;
  metrics: RateName[];
  positive?: string;
}

/** Fairlearn's numbers for one binary problem (fairlearn_reference.py). */
interface Reference {
  by_group: Record<string, number | string | null>[];
  overall: Record<string, number | null> | Record<string, number | string | null>[];
  group_min: Reference["overall"];
  group_max: Reference["overall"];
  difference: Reference["overall"];
  difference_to_overall: Reference["overall"];
  ratio: Reference["overall"];
  ratio_to_overall: Reference["overall"];
  scores: Record<"between_groups" | "to_overall", Record<string, number | null>>;
}

const ALL: RateName[] = [
  "selection_rate",
  "true_positive_rate",
  "false_positive_rate",
  "false_negative_rate",
  "true_negative_rate",
  "accuracy",
  "precision",
  "count",
];

function generated(
  name: string,
  seed: number,
  n: number,
  fields: Record<string, string[]>,
  control: string[] = [],
): Case {
  const rand = mulberry32(seed);
  const pick = <T>(a: T[]) => a[Math.floor(rand() * a.length)];
  const values: Values = Object.fromEntries(
    Object.entries(fields).map(([f, vs]) => [f, Array.from({ length: n }, () => pick(vs))]),
  );
  // Each group its own base rate and error rate, so that groups really differ.
  const truth = Array.from({ length: n }, (_, i) =>
    rand() < 0.3 + 0.4 * (values[Object.keys(fields)[0]][i].charCodeAt(0) % 2) ? "1" : "0",
  );
  const predicted = truth.map((t) => (rand() < 0.25 ? (t === "1" ? "0" : "1") : t));
  return {
    name,
    truth,
    predicted,
    sensitive: Object.fromEntries(Object.entries(values).filter(([f]) => !control.includes(f))),
    control: Object.fromEntries(Object.entries(values).filter(([f]) => control.includes(f))),
    metrics: ALL,
  };
}

function cases(): Case[] {
  const two = generated("two sensitive fields", 1, 400, { camera: ["a", "b", "c"], weather: ["sun", "rain"] });
  const three = generated("three sensitive fields", 2, 600, {
    camera: ["a", "b", "c"],
    weather: ["sun", "rain"],
    time: ["day", "night"],
  });
  const controlled = generated("a control field", 3, 500, { camera: ["a", "b", "c", "d"], site: ["north", "south"] }, [
    "site",
  ]);
  // One sample alone in its group; a group with no positive label (its TPR, FNR are 0 by scikit-learn's rule).
  const single = generated("a group of one sample, a group without positives", 4, 200, { camera: ["a", "b"] });
  single.sensitive.camera[0] = "lonely";
  single.sensitive.camera.forEach((c, i) => {
    if (c === "b") single.truth[i] = "0";
  });
  // Nobody predicted positive in one control group: ratios of 0 / 0.
  const none = generated(
    "no positive prediction in a control group",
    5,
    300,
    { camera: ["a", "b"], site: ["x", "y"] },
    ["site"],
  );
  none.control.site.forEach((s, i) => {
    if (s === "y") none.predicted[i] = "0";
  });
  // Three classes: each against the rest.
  const rand = mulberry32(6);
  const classes = ["car", "person", "truck"];
  const truth = Array.from({ length: 300 }, () => classes[Math.floor(rand() * 3)]);
  const multi: Case = {
    name: "three classes, one against the rest",
    truth,
    predicted: truth.map((t) => (rand() < 0.3 ? classes[Math.floor(rand() * 3)] : t)),
    sensitive: { camera: truth.map(() => ["a", "b", "c"][Math.floor(rand() * 3)]) },
    control: {},
    metrics: ["selection_rate", "true_positive_rate", "false_positive_rate"],
  };
  return [two, three, controlled, single, none, multi];
}

function datasetOf(c: Case): Dataset {
  const b = new DatasetBuilder("fair", null);
  c.truth.forEach((t, i) =>
    b.addSample({
      id: `s${i}`,
      filepath: `s${i}.jpg`,
      fields: {
        truth: t,
        predicted: c.predicted[i],
        ...Object.fromEntries(Object.entries({ ...c.sensitive, ...c.control }).map(([f, v]) => [f, v[i]])),
      },
    }),
  );
  return b.build();
}

/** Fairlearn on every (case, positive class) pair, in that order. */
function fairlearn(problems: { c: Case; positive: string }[]): Reference[] {
  const file = path.join(tmpDir("fairlearn"), "cases.json");
  fs.writeFileSync(
    file,
    JSON.stringify(
      problems.map(({ c, positive }) => ({
        y_true: c.truth.map((t) => (t === positive ? 1 : 0)),
        y_pred: c.predicted.map((t) => (t === positive ? 1 : 0)),
        sensitive: c.sensitive,
        control: Object.keys(c.control).length ? c.control : null,
        metrics: c.metrics,
      })),
    ),
  );
  const out = execFileSync(PYTHON, [path.join(__dirname, "fairlearn_reference.py"), file], {
    encoding: "utf8",
    maxBuffer: 1 << 28,
  });
  const parsed = JSON.parse(out) as { fairlearn: string; cases: Reference[] };
  expect(parsed.fairlearn).toBe("0.15.0");
  return parsed.cases;
}

const close = (ours: unknown, theirs: unknown, what: string) => {
  if (theirs === null) expect(ours, what).toBeNull();
  else
    expect(Math.abs((ours as number) - (theirs as number)), `${what}: ${ours} vs ${theirs}`).toBeLessThanOrEqual(1e-12);
};

function expectFairlearn(c: Case, positive: string, ours: Fairness, ref: Reference) {
  const control = Object.keys(c.control),
    sensitive = Object.keys(c.sensitive);
  const key = (r: Record<string, unknown>, fields: string[]) => fields.map((f) => r[f]).join("|");
  const mine = (ours.groups.objects() as Record<string, unknown>[]).filter((r) => r.positive === positive);
  const groupFields = [...control, ...sensitive];
  expect(mine.map((r) => key(r, groupFields)).sort(), `${c.name}: groups`).toEqual(
    ref.by_group.map((r) => key(r, groupFields)).sort(),
  );
  const byKey = new Map(mine.map((r) => [key(r, groupFields), r]));
  for (const r of ref.by_group)
    for (const m of c.metrics)
      close(byKey.get(key(r, groupFields))![m], r[m], `${c.name} ${positive} ${key(r, groupFields)} ${m}`);

  // overall and the aggregates: one value per metric, or per control group.
  const perControl = (v: Reference["overall"]) =>
    Array.isArray(v) ? new Map(v.map((r) => [key(r, control), r])) : new Map([["", v as Record<string, unknown>]]);
  const overall = perControl(ref.overall);
  for (const r of (ours.overall.objects() as Record<string, unknown>[]).filter((r) => r.positive === positive))
    for (const m of c.metrics) close(r[m], overall.get(key(r, control))![m], `${c.name} overall ${m}`);
  const aggregates = [
    "group_min",
    "group_max",
    "difference",
    "difference_to_overall",
    "ratio",
    "ratio_to_overall",
  ] as const;
  const theirs = Object.fromEntries(aggregates.map((a) => [a, perControl(ref[a])]));
  for (const r of (ours.disparities.objects() as Record<string, unknown>[]).filter((r) => r.positive === positive))
    for (const a of aggregates)
      close(r[a], theirs[a].get(key(r, control))![r.metric as string], `${c.name} ${r.metric} ${a}`);

  const s = ours.summary.scores[positive];
  for (const [method, suffix] of [
    ["between_groups", ""],
    ["to_overall", "ToOverall"],
  ] as const) {
    const f = ref.scores[method];
    const at = (gap: object, name: string) => (gap as Record<string, number>)[`${name}${suffix}`];
    close(at(s.demographicParity, "difference"), f.dp_difference, `${c.name} dp difference ${method}`);
    close(at(s.demographicParity, "ratio"), f.dp_ratio, `${c.name} dp ratio ${method}`);
    close(at(s.equalOpportunity, "difference"), f.eop_difference, `${c.name} eop difference ${method}`);
    close(at(s.equalOpportunity, "ratio"), f.eop_ratio, `${c.name} eop ratio ${method}`);
    close(at(s.equalizedOdds, "difference"), f.eo_difference, `${c.name} eo difference ${method}`);
    close(at(s.equalizedOdds, "ratio"), f.eo_ratio, `${c.name} eo ratio ${method}`);
    close(at(s.equalizedOdds.mean, "difference"), f.eo_mean_difference, `${c.name} eo mean difference ${method}`);
    close(at(s.equalizedOdds.mean, "ratio"), f.eo_mean_ratio, `${c.name} eo mean ratio ${method}`);
  }
}

describe.skipIf(!hasPython())("fairness = Fairlearn 0.15", () => {
  it("on generated cases: groups, overall, aggregates and fairness metrics to 1e-12", () => {
    const all = cases();
    const runs = all.map((c) =>
      fairness(datasetOf(c), {
        truth: "truth",
        prediction: "predicted",
        sensitive: Object.keys(c.sensitive),
        control: Object.keys(c.control).length ? Object.keys(c.control) : undefined,
        metrics: c.metrics,
        bootstrap: 0,
      }),
    );
    const problems = all.flatMap((c, i) => Object.keys(runs[i].summary.scores).map((positive) => ({ c, positive, i })));
    expect(problems.filter((p) => p.c.name.startsWith("three classes")).map((p) => p.positive)).toEqual([
      "car",
      "person",
      "truck",
    ]);
    const refs = fairlearn(problems);
    problems.forEach(({ c, positive, i }, k) => expectFairlearn(c, positive, runs[i], refs[k]));
  });
});

describe.skipIf(!hasPython())("fairness of a detector on the demo", () => {
  it("per-object recall and precision by camera = Fairlearn; the planted weak camera is the worst, apart", async () => {
    const { dataset: ds, truth } = await generateDemo({ samples: 600, seed: 0, out: tmpDir("fair-demo") });
    const ev = evaluateDetections(ds, "model");
    const r = fairness(ev, { sensitive: "camera" });
    // The rows, derived here from the objects table: every true object (found or not), every unmatched prediction.
    const cameraOf = new Map((ds.samples.objects() as { id: string; camera: string }[]).map((s) => [s.id, s.camera]));
    const rows = (ds.objects.objects() as Record<string, unknown>[]).filter(
      (o) =>
        (o.field === "ground_truth" && (o[ev.key] === "tp" || o[ev.key] === "fn")) ||
        (o.field === "model" && o[ev.key] === "fp"),
    );
    const c: Case = {
      name: "demo",
      truth: rows.map((o) => (o.field === "ground_truth" ? "1" : "0")),
      predicted: rows.map((o) => (o[ev.key] === "fn" ? "0" : "1")),
      sensitive: { camera: rows.map((o) => cameraOf.get(o.sample_id as string)!) },
      control: {},
      metrics: ["true_positive_rate", "precision"],
    };
    expect(r.summary.rows).toBe(rows.length);
    expectFairlearn(c, "1", relabelled(r, "object", "1"), fairlearn([{ c, positive: "1" }])[0]);

    const groups = r.groups.objects() as Record<string, number & string>[];
    const worst = groups.reduce((a, b) => (b.true_positive_rate < a.true_positive_rate ? b : a));
    expect(worst.camera).toBe(truth.subgroup.value);
    for (const g of groups.filter((g) => g !== worst))
      expect(worst.true_positive_rate_high).toBeLessThan(g.true_positive_rate_low);
  });
});

/** The same result with another name for its positive class (the reference names it by label). */
function relabelled(r: Fairness, from: string, to: string): Fairness {
  const rename = (t: Fairness["groups"]) =>
    t.derive({ positive: aq.escape((d: { positive: string }) => (d.positive === from ? to : d.positive)) });
  return {
    dataset: r.dataset,
    groups: rename(r.groups),
    overall: rename(r.overall),
    disparities: rename(r.disparities),
    summary: { ...r.summary, scores: { [to]: r.summary.scores[from] } },
  };
}

describe("fairness", () => {
  it("gives each group its sample count and a bootstrap interval around its value", () => {
    const c = generated("intervals", 9, 800, { camera: ["a", "b"] });
    const r = fairness(datasetOf(c), { truth: "truth", prediction: "predicted", sensitive: "camera", seed: 3 });
    for (const g of r.groups.objects() as Record<string, number>[]) {
      expect(g.rows).toBeGreaterThan(300);
      for (const m of ["selection_rate", "true_positive_rate", "accuracy"]) {
        expect(g[`${m}_low`]).toBeLessThanOrEqual(g[m]);
        expect(g[`${m}_high`]).toBeGreaterThanOrEqual(g[m]);
        // About 2 x 1.96 standard errors of a share over ~400 rows.
        expect(g[`${m}_high`] - g[`${m}_low`]).toBeGreaterThan(0.02);
        expect(g[`${m}_high`] - g[`${m}_low`]).toBeLessThan(0.2);
      }
    }
    const again = fairness(datasetOf(c), { truth: "truth", prediction: "predicted", sensitive: "camera", seed: 3 });
    expect(again.groups.objects()).toEqual(r.groups.objects());
  });

  it("keeps samples without a sensitive value as their own group, counted", () => {
    const c = generated("missing", 10, 100, { camera: ["a", "b"] });
    c.sensitive.camera.forEach((_, i) => i % 10 === 0 && (c.sensitive.camera[i] = null as unknown as string));
    const withGaps = datasetOf(c);
    const r = fairness(withGaps, { truth: "truth", prediction: "predicted", sensitive: "camera", bootstrap: 0 });
    expect(r.summary.missing).toEqual({ camera: 10 });
    const missing = (r.groups.objects() as Record<string, unknown>[]).find((g) => g.camera === "(missing)")!;
    expect(missing.rows).toBe(10);
  });

  it("names the field, the metric or the class that does not exist", () => {
    const ds = datasetOf(generated("errors", 11, 50, { camera: ["a", "b"] }));
    const base = { truth: "truth", prediction: "predicted" };
    expect(() => fairness(ds, { ...base, sensitive: "camra" })).toThrow(/no field "camra"; did you mean "camera"/);
    expect(() => fairness(ds, { ...base, sensitive: "camera", metrics: ["recall" as RateName] })).toThrow(
      /unknown metric "recall"/,
    );
    expect(() => fairness(ds, { ...base, sensitive: "camera", positive: "7" })).toThrow(/no sample has the label "7"/);
    expect(() => fairness(ds, { sensitive: "camera" })).toThrow(/true and predicted label fields/);
  });
});
