/**
 * A batch of images' stored quality rows from their raw statistics: the scores (row.ts), then
 * the thumbnail for near-duplicate search (thumbnail.ts).
 */

import { pixelMd5 } from "./duplicates";
import { packRow, rowWidth, type ImageQuality } from "./row";
import { finishScores, type QualityImage, type RawStats } from "./stats";
import { packThumbnail, THUMB_ROW_WIDTH } from "./thumbnail";

/** Floats per image: scores, then thumbnail. */
export function qualityRowWidth(hashSize: number): number {
  return rowWidth(hashSize) + THUMB_ROW_WIDTH;
}

export function qualityRows(images: QualityImage[], raw: RawStats[], hashSize: number): Float32Array {
  const scores = rowWidth(hashSize),
    width = scores + THUMB_ROW_WIDTH;
  const rows = new Float32Array(images.length * width);
  images.forEach((im, i) => {
    const q = finishScores(raw[i], hashSize) as ImageQuality;
    q.md5 = pixelMd5(im);
    packRow(q, hashSize, rows, i * width);
    packThumbnail(raw[i].thumbnail, rows, i * width + scores);
  });
  return rows;
}
