import { drawContexts } from "./context";
import { drawLayout, sceneObjects } from "./objects";
import { groundTruth, plantLabelNoise } from "./labels";
import {
  countOf,
  extension,
  plantDogs,
  plantEffect,
  plantExactDuplicates,
  plantNearDuplicates,
  SamplePool,
} from "./plant";
import { plantOverconfident, predict } from "./predictions";
import { Rng, STREAM, hashSeed } from "./random";
import { assignSequences } from "./sequences";
import type { SamplePlan } from "./types";

export interface PlanOptions {
  samples: number;
  seed: number;
  width: number;
  height: number;
}

/** Planted shares of samples (image failures) and of ground-truth objects (label errors). */
export const RATES = {
  exactDuplicates: 0.005,
  nearDuplicates: 0.01,
  dark: 0.015,
  overexposed: 0.015,
  blurred: 0.015,
  lowInformation: 0.01,
  dogs: 0.01,
  mislabeled: 0.015,
  missing: 0.015,
  loose: 0.015,
  overconfident: 0.02,
};

/** Decides every sample: metadata, objects, labels, predictions and planted failures. No pixels. */
export function planDemo({ samples: n, seed, width, height }: PlanOptions): SamplePlan[] {
  const contexts = drawContexts(n, seed);
  const digits = Math.max(6, String(n - 1).length);
  const plans: SamplePlan[] = [];
  for (let i = 0; i < n; i++) {
    const rng = new Rng(hashSeed(seed, STREAM.roles, i));
    const context = contexts[i];
    const layout = drawLayout(seed, i, width, height);
    const id = `s${String(i).padStart(digits, "0")}`;
    const format = rng.chance(0.1) ? "png" : "jpeg";
    plans.push({
      index: i,
      id,
      file: id + extension(format),
      format,
      quality: rng.int(80, 95),
      context,
      layout,
      objects: sceneObjects(seed, i, layout, context, width, height),
      gt: [],
      predictions: [],
    });
  }
  const rng = new Rng(hashSeed(seed, STREAM.planting));
  const pool = new SamplePool(plans, rng);
  const duplicated = new Set<SamplePlan>([
    ...plantExactDuplicates(pool, countOf(n, RATES.exactDuplicates, 3)),
    ...plantNearDuplicates(pool, rng, countOf(n, RATES.nearDuplicates, 4), width, height),
  ]);
  plantEffect(pool, "dark", countOf(n, RATES.dark, 2));
  plantEffect(pool, "overexposed", countOf(n, RATES.overexposed, 2));
  plantEffect(pool, "blurred", countOf(n, RATES.blurred, 2));
  plantEffect(pool, "low_information", countOf(n, RATES.lowInformation, 2));
  const objects = plans.reduce((s, p) => s + p.objects.length, 0);
  plantDogs(pool, rng, countOf(objects, RATES.dogs, 3), width, height);

  for (const p of plans) p.gt = groundTruth(p);
  const gtCount = plans.reduce((s, p) => s + p.gt.length, 0);
  // Duplicates keep clean labels, so a copy never disagrees with its source by accident.
  const clean = (p: SamplePlan) => !duplicated.has(p);
  plantLabelNoise(
    plans,
    clean,
    rng,
    {
      mislabeled: countOf(gtCount, RATES.mislabeled, 3),
      missing: countOf(gtCount, RATES.missing, 3),
      loose: countOf(gtCount, RATES.loose, 3),
    },
    width,
    height,
  );

  for (const p of plans) {
    // A copy gets its source's predictions: the same bytes give the same model output.
    if (p.copyOf !== undefined) continue;
    p.predictions = predict(p, new Rng(hashSeed(seed, STREAM.predictions, p.index)), width, height);
  }
  for (const p of plans) if (p.copyOf !== undefined) p.predictions = plans[p.copyOf].predictions.map((q) => ({ ...q }));
  const confident = rng.shuffle(plans.filter((p) => clean(p) && p.effect !== "low_information"));
  for (const p of confident.slice(0, countOf(n, RATES.overconfident, 4))) plantOverconfident(p, rng, width, height);
  assignSequences(plans, seed);
  return plans;
}
