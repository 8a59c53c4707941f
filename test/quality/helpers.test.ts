import { describe, expect, it } from "vitest";
import { mulberry32 } from "../../src/dataset/view";
import { describeSets, exactSets, nearSets, withoutExactSets } from "../../src/quality/duplicates";
import { findIssues, type IssueInputs } from "../../src/quality/cleanvision";
import { lerp, median, percentile } from "../../src/quality/numpy";
import { hammingDistance } from "../../src/quality/phash";
import { coefficientMatrix, pyFloorDiv, resize } from "../../src/quality/pil";
import { packRow, rowWidth, unpackRow, type ImageQuality } from "../../src/quality/row";
import { blurSize } from "../../src/quality/stats";

describe("Python and numpy arithmetic", () => {
  it("float floor division as Python's //", () => {
    // Python: 7 // 0.1 == 69.0 (7 / 0.1 rounds up to 70.00000000000001, the remainder says 69).
    expect([
      pyFloorDiv(7, 0.1),
      pyFloorDiv(375, 7.8125),
      pyFloorDiv(1, 0.1),
      pyFloorDiv(-7, 2),
      pyFloorDiv(2.5, 0.5),
    ]).toEqual([69, 48, 9, -4, 5]);
    expect(Math.floor(7 / 0.1)).toBe(70);
  });

  it("Cleanvision's blur-detection size: the longer side 64, the other floored by Python's //", () => {
    expect([
      blurSize(500, 375),
      blurSize(100, 100),
      blurSize(64, 10),
      blurSize(3024, 4032),
      blurSize(6400, 10),
    ]).toEqual([
      { width: 64, height: 48 },
      { width: 64, height: 64 },
      { width: 64, height: 10 },
      { width: 48, height: 64 },
      { width: 64, height: 1 },
    ]);
  });

  it("np.percentile (linear) and np.median", () => {
    // np.percentile([1, 2, 3, 4, 10], [25, 50, 90, 100]) == [2, 3, 7.6, 10]; np.median([4, 1, 3, 2]) == 2.5
    expect([25, 50, 90, 100].map((p) => percentile([10, 2, 4, 1, 3], p))).toEqual([2, 3, 7.6000000000000005, 10]);
    expect([median([4, 1, 3, 2]), median([5])]).toEqual([2.5, 5]);
    // The weight decides which end the interpolation starts from, as numpy's _lerp does.
    expect([lerp(1, 2, 0.25), lerp(1, 2, 0.75), lerp(0.1, 0.7, 1)]).toEqual([1.25, 1.75, 0.7]);
  });
});

describe("Pillow resampling", () => {
  it("a pass whose size does not change is the identity, as Pillow skips it", () => {
    const m = coefficientMatrix(3, 3, "bicubic");
    expect(Array.from(m)).toEqual([1 << 22, 0, 0, 0, 1 << 22, 0, 0, 0, 1 << 22]);
    const px = Uint8Array.of(1, 2, 3, 4, 5, 6);
    expect(Array.from(resize(px, 1, 3, 2, 3, 2, "lanczos"))).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it("each output row of coefficients sums to about 2^22 (normalised, then rounded)", () => {
    for (const [n, m] of [
      [500, 64],
      [100, 32],
      [7, 20],
    ]) {
      const c = coefficientMatrix(n, m, "lanczos");
      for (let o = 0; o < m; o++) {
        const s = c.subarray(o * n, (o + 1) * n).reduce((a, b) => a + b, 0);
        expect(Math.abs(s - (1 << 22))).toBeLessThanOrEqual(n);
      }
    }
  });
});

describe("duplicate sets", () => {
  it("exact sets by key, numbered by first member, with Cleanvision's 1 / size score", () => {
    const keys = ["a", "b", "a", null, "c", "b", "a"];
    const d = describeSets(exactSets(keys), keys);
    expect(d.group).toEqual([0, 1, 0, null, null, 1, 0]);
    expect(d.score).toEqual([1 / 3, 1 / 2, 1 / 3, null, 1, 1 / 2, 1 / 3]);
  });

  it("near sets within one exact set are dropped, larger ones kept whole", () => {
    expect(
      withoutExactSets(
        [
          [0, 2],
          [1, 3, 4],
        ],
        [
          [2, 0],
          [1, 3],
        ],
      ),
    ).toEqual([[1, 3, 4]]);
    // An exact set can hold copies turned by their EXIF orientation, whose perceptual hashes differ.
    expect(
      withoutExactSets(
        [
          [0, 2],
          [5, 6],
          [7, 8],
        ],
        [
          [2, 0, 9],
          [5, 1],
          [7, 8],
        ],
      ),
    ).toEqual([[5, 6]]);
  });

  it("within a Hamming distance: the pigeonhole buckets find every pair a brute force finds", () => {
    const rand = mulberry32(3);
    const base = Array.from({ length: 40 }, () =>
      Array.from({ length: 16 }, () => Math.floor(rand() * 16).toString(16)).join(""),
    );
    // Variants of some hashes with 1 to 4 bits flipped, so that chains and near misses occur.
    const hashes = [...base];
    for (let k = 0; k < 60; k++) {
      const h = base[k % 10].split("").map((c) => parseInt(c, 16));
      for (let f = 0; f <= k % 4; f++) h[Math.floor(rand() * 16)] ^= 1 << Math.floor(rand() * 4);
      hashes.push(h.map((v) => v.toString(16)).join(""));
    }
    for (const distance of [1, 2, 3, 5, 20]) {
      const parent = hashes.map((_, i) => i);
      const find = (i: number): number => (parent[i] === i ? i : (parent[i] = find(parent[i])));
      hashes.forEach((a, i) =>
        hashes.forEach((b, j) => {
          if (j > i && hammingDistance(a, b) <= distance) parent[find(i)] = find(j);
        }),
      );
      const brute = exactSets(hashes.map((_, i) => String(find(i))));
      const norm = (sets: number[][]) => sets.map((s) => [...s].sort((a, b) => a - b).join(",")).sort();
      expect(norm(nearSets(hashes, distance)), `distance ${distance}`).toEqual(norm(brute));
    }
  });
});

describe("issue flags", () => {
  const input = (over: Partial<IssueInputs>): IssueInputs => ({
    brightness_p5: 0.2,
    brightness_p99: 0.9,
    aspect_ratio: 0.75,
    entropy: 7,
    blurriness: 60,
    blurriness_gray_std: 10,
    channels: 3,
    size: 400,
    phash: "0f0f0f0f0f0f0f0f",
    md5: "0",
    ...over,
  });

  it("defaults, thresholds as options, and images without scores", () => {
    const images = [
      input({ md5: "1" }),
      input({ brightness_p99: 0.3, md5: "2" }),
      input({ brightness_p5: 0.97, md5: "3" }),
      null,
      input({ entropy: 2.9, md5: "4" }),
      input({ channels: 1, md5: "5" }),
    ];
    const f = findIssues(images);
    expect(f.flags.dark).toEqual([false, true, false, null, false, false]);
    expect(f.flags.light).toEqual([false, false, true, null, false, false]);
    expect(f.flags.low_information).toEqual([false, false, false, null, true, false]);
    expect(f.flags.grayscale).toEqual([false, false, false, null, false, true]);
    // All six share a phash but no pixels: one near-duplicate set.
    expect(f.nearGroup).toEqual([0, 0, 0, null, 0, 0]);
    const g = findIssues(images, { dark: { threshold: 0.95 }, lowInformation: { threshold: 0.1 } });
    expect(g.flags.dark).toEqual([true, true, true, null, true, true]);
    expect(g.flags.low_information).toEqual([false, false, false, null, false, false]);
  });

  it("odd size: 3 IQR around the quartiles; with an IQR of 0 every size but the median is odd", () => {
    const sizes = [100, 100, 100, 100, 100, 100, 100, 101, 400];
    const f = findIssues(sizes.map((size, i) => input({ size, md5: String(i), phash: String(i).padStart(16, "0") })));
    expect(f.flags.odd_size).toEqual([false, false, false, false, false, false, false, true, true]);
    const wide = [100, 110, 120, 130, 140, 1000].map((size, i) =>
      input({ size, md5: String(i), phash: String(i).padStart(16, "0") }),
    );
    expect(findIssues(wide).flags.odd_size).toEqual([false, false, false, false, false, true]);
    expect(findIssues(wide, { oddSize: { iqrFactor: 0.2 } }).flags.odd_size).toEqual([
      true,
      false,
      false,
      false,
      false,
      true,
    ]);
  });

  it("blurry: edges and the gray-level spread add up, a spread at or below the colour threshold counts 0", () => {
    // 1 - exp(-0.01 b) + s with s = 1 - exp(-0.01 std) zeroed when <= 0.18.
    const f = findIssues([
      input({ blurriness: 20, blurriness_gray_std: 10 }),
      input({ blurriness: 20, blurriness_gray_std: 30 }),
      input({ blurriness: 40, blurriness_gray_std: 1 }),
    ]);
    expect(f.flags.blurry).toEqual([true, false, false]);
    expect(f.scores.blurry[1]).toBeCloseTo(1 - Math.exp(-0.2) + 1 - Math.exp(-0.3), 12);
  });
});

describe("score rows", () => {
  it("round-trip doubles to ~2^-48 and hashes exactly", () => {
    const q = {
      brightness: 0.1234567890123,
      brightness_p1: 1 / 3,
      brightness_p5: 0,
      brightness_p10: 1e-5,
      brightness_p15: 0.5,
      brightness_p90: 0.9,
      brightness_p95: 0.95,
      brightness_p99: 0.99,
      contrast: 55.5,
      laplacian_var: 123456.789012345,
      entropy: 7.3,
      colorfulness: 0,
      blurriness: 12.5,
      blurriness_gray_std: 40.1,
      aspect_ratio: 0.75,
      size: Math.sqrt(2) * 10,
      channels: 3,
      phash: "00ff123456789abc",
      md5: "d41d8cd98f00b204e9800998ecf8427e",
    } satisfies ImageQuality;
    const row = new Float32Array(rowWidth(8) + 2);
    packRow(q, 8, row, 1);
    const back = unpackRow(row.subarray(1), 8)!;
    expect(back.phash).toBe(q.phash);
    expect(back.md5).toBe(q.md5);
    for (const [k, v] of Object.entries(q))
      if (typeof v === "number")
        expect(Math.abs(((back as Record<string, unknown>)[k] as number) - v), k).toBeLessThanOrEqual(
          Math.abs(v) * 2 ** -47,
        );
    expect(unpackRow(new Float32Array(rowWidth(8)).fill(NaN), 8)).toBeNull();
  });
});
