/**
 * Aligns one small grey image onto another: the affine map and the gain and offset that make
 * `b` look most like `a`, found from coarse to fine (a near copy is its source cropped, shifted,
 * rescaled, turned by a few degrees, re-lit).
 *
 * - A pyramid of 2x box averages; on the coarsest level every whole-pixel shift within
 *   COARSE_SHIFT is tried (a shift of 8 % is 2 pixels there), the best by correlation starts
 *   the refinement.
 * - On each level, Gauss-Newton on sum (g b(W x) + o - a(x))^2 over the 6 affine parameters,
 *   gain g and offset o, with bilinear sampling; pixels that map outside `b` are left out.
 *
 * Images are `side` x `side` row-major floats (0..255); coordinates are taken from the image
 * centre so that the linear part and the shift do not trade off.
 */

import { type Gray, downsample } from "./gray";

/** x' = m[0] x + m[1] y + m[2], y' = m[3] x + m[4] y + m[5], centred coordinates, in pixels of the finest level. */
export type Affine = Float64Array;

export interface Alignment {
  warp: Affine;
  gain: number;
  offset: number;
}

/** Whole-pixel shifts tried each way on the coarsest level. */
const COARSE_SHIFT = 3;
/** Levels below the finest (96 -> 48 -> 24). */
const LEVELS = 2;
/** Gauss-Newton steps per level, finest first (the coarse ones are cheap). */
const ITERATIONS = [3, 5, 8];
const PARAMS = 8;

/**
 * `b` aligned onto `a` (pyramids from `pyramid`, finest first). `keepGoing`, called after each
 * level but the finest with that level and the alignment so far, can stop early (null returned):
 * a pair that is far apart at 48 pixels need not be refined at 96.
 */
export function align(
  a: readonly Gray[],
  b: readonly Gray[],
  keepGoing: (level: number, s: Alignment) => boolean = () => true,
): Alignment | null {
  const top = a.length - 1;
  const state = { warp: bestShift(a[top], b[top]), gain: 1, offset: 0 };
  for (let l = top; l >= 0; l--) {
    for (let it = 0; it < ITERATIONS[l]; it++) if (!step(a[l], b[l], state)) break;
    if (l === 0) break;
    if (!keepGoing(l, state)) return null;
    state.warp[2] *= 2;
    state.warp[5] *= 2;
  }
  return state;
}

/** The image and LEVELS halvings of it, finest first. */
export function pyramid(g: Gray): Gray[] {
  const levels = [g];
  for (let l = 0; l < LEVELS; l++) levels.push(downsample(levels[l]));
  return levels;
}

function identity(dx = 0, dy = 0): Affine {
  return Float64Array.of(1, 0, dx, 0, 1, dy);
}

/** The whole-pixel shift of `b` with the highest correlation over the overlap. */
function bestShift(a: Gray, b: Gray): Affine {
  const S = a.side;
  let best = -Infinity,
    bx = 0,
    by = 0;
  for (let dy = -COARSE_SHIFT; dy <= COARSE_SHIFT; dy++) {
    for (let dx = -COARSE_SHIFT; dx <= COARSE_SHIFT; dx++) {
      let n = 0,
        sa = 0,
        sb = 0,
        saa = 0,
        sbb = 0,
        sab = 0;
      for (let y = Math.max(0, -dy); y < Math.min(S, S - dy); y++) {
        for (let x = Math.max(0, -dx); x < Math.min(S, S - dx); x++) {
          const va = a.pixels[y * S + x],
            vb = b.pixels[(y + dy) * S + x + dx];
          n++;
          sa += va;
          sb += vb;
          saa += va * va;
          sbb += vb * vb;
          sab += va * vb;
        }
      }
      const cov = sab - (sa * sb) / n,
        va = saa - (sa * sa) / n,
        vb = sbb - (sb * sb) / n;
      const r = va > 0 && vb > 0 ? cov / Math.sqrt(va * vb) : -1;
      if (r > best) [best, bx, by] = [r, dx, dy];
    }
  }
  return identity(bx, by);
}

/**
 * One Gauss-Newton step on (warp, gain, offset); false when it could not move (singular, or too
 * little overlap). The Jacobian of a pixel is [kx X, ky X, b, 1] with X = (x, y, 1) and
 * (kx, ky) the gain times b's gradient, so the normal equations are sums of a few products per
 * pixel (moments below), not an 8 x 8 outer product.
 */
function step(a: Gray, b: Gray, s: Alignment): boolean {
  const S = a.side,
    c = (S - 1) / 2,
    m = s.warp,
    gain = s.gain,
    offset = s.offset;
  const P = b.pixels,
    GX = b.gx,
    GY = b.gy,
    A = a.pixels;
  // Moments (named as normalMatrix reads them), in locals so that the loop keeps them in registers:
  // [xx, xy, x, yy, y, 1] times kx kx (p*), kx ky (q*), ky ky (t*); kx b X; ky b X; kx X; ky X; b b, b.
  let p0 = 0,
    p1 = 0,
    p2 = 0,
    p3 = 0,
    p4 = 0,
    p5 = 0;
  let q0 = 0,
    q1 = 0,
    q2 = 0,
    q3 = 0,
    q4 = 0,
    q5 = 0;
  let t0 = 0,
    t1 = 0,
    t2 = 0,
    t3 = 0,
    t4 = 0,
    t5 = 0;
  let kbx = 0,
    kby = 0,
    kb1 = 0,
    lbx = 0,
    lby = 0,
    lb1 = 0;
  let kx_ = 0,
    ky_ = 0,
    k1 = 0,
    lx = 0,
    ly = 0,
    l1 = 0;
  let bb = 0,
    b1 = 0;
  let r0 = 0,
    r1 = 0,
    r2 = 0,
    r3 = 0,
    r4 = 0,
    r5 = 0,
    r6 = 0,
    r7 = 0;
  let n = 0;
  for (let y = 0; y < S; y++) {
    const yc = y - c;
    for (let x = 0; x < S; x++) {
      const xc = x - c;
      const u = m[0] * xc + m[1] * yc + m[2] + c,
        v = m[3] * xc + m[4] * yc + m[5] + c;
      if (u < 0 || v < 0 || u > S - 1 || v > S - 1) continue;
      // Bilinear weights shared by the three samples (gray.ts's sample, inlined: this is the hot loop).
      const x0 = Math.min(S - 2, Math.floor(u)),
        y0 = Math.min(S - 2, Math.floor(v));
      const fx = u - x0,
        fy = v - y0,
        i = y0 * S + x0;
      const w00 = (1 - fx) * (1 - fy),
        w01 = fx * (1 - fy),
        w10 = (1 - fx) * fy,
        w11 = fx * fy;
      const bv = w00 * P[i] + w01 * P[i + 1] + w10 * P[i + S] + w11 * P[i + S + 1],
        kx = gain * (w00 * GX[i] + w01 * GX[i + 1] + w10 * GX[i + S] + w11 * GX[i + S + 1]),
        ky = gain * (w00 * GY[i] + w01 * GY[i + 1] + w10 * GY[i + S] + w11 * GY[i + S + 1]);
      const r = A[y * S + x] - (gain * bv + offset);
      const xx = xc * xc,
        xy = xc * yc,
        yy = yc * yc;
      const wp = kx * kx,
        wq = kx * ky,
        wt = ky * ky;
      p0 += wp * xx;
      p1 += wp * xy;
      p2 += wp * xc;
      p3 += wp * yy;
      p4 += wp * yc;
      p5 += wp;
      q0 += wq * xx;
      q1 += wq * xy;
      q2 += wq * xc;
      q3 += wq * yy;
      q4 += wq * yc;
      q5 += wq;
      t0 += wt * xx;
      t1 += wt * xy;
      t2 += wt * xc;
      t3 += wt * yy;
      t4 += wt * yc;
      t5 += wt;
      const kxb = kx * bv,
        kyb = ky * bv;
      kbx += kxb * xc;
      kby += kxb * yc;
      kb1 += kxb;
      lbx += kyb * xc;
      lby += kyb * yc;
      lb1 += kyb;
      kx_ += kx * xc;
      ky_ += kx * yc;
      k1 += kx;
      lx += ky * xc;
      ly += ky * yc;
      l1 += ky;
      bb += bv * bv;
      b1 += bv;
      const kxr = kx * r,
        kyr = ky * r;
      r0 += kxr * xc;
      r1 += kxr * yc;
      r2 += kxr;
      r3 += kyr * xc;
      r4 += kyr * yc;
      r5 += kyr;
      r6 += bv * r;
      r7 += r;
      n++;
    }
  }
  if (n < (S * S) / 4) return false;
  const M = Float64Array.of(
    ...[p0, p1, p2, p3, p4, p5, q0, q1, q2, q3, q4, q5, t0, t1, t2, t3, t4, t5],
    ...[kbx, kby, kb1, lbx, lby, lb1, kx_, ky_, k1, lx, ly, l1, bb, b1],
  );
  const d = solve(normalMatrix(M, n), Float64Array.of(r0, r1, r2, r3, r4, r5, r6, r7), PARAMS);
  if (!d) return false;
  for (let i = 0; i < 6; i++) m[i] += d[i];
  s.gain += d[6];
  s.offset += d[7];
  return true;
}

/** The 8 x 8 normal matrix from step's moments. */
function normalMatrix(M: Float64Array, n: number): Float64Array {
  const H = new Float64Array(PARAMS * PARAMS);
  // X X^T from the six moments [xx, xy, x, yy, y, 1] at offset o.
  const xxT = (o: number) => [
    [M[o], M[o + 1], M[o + 2]],
    [M[o + 1], M[o + 3], M[o + 4]],
    [M[o + 2], M[o + 4], M[o + 5]],
  ];
  const blocks = [xxT(0), xxT(6), xxT(12)];
  const put = (i: number, j: number, v: number) => {
    H[i * PARAMS + j] = v;
    H[j * PARAMS + i] = v;
  };
  for (let i = 0; i < 3; i++)
    for (let j = 0; j < 3; j++) {
      put(i, j, blocks[0][i][j]);
      put(i, 3 + j, blocks[1][i][j]);
      put(3 + i, 3 + j, blocks[2][i][j]);
    }
  for (let i = 0; i < 3; i++) {
    put(i, 6, M[18 + i]);
    put(3 + i, 6, M[21 + i]);
    put(i, 7, M[24 + i]);
    put(3 + i, 7, M[27 + i]);
  }
  put(6, 6, M[30]);
  put(6, 7, M[31]);
  put(7, 7, n);
  return H;
}

/** H x = g by Gaussian elimination with partial pivoting; null when singular. */
export function solve(H: Float64Array, g: Float64Array, n: number): Float64Array | null {
  const A = Float64Array.from(H),
    x = Float64Array.from(g);
  for (let k = 0; k < n; k++) {
    let p = k;
    for (let i = k + 1; i < n; i++) if (Math.abs(A[i * n + k]) > Math.abs(A[p * n + k])) p = i;
    if (!(Math.abs(A[p * n + k]) > 1e-12)) return null;
    if (p !== k) {
      for (let j = 0; j < n; j++) [A[k * n + j], A[p * n + j]] = [A[p * n + j], A[k * n + j]];
      [x[k], x[p]] = [x[p], x[k]];
    }
    for (let i = k + 1; i < n; i++) {
      const f = A[i * n + k] / A[k * n + k];
      if (f === 0) continue;
      for (let j = k; j < n; j++) A[i * n + j] -= f * A[k * n + j];
      x[i] -= f * x[k];
    }
  }
  for (let k = n - 1; k >= 0; k--) {
    let s = x[k];
    for (let j = k + 1; j < n; j++) s -= A[k * n + j] * x[j];
    x[k] = s / A[k * n + k];
  }
  return x;
}
