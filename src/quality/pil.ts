/**
 * The parts of Pillow that Cleanvision's scores depend on, reproduced to the bit:
 * RGB -> "L" conversion, 8-bit resampling (Image.resize), the FIND_EDGES filter and
 * Python's float floor division (Cleanvision's target size for blur detection).
 *
 * Sources (Pillow 13, libImaging): Convert.c `rgb2l` (L24 macro), Resample.c
 * (`precompute_coeffs`, `normalize_coeffs_8bpc`, `ImagingResampleHorizontal_8bpc`,
 * `ImagingResampleVertical_8bpc`, `ImagingResampleInner`), Filter.c (`ImagingFilter3x3`),
 * ImageFilter.FIND_EDGES; CPython Objects/floatobject.c (`float_floor_div`).
 */

/** Pillow's "L" from 8-bit RGB: ITU-R 601-2 luma in 16-bit fixed point, rounded. */
export function pilGray(r: number, g: number, b: number): number {
  return (r * 19595 + g * 38470 + b * 7471 + 0x8000) >> 16;
}

export type ResampleFilter = "bicubic" | "lanczos";

const SUPPORT: Record<ResampleFilter, number> = { bicubic: 2, lanczos: 3 };

function sinc(x: number): number {
  if (x === 0) return 1;
  x *= Math.PI;
  return Math.sin(x) / x;
}

const FILTER: Record<ResampleFilter, (x: number) => number> = {
  // Keys' cubic convolution with a = -0.5.
  bicubic: (x) => {
    const a = -0.5;
    if (x < 0) x = -x;
    if (x < 1) return ((a + 2) * x - (a + 3)) * x * x + 1;
    if (x < 2) return (((x - 5) * x + 8) * x - 4) * a;
    return 0;
  },
  lanczos: (x) => (-3 <= x && x < 3 ? sinc(x) * sinc(x / 3) : 0),
};

/** Fixed-point bits of the 8-bit resampler's coefficients (32 - 8 - 2 in Pillow). */
export const PRECISION_BITS = 22;

/**
 * One axis of Pillow's resampling: output i reads inputs `start[i] .. start[i] + count[i] - 1`
 * with weights `weights[i * ksize + k]`, integers scaled by 2^22 exactly as Pillow rounds them.
 */
export interface Coefficients {
  inSize: number;
  outSize: number;
  ksize: number;
  start: Int32Array;
  count: Int32Array;
  weights: Int32Array;
}

/** Pillow's `precompute_coeffs` + `normalize_coeffs_8bpc` for a whole-image resize. */
export function coefficients(inSize: number, outSize: number, filter: ResampleFilter): Coefficients {
  const scale = inSize / outSize;
  const filterscale = Math.max(scale, 1);
  const support = SUPPORT[filter] * filterscale;
  const ksize = Math.ceil(support) * 2 + 1;
  const f = FILTER[filter];
  const start = new Int32Array(outSize),
    count = new Int32Array(outSize),
    weights = new Int32Array(outSize * ksize);
  const w = new Float64Array(ksize);
  for (let xx = 0; xx < outSize; xx++) {
    const center = (xx + 0.5) * scale;
    const ss = 1 / filterscale;
    // C's (int) cast truncates toward zero; the clamp makes the sign moot for xmin.
    const xmin = Math.max(Math.trunc(center - support + 0.5), 0);
    const xmax = Math.min(Math.trunc(center + support + 0.5), inSize) - xmin;
    let ww = 0;
    for (let x = 0; x < xmax; x++) {
      w[x] = f((x + xmin - center + 0.5) * ss);
      ww += w[x];
    }
    for (let x = 0; x < xmax; x++) {
      const k = ww !== 0 ? w[x] / ww : w[x];
      weights[xx * ksize + x] = Math.trunc(k < 0 ? -0.5 + k * (1 << PRECISION_BITS) : 0.5 + k * (1 << PRECISION_BITS));
    }
    start[xx] = xmin;
    count[xx] = xmax;
  }
  return { inSize, outSize, ksize, start, count, weights };
}

/**
 * The coefficients as a dense outSize x inSize matrix (for a MatMul in the ONNX graph). When
 * the size does not change, Pillow skips the pass: the matrix is then 2^22 times the identity,
 * which the same rounding turns back into the input exactly.
 */
export function coefficientMatrix(inSize: number, outSize: number, filter: ResampleFilter): Int32Array {
  const m = new Int32Array(outSize * inSize);
  if (inSize === outSize) {
    for (let i = 0; i < inSize; i++) m[i * inSize + i] = 1 << PRECISION_BITS;
    return m;
  }
  const c = coefficients(inSize, outSize, filter);
  for (let o = 0; o < outSize; o++) {
    for (let k = 0; k < c.count[o]; k++) m[o * inSize + c.start[o] + k] = c.weights[o * c.ksize + k];
  }
  return m;
}

/** Coefficients of the sizes seen lately: a dataset repeats a few image sizes. */
const coefficientCache = new Map<string, Coefficients>();

export function cachedCoefficients(inSize: number, outSize: number, filter: ResampleFilter): Coefficients {
  const key = `${inSize} ${outSize} ${filter}`;
  let c = coefficientCache.get(key);
  if (!c) {
    if (coefficientCache.size >= 64) coefficientCache.delete(coefficientCache.keys().next().value!);
    c = coefficients(inSize, outSize, filter);
    coefficientCache.set(key, c);
  }
  return c;
}

/**
 * Pillow's `clip8`: the accumulator (which started at 2^21) shifted down and clamped to
 * 0..255. The accumulator fits int32 as in Pillow: the positive weights of a row sum to at
 * most ~1.3 x 2^22, times 255.
 */
function clip8(acc: number): number {
  const v = acc >> PRECISION_BITS;
  return v < 0 ? 0 : v > 255 ? 255 : v;
}

/**
 * Pillow's Image.resize of `planes` planes of width x height (planar, one after another):
 * horizontal pass, rounded to 8 bits, then vertical pass; a pass whose size does not change
 * is skipped, as Pillow does.
 */
export function resize(
  src: Uint8Array,
  planes: number,
  width: number,
  height: number,
  outWidth: number,
  outHeight: number,
  filter: ResampleFilter,
): Uint8Array {
  let cur = src,
    w = width;
  if (outWidth !== width) {
    const { ksize, start, count, weights } = cachedCoefficients(width, outWidth, filter);
    const out = new Uint8Array(planes * height * outWidth);
    for (let row = 0; row < planes * height; row++) {
      const base = row * width,
        outBase = row * outWidth;
      for (let xx = 0; xx < outWidth; xx++) {
        let acc = 1 << (PRECISION_BITS - 1);
        const k0 = xx * ksize,
          x0 = base + start[xx],
          m = count[xx];
        for (let k = 0; k < m; k++) acc = (acc + Math.imul(cur[x0 + k], weights[k0 + k])) | 0;
        out[outBase + xx] = clip8(acc);
      }
    }
    cur = out;
    w = outWidth;
  }
  if (outHeight !== height) {
    const { ksize, start, count, weights } = cachedCoefficients(height, outHeight, filter);
    const out = new Uint8Array(planes * outHeight * w);
    const acc = new Int32Array(w);
    for (let p = 0; p < planes; p++) {
      const plane = p * height * w;
      for (let yy = 0; yy < outHeight; yy++) {
        // Row by row (contiguous reads), each output row accumulated across the input rows.
        acc.fill(1 << (PRECISION_BITS - 1));
        const k0 = yy * ksize,
          y0 = start[yy],
          m = count[yy];
        for (let k = 0; k < m; k++) {
          const wk = weights[k0 + k],
            rowBase = plane + (y0 + k) * w;
          for (let x = 0; x < w; x++) acc[x] = (acc[x] + Math.imul(cur[rowBase + x], wk)) | 0;
        }
        const outBase = (p * outHeight + yy) * w;
        for (let x = 0; x < w; x++) out[outBase + x] = clip8(acc[x]);
      }
    }
    cur = out;
  }
  return cur === src ? src.slice() : cur;
}

/**
 * ImageFilter.FIND_EDGES on an "L" image: 8 x centre minus the 8 neighbours, clamped to
 * 0..255; Pillow copies the outermost rows and columns unfiltered.
 */
export function findEdges(gray: Uint8Array, width: number, height: number): Uint8Array {
  const out = gray.slice();
  for (let y = 1; y < height - 1; y++) {
    for (let x = 1; x < width - 1; x++) {
      const i = y * width + x,
        up = i - width,
        down = i + width;
      const s =
        8 * gray[i] -
        gray[up - 1] -
        gray[up] -
        gray[up + 1] -
        gray[i - 1] -
        gray[i + 1] -
        gray[down - 1] -
        gray[down] -
        gray[down + 1];
      out[i] = s < 0 ? 0 : s > 255 ? 255 : s;
    }
  }
  return out;
}

/** Python's `a // b` for floats (CPython's float_floor_div), which can differ from Math.floor(a / b). */
export function pyFloorDiv(a: number, b: number): number {
  let mod = a % b;
  let div = (a - mod) / b;
  if (mod !== 0 && b < 0 !== mod < 0) {
    mod += b;
    div -= 1;
  }
  if (div === 0) return 0 * Math.sign(a / b);
  let floordiv = Math.floor(div);
  if (div - floordiv > 0.5) floordiv += 1;
  return floordiv;
}
