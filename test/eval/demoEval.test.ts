import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { values } from "../../src/dataset/columns";
import type { Dataset } from "../../src/dataset/dataset";
import { generateDemo, type DemoTruth } from "../../src/demo";
import { BACKGROUND, evaluateDetections } from "../../src/eval/detection";
import { bySlice } from "../../src/eval/slices";
import { removeTmpDirs, tmpDir } from "../helpers/data";

/**
 * On the demo dataset, evaluation finds what was planted: the weak camera is the worst slice,
 * and the misses behind the confusion matrix's background column are the model's planted misses.
 */
let ds: Dataset;
let truth: DemoTruth;

beforeAll(async () => {
  ({ dataset: ds, truth } = await generateDemo({ samples: 2000, seed: 0, out: tmpDir("demo-eval") }));
}, 180_000);
afterAll(removeTmpDirs);

describe("evaluation of the demo's detector", () => {
  it("ranks the planted weak subgroup as the worst slice, its interval clear of the others", () => {
    const ev = evaluateDetections(ds, "model");
    const rows = bySlice(ev, truth.subgroup.field, { bootstrap: 200 }).objects() as Record<string, number | string>[];
    expect(rows[0][truth.subgroup.field]).toBe(truth.subgroup.value);
    for (const r of rows.slice(1)) expect(rows[0].mAP_high as number).toBeLessThan(r.mAP_low as number);
    const recall = Object.fromEntries(rows.map((r) => [r[truth.subgroup.field], r.recall as number]));
    expect(recall[truth.subgroup.value]).toBeLessThan(0.65);
  });

  it("lists every planted miss among the false negatives of the confusion matrix's background column", () => {
    const ev = evaluateDetections(ds, "model");
    const matches = ev.matchTable();
    const misses = matches.filter(`d => d.predicted === ${JSON.stringify(BACKGROUND)}`);
    const missedIds = new Set(values<number>(misses, "truth_id"));
    expect(truth.subgroup.missed.length).toBeGreaterThan(50);
    for (const m of truth.subgroup.missed)
      expect(missedIds.has(m.objectId), `${m.sampleId} object ${m.objectId}`).toBe(true);
    // The column's count in the matrix is the number of those rows.
    const { labels, matrix } = ev.confusion;
    const bg = labels.indexOf(BACKGROUND);
    let column = 0;
    for (let t = 0; t < labels.length; t++) column += matrix[t * labels.length + bg];
    expect(column).toBe(misses.numRows());
    // Their samples carry the counts the grid filters on.
    const fn = values<number>(ds.samples, `${ev.key}_fn`),
      ids = values<string>(ds.samples, "id");
    const withMiss = new Set(Array.from(ids).filter((_, i) => fn[i] > 0));
    for (const m of truth.subgroup.missed) expect(withMiss.has(m.sampleId)).toBe(true);
  });
});
