import { chiSquareSurvival } from "./gamma";

/** A two-way table of counts, row-major: `counts[i * cols + j]`. */
export interface Contingency {
  rows: number;
  cols: number;
  counts: ArrayLike<number>;
}

export interface ChiSquareResult {
  /** Pearson's statistic (with Yates' correction when `dof` is 1 and the correction is on). */
  chi2: number;
  pValue: number;
  dof: number;
  /** Counts expected under independence, row-major like the table. */
  expected: Float64Array;
  /** Whether Yates' continuity correction was applied. */
  corrected: boolean;
}

/**
 * The chi-square test of independence of a two-way table, as `scipy.stats.chi2_contingency`
 * computes it with its defaults (scipy 1.x, `correction=True`, `lambda_=None`): expected counts
 * row sum x column sum / total; degrees of freedom (rows - 1)(cols - 1); with one degree of
 * freedom (a 2 x 2 table) each count moves half a unit towards its expected count (Yates), at
 * most to it; with none the statistic is 0 and the p-value 1. The table must have no empty row
 * or column (scipy refuses a zero expected count; callers drop them first).
 */
export function chiSquareTest(table: Contingency, options: { correction?: boolean } = {}): ChiSquareResult {
  const { rows, cols, counts } = table;
  const rowSums = new Float64Array(rows),
    colSums = new Float64Array(cols);
  let total = 0;
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      const v = counts[i * cols + j];
      rowSums[i] += v;
      colSums[j] += v;
      total += v;
    }
  }
  const expected = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++)
    for (let j = 0; j < cols; j++) expected[i * cols + j] = (rowSums[i] * colSums[j]) / total;
  const dof = (rows - 1) * (cols - 1);
  if (dof === 0) return { chi2: 0, pValue: 1, dof, expected, corrected: false };
  const corrected = dof === 1 && (options.correction ?? true);
  const chi2 = pearson(counts, expected, corrected);
  return { chi2, pValue: chiSquareSurvival(chi2, dof), dof, expected, corrected };
}

/** Sum of (observed - expected)^2 / expected; with Yates, observed moves min(0.5, |diff|) towards expected. */
function pearson(counts: ArrayLike<number>, expected: Float64Array, yates: boolean): number {
  let sum = 0;
  for (let k = 0; k < expected.length; k++) {
    let observed = counts[k];
    if (yates) {
      const diff = expected[k] - observed;
      observed += Math.sign(diff) * Math.min(0.5, Math.abs(diff));
    }
    const d = observed - expected[k];
    sum += (d * d) / expected[k];
  }
  return sum;
}

/**
 * Cramer's V of a table: sqrt(chi2 / (n (min(rows, cols) - 1))) with the uncorrected statistic,
 * as `scipy.stats.contingency.association(table, method="cramer")` (its default `correction=False`).
 * 0 for a table with one row or one column.
 */
export function cramersV(table: Contingency, chi2Uncorrected: number): number {
  const k = Math.min(table.rows, table.cols) - 1;
  if (k <= 0) return 0;
  let n = 0;
  for (let i = 0; i < table.counts.length; i++) n += table.counts[i];
  return Math.sqrt(chi2Uncorrected / n / k);
}
