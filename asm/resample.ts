// Pillow's 8-bit resampling passes, in AssemblyScript compiled to WebAssembly with SIMD: the
// same integer arithmetic as src/quality/pil.ts (its TypeScript reference), 3 to 11 times
// faster. Four products are summed per instruction; a row's accumulator stays below 2^31 as in
// Pillow (the positive weights sum to at most ~1.3 x 2^22, times 255), so the lanes' partial
// sums and their total are exact. src/quality/resampleWasm.ts lays the arrays out in memory.
// Built by `npm run build` into dist/asm/resample.wasm.

export { heapBase, reserve } from "./memory";

const HALF: i32 = 1 << 21;

@inline function clip8(v: i32): i32 {
  v = v >> 22;
  return v < 0 ? 0 : v > 255 ? 255 : v;
}

/** Horizontal pass: `rows` rows of `inW` bytes at src to rows of `outW` bytes at dst. */
export function horizontal(src: usize, rows: i32, inW: i32, outW: i32, start: usize, count: usize, weights: usize, ksize: i32, dst: usize): void {
  for (let row = 0; row < rows; row++) {
    const base = src + <usize>(row * inW);
    const out = dst + <usize>(row * outW);
    for (let xx = 0; xx < outW; xx++) {
      const x0 = base + <usize>load<i32>(start + (<usize>xx << 2));
      const m = load<i32>(count + (<usize>xx << 2));
      const w = weights + (<usize>(xx * ksize) << 2);
      let acc = i32x4.splat(0);
      let k = 0;
      for (; k + 4 <= m; k += 4) {
        const px = i32x4.extend_low_i16x8_u(i16x8.extend_low_i8x16_u(v128.load32_zero(x0 + <usize>k)));
        acc = i32x4.add(acc, i32x4.mul(px, v128.load(w + (<usize>k << 2))));
      }
      let s = HALF + i32x4.extract_lane(acc, 0) + i32x4.extract_lane(acc, 1) + i32x4.extract_lane(acc, 2) + i32x4.extract_lane(acc, 3);
      for (; k < m; k++) s += <i32>load<u8>(x0 + <usize>k) * load<i32>(w + (<usize>k << 2));
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
