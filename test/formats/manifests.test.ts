import type { ColumnTable } from "arquero";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { DatasetBuilder } from "../../src/dataset/builder";
import { generateDemo } from "../../src/demo";
import { exportDataset, load } from "../../src/formats/api";
import { tmpDir } from "../helpers/data";

/** Sample rows without the derived `problems` column, keyed by id. */
function sampleRows(t: ColumnTable) {
  return new Map((t.objects() as Record<string, unknown>[]).map(({ problems: _, ...r }) => [r.id, r]));
}

/** Object rows without their ids, as sorted JSON text. */
function objectRows(t: ColumnTable) {
  return (t.objects() as Record<string, unknown>[]).map(({ id: _, ...r }) => JSON.stringify(r)).sort();
}

function classified() {
  const b = new DatasetBuilder("pets", null);
  const classes = ["cat", "dog", "bird"];
  b.declareField({ name: "ground_truth", kind: "classification", predicted: false });
  b.declareField({ name: "model", kind: "classification", predicted: true, classes });
  for (let i = 0; i < 30; i++) {
    const p = [0.1 + (i % 3) * 0.3, 0.2, 0.7 - (i % 3) * 0.3];
    b.addSample({
      filepath: `img_${i}.png`, split: i < 20 ? "train" : "test", tags: i % 4 ? [] : ["review"],
      fields: { ground_truth: classes[i % 3], model: classes[p.indexOf(Math.max(...p))], model_confidence: Math.max(...p), model_probs: p, owner: `o${i % 5}`, weight_kg: i * 0.25 },
    });
  }
  return b.build();
}

describe("manifests", () => {
  it("JSON Lines holds the whole demo dataset: samples, metadata, both label fields, exactly", async () => {
    const dir = tmpDir("jsonl-demo");
    const { dataset } = await generateDemo({ samples: 200, out: path.join(dir, "demo") });
    await exportDataset(dataset, path.join(dir, "demo.jsonl"), { format: "jsonl" });
    const back = await load(path.join(dir, "demo.jsonl"), { images: dataset.imagesDir! });
    expect(sampleRows(back.samples)).toEqual(sampleRows(dataset.samples));
    expect(objectRows(back.objects)).toEqual(objectRows(dataset.objects));
    expect(back.fields.map((f) => [f.name, f.kind, f.predicted])).toEqual(dataset.fields.map((f) => [f.name, f.kind, f.predicted]));
    expect(back.problems).toEqual([]);
  });

  it("CSV holds the demo's samples and metadata; its boxes it refuses, then reports", async () => {
    const dir = tmpDir("csv-demo");
    const { dataset } = await generateDemo({ samples: 200, out: path.join(dir, "demo") });
    await expect(exportDataset(dataset, path.join(dir, "demo.csv"), { format: "csv" })).rejects.toThrow(/boxes/);
    const report = await exportDataset(dataset, path.join(dir, "demo.csv"), { format: "csv", lossy: true });
    expect(report.dropped.join("\n")).toMatch(/\d+ boxes/);
    const back = await load(path.join(dir, "demo.csv"), { images: dataset.imagesDir! });
    expect(sampleRows(back.samples)).toEqual(sampleRows(dataset.samples));
  });

  for (const format of ["jsonl", "csv"]) {
    it(`${format}: classification labels, confidences and class probabilities round-trip`, async () => {
      const ds = classified();
      const dir = tmpDir(`cls-${format}`);
      const file = path.join(dir, `pets.${format}`);
      await exportDataset(ds, file, { format });
      const back = await load(file, { checkImages: "none" });
      expect(sampleRows(back.samples)).toEqual(sampleRows(ds.samples));
      expect(back.fields).toEqual(ds.fields);
      if (format === "csv") expect(fs.readFileSync(file, "utf8").split("\n")[0]).toContain("model_prob_cat,model_prob_dog,model_prob_bird");
    });
  }
});
