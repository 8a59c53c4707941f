// The per-pixel pass of the quality scores (src/quality/pixels.ts has its TypeScript reference),
// in AssemblyScript compiled to WebAssembly with SIMD (16 pixels a step): per image, in one call,
//  - counts of R, G, B (768 i32),
//  - OpenCV's gray (kept here: only its sums and its Laplacian's leave), Pillow's "L" (n bytes),
//  - the R, G, B planes (3n bytes) for Pillow's resampling,
//  - the brightness keys 241 R^2 + 691 G^2 + 68 B^2 (n u32) and their histogram by the top
//    13 of 26 bits (8192 i32) for brightness.ts,
//  - exact sums (integers, written as f64 below 2^53): gray, gray^2, R - G, (R - G)^2, R + G - 2B, its
//    square, the Laplacian of the gray and its square (BORDER_REFLECT_101, as opencv.ts),
//  - sums of Pillow's "L" over the 16 x 16 cells of the near-duplicate thumbnail (256 f64);
// and, after the pass, the two scans of the brightness selection (lowCounts, keyColours).
// src/quality/pixels.ts lays the arrays out in memory. Built by `npm run build`.

export { heapBase, reserve } from "./memory";

@inline function reflect101(i: i32, n: i32): i32 {
  if (n == 1) return 0;
  return i < 0 ? -i : i >= n ? 2 * n - 2 - i : i;
}

// Scratch histograms: even and odd pixels count into separate copies, so consecutive equal
// values (smooth images) do not wait on each other's increment; merged at the end.
const COUNTS2: usize = memory.data(2 * 768 * 4, 16);
const HIGH2: usize = memory.data(2 * 8192 * 4, 16);

@inline function bump(at: usize): void {
  store<i32>(at, load<i32>(at) + 1);
}

// Lane sums of the 16-pixel steps are moved into the i64 totals every STEPS steps, before
// an i32 lane can overflow (the largest, (R + G - 2B)^2, adds at most 1,040,400 a step).
const STEPS = 1024;

/** One pixel's colour and key histogram counts, into the copy of the pixel's parity. */
@inline function countPixel(i: i32, r: i32, g: i32, b: i32, key: u32): void {
  const copy = <usize>(i & 1);
  const c = COUNTS2 + copy * (768 << 2);
  bump(c + (<usize>r << 2));
  bump(c + (<usize>(256 + g) << 2));
  bump(c + (<usize>(512 + b) << 2));
  bump(HIGH2 + copy * (8192 << 2) + (<usize>(key >>> 13) << 2));
}

@inline function laneSum(v: v128): i64 {
  return <i64>i32x4.extract_lane(v, 0) + <i64>i32x4.extract_lane(v, 1) + <i64>i32x4.extract_lane(v, 2) + <i64>i32x4.extract_lane(v, 3);
}

export function pixelPass(rgb: usize, width: i32, height: i32, counts: usize, gray: usize, pil: usize, planes: usize, keys: usize, high: usize, sums: usize, cells: usize): void {
  const n = width * height;
  memory.fill(COUNTS2, 0, 2 * 768 * 4);
  memory.fill(HIGH2, 0, 2 * 8192 * 4);
  // Integer sums (exact; far below 2^63), written as f64 at the end.
  let g1: i64 = 0, g2: i64 = 0, rg1: i64 = 0, rg2: i64 = 0, yb1: i64 = 0, yb2: i64 = 0;
  const zero = i32x4.splat(0);
  let i = 0;
  // 16 pixels a step: deinterleaved into R, G, B lanes, everything else from those.
  while (i + 16 <= n) {
    let ag1 = zero, ag2 = zero, arg1 = zero, arg2 = zero, ayb1 = zero, ayb2 = zero;
    for (let step = 0; step < STEPS && i + 16 <= n; step++, i += 16) {
      const p = rgb + <usize>(i * 3);
      const a = v128.load(p), b = v128.load(p, 16), c = v128.load(p, 32);
      const R = i8x16.shuffle(i8x16.shuffle(a, b, 0, 3, 6, 9, 12, 15, 18, 21, 24, 27, 30, 0, 0, 0, 0, 0), c, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 17, 20, 23, 26, 29);
      const G = i8x16.shuffle(i8x16.shuffle(a, b, 1, 4, 7, 10, 13, 16, 19, 22, 25, 28, 31, 0, 0, 0, 0, 0), c, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 18, 21, 24, 27, 30);
      const B = i8x16.shuffle(i8x16.shuffle(a, b, 2, 5, 8, 11, 14, 17, 20, 23, 26, 29, 0, 0, 0, 0, 0, 0), c, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 16, 19, 22, 25, 28, 31);
      v128.store(planes + <usize>i, R);
      v128.store(planes + <usize>(n + i), G);
      v128.store(planes + <usize>(2 * n + i), B);
      // Two halves of 8 pixels in 16-bit lanes.
      for (let half = 0; half < 2; half++) {
        const r = half ? i16x8.extend_high_i8x16_u(R) : i16x8.extend_low_i8x16_u(R);
        const g = half ? i16x8.extend_high_i8x16_u(G) : i16x8.extend_low_i8x16_u(G);
        const bl = half ? i16x8.extend_high_i8x16_u(B) : i16x8.extend_low_i8x16_u(B);
        const at = <usize>(i + 8 * half);
        // OpenCV's gray and Pillow's "L", as the scalar tail below.
        const cvLo = i32x4.shr_u(i32x4.add(i32x4.add(i32x4.add(i32x4.extmul_low_i16x8_u(r, i16x8.splat(9798)), i32x4.extmul_low_i16x8_u(g, i16x8.splat(19235))), i32x4.extmul_low_i16x8_u(bl, i16x8.splat(3735))), i32x4.splat(16384)), 15);
        const cvHi = i32x4.shr_u(i32x4.add(i32x4.add(i32x4.add(i32x4.extmul_high_i16x8_u(r, i16x8.splat(9798)), i32x4.extmul_high_i16x8_u(g, i16x8.splat(19235))), i32x4.extmul_high_i16x8_u(bl, i16x8.splat(3735))), i32x4.splat(16384)), 15);
        const cv = i16x8.narrow_i32x4_u(cvLo, cvHi);
        const lLo = i32x4.shr_u(i32x4.add(i32x4.add(i32x4.add(i32x4.extmul_low_i16x8_u(r, i16x8.splat(19595)), i32x4.extmul_low_i16x8_u(g, i16x8.splat(<i16>38470))), i32x4.extmul_low_i16x8_u(bl, i16x8.splat(7471))), i32x4.splat(0x8000)), 16);
        const lHi = i32x4.shr_u(i32x4.add(i32x4.add(i32x4.add(i32x4.extmul_high_i16x8_u(r, i16x8.splat(19595)), i32x4.extmul_high_i16x8_u(g, i16x8.splat(<i16>38470))), i32x4.extmul_high_i16x8_u(bl, i16x8.splat(7471))), i32x4.splat(0x8000)), 16);
        const l = i16x8.narrow_i32x4_u(lLo, lHi);
        v128.store64_lane(gray + at, i8x16.narrow_i16x8_u(cv, cv), 0);
        v128.store64_lane(pil + at, i8x16.narrow_i16x8_u(l, l), 0);
        // Squares of bytes fit 16 unsigned bits.
        const r2 = i16x8.mul(r, r), g2s = i16x8.mul(g, g), b2 = i16x8.mul(bl, bl);
        v128.store(keys + (at << 2), i32x4.add(i32x4.add(i32x4.extmul_low_i16x8_u(r2, i16x8.splat(241)), i32x4.extmul_low_i16x8_u(g2s, i16x8.splat(691))), i32x4.extmul_low_i16x8_u(b2, i16x8.splat(68))));
        v128.store(keys + (at << 2), i32x4.add(i32x4.add(i32x4.extmul_high_i16x8_u(r2, i16x8.splat(241)), i32x4.extmul_high_i16x8_u(g2s, i16x8.splat(691))), i32x4.extmul_high_i16x8_u(b2, i16x8.splat(68))), 16);
        const rg = i16x8.sub(r, g), yb = i16x8.sub(i16x8.add(r, g), i16x8.shl(bl, 1));
        ag1 = i32x4.add(ag1, i32x4.extadd_pairwise_i16x8_u(cv));
        ag2 = i32x4.add(ag2, i32x4.extadd_pairwise_i16x8_u(i16x8.mul(cv, cv)));
        arg1 = i32x4.add(arg1, i32x4.extadd_pairwise_i16x8_s(rg));
        arg2 = i32x4.add(arg2, i32x4.extadd_pairwise_i16x8_u(i16x8.mul(rg, rg)));
        ayb1 = i32x4.add(ayb1, i32x4.extadd_pairwise_i16x8_s(yb));
        ayb2 = i32x4.add(ayb2, i32x4.add(i32x4.extmul_low_i16x8_s(yb, yb), i32x4.extmul_high_i16x8_s(yb, yb)));
      }
      for (let j = 0; j < 16; j++) {
        const q = p + <usize>(j * 3);
        countPixel(i + j, <i32>load<u8>(q), <i32>load<u8>(q, 1), <i32>load<u8>(q, 2), load<u32>(keys + (<usize>(i + j) << 2)));
      }
    }
    g1 += laneSum(ag1); g2 += laneSum(ag2); rg1 += laneSum(arg1); rg2 += laneSum(arg2); yb1 += laneSum(ayb1); yb2 += laneSum(ayb2);
  }
  for (; i < n; i++) {
    const p = rgb + <usize>(i * 3);
    const r = <i32>load<u8>(p), g = <i32>load<u8>(p, 1), b = <i32>load<u8>(p, 2);
    const cv = (r * 9798 + g * 19235 + b * 3735 + 16384) >> 15;
    store<u8>(gray + <usize>i, cv);
    store<u8>(pil + <usize>i, <u32>(r * 19595 + g * 38470 + b * 7471 + 0x8000) >>> 16);
    store<u8>(planes + <usize>i, r);
    store<u8>(planes + <usize>(n + i), g);
    store<u8>(planes + <usize>(2 * n + i), b);
    const key = <u32>(241 * r * r + 691 * g * g + 68 * b * b);
    store<u32>(keys + (<usize>i << 2), key);
    countPixel(i, r, g, b, key);
    const rg = r - g, yb = r + g - 2 * b;
    g1 += <i64>cv; g2 += <i64>(cv * cv);
    rg1 += <i64>rg; rg2 += <i64>(rg * rg);
    yb1 += <i64>yb; yb2 += <i64>(yb * yb);
  }
  for (let j = 0; j < 768; j++) store<i32>(counts + (<usize>j << 2), load<i32>(COUNTS2 + (<usize>j << 2)) + load<i32>(COUNTS2 + (<usize>(768 + j) << 2)));
  for (let j = 0; j < 8192; j++) store<i32>(high + (<usize>j << 2), load<i32>(HIGH2 + (<usize>j << 2)) + load<i32>(HIGH2 + (<usize>(8192 + j) << 2)));

  store<f64>(sums, <f64>g1); store<f64>(sums, <f64>g2, 8);
  store<f64>(sums, <f64>rg1, 16); store<f64>(sums, <f64>rg2, 24);
  store<f64>(sums, <f64>yb1, 32); store<f64>(sums, <f64>yb2, 40);
  laplacianSums(gray, width, height, sums + 48);
  cellSums(pil, width, height, cells);
}

/** The Laplacian at (x, y) with reflected edges (BORDER_REFLECT_101), for the edge columns. */
@inline function laplacianAt(up: usize, row: usize, down: usize, x: i32, width: i32): i32 {
  const left = reflect101(x - 1, width), right = reflect101(x + 1, width);
  return <i32>load<u8>(up + <usize>x) + <i32>load<u8>(down + <usize>x) + <i32>load<u8>(row + <usize>left) + <i32>load<u8>(row + <usize>right) - 4 * <i32>load<u8>(row + <usize>x);
}

/**
 * Cleanvision's blur inputs from its small copy (planar R, G, B of width x height): histograms
 * (256 i32 each) of Pillow's "L" and of its FIND_EDGES, whose outermost rows and columns are
 * the gray unfiltered. `gray` is scratch of width x height bytes.
 */
export function blurHistograms(planes: usize, width: i32, height: i32, gray: usize, grayHist: usize, edgeHist: usize): void {
  const n = width * height;
  memory.fill(grayHist, 0, 1024);
  memory.fill(edgeHist, 0, 1024);
  for (let i = 0; i < n; i++) {
    const r = <u32>load<u8>(planes + <usize>i), g = <u32>load<u8>(planes + <usize>(n + i)), b = <u32>load<u8>(planes + <usize>(2 * n + i));
    const l = (r * 19595 + g * 38470 + b * 7471 + 0x8000) >>> 16;
    store<u8>(gray + <usize>i, l);
    bump(grayHist + (<usize>l << 2));
  }
  for (let y = 0; y < height; y++) {
    const row = gray + <usize>(y * width);
    for (let x = 0; x < width; x++) {
      let v = <i32>load<u8>(row + <usize>x);
      if (y > 0 && y < height - 1 && x > 0 && x < width - 1) {
        const up = row - <usize>width + <usize>x, down = row + <usize>width + <usize>x;
        v = 8 * v - <i32>load<u8>(up - 1) - <i32>load<u8>(up) - <i32>load<u8>(up + 1) - <i32>load<u8>(row + <usize>(x - 1)) - <i32>load<u8>(row + <usize>(x + 1))
          - <i32>load<u8>(down - 1) - <i32>load<u8>(down) - <i32>load<u8>(down + 1);
        v = v < 0 ? 0 : v > 255 ? 255 : v;
      }
      bump(edgeHist + (<usize>v << 2));
    }
  }
}

// A Laplacian value is within +-1020: a lane adds four squares (< 2^22) a step.
const LAPLACIAN_STEPS = 256;

/**
 * Sum and sum of squares of the gray's Laplacian, written as two f64 at `out`. Edge rows and
 * columns reflect; the inside needs no test and runs 16 pixels a step.
 */
function laplacianSums(gray: usize, width: i32, height: i32, out: usize): void {
  let l1: i64 = 0, l2: i64 = 0;
  const zero = i32x4.splat(0);
  for (let y = 0; y < height; y++) {
    const up = gray + <usize>(reflect101(y - 1, height) * width), row = gray + <usize>(y * width), down = gray + <usize>(reflect101(y + 1, height) * width);
    let v = laplacianAt(up, row, down, 0, width);
    l1 += <i64>v; l2 += <i64>(v * v);
    let x = 1;
    while (x + 17 <= width) {
      let a1 = zero, a2 = zero;
      for (let step = 0; step < LAPLACIAN_STEPS && x + 17 <= width; step++, x += 16) {
        const u = v128.load(up + <usize>x), d = v128.load(down + <usize>x), c = v128.load(row + <usize>x);
        const lft = v128.load(row + <usize>(x - 1)), rgt = v128.load(row + <usize>(x + 1));
        const lo = i16x8.sub(i16x8.add(i16x8.add(i16x8.extend_low_i8x16_u(u), i16x8.extend_low_i8x16_u(d)), i16x8.add(i16x8.extend_low_i8x16_u(lft), i16x8.extend_low_i8x16_u(rgt))), i16x8.shl(i16x8.extend_low_i8x16_u(c), 2));
        const hi = i16x8.sub(i16x8.add(i16x8.add(i16x8.extend_high_i8x16_u(u), i16x8.extend_high_i8x16_u(d)), i16x8.add(i16x8.extend_high_i8x16_u(lft), i16x8.extend_high_i8x16_u(rgt))), i16x8.shl(i16x8.extend_high_i8x16_u(c), 2));
        a1 = i32x4.add(a1, i32x4.add(i32x4.extadd_pairwise_i16x8_s(lo), i32x4.extadd_pairwise_i16x8_s(hi)));
        a2 = i32x4.add(a2, i32x4.add(i32x4.add(i32x4.extmul_low_i16x8_s(lo, lo), i32x4.extmul_high_i16x8_s(lo, lo)), i32x4.add(i32x4.extmul_low_i16x8_s(hi, hi), i32x4.extmul_high_i16x8_s(hi, hi))));
      }
      l1 += laneSum(a1); l2 += laneSum(a2);
    }
    for (; x < width; x++) {
      v = laplacianAt(up, row, down, x, width);
      l1 += <i64>v; l2 += <i64>(v * v);
    }
  }
  store<f64>(out, <f64>l1);
  store<f64>(out, <f64>l2, 8);
}

const CELLS: i32 = 16;

/** The thumbnail's cell of a column or row, as src/quality/thumbnail.ts computes it. */
@inline function cellOf(x: i32, size: i32): i32 {
  return min<i32>(CELLS - 1, <i32>Math.floor(((<f64>x + 0.5) * <f64>CELLS) / <f64>size));
}

// Column spans of the cells, reused per row: the first column of each cell, and the end.
const SPANS: usize = memory.data((CELLS + 1) * 4, 16);

function cellSums(pil: usize, width: i32, height: i32, cells: usize): void {
  memory.fill(cells, 0, CELLS * CELLS * 8);
  let c = 0;
  for (let x = 0; x < width; x++) {
    const cell = cellOf(x, width);
    for (; c <= cell; c++) store<i32>(SPANS + (<usize>c << 2), x);
  }
  for (; c <= CELLS; c++) store<i32>(SPANS + (<usize>c << 2), width);
  for (let y = 0; y < height; y++) {
    const row = pil + <usize>(y * width), out = cells + (<usize>(cellOf(y, height) * CELLS) << 3);
    for (let cx = 0; cx < CELLS; cx++) {
      const end = load<i32>(SPANS + (<usize>(cx + 1) << 2));
      let sum: u32 = 0;
      for (let x = load<i32>(SPANS + (<usize>cx << 2)); x < end; x++) sum += <u32>load<u8>(row + <usize>x);
      const at = out + (<usize>cx << 3);
      store<f64>(at, load<f64>(at) + <f64>sum);
    }
  }
}

// The brightness selection's scans over the keys of the last pass (src/quality/brightness.ts).
// `slots` (8192 i32) gives each top-13-bit bucket its row in `low`, or -1 for buckets not wanted.

/** low[slot][key & 8191]++ for every key in a wanted bucket; `low` holds `rows` rows of 8192 i32. */
export function lowCounts(keys: usize, n: i32, slots: usize, low: usize, rows: i32): void {
  memory.fill(low, 0, <usize>rows << 15);
  for (let i = 0; i < n; i++) {
    const key = load<u32>(keys + (<usize>i << 2));
    const s = load<i32>(slots + (<usize>(key >>> 13) << 2));
    if (s >= 0) bump(low + ((<usize>s << 13) + <usize>(key & 8191) << 2));
  }
}

/**
 * For each of `m` ascending ranks: the bin of `counts` it falls in and its rank within that bin,
 * written as pairs to `found`.
 */
export function locate(counts: usize, ranks: usize, m: i32, found: usize): void {
  let before = 0, bin = 0;
  for (let r = 0; r < m; r++) {
    const rank = load<i32>(ranks + (<usize>r << 2));
    let count = load<i32>(counts + (<usize>bin << 2));
    while (before + count <= rank) {
      before += count;
      count = load<i32>(counts + (<usize>++bin << 2));
    }
    store<i32>(found + (<usize>r << 3), bin);
    store<i32>(found + (<usize>r << 3), rank - before, 4);
  }
}

/**
 * The distinct colours (0xRRGGBB) of the pixels with each wanted key, and their pixel counts:
 * wanted key j is wanted[j]; those of bucket slot s are j in [first[s], first[s + 1]). Colour
 * lists hold up to `capacity` entries per key (no key has more than 15 colours); `used[j]`
 * counts them. Returns false when a list overflowed.
 */
export function keyColours(keys: usize, rgb: usize, n: i32, slots: usize, first: usize, wanted: usize, colours: usize, counts: usize, used: usize, capacity: i32): bool {
  for (let i = 0; i < n; i++) {
    const key = load<u32>(keys + (<usize>i << 2));
    const s = load<i32>(slots + (<usize>(key >>> 13) << 2));
    if (s < 0) continue;
    const end = load<i32>(first + (<usize>(s + 1) << 2));
    for (let j = load<i32>(first + (<usize>s << 2)); j < end; j++) {
      if (load<u32>(wanted + (<usize>j << 2)) != key) continue;
      const p = rgb + <usize>(i * 3);
      const colour = (<u32>load<u8>(p) << 16) | (<u32>load<u8>(p, 1) << 8) | <u32>load<u8>(p, 2);
      const list = <usize>(j * capacity) << 2, have = load<i32>(used + (<usize>j << 2));
      let k = 0;
      while (k < have && load<u32>(colours + list + (<usize>k << 2)) != colour) k++;
      if (k == have) {
        if (have == capacity) return false;
        store<u32>(colours + list + (<usize>k << 2), colour);
        store<i32>(counts + list + (<usize>k << 2), 0);
        store<i32>(used + (<usize>j << 2), have + 1);
      }
      bump(counts + list + (<usize>k << 2));
      break;
    }
  }
  return true;
}
