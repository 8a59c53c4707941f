/** An image file as the NEAR_COPY.side-pixel grey square verify.ts compares (upright, stretched to the square). */

import * as fs from "node:fs";
import sharp from "sharp";
import { hashBytes } from "../../image/cache";
import { NEAR_COPY } from "./verify";

/** The file's content hash, the key of its pairs in the pair cache; null when it cannot be read. */
export function fileHash(file: string): string | null {
  try {
    return hashBytes(fs.readFileSync(file));
  } catch {
    return null;
  }
}

/** The grey square, or null when the file cannot be decoded (its problem is reported by the quality pass). */
export async function loadComparable(file: string): Promise<Uint8Array | null> {
  try {
    const side = NEAR_COPY.side;
    const data = await sharp(file, { failOn: "none" })
      .rotate()
      .greyscale()
      .resize(side, side, { fit: "fill" })
      .raw()
      .toBuffer();
    return data.length === side * side ? new Uint8Array(data.buffer, data.byteOffset, data.length) : null;
  } catch {
    return null;
  }
}
