import * as fs from "node:fs";
import * as path from "node:path";
import { crc32 } from "node:zlib";
import sharp, { type Sharp } from "sharp";
import { afterAll, describe, expect, test } from "vitest";
import { decodeImage, ImageError, type ImageErrorKind } from "../../src/image/decode";
import { readImageHeader } from "../../src/image/header";
import { HAS_SHARED, removeTmpDirs, onSharedData, tmpDir, VOC_IMAGES } from "../helpers/data";

afterAll(removeTmpDirs);

const RED = { r: 255, g: 0, b: 0 },
  BLUE = { r: 0, g: 0, b: 255 };

/** The pixel at (x, y) of a decoded image. */
function pixel(img: { data: Uint8Array; width: number; channels: number }, x: number, y: number): number[] {
  const at = (y * img.width + x) * img.channels;
  return Array.from(img.data.subarray(at, at + img.channels));
}

function near(got: number[], want: number[], tol: number): void {
  expect(got.length).toBe(want.length);
  got.forEach((v, i) => expect(Math.abs(v - want[i]), `${got} vs ${want}`).toBeLessThanOrEqual(tol));
}

/** Two frames of 4x4 (red, then blue), stacked as sharp's multi-page raw input. */
function twoFrames(): Sharp {
  const frames = Buffer.alloc(2 * 4 * 4 * 3);
  for (let i = 0; i < 32; i++) frames.set(i < 16 ? [255, 0, 0] : [0, 0, 255], i * 3);
  return sharp(frames, { raw: { width: 4, height: 8, channels: 3, pageHeight: 4 } });
}

async function kindOf(file: string | Uint8Array): Promise<{ kind: ImageErrorKind; message: string }> {
  const err = await decodeImage(file).then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ImageError);
  return err as ImageError;
}

describe("decodeImage normalises the file's quirks to 8-bit RGB", () => {
  test("EXIF orientation 6 is applied: pixels and sizes as displayed", async () => {
    // 40x20 stored, left half red: displayed rotated 90 degrees clockwise, 20x40 with red on top.
    const stored = await sharp({ create: { width: 40, height: 20, channels: 3, background: BLUE } })
      .composite([{ input: { create: { width: 20, height: 20, channels: 3, background: RED } }, left: 0, top: 0 }])
      .jpeg({ quality: 95 })
      .withMetadata({ orientation: 6 })
      .toBuffer();
    const img = await decodeImage(stored);
    expect([img.width, img.height, img.source.width, img.source.height, img.source.orientation]).toEqual([
      20, 40, 20, 40, 6,
    ]);
    near(pixel(img, 10, 5), [255, 0, 0], 8);
    near(pixel(img, 10, 35), [0, 0, 255], 8);
  });

  test("alpha is dropped keeping the stored colours, as PIL's convert('RGB')", async () => {
    const rgba = await sharp(Buffer.from([200, 100, 50, 0, 10, 20, 30, 255]), {
      raw: { width: 2, height: 1, channels: 4 },
    })
      .png()
      .toBuffer();
    const img = await decodeImage(rgba);
    expect(img.source.hasAlpha).toBe(true);
    expect(Array.from(img.data)).toEqual([200, 100, 50, 10, 20, 30]);
  });

  test("16-bit colour and grey PNGs are scaled to 8 bits; grey expands to 3 channels", async () => {
    const rgb16 = await sharp(new Uint16Array(4 * 4 * 3).fill(40000), { raw: { width: 4, height: 4, channels: 3 } })
      .toColourspace("rgb16")
      .png()
      .toBuffer();
    const a = await decodeImage(rgb16);
    expect(a.source.depth).toBe("ushort");
    near(pixel(a, 1, 1), [156, 156, 156], 1); // 40000 / 257 = 155.6
    const grey16 = await sharp(new Uint16Array(16).fill(40000), { raw: { width: 4, height: 4, channels: 1 } })
      .toColourspace("grey16")
      .png()
      .toBuffer();
    const b = await decodeImage(grey16);
    expect([b.source.space, b.channels, b.data.length]).toEqual(["grey16", 3, 48]);
    near(pixel(b, 3, 3), [156, 156, 156], 1);
  });

  test("CMYK JPEG is converted to sRGB", async () => {
    const cmyk = await sharp({ create: { width: 8, height: 8, channels: 3, background: { r: 200, g: 100, b: 50 } } })
      .toColourspace("cmyk")
      .jpeg({ quality: 100 })
      .toBuffer();
    const img = await decodeImage(cmyk);
    expect(img.source.space).toBe("cmyk");
    near(pixel(img, 4, 4), [200, 100, 50], 32); // through a CMYK profile and back: close, not exact
  });

  test("grayscale: 3 equal channels by default, PIL's luma with channels 1", async () => {
    const grey = await sharp(Buffer.alloc(16, 90), { raw: { width: 4, height: 4, channels: 1 } })
      .toColourspace("b-w")
      .png()
      .toBuffer();
    const g3 = await decodeImage(grey);
    expect([g3.source.space, g3.channels]).toEqual(["b-w", 3]);
    expect(pixel(g3, 0, 0)).toEqual([90, 90, 90]);
    const colour = await sharp(Buffer.from([200, 100, 50]), { raw: { width: 1, height: 1, channels: 3 } })
      .png()
      .toBuffer();
    const l = await decodeImage(colour, { channels: 1 });
    // PIL: (200*19595 + 100*38470 + 50*7471 + 32768) >> 16 = 124
    expect([l.channels, Array.from(l.data)]).toEqual([1, [124]]);
  });

  test("animated GIF and WebP: the first frame", async () => {
    for (const bytes of [await twoFrames().gif().toBuffer(), await twoFrames().webp({ lossless: true }).toBuffer()]) {
      const img = await decodeImage(bytes);
      expect([img.width, img.height, img.source.pages]).toEqual([4, 4, 2]);
      expect(pixel(img, 2, 2)).toEqual([255, 0, 0]);
    }
  });

  test("resize: fill stretches, cover crops, contain letterboxes on black", async () => {
    // 40x20: left half red, right half blue.
    const wide = await sharp({ create: { width: 40, height: 20, channels: 3, background: BLUE } })
      .composite([{ input: { create: { width: 20, height: 20, channels: 3, background: RED } }, left: 0, top: 0 }])
      .png()
      .toBuffer();
    const fill = await decodeImage(wide, { resize: { width: 10, height: 10, fit: "fill" } });
    expect([fill.width, fill.height, fill.data.length]).toEqual([10, 10, 300]);
    near(pixel(fill, 1, 5), [255, 0, 0], 2);
    near(pixel(fill, 8, 5), [0, 0, 255], 2);
    const cover = await decodeImage(wide, { resize: { width: 10, height: 10, fit: "cover", kernel: "linear" } });
    near(pixel(cover, 1, 5), [255, 0, 0], 2); // the centre 20x20: red left of the middle, blue right
    near(pixel(cover, 8, 5), [0, 0, 255], 2);
    const contain = await decodeImage(wide, { resize: { width: 10, height: 10, fit: "contain" } });
    expect(pixel(contain, 5, 0)).toEqual([0, 0, 0]);
    near(pixel(contain, 1, 5), [255, 0, 0], 2);
  });

  test(
    "gives the stored values of a file with a colour profile (as PIL and OpenCV do), or " + "sRGB on request",
    async () => {
      // Written from sRGB values into Display P3: the file stores P3 values.
      const srgb = Uint8Array.from({ length: 8 * 8 * 3 }, (_, i) => (i * 37) % 256);
      const file = await sharp(srgb, { raw: { width: 8, height: 8, channels: 3 } })
        .withIccProfile("p3")
        .png()
        .toBuffer();
      const stored = await sharp(file).keepIccProfile().raw().toBuffer();
      expect(Array.from(stored)).not.toEqual(Array.from(srgb));
      expect(Array.from((await decodeImage(file)).data)).toEqual(Array.from(stored));
      const converted = await decodeImage(file, { colour: "srgb" });
      Array.from(converted.data).forEach((v, i) => expect(Math.abs(v - srgb[i])).toBeLessThanOrEqual(2));
      // A grey file comes back as three equal channels either way.
      const grey = await sharp(Uint8Array.from([0, 100, 200, 255]), { raw: { width: 2, height: 2, channels: 1 } })
        .png()
        .toBuffer();
      expect(Array.from((await decodeImage(grey)).data)).toEqual([
        0, 0, 0, 100, 100, 100, 200, 200, 200, 255, 255, 255,
      ]);
    },
  );
});

describe("decodeImage refuses bad files with a typed ImageError", () => {
  const dir = tmpDir("decode");

  test("truncated JPEG and PNG", async () => {
    const noise = sharp({
      create: {
        width: 300,
        height: 200,
        channels: 3,
        background: "#000",
        noise: { type: "gaussian", mean: 128, sigma: 40 },
      },
    });
    const jpeg = await noise.clone().jpeg().toBuffer();
    const png = await noise.clone().png().toBuffer();
    const file = path.join(dir, "cut.jpg");
    fs.writeFileSync(file, jpeg.subarray(0, jpeg.length >> 1));
    const err = await kindOf(file);
    expect(err.kind).toBe("truncated-image");
    expect(err.message).toContain("cut.jpg: the image file is cut short");
    expect((await kindOf(png.subarray(0, png.length >> 1))).kind).toBe("truncated-image");
  });

  test("random bytes, an empty file and a missing file", async () => {
    const random = path.join(dir, "random.jpg");
    fs.writeFileSync(random, Buffer.from(Array.from({ length: 1000 }, (_, i) => (i * 7919 + 13) % 251)));
    expect(await kindOf(random)).toMatchObject({
      kind: "corrupt-image",
      message: expect.stringContaining("not an image"),
    });
    const empty = path.join(dir, "empty.png");
    fs.writeFileSync(empty, "");
    expect((await kindOf(empty)).kind).toBe("corrupt-image");
    expect((await kindOf(path.join(dir, "nope.jpg"))).kind).toBe("missing-image");
  });

  test("a 30000 x 30000 PNG is refused from its header, without allocating it", async () => {
    const png = await sharp({ create: { width: 8, height: 8, channels: 3, background: RED } })
      .png()
      .toBuffer();
    // IHDR: length(4) "IHDR"(4) width(4) height(4) ... then the CRC over type and data.
    png.writeUInt32BE(30000, 16);
    png.writeUInt32BE(30000, 20);
    png.writeUInt32BE(crc32(png.subarray(12, 29)), 29);
    const before = process.memoryUsage().rss;
    const err = await kindOf(png);
    expect(err.kind).toBe("image-too-large");
    expect(err.message).toMatch(/30000 x 30000 \(900 megapixels\)/);
    expect(process.memoryUsage().rss - before).toBeLessThan(200e6);
    expect(await decodeImage(png, { maxPixels: 1e9 }).catch((e: ImageError) => e.kind)).not.toBe("image-too-large");
  });

  test("a known but unsupported format is told apart from garbage", async () => {
    const bmp = Buffer.concat([Buffer.from("BM"), Buffer.alloc(60)]);
    const err = await decodeImage(bmp, { name: "scan.bmp" }).catch((e: ImageError) => e);
    expect(err).toMatchObject({ kind: "unsupported-image", file: "scan.bmp" });
    expect((err as ImageError).toProblem("s1")).toEqual({
      kind: "unsupported-image",
      file: "scan.bmp",
      sampleId: "s1",
      message: expect.stringContaining("BMP"),
      hint: expect.stringContaining("convert"),
    });
  });
});

describe("decodeImage on real photos", () => {
  test.skipIf(!HAS_SHARED)(onSharedData("a VOC100 JPEG: size as the header says, resized to 224 x 224"), async () => {
    const file = path.join(VOC_IMAGES, fs.readdirSync(VOC_IMAGES).sort()[0]);
    const header = await readImageHeader(file);
    const full = await decodeImage(file);
    expect([full.width, full.height, full.data.length]).toEqual([
      header.width,
      header.height,
      header.width * header.height * 3,
    ]);
    expect(full.source.format).toBe("jpeg");
    const small = await decodeImage(fs.readFileSync(file), { resize: { width: 224, height: 224 } });
    expect(small.data.length).toBe(224 * 224 * 3);
  });
});
