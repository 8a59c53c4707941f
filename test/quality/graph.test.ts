import { describe, expect, it } from "vitest";
import { graphAccepts, graphRawStats, openQualityGraph } from "../../src/quality/graph";
import { referenceRawStats } from "../../src/quality/scores";
import type { QualityImage, RawStats } from "../../src/quality/stats";
import { mulberry32 } from "../../src/dataset/view";

/**
 * The ONNX graph computes exactly the reference's raw statistics: the same integer sums,
 * histograms, brightness at every rank, and Pillow's resized copies, to the bit.
 */
function image(
  width: number,
  height: number,
  seed: number,
  kind: "random" | "flat" | "gray" | "smooth" = "random",
): QualityImage {
  const rand = mulberry32(seed);
  const rgb = new Uint8Array(width * height * 3);
  for (let i = 0; i < width * height; i++) {
    const x = i % width,
      y = Math.floor(i / width);
    const v =
      kind === "flat"
        ? [200, 30, 90]
        : kind === "smooth"
          ? [(x * 255) / width, (y * 255) / height, 128]
          : [rand() * 256, rand() * 256, rand() * 256];
    const g = v[0];
    for (let c = 0; c < 3; c++) rgb[3 * i + c] = Math.floor(kind === "gray" ? g : v[c]);
  }
  return { width, height, rgb, channels: kind === "gray" ? 1 : 3 };
}

const plain = (s: RawStats) =>
  JSON.parse(JSON.stringify(s, (_, v) => (ArrayBuffer.isView(v) ? Array.from(v as Uint8Array) : v)));

describe("the quality graph equals the TypeScript reference", () => {
  const cases: [string, QualityImage[], number][] = [
    ["2 x 2 (the smallest the graph takes)", [image(2, 2, 1)], 8],
    ["a batch of three 64 x 48", [image(64, 48, 2), image(64, 48, 3, "smooth"), image(64, 48, 4, "flat")], 8],
    ["32 x 32: no resize for the hash", [image(32, 32, 5)], 8],
    ["wide: resized for blur detection to 64 x 1", [image(301, 7, 6)], 8],
    ["tall, smooth", [image(5, 130, 7, "smooth")], 8],
    ["a grayscale file", [image(90, 70, 8, "gray")], 8],
    ["hash size 5 (20 x 20, hex padded)", [image(77, 41, 9)], 5],
    ["hash size 16", [image(200, 150, 10, "smooth")], 16],
  ];
  for (const [name, images, hashSize] of cases) {
    it(name, async () => {
      const { session } = await openQualityGraph("cpu");
      expect(images.every((im) => graphAccepts(im.width, im.height))).toBe(true);
      const got = await graphRawStats(session, images, hashSize);
      images.forEach((im, i) => expect(plain(got[i])).toEqual(plain(referenceRawStats(im, hashSize))));
    });
  }

  it("refuses images of different sizes in one run, and 1-pixel sides", async () => {
    const { session } = await openQualityGraph("cpu");
    await expect(graphRawStats(session, [image(4, 4, 1), image(4, 5, 2)], 8)).rejects.toThrow(/one size/);
    expect([graphAccepts(1, 9), graphAccepts(9, 1), graphAccepts(2, 2)]).toEqual([false, false, true]);
  });
});
