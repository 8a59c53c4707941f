/**
 * The plain TypeScript reference of the quality scores: the same `RawStats` as the ONNX graph,
 * computed pixel by pixel on typed arrays. Tests hold the graph to it and both to OpenCV and
 * Cleanvision; computeQuality also uses it for images the graph cannot take (see graph.ts).
 */

import { laplacianSums, opencvGray } from "./opencv";
import { pilGray, resize } from "./pil";
import { hashInputSize } from "./phash";
import { blurSize, brightnessRanks, finishScores, perceivedBrightness, type QualityImage, type QualityScores, type RawStats, type Sums } from "./stats";

export function referenceRawStats(image: QualityImage, hashSize: number): RawStats {
  const { width, height, rgb, channels } = image;
  const n = width * height;
  const histogram = new Float64Array(768);
  const gray = new Uint8Array(n), pil = new Uint8Array(n), planes = new Uint8Array(3 * n), brightness = new Float64Array(n);
  const g = sums(), rg = sums(), yb2 = sums();
  for (let i = 0; i < n; i++) {
    const r = rgb[3 * i], gr = rgb[3 * i + 1], b = rgb[3 * i + 2];
    histogram[r]++;
    histogram[256 + gr]++;
    histogram[512 + b]++;
    gray[i] = opencvGray(r, gr, b);
    pil[i] = pilGray(r, gr, b);
    planes[i] = r;
    planes[n + i] = gr;
    planes[2 * n + i] = b;
    // Cleanvision reads a grayscale file's values directly (array / 255).
    brightness[i] = channels === 1 ? r / 255 : perceivedBrightness(r, gr, b);
    add(g, gray[i]);
    add(rg, r - gr);
    add(yb2, r + gr - 2 * b);
  }
  const lap = laplacianSums(gray, width, height);
  brightness.sort();
  const small = blurSize(width, height), side = hashInputSize(hashSize);
  return {
    width, height, channels, histogram,
    gray: g,
    laplacian: { sum: lap.sum, sumSquares: lap.sumSquares },
    rg, yb2,
    brightnessAtRanks: Float64Array.from(brightnessRanks(n), (k) => brightness[k]),
    small: resize(planes, 3, width, height, small.width, small.height, "bicubic"),
    hashPixels: resize(pil, 1, width, height, side, side, "lanczos"),
  };
}

/** Every score of one image, by the reference. */
export function referenceScores(image: QualityImage, hashSize = 8): QualityScores {
  return finishScores(referenceRawStats(image, hashSize), hashSize);
}

function sums(): Sums {
  return { sum: 0, sumSquares: 0 };
}

function add(s: Sums, v: number): void {
  s.sum += v;
  s.sumSquares += v * v;
}
