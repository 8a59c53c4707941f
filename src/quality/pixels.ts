/**
 * The per-pixel pass of the quality scores: everything scores.ts needs that touches every
 * pixel, in one pass. `pixelPass` runs asm/pixels.ts in WebAssembly with SIMD (5 ns a pixel
 * against 24 here: 16 pixels a step, only the histograms' increments one at a time) when the
 * build has it, else `pixelPassReference`, the TypeScript version that tests hold it to.
 */

import { highCounts, KEY_COLOURS, keyScans, SIDE, type KeyScans, type Located } from "./brightness";
import { laplacianSums } from "./opencv";
import { cellSums, THUMB_CELLS } from "./thumbnail";
import type { QualityImage, Sums } from "./stats";
import { kernelModule, Layout, trimKernel, type KernelModule } from "./wasm";

export interface PixelPass {
  /** Counts of R, G and B values, 256 bins each. */
  counts: Int32Array;
  /** Pillow's "L" of every pixel. */
  pil: Uint8Array;
  /** R, G and B planes, one after another. */
  planes: Uint8Array;
  /** 241 R^2 + 691 G^2 + 68 B^2 of every pixel, and their histogram by the top 13 of 26 bits (brightness.ts). */
  keys: Uint32Array;
  high: Int32Array;
  /** OpenCV's gray, its Laplacian, R - G and R + G - 2B: exact sums and sums of squares. */
  gray: Sums;
  laplacian: Sums;
  rg: Sums;
  yb2: Sums;
  /** Pillow's "L" summed over the near-duplicate thumbnail's cells (thumbnail.ts). */
  cells: Float64Array;
  /** The brightness selection's scans over this pass's keys (brightness.ts). */
  scans: KeyScans;
}

/** Images over this many pixels use the TypeScript pass (14 bytes of WebAssembly memory a pixel). */
const MAX_PIXELS = 50_000_000;

/** Bucket rows and keys the WebAssembly scans have room for: brightnessRanks has 14 ranks. */
const SCAN_ROWS = 16;

interface Kernels extends KernelModule {
  pixelPass(
    rgb: number,
    width: number,
    height: number,
    counts: number,
    gray: number,
    pil: number,
    planes: number,
    keys: number,
    high: number,
    sums: number,
    cells: number,
  ): void;
  lowCounts(keys: number, n: number, slots: number, low: number, rows: number): void;
  locate(counts: number, ranks: number, m: number, found: number): void;
  keyColours(
    keys: number,
    rgb: number,
    n: number,
    slots: number,
    first: number,
    wanted: number,
    colours: number,
    counts: number,
    used: number,
    capacity: number,
  ): number;
}

/**
 * The pass of one image. From the WebAssembly kernel, the arrays are views into its memory,
 * valid until the next call on this thread; call trimPixelPass when done with them.
 */
export function pixelPass(image: QualityImage): PixelPass {
  const k = kernelModule<Kernels>("pixels");
  const { width, height, rgb } = image,
    n = width * height;
  if (!k || n > MAX_PIXELS) return pixelPassReference(image);
  const layout = new Layout(k);
  const at = {
    rgb: layout.place(3 * n),
    counts: layout.place(768 * 4),
    gray: layout.place(n),
    pil: layout.place(n),
    planes: layout.place(3 * n),
    keys: layout.place(4 * n),
    high: layout.place(8192 * 4),
    sums: layout.place(8 * 8),
    cells: layout.place(THUMB_CELLS * 8),
  };
  const scan = {
    slots: layout.place(SIDE * 4),
    low: layout.place(SCAN_ROWS * SIDE * 4),
    first: layout.place((SCAN_ROWS + 1) * 4),
    wanted: layout.place(SCAN_ROWS * 4),
    ranks: layout.place(SCAN_ROWS * 4),
    found: layout.place(SCAN_ROWS * 8),
    colours: layout.place(SCAN_ROWS * KEY_COLOURS * 4),
    counts: layout.place(SCAN_ROWS * KEY_COLOURS * 4),
    used: layout.place(SCAN_ROWS * 4),
  };
  k.reserve(layout.size);
  new Uint8Array(k.memory.buffer, at.rgb, 3 * n).set(rgb);
  k.pixelPass(at.rgb, width, height, at.counts, at.gray, at.pil, at.planes, at.keys, at.high, at.sums, at.cells);
  // Views into the kernel's memory, not copies (a 9-megapixel photo has 72 MB of them): valid
  // until the next call. The instance is not trimmed here for that reason (see trimPixelPass).
  const buffer = k.memory.buffer;
  const sums = new Float64Array(buffer, at.sums, 8);
  return {
    counts: new Int32Array(buffer, at.counts, 768),
    pil: new Uint8Array(buffer, at.pil, n),
    planes: new Uint8Array(buffer, at.planes, 3 * n),
    keys: new Uint32Array(buffer, at.keys, n),
    high: new Int32Array(buffer, at.high, 8192),
    gray: { sum: sums[0], sumSquares: sums[1] },
    rg: { sum: sums[2], sumSquares: sums[3] },
    yb2: { sum: sums[4], sumSquares: sums[5] },
    laplacian: { sum: sums[6], sumSquares: sums[7] },
    cells: new Float64Array(buffer, at.cells, THUMB_CELLS).slice(),
    scans: kernelScans(k, at.keys, at.rgb, n, scan),
  };
}

/** The brightness scans over the keys and pixels of the pass, in the kernel's scratch space. */
function kernelScans(
  k: Kernels,
  keys: number,
  rgb: number,
  n: number,
  at: Record<"slots" | "low" | "first" | "wanted" | "ranks" | "found" | "colours" | "counts" | "used", number>,
): KeyScans {
  const i32 = (offset: number, length: number) => new Int32Array(k.memory.buffer, offset, length);
  const typed = () => keyScans(new Uint32Array(k.memory.buffer, keys, n), new Uint8Array(k.memory.buffer, rgb, 3 * n));
  return {
    lowRanks(slots, rows, queries) {
      if (rows > SCAN_ROWS || queries.length > SCAN_ROWS) return typed().lowRanks(slots, rows, queries);
      i32(at.slots, SIDE).set(slots);
      k.lowCounts(keys, n, at.slots, at.low, rows);
      const out = new Array<Located>(queries.length);
      for (let s = 0; s < rows; s++) {
        const mine = queries
          .flatMap((q, j) => (q.slot === s ? [j] : []))
          .sort((a, b) => queries[a].rank - queries[b].rank);
        i32(at.ranks, mine.length).set(mine.map((j) => queries[j].rank));
        k.locate(at.low + s * SIDE * 4, at.ranks, mine.length, at.found);
        const found = i32(at.found, 2 * mine.length);
        mine.forEach((j, m) => (out[j] = { bin: found[2 * m], offset: found[2 * m + 1] }));
      }
      return out;
    },
    keyColours(slots, first, wanted) {
      if (wanted.length > SCAN_ROWS || first.length > SCAN_ROWS + 1) return typed().keyColours(slots, first, wanted);
      i32(at.slots, SIDE).set(slots);
      i32(at.first, first.length).set(first);
      new Uint32Array(k.memory.buffer, at.wanted, wanted.length).set(wanted);
      i32(at.used, wanted.length).fill(0);
      if (!k.keyColours(keys, rgb, n, at.slots, at.first, at.wanted, at.colours, at.counts, at.used, KEY_COLOURS))
        throw new Error("brightness selection: a key with more colours than any key has");
      const used = i32(at.used, wanted.length);
      return Array.from(wanted, (_, j) => ({
        colours: new Uint32Array(k.memory.buffer, at.colours + j * KEY_COLOURS * 4, used[j]).slice(),
        counts: i32(at.counts + j * KEY_COLOURS * 4, used[j]).slice(),
      }));
    },
  };
}

/** Lets the kernel's memory go after a large image, once its pass is no longer read. */
export function trimPixelPass(): void {
  trimKernel("pixels");
}

/** Whether the WebAssembly pass is available in this build. */
export function hasPixelKernels(): boolean {
  return kernelModule("pixels") !== null;
}

export function pixelPassReference(image: QualityImage): PixelPass {
  const { width, height, rgb } = image;
  const n = width * height;
  const counts = new Int32Array(768);
  const gray = new Uint8Array(n),
    pil = new Uint8Array(n),
    planes = new Uint8Array(3 * n),
    keys = new Uint32Array(n);
  let gSum = 0,
    gSquares = 0,
    rgSum = 0,
    rgSquares = 0,
    ybSum = 0,
    ybSquares = 0;
  for (let i = 0, p = 0; i < n; i++, p += 3) {
    const r = rgb[p],
      g = rgb[p + 1],
      b = rgb[p + 2];
    counts[r]++;
    counts[256 + g]++;
    counts[512 + b]++;
    // OpenCV's and Pillow's gray (opencv.ts opencvGray, pil.ts pilGray), inlined in this loop.
    const cv = (r * 9798 + g * 19235 + b * 3735 + 16384) >> 15;
    gray[i] = cv;
    pil[i] = (r * 19595 + g * 38470 + b * 7471 + 0x8000) >>> 16;
    planes[i] = r;
    planes[n + i] = g;
    planes[2 * n + i] = b;
    keys[i] = 241 * r * r + 691 * g * g + 68 * b * b;
    const rg = r - g,
      yb = r + g - 2 * b;
    gSum += cv;
    gSquares += cv * cv;
    rgSum += rg;
    rgSquares += rg * rg;
    ybSum += yb;
    ybSquares += yb * yb;
  }
  return {
    counts,
    pil,
    planes,
    keys,
    high: highCounts(keys),
    gray: { sum: gSum, sumSquares: gSquares },
    laplacian: laplacianSums(gray, width, height),
    rg: { sum: rgSum, sumSquares: rgSquares },
    yb2: { sum: ybSum, sumSquares: ybSquares },
    cells: cellSums(pil, width, height),
    scans: keyScans(keys, rgb),
  };
}
