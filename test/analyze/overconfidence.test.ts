import { afterAll, describe, expect, it } from "vitest";
import { overconfidence } from "../../src/analyze/overconfidence";
import { generateDemo } from "../../src/demo";
import { evaluateDetections } from "../../src/eval/detection";
import { removeTmpDirs, TEST_CACHE, tmpDir } from "../helpers/data";
import { hasPython } from "../helpers/reference";
import { averagePrecision, expectSklearnCalibration } from "./calibrationReference";

afterAll(removeTmpDirs);

describe.skipIf(!hasPython())("overconfidence on the demo's detector (600 images)", () => {
  it(
    "ranks the planted overconfident errors first as the model's errors; calibration per quarter = scikit-learn's",
    { timeout: 300_000 },
    async () => {
      const { dataset: ds, truth } = await generateDemo({ samples: 600, seed: 0, out: tmpDir("overconfident-demo") });
      const ev = evaluateDetections(ds, "model");
      const result = await overconfidence(ev, {
        time: "capture_time",
        window: "quarter",
        embed: { cacheRoot: TEST_CACHE },
      });
      const errors = result.errors.objects() as Record<string, unknown>[];
      const planted = new Set(truth.overconfident.map((o) => o.objectId));
      const isPlanted = errors.map((e) => planted.has(e.id as number));
      const ap = averagePrecision(isPlanted);
      console.log(
        `demo 600: ${result.summary.confidentErrors} errors at >= 0.9 of ${result.summary.scored} predictions, ` +
          `${result.summary.modelErrors} judged the model's, ${result.summary.labelSuspected} the labels'; ` +
          `planted ${planted.size} at ranks ${isPlanted.flatMap((p, i) => (p ? [i + 1] : [])).join(", ")} (AP ${ap.toFixed(2)}); ` +
          `D-ECE ${result.summary.ece.toFixed(3)}`,
      );
      // Every planted overconfident error is a confident error, judged the model's; the first ranks are planted ones.
      expect(isPlanted.filter(Boolean).length).toBe(planted.size);
      const judgedModel = errors.filter((e) => planted.has(e.id as number) && e.verdict === "model error").length;
      expect(judgedModel / planted.size).toBeGreaterThanOrEqual(0.9);
      expect(isPlanted[0]).toBe(true);
      expect(isPlanted.slice(0, 10).filter(Boolean).length).toBeGreaterThanOrEqual(7);
      expect(ap).toBeGreaterThan(0.6);
      // Confident errors behind planted label errors (wrong or missing labels) are mostly judged the labels'.
      const labelErrorSamples = new Set([...truth.labels.mislabeled, ...truth.labels.missing].map((l) => l.sampleId));
      const behindLabels = errors.filter(
        (e) => !planted.has(e.id as number) && labelErrorSamples.has(e.sample_id as string),
      );
      const suspected = behindLabels.filter((e) => e.verdict === "label suspected").length;
      expect(suspected / behindLabels.length).toBeGreaterThan(0.7);

      const objects = ds.objects.objects() as Record<string, unknown>[];
      const quarterOf = new Map(
        (ds.samples.objects() as { id: string; capture_time: string }[]).map((s) => {
          const d = new Date(s.capture_time);
          return [s.id, `${d.getUTCFullYear()}-Q${Math.floor(d.getUTCMonth() / 3) + 1}`];
        }),
      );
      const scored = objects
        .filter((o) => o.field === "model" && (o.eval_model === "tp" || o.eval_model === "fp"))
        .map((o) => ({
          window: quarterOf.get(o.sample_id as string)!,
          right: o.eval_model === "tp" ? 1 : 0,
          score: o.confidence as number,
        }));
      expect(result.summary.scored).toBe(scored.length);
      expectSklearnCalibration(result, scored);
    },
  );
});
