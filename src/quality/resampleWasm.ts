/**
 * Pillow's resampling (pil.ts `resize`) through the WebAssembly SIMD passes of
 * asm/resample.ts: the same bytes, 3 to 11 times faster. Without the compiled module (wasm.ts)
 * the TypeScript passes run.
 */

import { cachedCoefficients, resize, type Coefficients, type ResampleFilter } from "./pil";
import { kernelModule, Layout, trimKernel, type KernelModule } from "./wasm";

/** Source bytes above which the TypeScript passes run. */
const MAX_BYTES = 400 << 20;

interface Kernels extends KernelModule {
  horizontal(
    src: number,
    rows: number,
    inW: number,
    outW: number,
    start: number,
    weights: number,
    chunks: number,
    dst: number,
  ): void;
  vertical(
    src: number,
    planes: number,
    inH: number,
    w: number,
    outH: number,
    start: number,
    count: number,
    weights: number,
    ksize: number,
    dst: number,
  ): void;
}

const split = new WeakMap<Coefficients, Int16Array>();

/**
 * The horizontal pass's weights (asm/resample.ts): per output, chunks of 8 taps, each 8 low
 * halves (w & 2047) then 8 high halves (w >> 11), zero past the output's window.
 */
function splitWeights(c: Coefficients): Int16Array {
  let out = split.get(c);
  if (!out) {
    const chunks = Math.ceil(c.ksize / 8);
    out = new Int16Array(c.outSize * chunks * 16);
    for (let o = 0; o < c.outSize; o++) {
      for (let t = 0; t < c.count[o]; t++) {
        const w = c.weights[o * c.ksize + t],
          at = (o * chunks + (t >> 3)) * 16 + (t & 7);
        out[at] = w & 2047;
        out[at + 8] = w >> 11;
      }
    }
    split.set(c, out);
  }
  return out;
}

/** Whether the WebAssembly passes are available in this build. */
export function hasResampleKernels(): boolean {
  return kernelModule("resample") !== null;
}

/** pil.ts `resize`, in WebAssembly when available and the image is not too large. */
export function resizeFast(
  src: Uint8Array,
  planes: number,
  width: number,
  height: number,
  outWidth: number,
  outHeight: number,
  filter: ResampleFilter,
): Uint8Array {
  const k = kernelModule<Kernels>("resample");
  if (!k || src.length > MAX_BYTES) return resize(src, planes, width, height, outWidth, outHeight, filter);
  const across = outWidth !== width ? cachedCoefficients(width, outWidth, filter) : null;
  const down = outHeight !== height ? cachedCoefficients(height, outHeight, filter) : null;
  const midWidth = across ? outWidth : width;

  // Memory: source, after the horizontal pass, after the vertical pass, coefficients.
  const layout = new Layout(k),
    place = (bytes: number) => layout.place(bytes);
  const input = place(src.length),
    middle = place(planes * height * midWidth),
    output = place(planes * outHeight * midWidth);
  const acrossWeights = across && splitWeights(across);
  const acrossAt =
    across && acrossWeights ? { start: place(4 * across.outSize), weights: place(2 * acrossWeights.length) } : null;
  const downAt = down
    ? { start: place(4 * down.outSize), count: place(4 * down.outSize), weights: place(4 * down.weights.length) }
    : null;
  k.reserve(layout.size);
  const bytes = new Uint8Array(k.memory.buffer);
  bytes.set(src, input);
  let current = input;
  if (across && acrossAt && acrossWeights) {
    new Int32Array(k.memory.buffer, acrossAt.start, across.outSize).set(across.start);
    new Int16Array(k.memory.buffer, acrossAt.weights, acrossWeights.length).set(acrossWeights);
    k.horizontal(
      input,
      planes * height,
      width,
      outWidth,
      acrossAt.start,
      acrossAt.weights,
      acrossWeights.length / (16 * across.outSize),
      middle,
    );
    current = middle;
  }
  if (down && downAt) {
    new Int32Array(k.memory.buffer, downAt.start, down.outSize).set(down.start);
    new Int32Array(k.memory.buffer, downAt.count, down.outSize).set(down.count);
    new Int32Array(k.memory.buffer, downAt.weights, down.weights.length).set(down.weights);
    k.vertical(
      current,
      planes,
      height,
      midWidth,
      outHeight,
      downAt.start,
      downAt.count,
      downAt.weights,
      down.ksize,
      output,
    );
    current = output;
  }
  const out = new Uint8Array(k.memory.buffer, current, planes * outHeight * midWidth).slice();
  trimKernel("resample");
  return out;
}
