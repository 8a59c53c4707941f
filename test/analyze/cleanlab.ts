import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { expect } from "vitest";
import { confidentJoint } from "../../src/analyze/labelIssues/confidentJoint";
import type { CrossValProbs } from "../../src/analyze/crossValProbs";
import { FILTERS, findLabelIssues, rankedIssues } from "../../src/analyze/labelIssues/filter";
import { labelQualityScores } from "../../src/analyze/labelIssues/scores";
import type { ClassProbs } from "../../src/analyze/labelIssues/thresholds";
import { tmpDir } from "../helpers/data";
import { PYTHON } from "../helpers/reference";

/** What cleanlab 2.9.0 computes for a case (test/analyze/cleanlab_label_issues.py). */
export interface Reference {
  thresholds: number[];
  raw: number[];
  offDiagonal: number[];
  calibrated: number[];
  scores: Record<string, number[]>;
  issues: Record<string, number[]>;
  ranked: Record<string, number[]>;
  health: {
    classes: Record<string, number>[];
    overlaps: Record<string, number>[];
    score: number;
  };
}

/** cleanlab run live on the cases. */
export function cleanlab(all: ClassProbs[]): Reference[] {
  const file = path.join(tmpDir("cleanlab"), "cases.json");
  fs.writeFileSync(
    file,
    JSON.stringify(
      all.map((c) => ({
        labels: Array.from(c.labels),
        probs: Array.from(c.probs),
        classes: c.classes,
        filters: FILTERS,
        joint: Array.from(confidentJoint(c).counts),
      })),
    ),
  );
  const out = execFileSync(PYTHON, [path.join(__dirname, "cleanlab_label_issues.py"), file], {
    encoding: "utf8",
    maxBuffer: 1 << 28,
  });
  const parsed = JSON.parse(out) as { cleanlab: string; cases: Reference[] };
  expect(parsed.cleanlab).toBe("2.9.0");
  return parsed.cases;
}

/**
 * Out-of-fold probabilities and the labels they were fitted to, run through blindspot and cleanlab
 * (live): every filter's issues and the self-confidence ranking identical.
 */
export function expectCleanlabIssues(cv: CrossValProbs, label: ArrayLike<string>, samples: number): void {
  const rows = cv.rows.flatMap((r, i) => (r ? [i] : []));
  expect(rows.length).toBe(samples);
  const input: ClassProbs = {
    labels: Int32Array.from(rows, (i) => cv.classes.indexOf(label[i])),
    probs: Float64Array.from(rows.flatMap((i) => Array.from(cv.rows[i]!))),
    classes: cv.classes.length,
  };
  const [ref] = cleanlab([input]);
  for (const filterBy of FILTERS) {
    const mask = findLabelIssues(input, { filterBy });
    expect({ filterBy, issues: Array.from(mask.keys()).filter((i) => mask[i]) }).toEqual({
      filterBy,
      issues: ref.issues[filterBy],
    });
  }
  const ranked = Array.from(rankedIssues(findLabelIssues(input), labelQualityScores(input, "self_confidence")));
  expect(ranked).toEqual(ref.ranked.self_confidence);
}
