import * as fs from "node:fs";
import * as path from "node:path";
import sharp from "sharp";
import { randomImage } from "../quality/helpers";

/**
 * Writes broken and unusual image files into `dir` and returns, per file name, the problem
 * kind it must become (with maxPixels 5e6: huge.png is 6 megapixels), or null for a file that
 * must be read: truncated, corrupt, empty and non-image files, one over the pixel limit, one
 * missing; gray, RGBA, 16-bit, CMYK, WebP, TIFF, 1 x 1 and 1 x 300 images.
 */
export async function writeBrokenAndUnusualImages(dir: string): Promise<Record<string, string | null>> {
  const file = (name: string) => path.join(dir, name);
  const jpeg = await sharp(fs.readFileSync(await randomImage(dir, 200, 150, 1)))
    .jpeg({ quality: 90 })
    .toBuffer();
  fs.writeFileSync(file("truncated.jpg"), jpeg.subarray(0, Math.floor(jpeg.length * 0.6)));
  fs.writeFileSync(
    file("corrupt.jpg"),
    Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(500, 0x5a)]),
  );
  fs.writeFileSync(file("empty.png"), Buffer.alloc(0));
  fs.writeFileSync(file("text.jpg"), "not an image\n");
  await sharp({ create: { width: 3000, height: 2000, channels: 3, background: "#336699" } })
    .png()
    .toFile(file("huge.png"));
  const gray = Buffer.alloc(80 * 60).map((_, i) => (i * 7) % 256);
  await sharp(gray, { raw: { width: 80, height: 60, channels: 1 } })
    .toColourspace("b-w")
    .png()
    .toFile(file("gray.png"));
  await sharp(
    Buffer.alloc(50 * 40 * 4).map((_, i) => (i * 13) % 256),
    { raw: { width: 50, height: 40, channels: 4 } },
  )
    .png()
    .toFile(file("rgba.png"));
  await sharp(
    new Uint16Array(30 * 20 * 3).map((_, i) => (i * 997) % 65536),
    { raw: { width: 30, height: 20, channels: 3 } },
  )
    .toColourspace("rgb16")
    .png()
    .toFile(file("sixteen-bit.png"));
  await sharp(fs.readFileSync(await randomImage(dir, 64, 64, 2)))
    .toColourspace("cmyk")
    .jpeg()
    .toFile(file("cmyk.jpg"));
  await sharp(fs.readFileSync(await randomImage(dir, 40, 30, 3)))
    .webp()
    .toFile(file("image.webp"));
  await sharp(fs.readFileSync(await randomImage(dir, 40, 30, 4)))
    .tiff()
    .toFile(file("image.tiff"));
  const one = await randomImage(dir, 1, 1, 5),
    line = await randomImage(dir, 1, 300, 6);
  return {
    "truncated.jpg": "truncated-image",
    "corrupt.jpg": "corrupt-image",
    "empty.png": "corrupt-image",
    "text.jpg": "corrupt-image",
    "huge.png": "image-too-large",
    "missing.jpg": "missing-image",
    "gray.png": null,
    "rgba.png": null,
    "sixteen-bit.png": null,
    "cmyk.jpg": null,
    "image.webp": null,
    "image.tiff": null,
    [path.basename(one)]: null,
    [path.basename(line)]: null,
    "random-200x150-1.png": null,
  };
}
