import sharp from "sharp";

export interface ImageHeader {
  width: number;
  height: number;
  format: string;
}

/**
 * Reads an image's size from its header, without decoding pixels. The size is the one the
 * image is displayed at: EXIF orientations 5-8 (rotated by 90 degrees) swap width and height.
 */
export async function readImageHeader(file: string): Promise<ImageHeader> {
  const m = await sharp(file, { failOn: "none", limitInputPixels: false }).metadata();
  if (!m.width || !m.height) throw new Error("the header gives no image size");
  const rotated = (m.orientation ?? 1) >= 5;
  return {
    width: rotated ? m.height : m.width,
    height: rotated ? m.width : m.height,
    format: m.format ?? "unknown",
  };
}

/** Runs `work` over items with at most `limit` in flight; results keep the input order. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, work: (item: T, i: number) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  async function worker(): Promise<void> {
    while (next < items.length) {
      const i = next++;
      out[i] = await work(items[i], i);
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}
