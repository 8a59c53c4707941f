import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { expect } from "vitest";
import type { Overconfidence } from "../../src/analyze/overconfidence";
import { tmpDir } from "../helpers/data";
import { PYTHON } from "../helpers/reference";

interface Curve {
  right_share: number[];
  mean_score: number[];
  count: number[];
  ece: number;
}

/** scikit-learn's calibration_curve of each window's scores, live. */
function sklearnCurves(cases: { name: string; right: number[]; score: number[]; bins: number }[]) {
  const file = path.join(tmpDir("calibration"), "cases.json");
  fs.writeFileSync(file, JSON.stringify(cases));
  return JSON.parse(
    execFileSync(PYTHON, [path.join(__dirname, "sklearn_calibration.py"), file], {
      encoding: "utf8",
      maxBuffer: 1 << 26,
    }),
  ) as Record<string, Curve>;
}

/** Each window's calibration bins and ECE against scikit-learn's on the same scores and outcomes (1e-12). */
export function expectSklearnCalibration(
  result: Overconfidence,
  scored: { window: string; right: number; score: number }[],
) {
  const windows = (result.windows.objects() as { window: string; scored: number; ece: number | null }[]).filter(
    (w) => w.scored > 0,
  );
  const want = sklearnCurves(
    windows.map((w) => {
      const rows = scored.filter((s) => s.window === w.window);
      return { name: w.window, right: rows.map((r) => r.right), score: rows.map((r) => r.score), bins: 10 };
    }),
  );
  for (const w of windows) {
    const bins = (result.calibration.objects() as Record<string, number | string>[]).filter(
      (b) => b.window === w.window,
    ) as Record<string, number>[];
    const close = (a: number[], b: number[]) => a.every((v, i) => Math.abs(v - b[i]) < 1e-12) && a.length === b.length;
    expect(
      close(
        bins.map((b) => b.right_share),
        want[w.window].right_share,
      ),
      w.window,
    ).toBe(true);
    expect(
      close(
        bins.map((b) => b.mean_score),
        want[w.window].mean_score,
      ),
      w.window,
    ).toBe(true);
    expect(bins.map((b) => b.count)).toEqual(want[w.window].count);
    expect(Math.abs(w.ece! - want[w.window].ece)).toBeLessThan(1e-12);
  }
}

/** Average precision of the planted rows in a ranking (1: all of them first). */
export function averagePrecision(ranked: boolean[]): number {
  let hits = 0,
    sum = 0;
  ranked.forEach((p, i) => p && (sum += ++hits / (i + 1)));
  return hits ? sum / hits : 0;
}
