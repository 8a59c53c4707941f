import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { mulberry32 } from "../../src/dataset/view";
import { chiSquareTest, cramersV } from "../../src/analyze/stats/chiSquare";
import { gammaP, gammaQ } from "../../src/analyze/stats/gamma";
import { tmpDir } from "../helpers/data";
import { hasPython, PYTHON } from "../helpers/reference";

/**
 * The incomplete gamma function and the chi-square test against scipy, run live
 * (test/analyze/scipy_stats.py): gammaincc / gammainc over a grid of a and x (x around a, far
 * below and far above it, p-values down to 1e-290), and chi2_contingency with its defaults plus
 * Cramer's V on generated tables (2 x 2 with Yates' correction, counts within half a unit of
 * their expectation, one-row tables, large and strongly dependent tables).
 */
const TOL = 1e-12;

const A = [0.5, 1, 1.5, 2, 3.5, 7, 9.5, 10, 12.5, 22.5, 50, 100.5, 1000, 12345.5];
const F = [1e-3, 0.1, 0.5, 0.9, 0.99, 1, 1.01, 1.1, 1.5, 2, 5, 20];
const GAMMA: [number, number][] = [
  ...A.flatMap((a) => F.map((f): [number, number] => [a, a * f])),
  ...A.flatMap((a) => [a + 1 - 1e-9, a + 1, a + 1 + 1e-9, a + Math.sqrt(a) * 3].map((x): [number, number] => [a, x])),
  // Chi-square p-values from moderate to the smallest that are still normal numbers.
  ...[1, 2, 5, 12, 45].flatMap((dof) => [0.1, 3, 30, 100, 300, 600, 700].map((x): [number, number] => [dof / 2, x])),
];

function randomTable(rand: () => number, rows: number, cols: number, n: number, tilt = 0): number[][] {
  const t = Array.from({ length: rows }, () => new Array<number>(cols).fill(0));
  for (let k = 0; k < n; k++) {
    const i = Math.floor(rand() * rows);
    // With tilt, row i leans towards column i.
    const j = rand() < tilt ? i % cols : Math.floor(rand() * cols);
    t[i][j]++;
  }
  return t;
}

function tables(): number[][][] {
  const rand = mulberry32(7);
  const out: number[][][] = [
    [
      [10, 20],
      [30, 40],
    ],
    // Counts within half a unit of their expectation: Yates moves them onto it.
    [
      [5, 5],
      [5, 6],
    ],
    [
      [1, 0],
      [0, 1],
    ],
    [[3, 4, 5]],
    [[3], [9]],
    [
      [1000000, 3],
      [2, 999999],
    ],
  ];
  for (const [rows, cols, n, tilt] of [
    [2, 2, 50, 0],
    [2, 2, 5000, 0.1],
    [2, 3, 80, 0],
    [3, 2, 300, 0.3],
    [6, 3, 2000, 0.05],
    [6, 4, 20000, 0.5],
    [10, 10, 400, 0],
    [10, 10, 100000, 0.02],
    [12, 5, 3000, 0.9],
  ]) {
    out.push(randomTable(rand, rows, cols, n, tilt));
  }
  // No empty row or column: scipy refuses a zero expected count, and coverage drops them.
  return out.filter((t) => t.every((r) => r.some((v) => v > 0)) && t[0].every((_, j) => t.some((r) => r[j] > 0)));
}

interface Scipy {
  scipy: string;
  gamma: [number, number][];
  tables: { chi2: number; p: number; dof: number; expected: number[]; v: number | null }[];
}

const relative = (a: number, b: number) => (a === b ? 0 : Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b)));

describe.runIf(hasPython())("incomplete gamma and chi-square test equal scipy's (live)", () => {
  const cases = { gamma: GAMMA, tables: tables() };
  const file = path.join(tmpDir("chi-square"), "cases.json");
  fs.writeFileSync(file, JSON.stringify(cases));
  const ref = JSON.parse(
    execFileSync(PYTHON, [path.join(__dirname, "scipy_stats.py"), file], { encoding: "utf8" }),
  ) as Scipy;

  it(`gammaincc and gammainc within ${TOL} relative on ${GAMMA.length} points`, () => {
    let worst = 0;
    GAMMA.forEach(([a, x], i) => {
      const [q, p] = ref.gamma[i];
      for (const [mine, theirs] of [
        [gammaQ(a, x), q],
        [gammaP(a, x), p],
      ]) {
        if (theirs < 1e-300) {
          expect(mine, `a=${a} x=${x}`).toBeLessThan(1e-300);
          continue;
        }
        const d = relative(mine, theirs);
        worst = Math.max(worst, d);
        expect(d, `a=${a} x=${x}: ${mine} against scipy's ${theirs}`).toBeLessThanOrEqual(TOL);
      }
    });
    console.log(`gammaincc/gammainc: ${GAMMA.length} points, largest relative difference ${worst.toExponential(2)}`);
  });

  it(`chi2_contingency (statistic, p-value, dof, expected counts) and Cramer's V within ${TOL}`, () => {
    let worst = 0;
    cases.tables.forEach((t, k) => {
      const rows = t.length,
        cols = t[0].length;
      const table = { rows, cols, counts: t.flat() };
      const mine = chiSquareTest(table);
      const theirs = ref.tables[k];
      const where = `table ${k} (${rows} x ${cols})`;
      expect(mine.dof, where).toBe(theirs.dof);
      expect(mine.corrected, where).toBe(theirs.dof === 1);
      const diffs = [
        relative(mine.chi2, theirs.chi2),
        theirs.p < 1e-300 ? (mine.pValue < 1e-300 ? 0 : 1) : relative(mine.pValue, theirs.p),
        ...Array.from(mine.expected, (e, i) => relative(e, theirs.expected[i])),
      ];
      if (theirs.v !== null)
        diffs.push(relative(cramersV(table, chiSquareTest(table, { correction: false }).chi2), theirs.v));
      for (const d of diffs) expect(d, where).toBeLessThanOrEqual(TOL);
      worst = Math.max(worst, ...diffs);
    });
    console.log(
      `chi2_contingency (scipy ${ref.scipy}): ${cases.tables.length} tables, largest relative difference ` +
        worst.toExponential(2),
    );
  });
});
