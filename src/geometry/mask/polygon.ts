/**
 * Polygon to RLE, pixel for pixel as pycocotools' rleFrPoly: the outline is traced on a grid 5
 * times finer, and each point where the trace crosses a pixel centre column becomes a boundary
 * between runs. Every C `(int)` cast, rounding by +0.5 then truncation toward zero, is kept.
 */
import { BlindspotError } from "../../errors";
import type { Rle } from "./rle";

const SCALE = 5;
/** Scaled coordinates stay below 2^30, so their differences fit the C ints the trace uses. */
const LIMIT = 2 ** 30;
const INT_MIN = -(2 ** 31);

/** Boundary positions (x * h + y) found by the trace, reused between calls. */
let scratch = new Uint32Array(1024);

/**
 * The mask of the polygon x1, y1, x2, y2, ... in an h x w image. Like pycocotools, it uses
 * floor(length / 2) points, accepts any number of them (fewer than 3 give a line, a point or
 * nothing) and clips what lies outside the image.
 */
export function rleFromPolygon(xy: ArrayLike<number>, h: number, w: number): Rle {
  const k = Math.floor(xy.length / 2);
  const px = new Int32Array(k + 1),
    py = new Int32Array(k + 1);
  for (let j = 0; j < 2 * k; j++) {
    const v = xy[j];
    const s = SCALE * v + 0.5;
    if (!(Math.abs(s) < LIMIT)) {
      throw new BlindspotError({
        place: `polygon coordinate ${j}`,
        message:
          `${v} is not a coordinate pycocotools can rasterize (it needs a finite number within ` +
          `±${Math.floor(LIMIT / SCALE)}; beyond that its C ints overflow)`,
      });
    }
    if (j & 1) py[j >> 1] = cInt(s);
    else px[j >> 1] = cInt(s);
  }
  px[k] = px[0];
  py[k] = py[0];

  // A column boundary past the last column only counts when w - 1 wraps (w = 0, as size_t).
  const lastColumn = w === 0 ? 2 ** 64 - 1 : w - 1;
  let n = 0,
    pu = 0,
    pv = 0,
    started = false;
  for (let j = 0; j < k; j++) {
    let xs = px[j],
      xe = px[j + 1],
      ys = py[j],
      ye = py[j + 1];
    const dx = Math.abs(xe - xs),
      dy = Math.abs(ys - ye);
    const alongX = dx >= dy;
    // Each edge is stepped from its lower end along its longer axis, then read back in order.
    const flip = (alongX && xs > xe) || (!alongX && ys > ye);
    if (flip) {
      [xs, xe] = [xe, xs];
      [ys, ye] = [ye, ys];
    }
    const steps = alongX ? dx : dy;
    // 0 / 0 for an edge of zero length: its one point gets y = INT_MIN, as on x86.
    const slope = alongX ? (ye - ys) / dx : (xe - xs) / dy;
    for (let d = 0; d <= steps; d++) {
      const t = flip ? steps - d : d;
      let u: number, v: number;
      if (alongX) {
        u = t + xs;
        v = cInt(ys + slope * t + 0.5);
      } else {
        v = t + ys;
        u = cInt(xs + slope * t + 0.5);
      }
      if (started && u !== pu) {
        const at = crossing(u, v, pu, pv, h, lastColumn);
        if (at >= 0) {
          if (n === scratch.length) grow(n * 2);
          scratch[n++] = at;
        }
      }
      pu = u;
      pv = v;
      started = true;
    }
  }
  if (n === scratch.length) grow(n * 2);
  scratch[n++] = (h * w) >>> 0;
  return { h, w, counts: toRuns(scratch.subarray(0, n)) };
}

/**
 * Where the step from (pu, pv) to (u, v) on the fine grid crosses a pixel centre column: the
 * pixel index x * h + y of the run boundary, or -1 when it crosses none inside the image.
 */
function crossing(u: number, v: number, pu: number, pv: number, h: number, lastColumn: number): number {
  const x = ((u < pu ? u : u - 1) + 0.5) / SCALE - 0.5;
  if (Math.floor(x) !== x || x < 0 || x > lastColumn) return -1;
  let y = ((v < pv ? v : pv) + 0.5) / SCALE - 0.5;
  if (y < 0) y = 0;
  else if (y > h) y = h;
  y = Math.ceil(y);
  return (Math.imul(x, h | 0) + y) >>> 0;
}

/**
 * Sorted boundary positions to run lengths. Two boundaries at the same pixel cancel: the empty
 * run between them is dropped and the next run joins the one before (maskApi.c's own pass, which
 * skips the run after a zero without looking at it).
 */
function toRuns(a: Uint32Array): Uint32Array {
  a.sort();
  const k = a.length;
  let prev = 0;
  for (let j = 0; j < k; j++) {
    const t = a[j];
    a[j] = t - prev;
    prev = t;
  }
  const out = new Uint32Array(k);
  let m = 0,
    j = 0;
  out[m++] = a[j++];
  while (j < k) {
    if (a[j] > 0) out[m++] = a[j++];
    else {
      j++;
      if (j < k) out[m - 1] += a[j++];
    }
  }
  return out.slice(0, m);
}

/** C's (int) of a double on x86: truncation, or INT_MIN for NaN and out-of-range values. */
function cInt(x: number): number {
  return x > -2147483649 && x < 2147483648 ? x | 0 : INT_MIN;
}

function grow(size: number): void {
  const next = new Uint32Array(size);
  next.set(scratch);
  scratch = next;
}
