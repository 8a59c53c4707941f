import * as fs from "node:fs";
import sharp from "sharp";
import { FIX_TRUNCATED, ImageError } from "./decode";

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
  checkEnding(file, m.format);
  const rotated = (m.orientation ?? 1) >= 5;
  return {
    width: rotated ? m.height : m.width,
    height: rotated ? m.width : m.height,
    format: m.format ?? "unknown",
  };
}

/** End-of-image markers: a cut-short file lacks them at its end. */
const ENDINGS: Record<string, Buffer> = { jpeg: Buffer.from([0xff, 0xd9]), png: Buffer.from("IEND") };
const CHUNK = 64 * 1024;
/** Some cameras pad files with zero bytes after the image; look past this much padding at most. */
const MAX_PADDING = 4 * 1024 * 1024;

/**
 * Finds images cut short (an interrupted copy or download) without decoding them: their header
 * reads fine, but the end-of-image marker is missing from the end of the data. Throws the
 * ImageError that decoding the file would (kind "truncated-image").
 */
function checkEnding(file: string, format: string | undefined): void {
  const marker = format === undefined ? undefined : ENDINGS[format];
  if (!marker) return;
  const fd = fs.openSync(file, "r");
  try {
    const size = fs.fstatSync(fd).size;
    const buf = Buffer.alloc(CHUNK + marker.length);
    // Walk back over trailing zero padding, chunk by chunk, to the last data byte.
    for (let end = size; end > 0 && size - end <= MAX_PADDING; end -= CHUNK) {
      const start = Math.max(0, end - CHUNK - marker.length);
      const n = fs.readSync(fd, buf, 0, end - start, start);
      let last = n - 1;
      while (last >= 0 && buf[last] === 0) last--;
      if (last < 0) continue;
      const tail = buf.subarray(Math.max(0, last + 1 - 64), last + 1);
      if (tail.includes(marker)) return;
      break;
    }
    if (format === "jpeg" && endsInside(fs.readFileSync(file))) return;
    const reason = `the ${format!.toUpperCase()} file is truncated (no end-of-image marker)`;
    throw new ImageError("truncated-image", file, reason, FIX_TRUNCATED);
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * A JPEG followed by other data (motion photos append a video) still ends: an end-of-image
 * marker follows its last start-of-scan marker. Only read when the tail check failed.
 */
function endsInside(bytes: Buffer): boolean {
  const sos = bytes.lastIndexOf(Buffer.from([0xff, 0xda]));
  return sos >= 0 && bytes.indexOf(ENDINGS.jpeg, sos) > sos;
}

/** Runs `work` over items with at most `limit` in flight; results keep the input order. */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T, i: number) => Promise<R>,
): Promise<R[]> {
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
