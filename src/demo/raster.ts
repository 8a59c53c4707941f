/** An RGB raster (3 bytes a pixel, rows top to bottom) with the few shapes and filters the demo needs. */

export type RGB = readonly [number, number, number];

export class Raster {
  readonly data: Uint8Array;
  /** Light multipliers applied to every colour that is not emissive (night dims paint, not lamps). */
  tint: RGB = [1, 1, 1];

  constructor(
    readonly width: number,
    readonly height: number,
  ) {
    this.data = new Uint8Array(width * height * 3);
  }

  /** Fills pixels [x0, x1) of row y. */
  span(y: number, x0: number, x1: number, c: RGB, emissive = false): void {
    if (y < 0 || y >= this.height) return;
    const a = Math.max(0, Math.round(x0));
    const b = Math.min(this.width, Math.round(x1));
    if (b <= a) return;
    const k = emissive ? ONE : this.tint;
    const r = clampByte(c[0] * k[0]),
      g = clampByte(c[1] * k[1]),
      bl = clampByte(c[2] * k[2]);
    const d = this.data;
    for (let i = (y * this.width + a) * 3, end = (y * this.width + b) * 3; i < end; i += 3) {
      d[i] = r;
      d[i + 1] = g;
      d[i + 2] = bl;
    }
  }

  rect(x: number, y: number, w: number, h: number, c: RGB, emissive = false): void {
    const y0 = Math.max(0, Math.round(y)),
      y1 = Math.min(this.height, Math.round(y + h));
    for (let row = y0; row < y1; row++) this.span(row, x, x + w, c, emissive);
  }

  ellipse(cx: number, cy: number, rx: number, ry: number, c: RGB, emissive = false): void {
    if (rx <= 0 || ry <= 0) return;
    const y0 = Math.max(0, Math.floor(cy - ry)),
      y1 = Math.min(this.height, Math.ceil(cy + ry));
    for (let y = y0; y < y1; y++) {
      const v = (y + 0.5 - cy) / ry;
      if (v * v >= 1) continue;
      const half = rx * Math.sqrt(1 - v * v);
      this.span(y, cx - half, cx + half, c, emissive);
    }
  }

  /** A circle outline of outer radius r and the given thickness. */
  ring(cx: number, cy: number, r: number, thick: number, c: RGB): void {
    const inner = Math.max(0, r - thick);
    const y0 = Math.max(0, Math.floor(cy - r)),
      y1 = Math.min(this.height, Math.ceil(cy + r));
    for (let y = y0; y < y1; y++) {
      const v = y + 0.5 - cy;
      if (v * v >= r * r) continue;
      const out = Math.sqrt(r * r - v * v);
      if (v * v >= inner * inner) {
        this.span(y, cx - out, cx + out, c);
      } else {
        const inn = Math.sqrt(inner * inner - v * v);
        this.span(y, cx - out, cx - inn, c);
        this.span(y, cx + inn, cx + out, c);
      }
    }
  }

  /** A thick line, stamped as small squares along its length. */
  line(x0: number, y0: number, x1: number, y1: number, thick: number, c: RGB): void {
    const steps = Math.max(1, Math.ceil(Math.hypot(x1 - x0, y1 - y0)));
    const t = Math.max(1, thick);
    for (let s = 0; s <= steps; s++) {
      const x = x0 + ((x1 - x0) * s) / steps,
        y = y0 + ((y1 - y0) * s) / steps;
      this.rect(x - t / 2, y - t / 2, t, t, c);
    }
  }
}

const ONE: RGB = [1, 1, 1];

export function clampByte(v: number): number {
  return v <= 0 ? 0 : v >= 255 ? 255 : Math.round(v);
}

/** v * gain + offset on every channel. */
export function gainOffset(d: Uint8Array, gain: number, offset = 0): void {
  for (let i = 0; i < d.length; i++) {
    const v = d[i] * gain + offset;
    d[i] = v <= 0 ? 0 : v >= 255 ? 255 : v + 0.5;
  }
}

/** Pulls every value towards white so the mean lands on `target`: a washed-out, overexposed frame. */
export function washOut(d: Uint8Array, target: number): void {
  let sum = 0;
  for (let i = 0; i < d.length; i++) sum += d[i];
  const k = Math.min(1, (255 - target) / Math.max(1, 255 - sum / d.length));
  for (let i = 0; i < d.length; i++) d[i] = 255 - (255 - d[i]) * k + 0.5;
}

/** Adds luminance noise (xorshift; seeded so the pixels are reproducible). */
export function addNoise(d: Uint8Array, amplitude: number, seed: number): void {
  let s = seed | 1;
  const span = 2 * amplitude + 1;
  for (let i = 0; i < d.length; i += 3) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    const n = ((s >>> 0) % span) - amplitude;
    for (let c = 0; c < 3; c++) {
      const v = d[i + c] + n;
      d[i + c] = v < 0 ? 0 : v > 255 ? 255 : v;
    }
  }
}

/** Three box-blur passes each way approximate a Gaussian of sigma ~ radius. */
export function blur(d: Uint8Array, width: number, height: number, radius: number): void {
  const tmp = new Uint8Array(d.length);
  for (let pass = 0; pass < 3; pass++) {
    boxPass(d, tmp, width, height, radius, 3, width * 3); // along rows
    boxPass(tmp, d, height, width, radius, width * 3, 3); // along columns
  }
}

/** One box pass over `lines` lines of `len` pixels; `step` moves along a line, `stride` to the next. */
function boxPass(
  src: Uint8Array,
  dst: Uint8Array,
  len: number,
  lines: number,
  r: number,
  step: number,
  stride: number,
): void {
  const n = 2 * r + 1;
  for (let l = 0; l < lines; l++) {
    const base = l * stride;
    for (let c = 0; c < 3; c++) {
      const at = (i: number) => src[base + c + (i < 0 ? 0 : i >= len ? len - 1 : i) * step];
      let sum = 0;
      for (let i = -r; i <= r; i++) sum += at(i);
      for (let i = 0; i < len; i++) {
        dst[base + c + i * step] = (sum / n + 0.5) | 0;
        sum += at(i + r + 1) - at(i - r);
      }
    }
  }
}

/** Moves the picture by (dx, dy) pixels, repeating edge pixels into the uncovered border. */
export function shifted(d: Uint8Array, width: number, height: number, dx: number, dy: number): Uint8Array {
  const out = new Uint8Array(d.length);
  for (let y = 0; y < height; y++) {
    const sy = Math.min(height - 1, Math.max(0, y - dy));
    for (let x = 0; x < width; x++) {
      const sx = Math.min(width - 1, Math.max(0, x - dx));
      const o = (y * width + x) * 3,
        s = (sy * width + sx) * 3;
      out[o] = d[s];
      out[o + 1] = d[s + 1];
      out[o + 2] = d[s + 2];
    }
  }
  return out;
}
