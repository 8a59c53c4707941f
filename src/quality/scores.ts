/**
 * The TypeScript scorer: the same `RawStats` as the ONNX graph, from typed arrays. Tests hold
 * the graph to it and both to OpenCV and Cleanvision; computeQuality runs it on CPU, where it
 * measured faster than the graph (see scorer.ts).
 *
 * One pass over the pixels gathers everything per pixel (pixels.ts); the brightness
 * percentiles then come from a selection, not a sort (brightness.ts); Pillow's resampling runs
 * in WebAssembly (resampleWasm.ts, the same bytes as pil.ts).
 */

import { brightnessAtRanks } from "./brightness";
import { hashInputSize } from "./phash";
import { pixelPass, trimPixelPass } from "./pixels";
import { resizeFast } from "./resampleWasm";
import { thumbnailOfSums } from "./thumbnail";
import { blurSize, brightnessRanks, finishScores, type QualityImage, type QualityScores, type RawStats } from "./stats";

export function referenceRawStats(image: QualityImage, hashSize: number): RawStats {
  const { width, height, channels } = image;
  const p = pixelPass(image);
  const small = blurSize(width, height),
    side = hashInputSize(hashSize);
  const raw: RawStats = {
    width,
    height,
    channels,
    histogram: Float64Array.from(p.counts),
    gray: p.gray,
    laplacian: p.laplacian,
    rg: p.rg,
    yb2: p.yb2,
    brightnessAtRanks: brightnessAtRanks(p.high, p.scans, channels, brightnessRanks(width * height)),
    small: resizeFast(p.planes, 3, width, height, small.width, small.height, "bicubic"),
    hashPixels: resizeFast(p.pil, 1, width, height, side, side, "lanczos"),
    thumbnail: thumbnailOfSums(p.cells, width, height),
  };
  trimPixelPass();
  return raw;
}

/** Every score of one image, by the reference. */
export function referenceScores(image: QualityImage, hashSize = 8): QualityScores {
  return finishScores(referenceRawStats(image, hashSize), hashSize);
}
