import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { expect } from "vitest";
import type { ImageBoxes } from "../../src/analyze/boxIssues/boxes";
import type { ObjectLabParams } from "../../src/analyze/boxIssues/boxScores";
import type { AggregationWeights } from "../../src/analyze/boxIssues/pool";
import { tmpDir } from "../helpers/data";
import { PYTHON } from "../helpers/reference";

type Scores = (number | null)[];

/** What cleanlab 2.9.0's object-detection module computes for a case (test/analyze/cleanlab_box_issues.py). */
export interface BoxReference {
  /** Per image, per box: predictions for overlooked, labels for swap and badloc. */
  boxes: Record<"overlooked" | "swap" | "badloc", Scores[]>;
  pooled: Record<"overlooked" | "swap" | "badloc", Scores>;
  quality: number[];
  issues: number[];
  /** find_label_issues' ranking (by the default scores) and the ranking by the case's own scores. */
  ranked: number[];
  ranked_by_quality: number[];
  /** Per class: a quarter of the mean AP (cleanlab's scaled AP, float32). */
  ap: number[];
  seconds: number;
}

export interface BoxCase {
  boxes: ImageBoxes;
  weights?: AggregationWeights;
  overlappingLabelCheck?: boolean;
  /** Box-score parameters other than cleanlab's defaults. */
  params?: Partial<Pick<ObjectLabParams, "alpha" | "lowProbability" | "highProbability" | "temperature">>;
}

/** The boxes in cleanlab's input layout: per image, labels in corners and per-class prediction arrays. */
export function cleanlabInput(c: BoxCase) {
  const { labels, predictions, classes } = c.boxes;
  const corners = (side: typeof labels, j: number) => Array.from(side.corners.subarray(j * 4, j * 4 + 4));
  return {
    classes: classes.length,
    weights: c.weights ?? null,
    overlapping_label_check: c.overlappingLabelCheck ?? true,
    params: c.params
      ? {
          alpha: c.params.alpha,
          low: c.params.lowProbability,
          high: c.params.highProbability,
          temperature: c.params.temperature,
        }
      : null,
    images: Array.from(c.boxes.sampleRows, (_, i) => {
      const image = {
        bboxes: [] as number[][],
        labels: [] as number[],
        predictions: classes.map(() => [] as number[][]),
      };
      for (let a = labels.start[i]; a < labels.start[i + 1]; a++) {
        image.bboxes.push(corners(labels, a));
        image.labels.push(labels.cls[a]);
      }
      for (let b = predictions.start[i]; b < predictions.start[i + 1]; b++)
        image.predictions[predictions.cls[b]].push([...corners(predictions, b), predictions.prob[b]]);
      return image;
    }),
  };
}

/** cleanlab run live on the cases. */
export function cleanlabBoxes(cases: BoxCase[]): BoxReference[] {
  const file = path.join(tmpDir("cleanlab-boxes"), "cases.json");
  fs.writeFileSync(file, JSON.stringify(cases.map(cleanlabInput)));
  const out = execFileSync(PYTHON, [path.join(__dirname, "cleanlab_box_issues.py"), file], {
    encoding: "utf8",
    maxBuffer: 1 << 28,
  });
  const parsed = JSON.parse(out) as { cleanlab: string; cases: BoxReference[] };
  expect(parsed.cleanlab).toBe("2.9.0");
  return parsed.cases;
}
