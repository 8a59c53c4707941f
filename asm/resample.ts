// Pillow's 8-bit resampling passes, in AssemblyScript compiled to WebAssembly with SIMD: the
// same integer arithmetic as src/quality/pil.ts (its TypeScript reference). The vertical pass
// sums four columns per instruction; a row's accumulator stays below 2^31 as in Pillow (the
// positive weights sum to at most ~1.3 x 2^22, times 255), so the lanes' partial sums and
// their total are exact. src/quality/resampleWasm.ts lays the arrays out in memory.
// Built by `npm run build` into dist/asm/resample.wasm.

export { heapBase, reserve } from "./memory";

const HALF: i32 = 1 << 21;

@inline function clip8(v: i32): i32 {
  v = v >> 22;
  return v < 0 ? 0 : v > 255 ? 255 : v;
}

// The horizontal pass multiplies 8 bytes at a time with i32x4.dot_i16x8_s, whose weights are
// 16-bit: each weight w is split as hi * 2^11 + lo (lo in 0..2047, hi within +-4096 since
// |w| < 2^23), both halves summed by dot products and recombined, (hi sum << 11) + lo sum.
// Integer arithmetic wraps modulo 2^32, so the total is Pillow's exact accumulator whatever
// the partial sums did. Per output, `chunks` chunks of 8 taps: 8 lo then 8 hi weights (i16),
// zero past the output's window; reading source bytes past it is harmless (times zero).

@inline function outputSum(x0: usize, w: usize, chunks: i32): v128 {
  let acc = i32x4.splat(0);
  for (let c = 0; c < chunks; c++) {
    const px = i16x8.extend_low_i8x16_u(v128.load64_zero(x0 + (<usize>c << 3)));
    const at = w + (<usize>c << 5);
    acc = i32x4.add(acc, i32x4.add(i32x4.dot_i16x8_s(px, v128.load(at)), i32x4.shl(i32x4.dot_i16x8_s(px, v128.load(at, 16)), 11)));
  }
  return acc;
}

/** Horizontal pass: `rows` rows of `inW` bytes at src to rows of `outW` bytes at dst, four outputs a step. */
export function horizontal(src: usize, rows: i32, inW: i32, outW: i32, start: usize, weights: usize, chunks: i32, dst: usize): void {
  const perOutput = <usize>chunks << 5;
  const zero = i32x4.splat(0), top = i32x4.splat(255), half = i32x4.splat(HALF);
  for (let row = 0; row < rows; row++) {
    const base = src + <usize>(row * inW);
    const out = dst + <usize>(row * outW);
    let xx = 0;
    for (; xx + 4 <= outW; xx += 4) {
      const w = weights + <usize>xx * perOutput, s = start + (<usize>xx << 2);
      const a0 = outputSum(base + <usize>load<i32>(s), w, chunks);
      const a1 = outputSum(base + <usize>load<i32>(s, 4), w + perOutput, chunks);
      const a2 = outputSum(base + <usize>load<i32>(s, 8), w + 2 * perOutput, chunks);
      const a3 = outputSum(base + <usize>load<i32>(s, 12), w + 3 * perOutput, chunks);
      // The four outputs' lane sums, side by side.
      const a01 = i32x4.add(i8x16.shuffle(a0, a1, 0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23), i8x16.shuffle(a0, a1, 8, 9, 10, 11, 12, 13, 14, 15, 24, 25, 26, 27, 28, 29, 30, 31));
      const a23 = i32x4.add(i8x16.shuffle(a2, a3, 0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23), i8x16.shuffle(a2, a3, 8, 9, 10, 11, 12, 13, 14, 15, 24, 25, 26, 27, 28, 29, 30, 31));
      const sums = i32x4.add(i8x16.shuffle(a01, a23, 0, 1, 2, 3, 8, 9, 10, 11, 16, 17, 18, 19, 24, 25, 26, 27), i8x16.shuffle(a01, a23, 4, 5, 6, 7, 12, 13, 14, 15, 20, 21, 22, 23, 28, 29, 30, 31));
      const v = i32x4.min_s(i32x4.max_s(i32x4.shr_s(i32x4.add(sums, half), 22), zero), top);
      const bytes = i8x16.narrow_i16x8_u(i16x8.narrow_i32x4_u(v, v), zero);
      store<u32>(out + <usize>xx, i32x4.extract_lane(bytes, 0));
    }
    for (; xx < outW; xx++) {
      const a = outputSum(base + <usize>load<i32>(start + (<usize>xx << 2)), weights + <usize>xx * perOutput, chunks);
      const s = HALF + i32x4.extract_lane(a, 0) + i32x4.extract_lane(a, 1) + i32x4.extract_lane(a, 2) + i32x4.extract_lane(a, 3);
      store<u8>(out + <usize>xx, clip8(s));
    }
  }
}

/** Vertical pass: `planes` planes of inH rows of `w` bytes at src to planes of outH rows at dst. */
export function vertical(src: usize, planes: i32, inH: i32, w: i32, outH: i32, start: usize, count: usize, weights: usize, ksize: i32, dst: usize): void {
  const zero = i32x4.splat(0), top = i32x4.splat(255);
  for (let p = 0; p < planes; p++) {
    const plane = src + <usize>(p * inH * w);
    const outPlane = dst + <usize>(p * outH * w);
    for (let yy = 0; yy < outH; yy++) {
      const y0 = load<i32>(start + (<usize>yy << 2));
      const m = load<i32>(count + (<usize>yy << 2));
      const wts = weights + (<usize>(yy * ksize) << 2);
      const out = outPlane + <usize>(yy * w);
      let x = 0;
      for (; x + 4 <= w; x += 4) {
        let acc = i32x4.splat(HALF);
        for (let k = 0; k < m; k++) {
          const px = i32x4.extend_low_i16x8_u(i16x8.extend_low_i8x16_u(v128.load32_zero(plane + <usize>((y0 + k) * w + x))));
          acc = i32x4.add(acc, i32x4.mul(px, i32x4.splat(load<i32>(wts + (<usize>k << 2)))));
        }
        const v = i32x4.min_s(i32x4.max_s(i32x4.shr_s(acc, 22), zero), top);
        const bytes = i8x16.narrow_i16x8_u(i16x8.narrow_i32x4_u(v, v), zero);
        store<u32>(out + <usize>x, i32x4.extract_lane(bytes, 0));
      }
      for (; x < w; x++) {
        let s = HALF;
        for (let k = 0; k < m; k++) s += <i32>load<u8>(plane + <usize>((y0 + k) * w + x)) * load<i32>(wts + (<usize>k << 2));
        store<u8>(out + <usize>x, clip8(s));
      }
    }
  }
}
