/** Small JPEG thumbnails of samples as data URLs, for a page that must carry its images inside it. */

import * as fs from "node:fs";
import sharp from "sharp";
import type { Dataset } from "../dataset/dataset";

export type Thumb = { url: string; width: number; height: number } | { missing: string };

/** The sample's image fitted inside size x size, JPEG quality 60 (same bytes for the same image). */
export async function thumbnail(ds: Dataset, filepath: string, size: number): Promise<Thumb> {
  let file: string;
  try {
    file = ds.imagePath(filepath);
  } catch (err) {
    return { missing: (err as Error).message };
  }
  if (!fs.existsSync(file)) return { missing: `no image at ${filepath}` };
  try {
    const { data, info } = await sharp(file, { limitInputPixels: 1e8 })
      .rotate()
      .resize({ width: size, height: size, fit: "inside" })
      .jpeg({ quality: 60 })
      .toBuffer({ resolveWithObject: true });
    return { url: `data:image/jpeg;base64,${data.toString("base64")}`, width: info.width, height: info.height };
  } catch (err) {
    return { missing: `${filepath} could not be read: ${(err as Error).message}` };
  }
}
