import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import sharp from "sharp";
import { decodeImage } from "../../src/image/decode";
import { qualityImage } from "../../src/quality/stats";
import type { QualityImage } from "../../src/quality/stats";
import { HAS_SHARED, SHARED, tmpDir, VOC_IMAGES } from "../helpers/data";
import { PYTHON } from "../helpers/reference";

/** Runs a script of this folder with a JSON input file; returns its JSON output. */
export function python<T>(script: string, input: unknown): T {
  const file = path.join(tmpDir("quality-py"), "input.json");
  fs.writeFileSync(file, JSON.stringify(input));
  const out = execFileSync(PYTHON, [path.join(__dirname, script), file], {
    encoding: "utf8",
    maxBuffer: 1 << 30,
    env: { ...process.env, TQDM_DISABLE: "1" },
  });
  return JSON.parse(out) as T;
}

export const SIGN_DIGITS = path.join(SHARED, "sign-digits/Dataset");

/** The image files of a folder and its sub-folders, sorted. */
export function imageFiles(dir: string): string[] {
  if (!HAS_SHARED) return [];
  return fs
    .readdirSync(dir, { recursive: true, encoding: "utf8" })
    .filter((f) => /\.(jpe?g|png)$/i.test(f))
    .map((f) => path.join(dir, f))
    .sort();
}

export const VOC_FILES = imageFiles(VOC_IMAGES);
export const SIGN_FILES = imageFiles(SIGN_DIGITS);

export async function decodeForQuality(file: string): Promise<QualityImage> {
  return qualityImage(await decodeImage(file));
}

/**
 * The pixels as stored, as OpenCV reads them: an embedded ICC profile not applied (1,851 of the
 * 2,162 voc100 + sign-digits files carry Apple's Display P3 profile), the EXIF orientation
 * applied, as cv2.imread does.
 */
export async function storedImage(file: string): Promise<QualityImage> {
  const { data, info } = await sharp(file)
    .keepIccProfile()
    .autoOrient()
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  return {
    width: info.width,
    height: info.height,
    rgb: new Uint8Array(data.buffer, data.byteOffset, data.length),
    channels: info.channels === 1 ? 1 : 3,
  };
}

/** A random RGB image (a seeded generator), as a PNG file and as pixels. */
export async function randomImage(dir: string, width: number, height: number, seed: number): Promise<string> {
  let s = seed;
  const data = Uint8Array.from(
    { length: width * height * 3 },
    () => ((s = (s * 1103515245 + 12345) >>> 0) >>> 16) & 255,
  );
  const file = path.join(dir, `random-${width}x${height}-${seed}.png`);
  await sharp(data, { raw: { width, height, channels: 3 } })
    .png()
    .toFile(file);
  return file;
}
