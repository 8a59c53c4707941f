/**
 * Small square grey images for comparing two photos pixel by pixel: the pixels, lightly smoothed
 * (sensor noise and JPEG blocks are not what tells a copy from another shot), and their
 * gradients, which alignment and local motion both need.
 */

export interface Gray {
  side: number;
  /** side x side, row-major, 0..255. */
  pixels: Float32Array;
  /** Central differences (one-sided at the borders). */
  gx: Float32Array;
  gy: Float32Array;
}

/** `pixels` smoothed once with [1 4 6 4 1] / 16 each way (the kernel renormalised at the borders), with gradients. */
export function gray(pixels: ArrayLike<number>, side: number): Gray {
  return withGradients(smooth(Float32Array.from(pixels), side), side);
}

export function withGradients(pixels: Float32Array, side: number): Gray {
  const S = side,
    gx = new Float32Array(S * S),
    gy = new Float32Array(S * S);
  for (let y = 0; y < S; y++) {
    const row = y * S;
    // Central differences inside, one-sided at the borders (the same values as dividing by the span).
    gx[row] = pixels[row + 1] - pixels[row];
    for (let x = 1; x < S - 1; x++) gx[row + x] = (pixels[row + x + 1] - pixels[row + x - 1]) / 2;
    gx[row + S - 1] = pixels[row + S - 1] - pixels[row + S - 2];
    const up = y === 0 ? row : row - S,
      down = y === S - 1 ? row : row + S,
      span = (down - up) / S;
    for (let x = 0; x < S; x++) gy[row + x] = (pixels[down + x] - pixels[up + x]) / span;
  }
  return { side, pixels, gx, gy };
}

/** Half the side, each pixel the mean of a 2 x 2 block. */
export function downsample(g: Gray): Gray {
  const S = g.side,
    h = S >> 1,
    out = new Float32Array(h * h),
    p = g.pixels;
  for (let y = 0; y < h; y++)
    for (let x = 0; x < h; x++) {
      const i = 2 * y * S + 2 * x;
      out[y * h + x] = (p[i] + p[i + 1] + p[i + S] + p[i + S + 1]) / 4;
    }
  return withGradients(out, h);
}

/** Bilinear sample at (u, v), inside [0, side - 1]^2. */
export function sample(p: Float32Array, S: number, u: number, v: number): number {
  const x0 = Math.min(S - 2, Math.floor(u)),
    y0 = Math.min(S - 2, Math.floor(v));
  const fx = u - x0,
    fy = v - y0,
    i = y0 * S + x0;
  const top = p[i] + fx * (p[i + 1] - p[i]),
    bottom = p[i + S] + fx * (p[i + S + 1] - p[i + S]);
  return top + fy * (bottom - top);
}

const KERNEL = [1, 4, 6, 4, 1];

/**
 * One pass of the kernel along rows (`step` 1) or columns (`step` S). Inside, all five taps in
 * the order the border case adds them; near a border the taps that fall outside are skipped and
 * the kernel renormalised.
 */
function smoothPass(src: Float32Array, dst: Float32Array, S: number, step: number): void {
  for (let line = 0; line < S; line++) {
    const base = step === 1 ? line * S : line;
    for (let pos = 0; pos < S; pos++) {
      const i = base + pos * step;
      if (pos >= 2 && pos < S - 2) {
        let sum = 0;
        sum += src[i - 2 * step];
        sum += 4 * src[i - step];
        sum += 6 * src[i];
        sum += 4 * src[i + step];
        sum += src[i + 2 * step];
        dst[i] = sum / 16;
        continue;
      }
      let sum = 0,
        w = 0;
      for (let k = -2; k <= 2; k++) {
        if (pos + k < 0 || pos + k >= S) continue;
        sum += KERNEL[k + 2] * src[i + k * step];
        w += KERNEL[k + 2];
      }
      dst[i] = sum / w;
    }
  }
}

function smooth(p: Float32Array, S: number): Float32Array {
  const tmp = new Float32Array(S * S),
    out = new Float32Array(S * S);
  smoothPass(p, tmp, S, 1);
  smoothPass(tmp, out, S, S);
  return out;
}
