import { describe, expect, it } from "vitest";
import { audit, type Audit } from "../../src/analyze/audit";
import { DatasetBuilder } from "../../src/dataset/builder";
import { values } from "../../src/dataset/columns";
import { buildDemoDataset } from "../../src/demo/dataset";
import { planDemo } from "../../src/demo/plan";
import { buildTruth } from "../../src/demo/truth";
import { auditLog, expectPlantedFirst, LABEL_FLOOR, plantedSamples, recalls } from "./auditTruth";

/** The audit on the demo's tables; with its images, in test/e2e/auditReport.test.ts (one demo there for both). */

describe("audit of the demo's tables (seeds 0, 1, 2; no pixels)", () => {
  for (const seed of [0, 1, 2]) {
    it(`seed ${seed}: every planted kind is found, with its samples, before anything unplanted`, async () => {
      const plans = planDemo({ samples: 2000, seed, width: 320, height: 240 });
      const ds = buildDemoDataset(plans, "/nonexistent", {}, 320, 240);
      ds.imagesDir = null;
      const truth = buildTruth(plans, { seed, width: 320, height: 240 });
      const seen: number[] = [];
      const a = await audit(ds, {
        groups: "sequence",
        sensitive: ["camera"],
        time: "capture_time",
        onProgress: (d) => seen.push(d),
      });
      const planted = plantedSamples(ds, truth);
      const measured = recalls(a, planted);
      console.log(auditLog(`demo seed ${seed}`, a, measured));
      for (const [kind, recall] of Object.entries(measured))
        expect(recall, kind).toBeGreaterThanOrEqual(kind === "label_errors" ? LABEL_FLOOR : 0.95);
      expectPlantedFirst(a, new Set(Object.keys(planted)));
      // No pixels: the image checks say why they did not run; the rest ran.
      expect(a.skipped.map((s) => s.check)).toEqual(["image quality", "duplicates"]);
      expect(a.skipped[0].reason).toMatch(/computeQuality/);
      expect(seen.at(-1)).toBe(11);
      // Month by month, the production month drifts from train, and holds production images only.
      const month = a.findings.find((f) => f.id === "drift:capture_time:2024-05")!;
      expect(month.statement).toMatch(/^the images of 2024-05 \(capture_time\) drift from/);
      const split = values<string>(ds.samples, "split");
      const ids = Array.from(values<string>(ds.samples, "id"));
      expect(month.samples.every((id) => split[ids.indexOf(id)] === "production")).toBe(true);
      // The planted weak camera leads, by the share of the model's errors it accounts for.
      expect(a.findings[0].statement).toMatch(/^camera = cam_e|^camera cam_e/);
    });
  }

  it("measures each finding's effect from the per-sample errors, and ranks costly findings first", async () => {
    const ds = buildDemoDataset(planDemo({ samples: 600, seed: 4, width: 320, height: 240 }), "/x", {}, 320, 240);
    ds.imagesDir = null;
    const a = await audit(ds, { bootstrap: 0 });
    const errors = Array.from(
      values<number>(ds.samples, "eval_model_fp"),
      (fp, i) => fp + values<number>(ds.samples, "eval_model_fn")[i],
    );
    const ids = Array.from(values<string>(ds.samples, "id"));
    const total = errors.reduce((s, e) => s + e, 0);
    for (const f of a.findings) {
      const inside = new Set(f.samples);
      const inErrors = ids.reduce((s, id, i) => s + (inside.has(id) ? errors[i] : 0), 0);
      const outside = (total - inErrors) / (ids.length - inside.size);
      expect(f.effect!.inside).toBeCloseTo(inErrors / inside.size, 12);
      expect(f.effect!.outside).toBeCloseTo(outside, 12);
      expect(f.effect!.excess).toBeCloseTo((inErrors - inside.size * outside) / total, 12);
      expect(f.size).toBeCloseTo(inside.size / ids.length, 12);
    }
    const scores = a.findings.map((f) => f.score);
    expect(scores).toEqual([...scores].sort((x, y) => y - x));
    // Costly (score above 1) exactly when the interval's low end lies above the rest's error.
    for (const f of a.findings)
      expect(f.score > 1).toBe(f.effect!.insideLow > f.effect!.outside && f.effect!.excess > 0);
    expect(a.table.numRows()).toBe(a.findings.length);
    expect(a.members.numRows()).toBe(a.findings.reduce((s, f) => s + f.samples.length, 0));
  });

  it("says why it skipped what the dataset does not support, and refuses unknown fields", async () => {
    const ds = buildDemoDataset(planDemo({ samples: 300, seed: 5, width: 320, height: 240 }), "/x", {}, 320, 240);
    ds.imagesDir = null;
    const a = await audit(ds, { predictions: null, split: null });
    const reasons = Object.fromEntries(a.skipped.map((s) => [s.check, s.reason]));
    expect(reasons["leakage"]).toMatch(/no split field/);
    expect(reasons["weak slices"]).toMatch(/no predictions/);
    expect(reasons["label errors"]).toMatch(/predictions: none given/);
    expect(reasons["drift"]).toMatch(/no "train" split/);
    expect(a.summary.checks.ran).toEqual(["coverage and class balance"]);
    await expect(audit(ds, { groups: "scene" })).rejects.toThrow(/audit.groups[\s\S]*no sample field "scene"/);
    await expect(audit(ds, { predictions: "detector" })).rejects.toThrow(/no prediction field "detector"[\s\S]*model/);
  });

  it("reports a check that fails on the data (an unlabelled sample) with why, and still runs the others", async () => {
    // A classifier without confidences, wrong on every image of site "b".
    const sites = (unlabelled: number | null) => {
      const b = new DatasetBuilder("sites", null);
      b.declareField({ name: "ground_truth", kind: "classification", predicted: false });
      b.declareField({ name: "model", kind: "classification", predicted: true });
      for (let i = 0; i < 120; i++) {
        const label = i % 2 ? "cat" : "dog";
        const site = i % 3 ? "a" : "b";
        b.addSample({
          id: `x${i}`,
          filepath: `x${i}.jpg`,
          split: i % 4 ? "train" : "test",
          fields: { ground_truth: i === unlabelled ? null : label, model: site === "b" ? "bird" : label, site },
        });
      }
      return b.build();
    };
    const clean = await audit(sites(null), { sensitive: ["site"] });
    const fair = clean.findings.find((f) => f.kind === "fairness")!;
    expect(fair.statement).toMatch(/^site b: accuracy \(class bird against the rest\) 0\.00 against 1\.00/);
    expect(fair.samples).toHaveLength(40);
    // Site b holds every error: 1 per image inside, 0 outside.
    expect([fair.effect!.inside, fair.effect!.outside, fair.effect!.errorShare]).toEqual([1, 0, 1]);
    const reasons = (a: Audit) => Object.fromEntries(a.skipped.map((s) => [s.check, s.reason]));
    expect(reasons(clean)["overconfidence"]).toMatch(/the predictions model have no confidence/);

    const gap = await audit(sites(7), { sensitive: ["site"] });
    expect(reasons(gap)["fairness"]).toMatch(/^failed: .*1 samples have no label \(e\.g\. sample x7\)/);
    expect(reasons(gap)["weak slices"]).toMatch(/^failed: .*sample x7 has error NaN/);
    expect(gap.summary.checks.ran).toContain("train-test gap");
  });
});
