/**
 * Geometry shared by the formats that store shapes as corners or polygons (CVAT, LabelMe, COCO):
 * polygon extents, and exact conversions between corners and sizes.
 */

function ulp(v: number): number {
  const a = Math.abs(v);
  return a === 0 || !Number.isFinite(a) ? Number.MIN_VALUE : 2 ** (Math.floor(Math.log2(a)) - 52);
}

/**
 * The size `hi - lo` of a box given by corners, cleaned of the rounding of the subtraction and
 * of the writer's `lo + size`: the decimal with the fewest places within 2 units in the last
 * place of the corners (0.30000000000000004 - 0.1 gives 0.2, not 0.20000000000000004).
 * Integer and short decimal corners come out exactly as plain subtraction gives them.
 */
export function cornerSize(lo: number, hi: number): number {
  const raw = hi - lo;
  if (!Number.isFinite(raw) || Number.isInteger(raw)) return raw;
  const tol = 2 * ulp(Math.max(Math.abs(lo), Math.abs(hi)));
  for (let p = 1; p <= 20; p++) {
    const c = Number(raw.toFixed(p));
    if (Math.abs(c - raw) <= tol) return c;
  }
  return raw;
}

/** Extent of a flat polygon [x1,y1,x2,y2,...] as [x, y, w, h]. */
export function extent(flat: ArrayLike<number>): [number, number, number, number] {
  let x0 = Infinity,
    y0 = Infinity,
    x1 = -Infinity,
    y1 = -Infinity;
  for (let k = 0; k + 1 < flat.length; k += 2) {
    if (flat[k] < x0) x0 = flat[k];
    if (flat[k] > x1) x1 = flat[k];
    if (flat[k + 1] < y0) y0 = flat[k + 1];
    if (flat[k + 1] > y1) y1 = flat[k + 1];
  }
  return x1 >= x0 ? [x0, y0, x1 - x0, y1 - y0] : [0, 0, 0, 0];
}

const F64 = new Float64Array(1);
const I64 = new BigInt64Array(F64.buffer);

/** The double next to `v` towards +Infinity (dir 1) or -Infinity (dir -1). */
function nextDouble(v: number, dir: 1 | -1): number {
  if (v === 0) return dir * Number.MIN_VALUE;
  F64[0] = v;
  I64[0] += v > 0 === dir > 0 ? 1n : -1n;
  return F64[0];
}

/**
 * The far corner `x + w` as a double that gives back exactly `w` when a reader computes
 * `corner - x`, when such a double lies within a few units in the last place of `x + w`;
 * else `x + w`. This keeps corner-based formats' round trips exact for non-integer boxes.
 */
export function exactCorner(x: number, w: number): number {
  const s = x + w;
  if (s - x === w || !Number.isFinite(s)) return s;
  let up = s,
    down = s;
  for (let k = 0; k < 4; k++) {
    up = nextDouble(up, 1);
    if (up - x === w) return up;
    down = nextDouble(down, -1);
    if (down - x === w) return down;
  }
  return s;
}

/** Polygons of a segmentation JSON (COCO polygon list), or null for none / RLE. */
export function polygonsOf(seg: string | null): number[][] | null {
  if (seg === null || !seg.startsWith("[")) return null;
  const v = JSON.parse(seg) as unknown;
  if (!Array.isArray(v) || v.length === 0 || !v.every((p) => Array.isArray(p) && p.every((n) => typeof n === "number")))
    return null;
  return v as number[][];
}

/**
 * The polygon a one-polygon-per-shape format (CVAT, LabelMe) writes for an object: its single
 * polygon when the object's box is that polygon's extent (the box reads back exactly); null
 * when it has none (or RLE, which `losses` reports); "dropped" when it has a mask that such a
 * format cannot hold with the same box (several parts, fewer than 3 points, a box that is not
 * the extent): the object is written as a box, so its box and identity survive.
 */
export function writablePolygon(
  seg: string | null,
  x: number,
  y: number,
  w: number,
  h: number,
): number[] | null | "dropped" {
  const polys = polygonsOf(seg);
  if (polys === null) return seg !== null && seg.startsWith("[") && seg !== "[]" ? "dropped" : null;
  if (polys.length === 1 && polys[0].length >= 6 && polys[0].length % 2 === 0 && boxIsExtent(polys, x, y, w, h))
    return polys[0];
  return "dropped";
}

export function polygonsDroppedLine(n: number, formatName: string): string {
  return (
    `${n} polygon masks (${formatName} holds one polygon per shape, whose extent is the box: masks with several ` +
    `parts, under 3 points or a box that is not their extent are written as boxes and the masks left out)`
  );
}

/** True when a box is (to 1e-9 of its size) the extent of its polygons. */
export function boxIsExtent(polys: number[][], x: number, y: number, w: number, h: number): boolean {
  const [ex, ey, ew, eh] = extent(polys.flat());
  const tol = 1e-9 * Math.max(1, Math.abs(x) + Math.abs(w), Math.abs(y) + Math.abs(h));
  return (
    Math.abs(ex - x) <= tol &&
    Math.abs(ey - y) <= tol &&
    Math.abs(ex + ew - (x + w)) <= tol &&
    Math.abs(ey + eh - (y + h)) <= tol
  );
}
