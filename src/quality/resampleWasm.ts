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
  horizontal(src: number, rows: number, inW: number, outW: number, start: number, count: number, weights: number, ksize: number, dst: number): void;
  vertical(src: number, planes: number, inH: number, w: number, outH: number, start: number, count: number, weights: number, ksize: number, dst: number): void;
}

/** Whether the WebAssembly passes are available in this build. */
export function hasResampleKernels(): boolean {
  return kernelModule("resample") !== null;
}

/** pil.ts `resize`, in WebAssembly when available and the image is not too large. */
export function resizeFast(src: Uint8Array, planes: number, width: number, height: number, outWidth: number, outHeight: number, filter: ResampleFilter): Uint8Array {
  const k = kernelModule<Kernels>("resample");
  if (!k || src.length > MAX_BYTES) return resize(src, planes, width, height, outWidth, outHeight, filter);
  const across = outWidth !== width ? cachedCoefficients(width, outWidth, filter) : null;
  const down = outHeight !== height ? cachedCoefficients(height, outHeight, filter) : null;
  const midWidth = across ? outWidth : width;

  // Memory: source, after the horizontal pass, after the vertical pass, coefficients.
  const layout = new Layout(k), place = (bytes: number) => layout.place(bytes);
  const input = place(src.length), middle = place(planes * height * midWidth), output = place(planes * outHeight * midWidth);
  const slots = (c: Coefficients | null) => (c ? { start: place(4 * c.outSize), count: place(4 * c.outSize), weights: place(4 * c.weights.length) } : null);
  const acrossAt = slots(across), downAt = slots(down);
  k.reserve(layout.size);
  const bytes = new Uint8Array(k.memory.buffer);
  bytes.set(src, input);
  const write = (c: Coefficients, at: { start: number; count: number; weights: number }) => {
    new Int32Array(k.memory.buffer, at.start, c.outSize).set(c.start);
    new Int32Array(k.memory.buffer, at.count, c.outSize).set(c.count);
    new Int32Array(k.memory.buffer, at.weights, c.weights.length).set(c.weights);
  };
  let current = input;
  if (across && acrossAt) {
    write(across, acrossAt);
    k.horizontal(input, planes * height, width, outWidth, acrossAt.start, acrossAt.count, acrossAt.weights, across.ksize, middle);
    current = middle;
  }
  if (down && downAt) {
    write(down, downAt);
    k.vertical(current, planes, height, midWidth, outHeight, downAt.start, downAt.count, downAt.weights, down.ksize, output);
    current = output;
  }
  const out = new Uint8Array(k.memory.buffer, current, planes * outHeight * midWidth).slice();
  trimKernel("resample");
  return out;
}
