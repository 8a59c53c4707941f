/**
 * Decodes images for analysis (quality scores, embeddings) with sharp, into 8-bit interleaved
 * pixels (HWC), the same pixels whatever the file's quirks:
 *
 * - EXIF orientation is applied (the pixels are the image as displayed, like `width`/`height`
 *   in the samples table);
 * - animated GIF/WebP and multi-page TIFF: the first frame;
 * - alpha is dropped, keeping the colour channels as they are, like PIL's `convert("RGB")`
 *   that Cleanvision uses (not composited over white or black: a transparent pixel keeps its
 *   stored colour);
 * - 16-bit images are scaled to 8 bits (v / 257, not PIL's clipping of 16-bit greys at 255);
 * - CMYK, Lab and other spaces are converted to sRGB (with the embedded ICC profile if any);
 * - grayscale is expanded to 3 equal channels when 3 are asked; `channels: 1` gives PIL's
 *   `convert("L")` luma of the sRGB pixels, ITU-R 601-2, computed with PIL's integer rounding.
 *
 * A file that cannot be decoded throws an ImageError whose `kind` callers record as a Problem
 * on the sample before going on. Images over `maxPixels` are refused from their header alone,
 * before any pixel is allocated.
 */

import * as fs from "node:fs";
import sharp, { type Metadata, type OutputInfo, type SharpOptions } from "sharp";
import { BlindspotError, type Problem } from "../errors";
import { readJpegHeader } from "./jpegHeader";
import { decodeJpegRgb, WASM_MAX_PIXELS } from "./jpegWasm";

export type ImageErrorKind =
  "missing-image" | "corrupt-image" | "truncated-image" | "image-too-large" | "unsupported-image";

/** An image that could not be decoded; `toProblem` turns it into the Problem a dataset records. */
export class ImageError extends BlindspotError {
  readonly kind: ImageErrorKind;
  readonly reason: string;

  constructor(kind: ImageErrorKind, file: string, reason: string, hint: string, cause?: unknown) {
    super({ file, message: reason, hint, cause });
    this.name = "ImageError";
    this.kind = kind;
    this.reason = reason;
  }

  toProblem(sampleId?: string): Problem {
    return {
      kind: this.kind,
      file: this.file!,
      message: this.reason,
      hint: this.hint,
      ...(sampleId === undefined ? {} : { sampleId }),
    };
  }
}

export type Fit = "fill" | "cover" | "contain";
export type Kernel = "nearest" | "linear" | "cubic" | "lanczos3";

export interface DecodeOptions {
  /** Refuse images with more pixels than this (default 100 million, e.g. 10000 x 10000). */
  maxPixels?: number;
  /**
   * Resize to exactly width x height: `fill` stretches, `cover` crops the centre, `contain`
   * letterboxes on black. `kernel` defaults to sharp's lanczos3; `linear` is closest to
   * torchvision's antialiased bilinear resize.
   */
  resize?: { width: number; height: number; fit?: Fit; kernel?: Kernel };
  /** 3 (RGB, default) or 1 (luma). */
  channels?: 3 | 1;
  /**
   * `stored` (default): RGB and grey files give the values stored in the file, ignoring an
   * embedded colour profile, as PIL, OpenCV and Cleanvision read them (and as most models were
   * trained); `srgb`: converted to sRGB through the profile. CMYK and other spaces are always
   * converted to sRGB.
   */
  colour?: "stored" | "srgb";
  /** The file's name for error messages, when the image is given as bytes. */
  name?: string;
}

export interface SourceInfo {
  /** Size as displayed (after EXIF rotation), as in the samples table. */
  width: number;
  height: number;
  /** sharp's format name: jpeg, png, webp, gif, tiff, avif, heif, svg, ... */
  format: string;
  /** Frames or pages (1 for a still image). */
  pages: number;
  hasAlpha: boolean;
  /** Sample format: uchar (8-bit), ushort (16-bit), float, ... */
  depth: string;
  /** Colour space: srgb, b-w, cmyk, rgb16, grey16, ... */
  space: string;
  /** EXIF orientation 1-8 (1 when absent). */
  orientation: number;
}

export interface DecodedImage {
  /** width x height x channels bytes, row-major, channels interleaved. */
  data: Uint8Array;
  width: number;
  height: number;
  channels: 3 | 1;
  source: SourceInfo;
}

export const DEFAULT_MAX_PIXELS = 100e6;

/** Decodes a file (by path, or its bytes already read) into 8-bit pixels. */
export async function decodeImage(file: string | Uint8Array, options: DecodeOptions = {}): Promise<DecodedImage> {
  const name = typeof file === "string" ? file : (options.name ?? "<image bytes>");
  const bytes = typeof file === "string" ? await readImage(file) : file;
  const maxPixels = options.maxPixels ?? DEFAULT_MAX_PIXELS;
  // failOn "truncated": cut-short files fail; recoverable warnings (extra bytes before a JPEG
  // marker, which PIL also ignores) do not.
  const input = { failOn: "truncated", limitInputPixels: maxPixels, sequentialRead: true } as const;

  const source = jpegSource(bytes) ?? (await headerFromLibvips(bytes, name, input));
  if (source.width * source.height > maxPixels) throw tooLarge(name, source.width, source.height, maxPixels);

  const stored = (options.colour ?? "stored") === "stored" && STORED_SPACES.has(source.space);
  if (
    stored &&
    !options.resize &&
    source.format === "jpeg" &&
    source.orientation === 1 &&
    source.width * source.height <= WASM_MAX_PIXELS &&
    !isTruncated(bytes)
  ) {
    const rgb = decodeJpegRgb(bytes, source.width, source.height);
    if (rgb)
      return {
        data: options.channels === 1 ? luma(rgb) : rgb,
        width: source.width,
        height: source.height,
        channels: options.channels ?? 3,
        source,
      };
  }
  let pipeline = stored
    ? sharp(bytes, input).keepIccProfile().autoOrient().removeAlpha()
    : sharp(bytes, input).autoOrient().removeAlpha().toColourspace("srgb");
  if (options.resize) {
    const { width, height, fit = "fill", kernel } = options.resize;
    pipeline = pipeline.resize(width, height, { fit, kernel, background: { r: 0, g: 0, b: 0 } });
  }
  let out: { data: Buffer; info: OutputInfo };
  try {
    out = await pipeline.raw().toBuffer({ resolveWithObject: true });
  } catch (err) {
    throw classify(err, name, bytes, true);
  }
  const { width, height } = out.info;
  const raw = new Uint8Array(out.data.buffer, out.data.byteOffset, out.data.byteLength);
  const rgb = out.info.channels === 1 ? grayToRgb(raw) : raw;
  const data = options.channels === 1 ? luma(rgb) : rgb;
  return { data, width, height, channels: options.channels ?? 3, source };
}

/** The header as libvips reads it (any format). */
async function headerFromLibvips(bytes: Uint8Array, name: string, input: SharpOptions): Promise<SourceInfo> {
  let meta: Metadata;
  try {
    // The header is read without the pixel limit, so the error can give the size.
    meta = await sharp(bytes, { ...input, limitInputPixels: false }).metadata();
  } catch (err) {
    throw classify(err, name, bytes, false);
  }
  if (!meta.width || !meta.height)
    throw new ImageError("corrupt-image", name, "the image header gives no size", FIX_CORRUPT);
  return sourceInfo(meta);
}

/** The header of an 8-bit gray or colour JPEG, read without libvips (jpegHeader.ts). */
function jpegSource(bytes: Uint8Array): SourceInfo | undefined {
  const h = readJpegHeader(bytes);
  if (!h || h.precision !== 8 || (h.components !== 1 && h.components !== 3)) return undefined;
  const turned = h.orientation >= 5;
  return {
    width: turned ? h.height : h.width,
    height: turned ? h.width : h.height,
    format: "jpeg",
    pages: 1,
    hasAlpha: false,
    depth: "uchar",
    space: h.components === 1 ? "b-w" : "srgb",
    orientation: h.orientation,
  };
}

/** Colour spaces whose stored values are read as they are (others are converted to sRGB). */
const STORED_SPACES = new Set(["srgb", "rgb", "b-w"]);

/** One grey channel repeated into three. */
function grayToRgb(gray: Uint8Array): Uint8Array {
  const rgb = new Uint8Array(gray.length * 3);
  for (let i = 0, j = 0; i < gray.length; i++, j += 3) rgb[j] = rgb[j + 1] = rgb[j + 2] = gray[i];
  return rgb;
}

/** Reads an image file's bytes; a missing or unreadable file is an ImageError. */
export async function readImage(file: string): Promise<Uint8Array> {
  try {
    // The callback form: fs.promises.readFile costs twice the CPU (a FileHandle per file).
    return await new Promise<Buffer>((resolve, reject) =>
      fs.readFile(file, (err, data) => (err ? reject(err) : resolve(data))),
    );
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOENT")
      throw new ImageError(
        "missing-image",
        file,
        "the image file does not exist",
        "check the images folder given to the loader, or remove the sample",
        err,
      );
    throw new ImageError(
      "corrupt-image",
      file,
      `the image file cannot be read (${code ?? (err as Error).message})`,
      "check the file's permissions",
      err,
    );
  }
}

function sourceInfo(m: Metadata): SourceInfo {
  const orientation = m.orientation ?? 1;
  const turned = orientation >= 5;
  return {
    width: turned ? m.height! : m.width!,
    height: turned ? m.width! : m.height!,
    format: m.format ?? "unknown",
    pages: m.pages ?? 1,
    hasAlpha: m.hasAlpha ?? false,
    depth: m.depth ?? "uchar",
    space: m.space ?? "srgb",
    orientation,
  };
}

/** PIL's convert("L") of interleaved RGB: L = (R*19595 + G*38470 + B*7471 + 0x8000) >> 16. */
export function luma(rgb: Uint8Array): Uint8Array {
  const out = new Uint8Array(rgb.length / 3);
  for (let i = 0, j = 0; i < out.length; i++, j += 3)
    out[i] = (rgb[j] * 19595 + rgb[j + 1] * 38470 + rgb[j + 2] * 7471 + 0x8000) >>> 16;
  return out;
}

const FIX_CORRUPT = "re-export or re-download the image, or remove the sample";
export const FIX_TRUNCATED = "copy or download the file again: it ends before the image data does";
const FIX_UNSUPPORTED = "convert the image to JPEG or PNG (e.g. with ImageMagick: magick in.heic out.jpg)";

function tooLarge(name: string, width: number, height: number, maxPixels: number): ImageError {
  return new ImageError(
    "image-too-large",
    name,
    `the image is ${width} x ${height} (${((width * height) / 1e6).toFixed(0)} megapixels), over the limit of ` +
      `${(maxPixels / 1e6).toFixed(0)} megapixels`,
    "downscale the image, or raise maxPixels if the machine has the memory (about 3 bytes per pixel, several " +
      "images in flight)",
  );
}

/** Turns a sharp error into an ImageError of the right kind. */
function classify(err: unknown, name: string, bytes: Uint8Array, headerRead: boolean): ImageError {
  const msg = shortMessage(err);
  if (/pixel limit/i.test(msg))
    return new ImageError(
      "image-too-large",
      name,
      `the image is over the pixel limit (${msg})`,
      "downscale the image, or raise maxPixels",
      err,
    );
  if (bytes.length === 0) return new ImageError("corrupt-image", name, "the image file is empty", FIX_CORRUPT, err);
  if (headerRead && (isTruncated(bytes) || /premature end|truncated|unexpected end|not enough data/i.test(msg))) {
    return new ImageError("truncated-image", name, `the image file is cut short (${msg})`, FIX_TRUNCATED, err);
  }
  if (/unsupported (codec|feature)|not built in|no decoder/i.test(msg)) {
    return new ImageError(
      "unsupported-image",
      name,
      `this image's encoding cannot be decoded by this build of sharp (${msg})`,
      FIX_UNSUPPORTED,
      err,
    );
  }
  if (/unsupported image format/i.test(msg)) {
    const known = knownFormat(bytes);
    return known
      ? new ImageError(
          "unsupported-image",
          name,
          `${known} images cannot be decoded by this build of sharp`,
          FIX_UNSUPPORTED,
          err,
        )
      : new ImageError(
          "corrupt-image",
          name,
          "the file is not an image (no known image format signature)",
          FIX_CORRUPT,
          err,
        );
  }
  return new ImageError("corrupt-image", name, `the image cannot be decoded (${msg})`, FIX_CORRUPT, err);
}

/** libvips's message: its distinct lines (it repeats seek failures per retry), at most 300 characters. */
function shortMessage(err: unknown): string {
  const lines = String((err as Error)?.message ?? err)
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l && !/bad seek/.test(l));
  const text = [...new Set(lines)].join("; ");
  return text.length > 300 ? `${text.slice(0, 297)}...` : text;
}

/** JPEG and PNG files end with a marker; one missing after the last data byte means a cut file. */
function isTruncated(bytes: Uint8Array): boolean {
  let end = bytes.length;
  while (end > 0 && bytes[end - 1] === 0) end--; // some cameras pad with zeros
  const tail = Buffer.from(bytes.buffer, bytes.byteOffset + Math.max(0, end - 64), Math.min(64, end));
  if (bytes[0] === 0xff && bytes[1] === 0xd8) return !tail.includes(Buffer.from([0xff, 0xd9]));
  if (bytes[0] === 0x89 && bytes[1] === 0x50) return !tail.includes("IEND");
  return false;
}

/** Formats recognised by their signature that sharp's prebuilt libvips cannot read. */
function knownFormat(b: Uint8Array): string | undefined {
  const ascii = (from: number, to: number) =>
    Buffer.from(b.buffer, b.byteOffset + from, Math.max(0, Math.min(to, b.length) - from)).toString("latin1");
  if (ascii(4, 8) === "ftyp") return `${ascii(8, 12).trim() || "ISO media"} (HEIF family)`;
  if (ascii(0, 4) === "8BPS") return "Photoshop (PSD)";
  if ((b[0] === 0xff && b[1] === 0x0a) || ascii(4, 8) === "JXL ") return "JPEG XL";
  if (ascii(0, 2) === "BM") return "BMP";
  if (ascii(0, 4) === "\x00\x00\x01\x00") return "ICO";
  return undefined;
}
