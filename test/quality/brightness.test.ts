import { describe, expect, it } from "vitest";
import { mulberry32 } from "../../src/dataset/view";
import { brightnessAtRanks, highCounts, keyScans } from "../../src/quality/brightness";
import { pixelPass } from "../../src/quality/pixels";
import { brightnessRanks, perceivedBrightness } from "../../src/quality/stats";

/** The selection with the TypeScript scans, checked against the same with the pixel pass's (WebAssembly) scans. */
function at(keys: Uint32Array, rgb: Uint8Array, channels: 1 | 3, ranks: number[]): Float64Array {
  const typed = brightnessAtRanks(highCounts(keys), keyScans(keys, rgb), channels, ranks);
  const pass = pixelPass({ width: keys.length, height: 1, rgb, channels });
  expect(brightnessAtRanks(pass.high, pass.scans, channels, ranks)).toEqual(typed);
  return typed;
}

/** numpy's way: every pixel's float brightness, sorted, read at the ranks. */
function bySorting(rgb: Uint8Array, channels: 1 | 3, ranks: number[]): Float64Array {
  const n = rgb.length / 3;
  const all = Float64Array.from({ length: n }, (_, i) =>
    channels === 1 ? rgb[3 * i] / 255 : perceivedBrightness(rgb[3 * i], rgb[3 * i + 1], rgb[3 * i + 2]),
  );
  all.sort();
  return Float64Array.from(ranks, (k) => all[k]);
}

function keysOf(rgb: Uint8Array): Uint32Array {
  return Uint32Array.from(
    { length: rgb.length / 3 },
    (_, i) => 241 * rgb[3 * i] ** 2 + 691 * rgb[3 * i + 1] ** 2 + 68 * rgb[3 * i + 2] ** 2,
  );
}

/** Two colours with the same integer key whose float brightness differs (found by search). */
function tiedColours(): [number, number, number][] {
  const seen = new Map<number, [number, number, number]>();
  for (let r = 0; r < 256; r++)
    for (let g = 0; g < 256; g += 3)
      for (let b = 0; b < 256; b += 5) {
        const key = 241 * r * r + 691 * g * g + 68 * b * b;
        const other = seen.get(key);
        if (other && perceivedBrightness(...other) !== perceivedBrightness(r, g, b)) return [other, [r, g, b]];
        seen.set(key, [r, g, b]);
      }
  throw new Error("no tie found");
}

describe("brightness percentiles by selection", () => {
  const cases: [string, (i: number, rand: () => number) => [number, number, number]][] = [
    [
      "random colours",
      (_, rand) => [rand() * 256, rand() * 256, rand() * 256].map(Math.floor) as [number, number, number],
    ],
    ["all black", () => [0, 0, 0]],
    [
      "a few colours (many ties)",
      (i) =>
        [
          [10, 20, 30],
          [200, 10, 0],
          [0, 0, 1],
          [255, 255, 255],
        ][i % 4] as [number, number, number],
    ],
    ["dark noise in one bucket", (_, rand) => [Math.floor(rand() * 3), Math.floor(rand() * 3), Math.floor(rand() * 3)]],
  ];
  for (const [name, colour] of cases) {
    it(`equals numpy's sorted order: ${name}`, () => {
      for (const n of [1, 2, 7, 100, 4097]) {
        const rand = mulberry32(n);
        const rgb = new Uint8Array(3 * n);
        for (let i = 0; i < n; i++) rgb.set(colour(i, rand), 3 * i);
        const ranks = brightnessRanks(n);
        expect(at(keysOf(rgb), rgb, 3, ranks)).toEqual(bySorting(rgb, 3, ranks));
      }
    });
  }

  it("orders pixels that share a key by their float value, as numpy does", () => {
    const [a, b] = tiedColours();
    expect(perceivedBrightness(...a)).not.toBe(perceivedBrightness(...b));
    const n = 1000,
      rgb = new Uint8Array(3 * n);
    for (let i = 0; i < n; i++) rgb.set(i < 500 ? (i % 2 ? a : b) : [255, 255, 255], 3 * i);
    const ranks = Array.from({ length: 500 }, (_, k) => k);
    const got = at(keysOf(rgb), rgb, 3, ranks);
    expect(got).toEqual(bySorting(rgb, 3, ranks));
    expect(new Set(got).size).toBe(2);
  });

  it("a grayscale file reads value / 255", () => {
    const n = 300,
      rgb = new Uint8Array(3 * n);
    for (let i = 0; i < n; i++) rgb.fill((i * 37) % 256, 3 * i, 3 * i + 3);
    const ranks = brightnessRanks(n);
    expect(at(keysOf(rgb), rgb, 1, ranks)).toEqual(bySorting(rgb, 1, ranks));
  });
});
