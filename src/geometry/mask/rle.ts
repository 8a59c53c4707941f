/**
 * Run-length encoded binary masks, as pycocotools (common/maskApi.c) stores them.
 *
 * The mask is read in column-major order (down the first column, then the next) and `counts`
 * alternates runs of 0s and 1s, starting with 0s (so `counts[0]` may be 0). Counts are unsigned
 * 32-bit like C's `uint`, and the arithmetic below wraps the same way, so malformed input gives
 * pycocotools' answers rather than different ones.
 */
import { BlindspotError } from "../../errors";

export interface Rle {
  /** Height in pixels. */
  h: number;
  /** Width in pixels. */
  w: number;
  /** Alternating run lengths of 0s and 1s, column-major, starting with 0s. */
  counts: Uint32Array;
}

/** Number of pixels set: the sum of the odd-indexed runs. */
export function rleArea(r: Rle): number {
  const c = r.counts;
  let a = 0;
  for (let j = 1; j < c.length; j += 2) a = (a + c[j]) >>> 0;
  return a;
}

/**
 * Bounding box [x, y, width, height] of the set pixels, as pycocotools 2.0.11 computes it:
 * a trailing unpaired run is ignored; a mask with fewer than 2 runs gives [0, 0, 0, 0]; a mask
 * with runs but no set pixel gives [w, h, 2^32 + 1 - w, 2^32 + 1 - h] (C's unsigned wrap-around).
 */
export function rleToBbox(r: Rle): [number, number, number, number] {
  const out = new Float64Array(4);
  bboxInto(r, out, 0);
  return [out[0], out[1], out[2], out[3]];
}

/** Writes rleToBbox(r) to out[at..at+3]; the IoU prefilter uses it without allocating. */
export function bboxInto(r: Rle, out: Float64Array, at: number): void {
  const { h, counts } = r;
  const m = counts.length & ~1;
  if (m === 0) {
    out[at] = out[at + 1] = out[at + 2] = out[at + 3] = 0;
    return;
  }
  let xs = r.w >>> 0,
    ys = h >>> 0,
    xe = 0,
    ye = 0,
    cc = 0;
  for (let j = 0; j < m; j++) {
    const start = cc;
    cc = (cc + counts[j]) >>> 0;
    // Even runs are 0s; an empty run of 1s marks no pixel.
    if ((j & 1) === 0 || counts[j] === 0) continue;
    if (h === 0)
      throw new BlindspotError({ message: "an RLE of height 0 has set pixels: pycocotools divides by zero on it" });
    const last = (cc - 1) >>> 0;
    const yStart = start % h,
      xStart = (start - yStart) / h;
    const yEnd = last % h,
      xEnd = (last - yEnd) / h;
    if (xStart < xs) xs = xStart;
    if (xEnd > xe) xe = xEnd;
    if (xStart < xEnd) {
      // The run wraps into a next column, so it spans the full height.
      ys = 0;
      ye = h - 1;
    } else {
      if (yStart < ys) ys = yStart;
      if (yEnd > ye) ye = yEnd;
    }
  }
  out[at] = xs;
  out[at + 1] = ys;
  out[at + 2] = (xe - xs + 1) >>> 0;
  out[at + 3] = (ye - ys + 1) >>> 0;
}

/**
 * Union of masks (pycocotools' merge with intersect=0). No masks give an empty 0x0 RLE; masks
 * of different sizes give an empty 0x0 RLE too, as pycocotools does.
 */
export function rleMerge(rles: readonly Rle[]): Rle {
  if (rles.length === 0) return { h: 0, w: 0, counts: new Uint32Array(0) };
  const { h, w } = rles[0];
  let acc = rles[0].counts;
  for (let i = 1; i < rles.length; i++) {
    const b = rles[i];
    if (b.h !== h || b.w !== w) return { h: 0, w: 0, counts: new Uint32Array(0) };
    acc = unionRuns(acc, b.counts, i);
  }
  return { h, w, counts: acc === rles[0].counts ? acc.slice() : acc };
}

/**
 * Walks two run sequences together and emits a run wherever the union changes value. Zero-length
 * runs and the stop as soon as both current runs are empty follow maskApi.c step for step.
 */
function unionRuns(A: Uint32Array, B: Uint32Array, index: number): Uint32Array {
  const ka = A.length,
    kb = B.length;
  if (ka === 0 || kb === 0)
    throw new BlindspotError({
      place: `mask ${ka === 0 ? 0 : index}`,
      message: "cannot merge an RLE with no counts (pycocotools crashes on it)",
    });
  const out = new Uint32Array(ka + kb + 1);
  let ca = A[0],
    cb = B[0],
    a = 1,
    b = 1,
    cc = 0,
    n = 0;
  let va = false,
    vb = false,
    v = false;
  for (;;) {
    const c = ca < cb ? ca : cb;
    cc = (cc + c) >>> 0;
    ca -= c;
    if (ca === 0 && a < ka) {
      ca = A[a++];
      va = !va;
    }
    cb -= c;
    if (cb === 0 && b < kb) {
      cb = B[b++];
      vb = !vb;
    }
    const ct = (ca + cb) >>> 0;
    const vp: boolean = v;
    v = va || vb;
    if (v !== vp || ct === 0) {
      out[n++] = cc;
      cc = 0;
    }
    if (ct === 0) return out.slice(0, n);
    if ((ca === 0 && a >= ka) || (cb === 0 && b >= kb)) throw runsMismatch(index);
  }
}

/** One sequence ran out while the other has pixels left: maskApi.c would loop forever. */
export function runsMismatch(place: string | number): BlindspotError {
  return new BlindspotError({
    place: typeof place === "number" ? `mask ${place}` : place,
    message: "two RLEs of the same size cover different numbers of pixels (pycocotools loops forever on them)",
    hint: "the counts of an RLE must add up to height x width",
  });
}
