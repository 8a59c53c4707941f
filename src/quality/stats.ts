/**
 * Per-image quality scores, in two steps that keep the heavy work in one place:
 *
 *  1. `RawStats`: everything that touches every pixel (histograms, exact integer sums, the
 *     brightness values at a few ranks, Cleanvision's small resized copies). The ONNX graph
 *     (graph.ts) and the TypeScript reference (scores.ts) each compute these.
 *  2. `finishScores`: a few operations on those numbers, shared by both, give the scores.
 *
 * Definitions (Cleanvision 0.3.7, cleanvision/issue_managers/image_property.py, unless said):
 *  brightness       perceived brightness of the mean colour, sqrt(.241 R^2 + .691 G^2 + .068 B^2)
 *                   / 255, with R, G, B the channel means (ImageStat.mean)
 *  brightness_pN    np.percentile over pixels of the same per-pixel brightness, N in 1 5 10 15
 *                   90 95 99 (a grayscale file: value / 255)
 *  contrast         standard deviation of OpenCV's gray (opencv.ts)
 *  laplacian_var    variance of OpenCV's Laplacian of that gray (opencv.ts)
 *  entropy          Pillow's Image.entropy(): Shannon entropy in bits of the histogram of all
 *                   bands together (768 bins for RGB, 256 for a grayscale file)
 *  colorfulness     Hasler & Suesstrunk (2003): sqrt(var rg + var yb) + 0.3 sqrt(mean rg^2 +
 *                   mean yb^2) with rg = R - G, yb = (R + G) / 2 - B; 0 exactly when R = G = B
 *  blurriness       sqrt of the variance of FIND_EDGES over the image resized (bicubic) so its
 *                   longer side is at most 64 and converted to "L" (pil.ts)
 *  blurriness_gray_std  np.std of the 256-bin histogram of that small gray image
 *  aspect_ratio     min(w / h, h / w)
 *  size             sqrt(w) * sqrt(h)
 *  phash            imagehash.phash (phash.ts)
 */

import type { DecodedImage } from "../image/decode";
import { varianceOfSums } from "./opencv";
import { lerp, percentilePosition, std } from "./numpy";
import { pyFloorDiv } from "./pil";
import { blurHistograms } from "./blur";
import { phash } from "./phash";
import type { Thumbnail } from "./thumbnail";

/** A decoded image as the scores read it. */
export interface QualityImage {
  width: number;
  height: number;
  /** width * height * 3 bytes, R G B interleaved, rows top to bottom. */
  rgb: Uint8Array;
  /** Colour channels the file stores: 1 for a grayscale file (Pillow mode "L"), else 3. */
  channels: 1 | 3;
  /** The EXIF orientation (1-8) that turned the stored pixels into these; 1 when absent. */
  orientation?: number;
}

/**
 * The image as the scores see it. A file counts as grayscale as Pillow's mode "L" does: one
 * 8-bit channel, no alpha (decodeImage expands it to three equal channels).
 */
export function qualityImage(d: DecodedImage): QualityImage {
  const { source } = d;
  const gray = source.space === "b-w" && !source.hasAlpha && source.depth === "uchar";
  return { width: d.width, height: d.height, rgb: d.data, channels: gray ? 1 : 3, orientation: source.orientation };
}

/** Percentiles of per-pixel brightness that Cleanvision computes. */
export const BRIGHTNESS_PERCENTILES = [1, 5, 10, 15, 90, 95, 99] as const;

/** Exact integer sum and sum of squares of a per-pixel quantity. */
export interface Sums {
  sum: number;
  sumSquares: number;
}

export interface RawStats {
  width: number;
  height: number;
  channels: 1 | 3;
  /** Counts of R, G and B values, 256 bins each. */
  histogram: Float64Array;
  gray: Sums;
  laplacian: Sums;
  /** R - G. */
  rg: Sums;
  /** R + G - 2B (twice yb, to stay in integers). */
  yb2: Sums;
  /** Per-pixel brightness at the ranks `brightnessRanks` names, in that order. */
  brightnessAtRanks: Float64Array;
  /** Cleanvision's blur-detection copy: planar R, G, B planes of `blurSize`. */
  small: Uint8Array;
  /** Pillow "L", LANCZOS-resized to hashInputSize(hashSize) squared. */
  hashPixels: Uint8Array;
  /** The near-duplicate thumbnail (thumbnail.ts). */
  thumbnail: Thumbnail;
}

export type QualityScores = {
  brightness: number;
  contrast: number;
  laplacian_var: number;
  entropy: number;
  colorfulness: number;
  blurriness: number;
  blurriness_gray_std: number;
  aspect_ratio: number;
  size: number;
  channels: number;
  phash: string;
} & Record<PercentileKey, number>;

type PercentileKey = `brightness_p${(typeof BRIGHTNESS_PERCENTILES)[number]}`;

/** Cleanvision's longest side for blur detection (utils/constants.py MAX_RESOLUTION_FOR_BLURRY_DETECTION). */
const BLUR_MAX_SIDE = 64;

/** The size Cleanvision resizes to before blur detection (unchanged when the longer side is at most 64). */
export function blurSize(width: number, height: number): { width: number; height: number } {
  const ratio = Math.max(width, height) / BLUR_MAX_SIDE;
  if (ratio <= 1) return { width, height };
  return {
    width: Math.max(Math.trunc(pyFloorDiv(width, ratio)), 1),
    height: Math.max(Math.trunc(pyFloorDiv(height, ratio)), 1),
  };
}

/**
 * The sorted ranks whose brightness the percentiles need (two per percentile: numpy
 * interpolates between neighbours), for n pixels.
 */
export function brightnessRanks(n: number): number[] {
  return BRIGHTNESS_PERCENTILES.flatMap((p) => {
    const { lo, hi } = percentilePosition(n, p);
    return [lo, hi];
  });
}

/** Cleanvision's brightness formula (calculate_brightness), for a pixel or for mean values. */
export function perceivedBrightness(r: number, g: number, b: number): number {
  return Math.sqrt(0.241 * (r * r) + 0.691 * (g * g) + 0.068 * (b * b)) / 255;
}

export function finishScores(raw: RawStats, hashSize: number): QualityScores {
  const { width, height, channels, histogram: h } = raw;
  const n = width * height;
  const bands = channels === 1 ? 1 : 3;
  const means = [0, 1, 2].map((c) => {
    // A grayscale file has one band; Cleanvision then uses its mean for R, G and B.
    const band = bands === 1 ? 0 : c;
    let s = 0;
    for (let v = 0; v < 256; v++) s += v * h[band * 256 + v];
    return s / n;
  });
  // The i-th of BRIGHTNESS_PERCENTILES.
  const percentile = (i: number) =>
    lerp(
      raw.brightnessAtRanks[2 * i],
      raw.brightnessAtRanks[2 * i + 1],
      percentilePosition(n, BRIGHTNESS_PERCENTILES[i]).gamma,
    );
  const varRg = varianceOfSums(raw.rg.sum, raw.rg.sumSquares, n);
  const varYb = varianceOfSums(raw.yb2.sum, raw.yb2.sumSquares, n) / 4;
  const meanRg = raw.rg.sum / n,
    meanYb = raw.yb2.sum / (2 * n);
  const small = blurSize(width, height);
  const blur = blurHistograms(raw.small, small.width, small.height);
  // Written out as one literal: an object of fixed shape, cheap to build once per image.
  return {
    brightness: perceivedBrightness(means[0], means[1], means[2]),
    brightness_p1: percentile(0),
    brightness_p5: percentile(1),
    brightness_p10: percentile(2),
    brightness_p15: percentile(3),
    brightness_p90: percentile(4),
    brightness_p95: percentile(5),
    brightness_p99: percentile(6),
    contrast: Math.sqrt(varianceOfSums(raw.gray.sum, raw.gray.sumSquares, n)),
    laplacian_var: varianceOfSums(raw.laplacian.sum, raw.laplacian.sumSquares, n),
    entropy: entropy(h.subarray(0, 256 * bands)),
    colorfulness: Math.sqrt(varRg + varYb) + 0.3 * Math.sqrt(meanRg * meanRg + meanYb * meanYb),
    blurriness: Math.sqrt(histogramVariance(blur.edges)),
    blurriness_gray_std: std(blur.gray),
    aspect_ratio: Math.min(width / height, height / width),
    size: Math.sqrt(width) * Math.sqrt(height),
    channels,
    phash: phash(raw.hashPixels, hashSize),
  };
}

/** ImageStat.Stat(...).var of one band: (sum2 - sum^2 / n) / n from the histogram. */
function histogramVariance(h: Float64Array): number {
  let n = 0,
    sum = 0,
    sum2 = 0;
  for (let v = 0; v < 256; v++) {
    n += h[v];
    sum += v * h[v];
    sum2 += v * v * h[v];
  }
  return (sum2 - (sum * sum) / n) / n;
}

/** Pillow's ImagingGetHistogram entropy: -sum p log2 p over every bin, in bin order. */
function entropy(h: Float64Array): number {
  let total = 0;
  for (let v = 0; v < h.length; v++) total += h[v];
  let e = 0;
  for (let v = 0; v < h.length; v++) {
    const p = h[v] / total;
    if (p !== 0) e += p * Math.log(p) * Math.LOG2E;
  }
  return -e;
}
