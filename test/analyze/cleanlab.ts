import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { expect } from "vitest";
import { confidentJoint } from "../../src/analyze/labelIssues/confidentJoint";
import { FILTERS } from "../../src/analyze/labelIssues/filter";
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
