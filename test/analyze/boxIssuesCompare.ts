import { expect } from "vitest";
import { boxLabelIssues, type BoxLabelIssueOptions, type BoxLabelIssues } from "../../src/analyze/boxIssues";
import { imageBoxes, type ImageBoxes } from "../../src/analyze/boxIssues/boxes";
import { boxScores, objectLabParams } from "../../src/analyze/boxIssues/boxScores";
import { overlaps } from "../../src/analyze/boxIssues/overlap";
import { values } from "../../src/dataset/columns";
import type { Dataset } from "../../src/dataset/dataset";
import { definedOnly } from "../../src/options";
import { cleanlabBoxes, type BoxReference } from "./cleanlabBoxes";

const TOL = 1e-9;

export interface Compared {
  result: BoxLabelIssues;
  boxes: ImageBoxes;
  ref: BoxReference;
}

/**
 * Runs boxLabelIssues and cleanlab's object-detection module (live) on the same dataset and
 * expects the same numbers: every box score and pooled score to 1e-9, the flagged images and
 * their ranking identical (find_label_issues' own ranking where the parameters are cleanlab's
 * defaults, which it always ranks by), the per-class thresholds' AP bit for bit (cleanlab's float32) where no
 * two predictions of the class tie.
 */
export function compareWithCleanlab(ds: Dataset, options: BoxLabelIssueOptions): Compared {
  const labelField = options.labelField ?? "ground_truth";
  const boxes = imageBoxes(ds, labelField, options.predictions, "test");
  const { alpha, lowProbability, highProbability, temperature } = options;
  const given = definedOnly({ alpha, lowProbability, highProbability, temperature });
  const [ref] = cleanlabBoxes([
    {
      boxes,
      weights: options.aggregationWeights,
      overlappingLabelCheck: options.overlappingLabelCheck,
      params: Object.keys(given).length ? given : undefined,
    },
  ]);
  const result = boxLabelIssues(ds, options);

  const params = objectLabParams(options);
  const scores = boxScores(boxes, overlaps(boxes, params.alpha), params);
  const perImage = (flat: Float64Array, start: Int32Array) =>
    Array.from(boxes.sampleRows, (_, i) => Array.from(flat.subarray(start[i], start[i + 1])));
  expectClose(perImage(scores.overlooked, boxes.predictions.start).flat(), ref.boxes.overlooked.flat(), "overlooked");
  expectClose(perImage(scores.swap, boxes.labels.start).flat(), ref.boxes.swap.flat(), "swap");
  expectClose(perImage(scores.badloc, boxes.labels.start).flat(), ref.boxes.badloc.flat(), "badloc");

  const sampleRowOf = new Map(Array.from(values<string>(ds.samples, "id"), (id, r) => [id, r]));
  const positionOf = new Map(Array.from(boxes.sampleRows, (r, i) => [r, i]));
  const column = (name: string) => Array.from(boxes.sampleRows, (r) => values<number>(ds.samples, name)[r]);
  expectClose(column("label_quality"), ref.quality, "label_quality");
  expectClose(column("label_overlooked_score"), ref.pooled.overlooked as number[], "pooled overlooked");
  expectClose(column("label_swap_score"), ref.pooled.swap as number[], "pooled swap");
  expectClose(column("label_badloc_score"), ref.pooled.badloc as number[], "pooled badloc");

  const ranked = result.images.array("sample_id") as string[];
  const positions = ranked.map((id) => positionOf.get(sampleRowOf.get(id)!)!);
  expect(positions, "flagged images ranked by label_quality").toEqual(ref.ranked_by_quality);
  const defaults = !options.aggregationWeights && options.overlappingLabelCheck !== false && !Object.keys(given).length;
  if (defaults) expect(positions, "find_label_issues' ranking").toEqual(ref.ranked);
  expect(
    [...positions].sort((a, b) => a - b),
    "flagged images",
  ).toEqual(ref.issues);
  // numpy's argsort orders equal scores its own way (and not the same on every CPU), which moves a
  // class's AP slightly where its predictions tie; elsewhere the AP is bit for bit cleanlab's.
  const tied = tiedClasses(boxes);
  const ap = (result.classes.array("ap") as number[]).map((v) => Math.fround(v * 0.25));
  ap.forEach((v, c) => {
    if (tied.has(c)) expect(Math.abs(v - ref.ap[c]), `class ${c} AP (tied scores)`).toBeLessThan(5e-4);
    else expect(v, `class ${c} AP x 0.25 (float32)`).toBe(ref.ap[c]);
  });
  return { result, boxes, ref };
}

function expectClose(ours: number[], ref: (number | null)[], what: string): void {
  expect(ours.length, `${what}: count`).toBe(ref.length);
  ours.forEach((v, i) => {
    const r = ref[i];
    if (r === null) expect(Number.isNaN(v) || v === null, `${what}[${i}]: ${v} vs NaN`).toBe(true);
    else expect(Math.abs(v - r), `${what}[${i}]: ${v} vs ${r}`).toBeLessThanOrEqual(TOL);
  });
}

/** Classes with two predictions of the same score. */
function tiedClasses(boxes: ImageBoxes): Set<number> {
  const seen = new Set<string>(),
    tied = new Set<number>();
  boxes.predictions.cls.forEach((c, b) => {
    const key = `${c} ${boxes.predictions.prob[b]}`;
    if (seen.has(key)) tied.add(c);
    seen.add(key);
  });
  return tied;
}
