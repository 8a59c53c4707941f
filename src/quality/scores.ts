/**
 * The plain TypeScript version of the quality scores: the same `RawStats` as the ONNX graph,
 * computed on typed arrays. Tests hold the graph to it and both to OpenCV and Cleanvision;
 * computeQuality runs it on CPU, where it measured faster than the graph (see scorer.ts).
 *
 * One pass over the pixels gathers everything per pixel; the brightness percentiles then come
 * from a selection, not a sort (brightness.ts); Pillow's resampling runs in WebAssembly
 * (resampleWasm.ts, the same bytes as pil.ts).
 */

import { brightnessAtRanks } from "./brightness";
import { laplacianSums } from "./opencv";
import { resizeFast } from "./resampleWasm";
import { hashInputSize } from "./phash";
import { blurSize, brightnessRanks, finishScores, type QualityImage, type QualityScores, type RawStats } from "./stats";

export function referenceRawStats(image: QualityImage, hashSize: number): RawStats {
  const { width, height, rgb, channels } = image;
  const n = width * height;
  const counts = new Int32Array(768);
  const gray = new Uint8Array(n), pil = new Uint8Array(n), planes = new Uint8Array(3 * n);
  // 241 R^2 + 691 G^2 + 68 B^2: per-pixel brightness squared, scaled to an exact integer key.
  const keys = new Uint32Array(n);
  let gSum = 0, gSquares = 0, rgSum = 0, rgSquares = 0, ybSum = 0, ybSquares = 0;
  for (let i = 0, p = 0; i < n; i++, p += 3) {
    const r = rgb[p], g = rgb[p + 1], b = rgb[p + 2];
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
    const rg = r - g, yb = r + g - 2 * b;
    gSum += cv;
    gSquares += cv * cv;
    rgSum += rg;
    rgSquares += rg * rg;
    ybSum += yb;
    ybSquares += yb * yb;
  }
  const lap = laplacianSums(gray, width, height);
  const small = blurSize(width, height), side = hashInputSize(hashSize);
  return {
    width, height, channels,
    histogram: Float64Array.from(counts),
    gray: { sum: gSum, sumSquares: gSquares },
    laplacian: lap,
    rg: { sum: rgSum, sumSquares: rgSquares },
    yb2: { sum: ybSum, sumSquares: ybSquares },
    brightnessAtRanks: brightnessAtRanks(keys, rgb, channels, brightnessRanks(n)),
    small: resizeFast(planes, 3, width, height, small.width, small.height, "bicubic"),
    hashPixels: resizeFast(pil, 1, width, height, side, side, "lanczos"),
  };
}

/** Every score of one image, by the reference. */
export function referenceScores(image: QualityImage, hashSize = 8): QualityScores {
  return finishScores(referenceRawStats(image, hashSize), hashSize);
}
