/** A batch of images' stored quality rows (row.ts) from their raw statistics. */

import { pixelMd5 } from "./duplicates";
import { packRow, rowWidth } from "./row";
import { finishScores, type QualityImage, type RawStats } from "./stats";

export function qualityRows(images: QualityImage[], raw: RawStats[], hashSize: number): Float32Array {
  const width = rowWidth(hashSize);
  const rows = new Float32Array(images.length * width);
  images.forEach((im, i) => packRow({ ...finishScores(raw[i], hashSize), md5: pixelMd5(im) }, hashSize, rows, i * width));
  return rows;
}
