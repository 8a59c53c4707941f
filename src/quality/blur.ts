/**
 * Cleanvision's blur inputs from its small copy of the image (planar R, G, B of `blurSize`):
 * histograms of Pillow's "L" and of its ImageFilter.FIND_EDGES (stats.ts turns them into
 * blurriness and blurriness_gray_std). asm/pixels.ts computes them in WebAssembly when the
 * build has it; `blurHistogramsReference` is the TypeScript version tests hold it to.
 */

import { findEdges, pilGray } from "./pil";
import { kernelModule, Layout, type KernelModule } from "./wasm";

/** Histograms of Pillow's "L" of Cleanvision's small blur copy (planar R, G, B) and of its FIND_EDGES. */
export interface BlurHistograms {
  gray: Float64Array;
  edges: Float64Array;
}

interface Kernels extends KernelModule {
  blurHistograms(planes: number, width: number, height: number, gray: number, grayHist: number, edgeHist: number): void;
}

/** The histograms, in WebAssembly when the build has it (this overwrites the pixel pass's arrays: pixels.ts). */
export function blurHistograms(planes: Uint8Array, width: number, height: number): BlurHistograms {
  const k = kernelModule<Kernels>("pixels");
  if (!k) return blurHistogramsReference(planes, width, height);
  const n = width * height,
    layout = new Layout(k);
  const at = {
    planes: layout.place(3 * n),
    gray: layout.place(n),
    grayHist: layout.place(1024),
    edgeHist: layout.place(1024),
  };
  k.reserve(layout.size);
  new Uint8Array(k.memory.buffer, at.planes, 3 * n).set(planes);
  k.blurHistograms(at.planes, width, height, at.gray, at.grayHist, at.edgeHist);
  return {
    gray: Float64Array.from(new Int32Array(k.memory.buffer, at.grayHist, 256)),
    edges: Float64Array.from(new Int32Array(k.memory.buffer, at.edgeHist, 256)),
  };
}

export function blurHistogramsReference(planes: Uint8Array, width: number, height: number): BlurHistograms {
  const n = width * height,
    gray = new Uint8Array(n);
  for (let i = 0; i < n; i++) gray[i] = pilGray(planes[i], planes[n + i], planes[2 * n + i]);
  return { gray: histogramOf(gray), edges: histogramOf(findEdges(gray, width, height)) };
}

function histogramOf(values: Uint8Array): Float64Array {
  const h = new Float64Array(256);
  for (let i = 0; i < values.length; i++) h[values[i]]++;
  return h;
}
