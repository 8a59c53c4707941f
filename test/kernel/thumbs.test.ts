import * as fs from "node:fs";
import * as path from "node:path";
import sharp from "sharp";
import { describe, expect, test } from "vitest";
import { makeThumbnails } from "../../kernel/artifacts/thumbs";
import { tmpDir } from "../helpers/data";
import { captureOutputs } from "./helpers";

async function image(
  file: string,
  width: number,
  height: number,
  colour: string,
  orientation?: number,
): Promise<string> {
  let img = sharp({ create: { width, height, channels: 3, background: colour } }).jpeg();
  if (orientation) img = img.withMetadata({ orientation });
  fs.writeFileSync(file, await img.toBuffer());
  return file;
}

describe("thumbnails", () => {
  test("made once; a later run reads no image unless it changed; equal bytes share a file", async () => {
    captureOutputs("thumbs-reuse");
    const dir = tmpDir("kernel-thumb-images");
    const red = await image(path.join(dir, "red.jpg"), 600, 400, "#c00");
    const blue = await image(path.join(dir, "blue.jpg"), 300, 500, "#00c");
    const redCopy = path.join(dir, "red-copy.jpg");
    fs.copyFileSync(red, redCopy);

    const first = await makeThumbnails([red, blue, redCopy], { size: 128 });
    expect(first.stats).toEqual({ read: 3, encoded: 2, missing: 0 });
    expect(first.thumbs[0].file).toBe(first.thumbs[2].file);
    expect(first.thumbs.map((t) => [t.width, t.height])).toEqual([
      [600, 400],
      [300, 500],
      [600, 400],
    ]);
    const meta = await sharp(first.thumbs[1].file!).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(["webp", 77, 128]);

    const again = await makeThumbnails([red, blue, redCopy], { size: 128 });
    expect(again.stats).toEqual({ read: 0, encoded: 0, missing: 0 });
    expect(again.thumbs).toEqual(first.thumbs);

    await image(blue, 300, 500, "#0c0");
    const changed = await makeThumbnails([red, blue], { size: 128 });
    expect(changed.stats).toEqual({ read: 1, encoded: 1, missing: 0 });
    expect(changed.thumbs[1].file).not.toBe(first.thumbs[1].file);

    // Another size is another thumbnail of the same bytes.
    const small = await makeThumbnails([red], { size: 64 });
    expect(small.stats.encoded).toBe(1);
    expect(small.thumbs[0].file).not.toBe(first.thumbs[0].file);
  });

  test("EXIF orientation is applied: the thumbnail and the size are as displayed", async () => {
    captureOutputs("thumbs-exif");
    const dir = tmpDir("kernel-thumb-exif");
    const turned = await image(path.join(dir, "turned.jpg"), 200, 100, "#888", 6);
    const { thumbs } = await makeThumbnails([turned], { size: 50 });
    expect([thumbs[0].width, thumbs[0].height]).toEqual([100, 200]);
    const meta = await sharp(thumbs[0].file!).metadata();
    expect([meta.width, meta.height]).toEqual([25, 50]);
  });
});
