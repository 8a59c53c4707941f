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
    const y0 = Math.max(0, y - 1),
      y1 = Math.min(S - 1, y + 1);
    for (let x = 0; x < S; x++) {
      const x0 = Math.max(0, x - 1),
        x1 = Math.min(S - 1, x + 1);
      gx[y * S + x] = (pixels[y * S + x1] - pixels[y * S + x0]) / (x1 - x0);
      gy[y * S + x] = (pixels[y1 * S + x] - pixels[y0 * S + x]) / (y1 - y0);
    }
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

function smooth(p: Float32Array, S: number): Float32Array {
  const tmp = new Float32Array(S * S),
    out = new Float32Array(S * S);
  for (const [src, dst, along] of [
    [p, tmp, 1],
    [tmp, out, S],
  ] as const) {
    for (let y = 0; y < S; y++)
      for (let x = 0; x < S; x++) {
        const pos = along === 1 ? x : y;
        let sum = 0,
          w = 0;
        for (let k = -2; k <= 2; k++) {
          if (pos + k < 0 || pos + k >= S) continue;
          sum += KERNEL[k + 2] * src[y * S + x + k * along];
          w += KERNEL[k + 2];
        }
        dst[y * S + x] = sum / w;
      }
  }
  return out;
}
