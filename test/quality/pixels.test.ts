import { createHash } from "node:crypto";
import * as fs from "node:fs";
import { describe, expect, it } from "vitest";
import { mulberry32 } from "../../src/dataset/view";
import { SIDE } from "../../src/quality/brightness";
import { blurHistograms, blurHistogramsReference } from "../../src/quality/blur";
import { hasPixelKernels, pixelPass, pixelPassReference } from "../../src/quality/pixels";
import { decodeForQuality, imageFiles, SIGN_DIGITS } from "./helpers";
import { VOC_IMAGES } from "../helpers/data";

/**
 * The pass with its arrays as hex digests (deep equality of 10^5-element arrays is slow), and
 * what its brightness scans answer for the buckets and keys of the pixels at a few ranks.
 */
const plain = (p: ReturnType<typeof pixelPass>) => {
  const digest = (a: ArrayBufferView) =>
    createHash("sha256")
      .update(new Uint8Array(a.buffer, a.byteOffset, a.byteLength))
      .digest("hex");
  const n = p.keys.length,
    picked = [...new Set([0, n >> 1, n - 1].map((i) => p.keys[i]))].sort((a, b) => a - b);
  const slots = new Int32Array(SIDE).fill(-1),
    buckets = [...new Set(picked.map((k) => k >>> 13))];
  buckets.forEach((b, s) => (slots[b] = s));
  const first = Int32Array.from(
    { length: buckets.length + 1 },
    (_, s) => picked.filter((k) => slots[k >>> 13] < s).length,
  );
  const low = p.scans.lowRanks(
    slots,
    buckets.length,
    picked.flatMap((k) =>
      [0, 1, 5].map((rank) => ({ slot: slots[k >>> 13], rank: Math.min(rank, p.high[k >>> 13] - 1) })),
    ),
  );
  const colours = p.scans
    .keyColours(slots, first, Uint32Array.from(picked))
    .map(({ colours, counts }) => [...colours].map((c, k) => `${c}:${counts[k]}`).sort());
  return {
    ...p,
    counts: digest(p.counts),
    pil: digest(p.pil),
    planes: digest(p.planes),
    keys: digest(p.keys),
    high: digest(p.high),
    scans: { low, colours },
  };
};

/** The given shapes and `count` random ones up to `maxSide`, with 3 bytes a pixel: noise, a third of it 0 or 255. */
function randomImages(
  seed: number,
  shapes: number[][],
  count: number,
  maxSide: number,
): { width: number; height: number; bytes: Uint8Array }[] {
  const rand = mulberry32(seed);
  const all = [
    ...shapes,
    ...Array.from({ length: count }, () => [1 + Math.floor(rand() * maxSide), 1 + Math.floor(rand() * maxSide)]),
  ];
  return all.map(([width, height]) => ({
    width,
    height,
    bytes: Uint8Array.from({ length: 3 * width * height }, () =>
      rand() < 0.3 ? (rand() < 0.5 ? 0 : 255) : Math.floor(rand() * 256),
    ),
  }));
}

describe("the per-pixel pass in WebAssembly", () => {
  it("is built (npm run build compiles asm/pixels.ts into dist/asm)", () => {
    expect(hasPixelKernels()).toBe(true);
  });

  it("equals the TypeScript pass on odd shapes and extreme colours", () => {
    for (const { width, height, bytes: rgb } of randomImages(
      3,
      [
        [1, 1],
        [1, 7],
        [7, 1],
        [2, 2],
        [3, 2],
        [640, 1],
        [1, 480],
        [256, 256],
      ],
      60,
      300,
    )) {
      const image = { width, height, rgb, channels: 3 as const };
      expect(plain(pixelPass(image)), `${width}x${height}`).toEqual(plain(pixelPassReference(image)));
    }
  });

  it("keeps its sums exact at the extremes, over many steps of 16 pixels", () => {
    // Checkerboards of black and white (Laplacian +-1020) and of yellow and blue (R + G - 2B
    // at +-510), 1.2 million pixels: every lane sum at its largest for as long as it is kept,
    // in tall images and in wide ones (the Laplacian's rows are long).
    for (const [width, height] of [
      [1203, 1000],
      [9001, 134],
    ]) {
      const rgb = new Uint8Array(3 * width * height);
      for (let y = 0; y < height; y++)
        for (let x = 0; x < width; x++) {
          const on = (x + y) % 2 === 0,
            colour = y < height / 2 ? (on ? [255, 255, 255] : [0, 0, 0]) : on ? [255, 255, 0] : [0, 0, 255];
          rgb.set(colour, 3 * (y * width + x));
        }
      const image = { width, height, rgb, channels: 3 as const };
      expect(plain(pixelPass(image)), `${width}x${height}`).toEqual(plain(pixelPassReference(image)));
    }
  });

  it("equals the TypeScript pass on real photos", async () => {
    const files = [...imageFiles(VOC_IMAGES).slice(0, 10), ...imageFiles(SIGN_DIGITS).slice(0, 10)].filter((f) =>
      fs.existsSync(f),
    );
    for (const f of files) {
      const image = await decodeForQuality(f);
      expect(plain(pixelPass(image)), f).toEqual(plain(pixelPassReference(image)));
    }
  });

  it("gives the blur histograms of the TypeScript version, edges and borders included", () => {
    for (const { width, height, bytes: planes } of randomImages(
      5,
      [
        [1, 1],
        [1, 9],
        [9, 1],
        [2, 2],
        [3, 3],
        [64, 64],
        [64, 48],
        [17, 64],
      ],
      40,
      64,
    )) {
      expect(blurHistograms(planes, width, height), `${width}x${height}`).toEqual(
        blurHistogramsReference(planes, width, height),
      );
    }
  });
});
