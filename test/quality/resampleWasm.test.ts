import { describe, expect, it } from "vitest";
import { mulberry32 } from "../../src/dataset/view";
import { resize, type ResampleFilter } from "../../src/quality/pil";
import { hasResampleKernels, resizeFast } from "../../src/quality/resampleWasm";

describe("Pillow's resampling in WebAssembly", () => {
  it("is built (npm run build compiles asm/resample.ts into dist/asm)", () => {
    expect(hasResampleKernels()).toBe(true);
  });

  it("gives the TypeScript passes' bytes for every kind of size change", () => {
    const rand = mulberry32(7);
    const int = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));
    const cases: [number, number, number, number, number, ResampleFilter][] = [
      [100, 100, 3, 64, 64, "bicubic"],
      [100, 100, 1, 32, 32, "lanczos"],
      [500, 375, 3, 64, 48, "bicubic"],
      [375, 500, 1, 32, 32, "lanczos"],
      [64, 10, 3, 64, 10, "bicubic"],
      [2, 2, 1, 32, 32, "lanczos"],
      [1, 5, 1, 32, 32, "lanczos"],
      [6400, 10, 3, 64, 1, "bicubic"],
      [3, 700, 3, 1, 64, "bicubic"],
    ];
    for (let i = 0; i < 200; i++)
      cases.push([
        int(1, 300),
        int(1, 300),
        rand() < 0.5 ? 1 : 3,
        int(1, 80),
        int(1, 80),
        rand() < 0.5 ? "bicubic" : "lanczos",
      ]);
    for (const [w, h, planes, ow, oh, filter] of cases) {
      // Extremes as well as noise: 0 and 255 runs make the clamps and the negative lobes matter.
      const src = Uint8Array.from({ length: planes * w * h }, () =>
        rand() < 0.2 ? (rand() < 0.5 ? 0 : 255) : Math.floor(rand() * 256),
      );
      const expected = resize(src, planes, w, h, ow, oh, filter);
      expect(
        Buffer.from(resizeFast(src, planes, w, h, ow, oh, filter)),
        `${w}x${h}x${planes} -> ${ow}x${oh} ${filter}`,
      ).toEqual(Buffer.from(expected));
    }
  });
});
