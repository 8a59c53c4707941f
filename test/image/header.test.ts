import * as fs from "node:fs";
import * as path from "node:path";
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { readImageHeader } from "../../src/image/header";
import { HAS_SHARED, tmpDir, VOC_IMAGES } from "../helpers/data";

describe.skipIf(!HAS_SHARED)("image headers", () => {
  const src = HAS_SHARED ? fs.readFileSync(path.join(VOC_IMAGES, "2007_000027.jpg")) : Buffer.alloc(0);

  it("reads the size without decoding", async () => {
    expect(await readImageHeader(path.join(VOC_IMAGES, "2007_000027.jpg"))).toEqual({
      width: 486,
      height: 500,
      format: "jpeg",
    });
  });

  it("flags a JPEG or PNG cut short, accepts zero padding and appended data", async () => {
    const dir = tmpDir("header");
    const write = (name: string, bytes: Buffer) => {
      fs.writeFileSync(path.join(dir, name), bytes);
      return path.join(dir, name);
    };
    await expect(readImageHeader(write("cut.jpg", src.subarray(0, src.length - 4000)))).rejects.toThrow(/truncated/);
    await expect(
      readImageHeader(write("padded.jpg", Buffer.concat([src, Buffer.alloc(300_000)]))),
    ).resolves.toMatchObject({ width: 486 });
    await expect(
      readImageHeader(write("motion.jpg", Buffer.concat([src, Buffer.from("ftypmp42".repeat(700))]))),
    ).resolves.toMatchObject({ width: 486 });
    const png = await sharp(src).png().toBuffer();
    await expect(readImageHeader(write("ok.png", png))).resolves.toMatchObject({ format: "png" });
    await expect(readImageHeader(write("cut.png", png.subarray(0, png.length >> 1)))).rejects.toThrow(/truncated/);
  });

  it("gives the displayed size of EXIF-rotated images", async () => {
    const dir = tmpDir("header-exif");
    const file = path.join(dir, "rotated.jpg");
    await sharp(src).withMetadata({ orientation: 6 }).jpeg().toFile(file);
    expect(await readImageHeader(file)).toMatchObject({ width: 500, height: 486 });
  });
});
