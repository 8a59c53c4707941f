/**
 * The two-sample tests and distances of drift detection, as scipy 1.17 and Evidently 0.7.23
 * compute them (the definitions read, nothing copied): scipy's ks_2samp (its exact p-value,
 * Hodges' lattice paths in the 1 - p form of Viehmann 2021), chisquare of the current counts
 * against the reference's scaled to the current size, the two-proportion Z-test, the Wasserstein
 * distance over the reference's standard deviation, the Jensen-Shannon distance of the value
 * shares, and PSI (a number is binned on Sturges' edges over both samples when the reference has
 * more than 20 distinct values; empty bins of PSI get Evidently's small share).
 */

import { chiSquareSurvival } from "../stats/gamma";
import { sortedCopy } from "../stats/sortNumbers";

/** Distinct values are counted up to this many: the tests' choices need no more (<= 5, binning > 20). */
const DISTINCT_CAP = 21;

/** Both samples of one field, prepared once for every test: numbers sorted, anything else counted by value. */
export type FieldPair =
  | { numeric: true; ref: Float64Array; cur: Float64Array; /** capped at 21 */ distinct: number }
  | { numeric: false; keys: string[]; ref: Float64Array; cur: Float64Array; distinct: number };

/** Numbers (sorted copies) when both samples are all numbers, else value counts of their text. */
export function fieldPair(
  reference: ArrayLike<number | string>,
  current: ArrayLike<number | string>,
  options: { skipMissing?: boolean } = {},
): FieldPair {
  const isNumbers = (xs: ArrayLike<unknown>) => {
    if (xs instanceof Float64Array) return true;
    for (let i = 0; i < xs.length; i++) if (typeof xs[i] !== "number") return false;
    return true;
  };
  if (isNumbers(reference) && isNumbers(current)) {
    const ref = sortedCopy(reference as ArrayLike<number>),
      cur = sortedCopy(current as ArrayLike<number>);
    return { numeric: true, ref, cur, distinct: distinctSorted(ref, cur) };
  }
  const { keys, ref, cur } = valueCounts(reference, current, options.skipMissing);
  return { numeric: false, keys, ref, cur, distinct: keys.length };
}

/** Distinct values of two sorted arrays together, up to DISTINCT_CAP (one merge pass). */
function distinctSorted(a: Float64Array, b: Float64Array): number {
  let distinct = 0;
  for (let i = 0, j = 0; (i < a.length || j < b.length) && distinct < DISTINCT_CAP; distinct++) {
    const v = j >= b.length || (i < a.length && a[i] <= b[j]) ? a[i] : b[j];
    while (i < a.length && a[i] === v) i++;
    while (j < b.length && b[j] === v) j++;
  }
  return distinct;
}

/** Two-sided two-sample Kolmogorov-Smirnov test: the largest gap between the ECDFs and its exact p-value. */
export function ks2samp(reference: Float64Array, current: Float64Array): { statistic: number; pValue: number } {
  return ksSorted(sortedCopy(reference), sortedCopy(current));
}

function ksSorted(a: Float64Array, b: Float64Array): { statistic: number; pValue: number } {
  const n1 = a.length,
    n2 = b.length;
  let d = 0;
  // The ECDFs step at every value of either sample; ties move both at once.
  for (let i = 0, j = 0; i < n1 || j < n2;) {
    const v = j >= n2 || (i < n1 && a[i] <= b[j]) ? a[i] : b[j];
    while (i < n1 && a[i] === v) i++;
    while (j < n2 && b[j] === v) j++;
    d = Math.max(d, Math.abs(i / n1 - j / n2));
  }
  const g = gcd(n1, n2);
  const lcm = (n1 / g) * n2;
  const h = Math.round(d * lcm);
  if (h === 0) return { statistic: 0, pValue: 1 };
  const p = n1 === n2 ? probOutsideSquare(n1, h) : probOutsideInside(n1, n2, g, h);
  return { statistic: h / lcm, pValue: Math.min(1, Math.max(0, p)) };
}

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

/** P(D >= h/n) for equal sizes n: 2 (A0 (1 - A1 (1 - A2 (...)))) evaluated from the innermost term. */
function probOutsideSquare(n: number, h: number): number {
  let p = 0;
  for (let k = Math.floor(n / h); k >= 0; k--) {
    let term = 1;
    for (let j = 0; j < h; j++) term = ((n - k * h - j) * term) / (n + k * h + j + 1);
    p = term * (1 - p);
  }
  return 2 * p;
}

/**
 * The share of lattice paths from (0, 0) to (m, n) that leave the band |x/m - y/n| < h / lcm,
 * computed column by column over the band as 1 - (share inside).
 */
function probOutsideInside(m0: number, n0: number, g: number, h: number): number {
  const [m, n] = m0 >= n0 ? [m0, n0] : [n0, m0];
  const mg = m / g,
    ng = n / g;
  let minj = 0,
    maxj = Math.min(Math.ceil(h / mg), n + 1);
  let curlen = maxj - minj;
  const A = new Float64Array(Math.min(2 * maxj + 2, n + 1)).fill(1);
  A.fill(0, minj, maxj);
  for (let i = 1; i <= m; i++) {
    const lastminj = minj,
      lastlen = curlen;
    minj = Math.min(Math.max(Math.floor((ng * i - h) / mg) + 1, 0), n);
    maxj = Math.min(Math.ceil((ng * i + h) / mg), n + 1);
    if (maxj <= minj) return 1;
    let val = minj === 0 ? 0 : 1;
    for (let jj = 0; jj < maxj - minj; jj++) {
      const j = jj + minj;
      val = (A[jj + minj - lastminj] * i + val * j) / (i + j);
      A[jj] = val;
    }
    curlen = maxj - minj;
    if (lastlen > curlen) A.fill(1, maxj - minj, maxj - minj + (lastlen - curlen));
  }
  return A[maxj - minj - 1];
}

/** Counts of each value (as text) in both samples, values in first-seen order; null, undefined and NaN skipped if asked. */
function valueCounts(reference: ArrayLike<unknown>, current: ArrayLike<unknown>, skipMissing = false) {
  const at = new Map<string, number>();
  const refCounts: number[] = [],
    curCounts: number[] = [];
  const count = (xs: ArrayLike<unknown>, mine: number[], other: number[]) => {
    for (let r = 0; r < xs.length; r++) {
      const v = xs[r];
      if (skipMissing && (v === null || v === undefined || (typeof v === "number" && Number.isNaN(v)))) continue;
      const key = typeof v === "string" ? v : String(v);
      let k = at.get(key);
      if (k === undefined) {
        at.set(key, (k = mine.length));
        mine.push(0);
        other.push(0);
      }
      mine[k]++;
    }
  };
  count(reference, refCounts, curCounts);
  count(current, curCounts, refCounts);
  return { keys: [...at.keys()], ref: Float64Array.from(refCounts), cur: Float64Array.from(curCounts) };
}

type Counted = Extract<FieldPair, { numeric: false }>;
type Sorted = Extract<FieldPair, { numeric: true }>;
const sum = (xs: Float64Array) => xs.reduce((s, v) => s + v, 0);

/** Value counts of a pair (numbers counted by their text, as the category tests see them). */
export function counted(pair: FieldPair): Counted {
  return pair.numeric ? { numeric: false, distinct: pair.distinct, ...valueCounts(pair.ref, pair.cur) } : pair;
}

export type DriftTest = "ks" | "chisquare" | "z" | "wasserstein" | "jensenshannon";

/** One test's score: a p-value (ks, chisquare, z) or a distance (wasserstein, jensenshannon). */
export function testScore(test: DriftTest, pair: FieldPair): number {
  const numbers = (): Sorted => {
    if (pair.numeric) return pair;
    throw new Error(`${test} compares numbers`);
  };
  switch (test) {
    case "ks":
      return ksSorted(numbers().ref, numbers().cur).pValue;
    case "wasserstein":
      return wassersteinNorm(numbers());
    case "chisquare":
      return chiSquareDrift(counted(pair));
    case "z":
      return zTestDrift(counted(pair));
    case "jensenshannon": {
      const s = binnedShares(pair);
      return jensenShannon(s.ref, s.cur);
    }
  }
}

/** scipy's chisquare of the current counts against the reference counts scaled to the current size: its p-value. */
export function chiSquareDrift({ ref, cur }: Counted): number {
  const scale = sum(cur) / sum(ref);
  let stat = 0;
  for (let k = 0; k < ref.length; k++) {
    const expected = ref[k] * scale;
    stat += ((cur[k] - expected) * (cur[k] - expected)) / expected;
  }
  return chiSquareSurvival(stat, ref.length - 1);
}

/** The two-proportion Z-test of Evidently (the first value, sorted, against the rest): its two-sided p-value. */
export function zTestDrift({ keys, ref, cur }: Counted): number {
  if (keys.length === 1) return 1;
  const first = keys.indexOf([...keys].sort()[0]);
  const n1 = sum(ref),
    n2 = sum(cur);
  const p1 = (n1 - ref[first]) / n1,
    p2 = (n2 - cur[first]) / n2;
  const pooled = (p1 * n1 + p2 * n2) / (n1 + n2);
  const z = (p1 - p2) / Math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2));
  return 2 * (1 - normalCdf(Math.abs(z)));
}

/** scipy's wasserstein_distance of two samples (equal weights) over max(std of the reference, 0.001). */
export function wassersteinNorm({ ref: a, cur: b }: Sorted): number {
  // Between consecutive distinct values of both samples, the gap of the ECDFs times the step (one merge pass).
  let distance = 0;
  let i = 0,
    j = 0;
  let v = Math.min(a[0], b[0]);
  for (;;) {
    while (i < a.length && a[i] <= v) i++;
    while (j < b.length && b[j] <= v) j++;
    if (i >= a.length && j >= b.length) break;
    const w = j >= b.length || (i < a.length && a[i] <= b[j]) ? a[i] : b[j];
    distance += Math.abs(i / a.length - j / b.length) * (w - v);
    v = w;
  }
  let mean = 0;
  for (const x of a) mean += x;
  mean /= a.length;
  let ss = 0;
  for (const x of a) ss += (x - mean) * (x - mean);
  return distance / Math.max(Math.sqrt(ss / a.length), 0.001);
}

/**
 * Value shares of both samples as Evidently bins them: numbers with more than 20 distinct reference
 * values on Sturges' histogram edges over both samples, anything else by value.
 */
export function binnedShares(pair: FieldPair): { ref: Float64Array; cur: Float64Array } {
  if (pair.numeric && distinctSorted(pair.ref, new Float64Array(0)) > 20) {
    const { ref: a, cur: b } = pair;
    const lo = Math.min(a[0], b[0]),
      hi = Math.max(a[a.length - 1], b[b.length - 1]);
    // numpy: Sturges' bin width, as many equal bins as fill the range, edges by linspace.
    const bins = Math.ceil((hi - lo) / ((hi - lo) / (Math.log2(a.length + b.length) + 1)));
    const step = (hi - lo) / bins;
    const edges = Float64Array.from({ length: bins + 1 }, (_, e) => (e === bins ? hi : lo + e * step));
    // Sorted values fill the bins in order: [edge e, edge e + 1), the last bin closed.
    const count = (xs: Float64Array) => {
      const c = new Float64Array(bins);
      for (let i = 0, at = 0; i < xs.length; i++) {
        while (at < bins - 1 && xs[i] >= edges[at + 1]) at++;
        c[at]++;
      }
      return c.map((v) => v / xs.length);
    };
    return { ref: count(a), cur: count(b) };
  }
  const { ref, cur } = counted(pair);
  const n1 = sum(ref),
    n2 = sum(cur);
  return { ref: ref.map((v) => v / n1), cur: cur.map((v) => v / n2) };
}

/** scipy's jensenshannon (natural log) of two share vectors. */
export function jensenShannon(p: Float64Array, q: Float64Array): number {
  const sp = p.reduce((s, v) => s + v, 0),
    sq = q.reduce((s, v) => s + v, 0);
  let js = 0;
  for (let k = 0; k < p.length; k++) {
    const a = p[k] / sp,
      b = q[k] / sq,
      m = (a + b) / 2;
    if (a > 0) js += a * Math.log(a / m);
    if (b > 0) js += b * Math.log(b / m);
  }
  return Math.sqrt(Math.max(js / 2, 0));
}

/** Evidently's PSI: empty shares replaced by a small one (1e-4, or a millionth of the smallest share when that is smaller). */
export function psi(p: Float64Array, q: Float64Array): number {
  const fill = (x: Float64Array) => {
    const nonzero = x.filter((v) => v !== 0);
    const low = Math.min(...nonzero);
    const small = low <= 0.0001 ? low / 10 ** 6 : 0.0001;
    return x.map((v) => (v === 0 ? small : v));
  };
  const a = fill(p),
    b = fill(q);
  let s = 0;
  for (let k = 0; k < a.length; k++) s += (a[k] - b[k]) * Math.log(a[k] / b[k]);
  return s;
}

/**
 * The standard normal CDF, from erfc: a series below |x| = 2.5, a continued fraction above
 * (relative error ~1e-15).
 */
export function normalCdf(x: number): number {
  return 0.5 * erfc(-x / Math.SQRT2);
}

function erfc(x: number): number {
  if (x < 0) return 2 - erfc(-x);
  if (x < 2.5) {
    // erf by its Maclaurin series.
    let term = x,
      sum = x;
    for (let n = 1; n < 200; n++) {
      term *= (-x * x) / n;
      const add = term / (2 * n + 1);
      sum += add;
      if (Math.abs(add) < 1e-17 * Math.abs(sum)) break;
    }
    return 1 - (2 / Math.sqrt(Math.PI)) * sum;
  }
  // Lentz's continued fraction for erfc: e^(-x^2)/sqrt(pi) * 1/(x + 1/2/(x + 1/(x + 3/2/(x + ...)))).
  const tiny = 1e-300;
  let f = x,
    c = x,
    d = 0;
  for (let k = 1; k < 500; k++) {
    const a = k / 2;
    d = x + a * d;
    d = Math.abs(d) < tiny ? tiny : d;
    c = x + a / c;
    c = Math.abs(c) < tiny ? tiny : c;
    d = 1 / d;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return Math.exp(-x * x) / Math.sqrt(Math.PI) / f;
}
