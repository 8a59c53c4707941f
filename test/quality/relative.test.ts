import * as aq from "arquero";
import { describe, expect, it } from "vitest";
import { DatasetBuilder } from "../../src/dataset/builder";
import { luma } from "../../src/image/decode";
import { flagQuality } from "../../src/quality/issues";
import { nearDuplicateSets } from "../../src/quality/nearDuplicates";
import { MEASURES, relativeIssues, type RelativeInputs } from "../../src/quality/relative";
import {
  packThumbnail,
  thumbnail,
  thumbnailContrast,
  thumbnailHex,
  parseThumbnail,
  THUMB_ROW_WIDTH,
  unpackThumbnail,
} from "../../src/quality/thumbnail";

/** A deterministic generator (mulberry32). */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A well-exposed, sharp image's scores, scaled by `gain` (a darker exposure scales every brightness). */
function scores(r: () => number, gain = 1): RelativeInputs {
  const p99 = (0.8 + 0.15 * r()) * gain,
    p1 = (0.02 + 0.05 * r()) * gain,
    contrast = (30 + 20 * r()) * gain;
  return {
    brightness: (0.35 + 0.25 * r()) * gain,
    brightness_p1: p1,
    brightness_p99: p99,
    contrast,
    laplacian_var: (contrast * (0.9 + 0.6 * r())) ** 2,
  };
}

describe("relativeIssues", () => {
  it("flags the frames far darker than the dataset's night scenes, not the night scenes", () => {
    const r = rng(1);
    const images = [
      ...Array.from({ length: 800 }, () => scores(r)),
      ...Array.from({ length: 180 }, () => scores(r, 0.4 + 0.15 * r())), // night: a mode of its own
      ...Array.from({ length: 20 }, () => scores(r, 0.03 + 0.05 * r())), // underexposed frames
    ];
    const { flags, fences } = relativeIssues(images);
    expect(flags.dark.slice(0, 980).some(Boolean)).toBe(false);
    expect(flags.dark.slice(980).every(Boolean)).toBe(true);
    expect(fences.dark).toBeGreaterThan(0.08 * 0.95);
    expect(fences.dark).toBeLessThan(0.4 * 0.8);
    // Gain leaves the tonal range and the sharpness alone: nothing else is flagged.
    for (const issue of ["light", "low_information", "blurry"] as const)
      expect(flags[issue].filter(Boolean)).toHaveLength(0);
  });

  it("gives each image one cause: a dark frame with squeezed tones is not also low in information or blurry", () => {
    const r = rng(2);
    const images: (RelativeInputs | null)[] = Array.from({ length: 200 }, () => scores(r));
    images.push(
      { brightness: 0.01, brightness_p1: 0.005, brightness_p99: 0.012, contrast: 0.5, laplacian_var: 0.001 },
      null,
    );
    const { flags, depth } = relativeIssues(images);
    expect([flags.dark[200], flags.low_information[200], flags.blurry[200]]).toEqual([true, false, false]);
    expect(depth.low_information[200]).toBeGreaterThan(1.4);
    expect([flags.dark[201], depth.dark[201]]).toEqual([null, null]);
  });

  it("keeps a minimum unit when most images share a value", () => {
    const same = { brightness: 0.5, brightness_p1: 0.05, brightness_p99: 1, contrast: 40, laplacian_var: 1600 };
    const images = [
      ...Array.from({ length: 100 }, () => ({ ...same })),
      { ...same, brightness_p99: 0.6 },
      { ...same, brightness_p99: 0.5 },
    ];
    const { flags, fences } = relativeIssues(images);
    expect(fences.dark).toBeCloseTo(1.5 ** -1.4, 10);
    expect(flags.dark.slice(100)).toEqual([false, true]);
  });

  it("refuses a quantile or factor that cannot make a fence", () => {
    expect(() => relativeIssues([], { quantile: 0.5 })).toThrow(/quantile must lie between 0 and 0.5/);
    expect(() => relativeIssues([], { factor: 0 })).toThrow(/factor must be a positive number/);
  });

  it("measures: tonal range is unchanged by a gain and by a wash-out towards white", () => {
    const s = { brightness: 0.4, brightness_p1: 0.1, brightness_p99: 0.9, contrast: 30, laplacian_var: 900 };
    const dim = { ...s, brightness_p1: 0.01, brightness_p99: 0.09 };
    const washed = { ...s, brightness_p1: 1 - 0.9 * 0.1, brightness_p99: 1 - 0.1 * 0.1 };
    expect(MEASURES.low_information(dim)).toBeCloseTo(MEASURES.low_information(s)!, 12);
    expect(MEASURES.low_information(washed)).toBeCloseTo(MEASURES.low_information(s)!, 12);
    expect(MEASURES.blurry({ ...s, contrast: 0 })).toBeNull();
  });
});

/**
 * A smooth random scene of `w` x `h` RGB pixels: a sky-and-road template plus a few blobs, shifted by (dx, dy), times
 * `gain`.
 */
function scene(seed: number, w: number, h: number, dx = 0, dy = 0, gain = 1): Uint8Array {
  const r = rng(seed);
  const blobs = Array.from({ length: 30 }, () => ({ x: r() * w, y: r() * h, s: 3 + 6 * r(), v: 160 * (r() - 0.5) }));
  const out = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const sx = x - dx,
        sy = y - dy;
      let v = sy < h / 2 ? 170 - sy * 0.3 : 90;
      for (const b of blobs) v += b.v * Math.exp(-((sx - b.x) ** 2 + (sy - b.y) ** 2) / (2 * b.s * b.s));
      const c = Math.max(0, Math.min(255, Math.round(v * gain)));
      out.set([c, c, c], (y * w + x) * 3);
    }
  return out;
}

describe("thumbnails and near duplicates", () => {
  it("a thumbnail survives the cache row and the hex field; its contrast ignores a gain", () => {
    const t = thumbnail(luma(scene(1, 64, 48)), 64, 48);
    const row = new Float32Array(THUMB_ROW_WIDTH);
    packThumbnail(t, row, 0);
    expect(unpackThumbnail(row)).toEqual({ cells: t.cells, lo: Math.fround(t.lo), hi: Math.fround(t.hi) });
    expect(parseThumbnail(thumbnailHex(t))).toEqual(t.cells);
    expect(parseThumbnail("zz")).toBeNull();
    // Measured from black for both (their mid-range is below 127.5): a gain changes nothing.
    const dim = thumbnail(luma(scene(1, 64, 48, 0, 0, 0.5)), 64, 48),
      dimmer = thumbnail(luma(scene(1, 64, 48, 0, 0, 0.25)), 64, 48);
    expect(thumbnailContrast(dimmer)).toBeCloseTo(thumbnailContrast(dim), 1);
    expect(thumbnailContrast(thumbnail(new Uint8Array(64 * 48).fill(128), 64, 48))).toBe(0);
  });

  it("groups a shifted, re-lit copy with its source, and no two distinct scenes; uniform frames stay out", async () => {
    const w = 96,
      h = 72;
    const images = Array.from({ length: 80 }, (_, i) => scene(100 + i, w, h));
    images.push(scene(100 + 7, w, h, 2, -1, 0.9)); // 80: near duplicate of 7
    images.push(new Uint8Array(w * h * 3).fill(90), new Uint8Array(w * h * 3).fill(200)); // 81, 82: uniform
    const thumbs = images.map((im) => thumbnail(luma(im), w, h));
    const { sets, nearest } = await nearDuplicateSets(
      thumbs.map((t) => t.cells),
      thumbs.map(thumbnailContrast),
    );
    expect(sets).toEqual([[7, 80]]);
    expect(nearest[80]).toBeGreaterThan(0.83);
    expect([nearest[81], nearest[82]]).toEqual([null, null]);
  });
});

describe("flagQuality's modes", () => {
  /** `n` samples with made-up stored scores, as computeQuality writes them. */
  function scoredDataset(n: number) {
    const b = new DatasetBuilder("scored", "/nowhere");
    for (let i = 0; i < n; i++) b.addSample({ id: `s${i}`, filepath: `${i}.jpg`, width: 100, height: 100 });
    const ds = b.build();
    const r = rng(3),
      s = Array.from({ length: n }, () => scores(r));
    const col = (f: (i: number) => unknown) => Array.from({ length: n }, (_, i) => f(i));
    ds.setFields(
      aq.table({
        id: col((i) => `s${i}`),
        quality_brightness: col((i) => s[i].brightness),
        quality_brightness_p1: col((i) => s[i].brightness_p1),
        quality_brightness_p5: col((i) => s[i].brightness_p1 * 2),
        quality_brightness_p99: col((i) => s[i].brightness_p99),
        quality_contrast: col((i) => s[i].contrast),
        quality_laplacian_var: col((i) => s[i].laplacian_var),
        quality_aspect_ratio: col(() => 1),
        quality_entropy: col(() => 7.5),
        quality_blurriness: col(() => 50),
        quality_blurriness_gray_std: col(() => 30),
        quality_channels: col(() => 3),
        quality_size: col(() => 100),
        quality_phash: col((i) => i.toString(16).padStart(16, "0")),
        quality_md5: col((i) => String(i)),
      }),
    );
    return ds;
  }

  it("mode 'dataset' says what it needs: computeQuality's thumbnails, 20 scored images, a known mode", async () => {
    const ds = scoredDataset(10);
    expect(() => flagQuality(ds, { mode: "dataset" })).toThrow(
      /quality_thumbnail, quality_thumbnail_contrast[\s\S]*run computeQuality\(ds\) again/,
    );
    ds.setFields(
      aq.table({
        id: Array.from({ length: 10 }, (_, i) => `s${i}`),
        quality_thumbnail: Array(10).fill(null),
        quality_thumbnail_contrast: Array(10).fill(null),
      }),
    );
    expect(() => flagQuality(ds, { mode: "dataset" })).toThrow(/needs at least 20 scored images, the dataset has 10/);
    expect(() => flagQuality(ds, { mode: "relative" as "dataset" })).toThrow(/unknown mode "relative"/);
    expect(flagQuality(ds).dark).toBe(0);
  });
});
