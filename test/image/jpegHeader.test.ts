import * as fs from "node:fs";
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { readJpegHeader } from "../../src/image/jpegHeader";
import { imageFiles, SIGN_DIGITS } from "../quality/helpers";
import { VOC_IMAGES } from "../helpers/data";

/** What libvips says of the same file, in readJpegHeader's terms. */
async function fromLibvips(bytes: Uint8Array) {
  const m = await sharp(bytes).metadata();
  return {
    width: m.width,
    height: m.height,
    components: m.channels,
    precision: m.depth === "uchar" ? 8 : 16,
    orientation: m.orientation ?? 1,
  };
}

const base = () => sharp({ create: { width: 24, height: 10, channels: 3, background: { r: 200, g: 100, b: 50 } } });

describe("readJpegHeader", () => {
  it("agrees with libvips on every voc100 and sign-digits file", async () => {
    const files = [...imageFiles(VOC_IMAGES), ...imageFiles(SIGN_DIGITS)];
    for (const f of files) {
      const bytes = fs.readFileSync(f);
      expect({ f, h: readJpegHeader(bytes) }).toEqual({ f, h: await fromLibvips(bytes) });
    }
  });

  it("reads every EXIF orientation, both byte orders, gray and progressive files", async () => {
    const made: Buffer[] = [];
    for (let o = 1; o <= 8; o++) made.push(await base().jpeg().withMetadata({ orientation: o }).toBuffer());
    made.push(await base().grayscale().jpeg().toBuffer(), await base().jpeg({ progressive: true }).toBuffer());
    // A big-endian ("MM") EXIF block, as cameras write it: libvips writes little-endian.
    const exifMM = Buffer.from([
      0xff,
      0xe1,
      0x00,
      0x22,
      ...Buffer.from("Exif\0\0"),
      0x4d,
      0x4d,
      0x00,
      0x2a,
      0,
      0,
      0,
      8,
      0,
      1,
      0x01,
      0x12,
      0,
      3,
      0,
      0,
      0,
      1,
      0,
      6,
      0,
      0,
      0,
      0,
      0,
      0,
    ]);
    const plain = await base().jpeg().toBuffer();
    made.push(Buffer.concat([plain.subarray(0, 2), exifMM, plain.subarray(2)]));
    for (const bytes of made) expect(readJpegHeader(bytes)).toEqual(await fromLibvips(bytes));
    expect(readJpegHeader(made.at(-1)!)!.orientation).toBe(6);
  });

  it("leaves what it does not read to libvips: CMYK, other formats, cut or malformed headers", async () => {
    const cmyk = await base().toColourspace("cmyk").jpeg().toBuffer();
    expect(readJpegHeader(cmyk)?.components).toBe(4);
    const png = await base().png().toBuffer();
    const jpeg = await base().jpeg().toBuffer();
    expect([
      readJpegHeader(png),
      readJpegHeader(jpeg.subarray(0, 10)),
      readJpegHeader(new Uint8Array(0)),
      readJpegHeader(Uint8Array.of(0xff, 0xd8, 0x00, 0x00)),
    ]).toEqual([undefined, undefined, undefined, undefined]);
  });
});
