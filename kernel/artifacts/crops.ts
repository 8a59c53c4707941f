import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import sharp from "sharp";
import { mapLimit } from "../../src/image/header";
import { patchCropPath } from "../protocol";
import { exists, writeCacheFile } from "./files";
import { KEY_LENGTH } from "./hash";
import { notebookDir } from "./location";
import { WEBP_QUALITY } from "./thumbs";

/** A box's crop is the box grown by this factor around its centre: the object in its context. */
export const CROP_CONTEXT = 1.25;
/** Smallest side of a crop in image pixels: a 4-pixel box still shows what is around it. */
export const MIN_CROP_SIDE = 32;
/** Crops are square-ish: the long side is at most this many times the short one. */
export const MAX_CROP_ASPECT = 2;

/** x, y, width, height in whole image pixels. */
export type CropRect = [number, number, number, number];

/**
 * The rectangle cut for a box (x, y, w, h in the image's pixels): the box grown by
 * CROP_CONTEXT, at least MIN_CROP_SIDE, widened to an aspect of at most MAX_CROP_ASPECT, then
 * moved inside the image (shrunk only where the image is smaller). Null for an empty image.
 */
export function cropRect(
  x: number,
  y: number,
  w: number,
  h: number,
  imageWidth: number,
  imageHeight: number,
): CropRect | null {
  if (!(imageWidth >= 1 && imageHeight >= 1) || ![x, y, w, h].every(Number.isFinite)) return null;
  let cw = Math.max(w * CROP_CONTEXT, MIN_CROP_SIDE),
    ch = Math.max(h * CROP_CONTEXT, MIN_CROP_SIDE);
  cw = Math.max(cw, ch / MAX_CROP_ASPECT);
  ch = Math.max(ch, cw / MAX_CROP_ASPECT);
  const [left, width] = placeSpan(x + w / 2, cw, imageWidth);
  const [top, height] = placeSpan(y + h / 2, ch, imageHeight);
  return [left, top, width, height];
}

/** A span of `length` centred on `centre`, in whole pixels, moved (or cut) to lie in [0, limit). */
function placeSpan(centre: number, length: number, limit: number): [number, number] {
  const size = Math.max(1, Math.min(Math.round(length), Math.floor(limit)));
  const start = Math.min(Math.max(Math.round(centre - size / 2), 0), Math.floor(limit) - size);
  return [start, size];
}

/** Crops are named by the image's content: equal bytes, equal crops, whatever the path. */
export function imageKey(contentHash: string): string {
  return contentHash.slice(0, KEY_LENGTH);
}

/** Absolute path of a crop file. */
export function cropFile(image: string, crop: CropRect, size: number): string {
  return path.join(notebookDir(), ...patchCropPath(image, crop, size).split("/"));
}

/** One crop to make: the image file, its key and the rectangle. */
export interface CropJob {
  path: string;
  image: string;
  crop: CropRect;
}

/**
 * Makes the crops that are not on disk yet, longest side `size` (small boxes are enlarged),
 * decoding each image once for all its crops, several images in flight. An image that cannot
 * be read leaves its crops missing (the tile says so); returns how many crops were written.
 */
export async function makeCrops(jobs: readonly CropJob[], size: number): Promise<number> {
  const byImage = new Map<string, CropJob[]>();
  for (const job of jobs) {
    if (await exists(cropFile(job.image, job.crop, size))) continue;
    const list = byImage.get(job.path) ?? [];
    if (!list.some((j) => j.crop.join() === job.crop.join())) list.push(job);
    byImage.set(job.path, list);
  }
  const inFlight = Math.min(8, os.availableParallelism());
  const written = await mapLimit([...byImage.values()], inFlight, async (list) => {
    try {
      // Pixels as displayed (EXIF orientation applied), the frame boxes are given in.
      const { data, info } = await sharp(await fs.promises.readFile(list[0].path), { failOn: "none" })
        .rotate()
        .raw()
        .toBuffer({ resolveWithObject: true });
      const raw = { raw: { width: info.width, height: info.height, channels: info.channels } };
      for (const job of list) {
        const [left, top, width, height] = job.crop;
        const webp = await sharp(data, raw)
          .extract({
            left,
            top,
            width: Math.min(width, info.width - left),
            height: Math.min(height, info.height - top),
          })
          .resize({ width: size, height: size, fit: "inside" })
          .webp({ quality: WEBP_QUALITY })
          .toBuffer();
        await writeCacheFile(cropFile(job.image, job.crop, size), webp);
      }
      return list.length;
    } catch {
      return 0;
    }
  });
  return written.reduce((a, b) => a + b, 0);
}
