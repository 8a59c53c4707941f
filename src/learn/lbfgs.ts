/**
 * Limited-memory BFGS (Nocedal and Wright, Numerical Optimization, 2nd ed., algorithms 7.4, 3.5
 * and 3.6): the last `memory` steps and gradient changes stand in for the inverse Hessian, and a
 * line search keeps each step to the strong Wolfe conditions. Stops when no gradient component
 * exceeds `gradientTolerance` (scipy's L-BFGS-B test, as scikit-learn calls it with `tol`), when
 * a step lowers the objective by less than `valueTolerance` relative to it, or after `maxIterations`.
 */

import { definedOnly } from "../options";

/** The objective at x; writes its gradient into `gradient`. */
export type Objective = (x: Float64Array, gradient: Float64Array) => number;

export interface LbfgsOptions {
  memory?: number;
  gradientTolerance?: number;
  valueTolerance?: number;
  maxIterations?: number;
}

export interface LbfgsResult {
  x: Float64Array;
  value: number;
  iterations: number;
  /** Largest gradient component at the end. */
  gradientMax: number;
  converged: boolean;
}

export const LBFGS_DEFAULTS = {
  memory: 10,
  gradientTolerance: 1e-10,
  valueTolerance: 64 * Number.EPSILON,
  maxIterations: 10_000,
};

/** Sufficient decrease and curvature constants of the strong Wolfe conditions. */
const C1 = 1e-4,
  C2 = 0.9;
const MAX_LINE_SEARCH = 50;

export function minimize(f: Objective, start: Float64Array, options: LbfgsOptions = {}): LbfgsResult {
  const o = { ...LBFGS_DEFAULTS, ...definedOnly(options) };
  const n = start.length;
  let x = Float64Array.from(start);
  let g = new Float64Array(n);
  let value = f(x, g);
  const S: Float64Array[] = [],
    Y: Float64Array[] = [],
    rho: number[] = [];
  const d = new Float64Array(n);
  let iterations = 0;
  for (; iterations < o.maxIterations; iterations++) {
    if (maxAbs(g) <= o.gradientTolerance) return { x, value, iterations, gradientMax: maxAbs(g), converged: true };
    direction(g, S, Y, rho, d);
    let slope = dot(g, d);
    if (!(slope < 0)) {
      // Not a descent direction (numerical trouble): start again from steepest descent.
      S.length = Y.length = rho.length = 0;
      for (let i = 0; i < n; i++) d[i] = -g[i];
      slope = dot(g, d);
    }
    const first = iterations === 0 ? Math.min(1, 1 / Math.sqrt(dot(d, d))) : 1;
    const step = lineSearch(f, x, value, g, d, slope, first);
    if (!step) return { x, value, iterations, gradientMax: maxAbs(g), converged: false };
    const s = new Float64Array(n),
      y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      s[i] = step.x[i] - x[i];
      y[i] = step.g[i] - g[i];
    }
    const sy = dot(s, y);
    if (sy > 1e-16 * dot(y, y)) {
      S.push(s);
      Y.push(y);
      rho.push(1 / sy);
      if (S.length > o.memory) {
        S.shift();
        Y.shift();
        rho.shift();
      }
    }
    const drop = value - step.value;
    x = step.x;
    g = step.g;
    value = step.value;
    if (drop <= o.valueTolerance * Math.max(Math.abs(value), Math.abs(value + drop), 1))
      return { x, value, iterations: iterations + 1, gradientMax: maxAbs(g), converged: true };
  }
  return { x, value, iterations, gradientMax: maxAbs(g), converged: maxAbs(g) <= o.gradientTolerance };
}

/** d = -H g by the two-loop recursion, H0 scaled by the newest pair. */
function direction(g: Float64Array, S: Float64Array[], Y: Float64Array[], rho: number[], d: Float64Array): void {
  d.set(g);
  const alpha = new Float64Array(S.length);
  for (let j = S.length - 1; j >= 0; j--) {
    alpha[j] = rho[j] * dot(S[j], d);
    axpy(-alpha[j], Y[j], d);
  }
  if (S.length) scale(d, 1 / (rho[S.length - 1] * dot(Y[S.length - 1], Y[S.length - 1])));
  for (let j = 0; j < S.length; j++) axpy(alpha[j] - rho[j] * dot(Y[j], d), S[j], d);
  scale(d, -1);
}

interface Point {
  t: number;
  x: Float64Array;
  g: Float64Array;
  value: number;
  slope: number;
}

/** A step along d meeting the strong Wolfe conditions (algorithm 3.5, zoom 3.6 with cubic steps); null if none found. */
function lineSearch(
  f: Objective,
  x0: Float64Array,
  f0: number,
  g0: Float64Array,
  d: Float64Array,
  slope0: number,
  first: number,
): Point | null {
  const at = (t: number): Point => {
    const x = new Float64Array(x0.length);
    for (let i = 0; i < x.length; i++) x[i] = x0[i] + t * d[i];
    const g = new Float64Array(x0.length);
    const value = f(x, g);
    return { t, x, g, value, slope: dot(g, d) };
  };
  let previous: Point = { t: 0, x: x0, g: g0, value: f0, slope: slope0 };
  let t = first;
  for (let k = 0; k < MAX_LINE_SEARCH; k++) {
    const p = at(t);
    if (p.value > f0 + C1 * t * slope0 || (k > 0 && p.value >= previous.value))
      return zoom(at, f0, slope0, previous, p);
    if (Math.abs(p.slope) <= -C2 * slope0) return p;
    if (p.slope >= 0) return zoom(at, f0, slope0, p, previous);
    previous = p;
    t *= 2;
  }
  return null;
}

function zoom(at: (t: number) => Point, f0: number, slope0: number, lo: Point, hi: Point): Point | null {
  for (let k = 0; k < MAX_LINE_SEARCH; k++) {
    const t = cubicMinimum(lo, hi);
    const p = at(t);
    if (p.value > f0 + C1 * t * slope0 || p.value >= lo.value) hi = p;
    else {
      if (Math.abs(p.slope) <= -C2 * slope0) return p;
      if (p.slope * (hi.t - lo.t) >= 0) hi = lo;
      lo = p;
    }
    if (Math.abs(hi.t - lo.t) < 1e-16 * Math.max(1, Math.abs(lo.t))) return lo.t > 0 ? lo : null;
  }
  return lo.t > 0 ? lo : null;
}

/** The minimum of the cubic through both points' values and slopes, kept well inside the interval. */
function cubicMinimum(a: Point, b: Point): number {
  const d1 = a.slope + b.slope - (3 * (a.value - b.value)) / (a.t - b.t);
  const disc = d1 * d1 - a.slope * b.slope;
  const lo = Math.min(a.t, b.t),
    hi = Math.max(a.t, b.t),
    margin = 0.1 * (hi - lo);
  if (disc >= 0) {
    const d2 = Math.sign(b.t - a.t) * Math.sqrt(disc);
    const t = b.t - (b.t - a.t) * ((b.slope + d2 - d1) / (b.slope - a.slope + 2 * d2));
    if (Number.isFinite(t) && t > lo + margin && t < hi - margin) return t;
  }
  return (lo + hi) / 2;
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

function axpy(alpha: number, x: Float64Array, y: Float64Array): void {
  for (let i = 0; i < y.length; i++) y[i] += alpha * x[i];
}

function scale(x: Float64Array, alpha: number): void {
  for (let i = 0; i < x.length; i++) x[i] *= alpha;
}

function maxAbs(x: Float64Array): number {
  let m = 0;
  for (let i = 0; i < x.length; i++) m = Math.max(m, Math.abs(x[i]));
  return m;
}
