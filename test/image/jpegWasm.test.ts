import * as fs from "node:fs";
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { decodeImage } from "../../src/image/decode";
import { decodeJpegRgb } from "../../src/image/jpegWasm";
import { SIGN_FILES, VOC_FILES } from "../quality/helpers";
import { HAS_SHARED, onSharedData } from "../helpers/data";

/** libvips's decoding of the stored pixels, as RGB. */
async function byLibvips(bytes: Uint8Array) {
  const { data, info } = await sharp(bytes)
    .keepIccProfile()
    .toColourspace("srgb")
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  const rgb =
    info.channels === 3
      ? new Uint8Array(data)
      : Uint8Array.from({ length: info.width * info.height * 3 }, (_, i) => data[Math.floor(i / 3)]);
  return { rgb, width: info.width, height: info.height };
}

describe("JPEG decoding in WebAssembly", () => {
  it.skipIf(!HAS_SHARED)(onSharedData("gives libvips's pixels on every voc100 and sign-digits file"), async () => {
    const files = [...VOC_FILES, ...SIGN_FILES];
    expect(files.length).toBe(100 + 2062);
    let compared = 0;
    for (const f of files) {
      const bytes = fs.readFileSync(f);
      const ref = await byLibvips(bytes);
      const got = decodeJpegRgb(bytes, ref.width, ref.height);
      expect(got, f).toBeDefined();
      expect(Buffer.compare(Buffer.from(got!), Buffer.from(ref.rgb)), f).toBe(0);
      compared++;
    }
    expect(compared).toBe(files.length);
  });

  it(
    "decodes gray and progressive files, and decodeImage, which takes this path for them, gives " + "libvips's pixels",
    async () => {
      const base = sharp({
        create: { width: 37, height: 23, channels: 3, background: { r: 200, g: 100, b: 50 } },
      }).composite([
        { input: Buffer.from("<svg width='37' height='23'><circle cx='10' cy='10' r='8' fill='#0a4'/></svg>") },
      ]);
      for (const bytes of [
        await base.clone().jpeg({ quality: 80 }).toBuffer(),
        await base.clone().grayscale().jpeg().toBuffer(),
        await base.clone().jpeg({ progressive: true, chromaSubsampling: "4:4:4" }).toBuffer(),
      ]) {
        const ref = await byLibvips(bytes);
        expect(Buffer.from(decodeJpegRgb(bytes, 37, 23)!)).toEqual(Buffer.from(ref.rgb));
        const viaWasm = await decodeImage(bytes);
        expect(Buffer.from(viaWasm.data)).toEqual(Buffer.from(ref.rgb));
      }
    },
  );

  it("returns undefined for what it cannot decode, and decodeImage still reports the right problem", async () => {
    const jpeg = await sharp({ create: { width: 20, height: 20, channels: 3, background: "#123456" } })
      .jpeg()
      .toBuffer();
    expect(decodeJpegRgb(Buffer.from("not a jpeg"), 20, 20)).toBeUndefined();
    expect(decodeJpegRgb(jpeg, 21, 20)).toBeUndefined();
    // The decoder that failed was replaced: the next file decodes.
    expect(Buffer.from(decodeJpegRgb(jpeg, 20, 20)!)).toEqual(Buffer.from((await byLibvips(jpeg)).rgb));
    await expect(decodeImage(jpeg.subarray(0, jpeg.length - 40), { name: "cut.jpg" })).rejects.toMatchObject({
      kind: "truncated-image",
    });
  });
});
