import { describe, expect, it } from "vitest";
import { resamplePlan } from "../../src/analyze/resamplePlan";
import { DatasetBuilder } from "../../src/dataset/builder";
import { buildDemoDataset } from "../../src/demo/dataset";
import { planDemo } from "../../src/demo/plan";
import { buildTruth } from "../../src/demo/truth";
import { BlindspotError } from "../../src/errors";

/**
 * resamplePlan on the demo: every class x context cell's sample count equals a count made from
 * the objects and samples tables directly; what to add, the factor and the action follow from it;
 * the planted truck, never seen by day, must be collected there.
 */
const plans = planDemo({ samples: 1000, seed: 2, width: 320, height: 240 });
const truth = buildTruth(plans, { seed: 2, width: 320, height: 240 });
const ds = buildDemoDataset(plans, "/nonexistent", {}, 320, 240);

interface Row {
  class: string;
  time_of_day: string;
  weather: string;
  samples: number;
  to_add: number;
  factor: number | null;
  action: string;
}

describe("resamplePlan", () => {
  it("counts the samples of each class x context cell and what each lacks to reach the minimum", () => {
    const minimum = 40;
    const plan = resamplePlan(ds, { by: ["time_of_day", "weather"], minimum });
    const rows = plan.table.objects() as unknown as Row[];
    expect(rows).toHaveLength(ds.categories.length * 3 * 4);
    // Samples holding each class, per context, from the plans themselves.
    const expected = new Map<string, number>();
    for (const p of plans) {
      for (const label of new Set(p.gt.map((g) => g.label))) {
        const key = `${label}|${p.context.time_of_day}|${p.context.weather}`;
        expected.set(key, (expected.get(key) ?? 0) + 1);
      }
    }
    for (const r of rows) {
      const have = expected.get(`${r.class}|${r.time_of_day}|${r.weather}`) ?? 0;
      expect(r.samples, `${r.class} ${r.time_of_day} ${r.weather}`).toBe(have);
      expect(r.to_add).toBe(Math.max(0, minimum - have));
      expect(r.factor).toBe(have ? Math.max(1, minimum / have) : null);
      expect(r.action).toBe(have >= minimum ? "ok" : have ? "oversample or augment" : "collect");
    }
    // Most to add first.
    for (let i = 1; i < rows.length; i++) expect(rows[i].to_add).toBeLessThanOrEqual(rows[i - 1].to_add);
    expect(plan.summary.toAdd).toBe(rows.reduce((s, r) => s + r.to_add, 0));
    expect(plan.summary.empty).toBe(rows.filter((r) => r.samples === 0).length);
  });

  it("the truck, planted at night only, is to be collected by day and at dusk", () => {
    const plan = resamplePlan(ds, { by: "time_of_day", minimum: 20 });
    const trucks = (plan.table.objects() as unknown as Row[]).filter((r) => r.class === truth.contextClass.label);
    const byTime = Object.fromEntries(trucks.map((r) => [r.time_of_day, r]));
    expect(byTime.day.action).toBe("collect");
    expect(byTime.dusk.action).toBe("collect");
    expect(byTime.night.samples).toBe(truth.contextClass.sampleIds.length);
  });

  it("refuses a missing or unknown field, a minimum out of range, an empty dataset", () => {
    const fails = (run: () => unknown, message: RegExp) => {
      expect(run).toThrow(BlindspotError);
      expect(run).toThrow(message);
    };
    fails(() => resamplePlan(ds, { by: "wether", minimum: 5 }), /no field "wether"; did you mean "weather"\?/);
    fails(() => resamplePlan(ds, { by: [], minimum: 5 }), /no field to make contexts of/);
    fails(() => resamplePlan(ds, { by: "weather", minimum: 0 }), /minimum: must be an integer of at least 1/);
    fails(() => resamplePlan(ds, { by: "weather" } as never), /minimum: must be an integer/);
    fails(() => resamplePlan(new DatasetBuilder("e", null).build(), { by: "x", minimum: 5 }), /has no samples/);
  });
});
