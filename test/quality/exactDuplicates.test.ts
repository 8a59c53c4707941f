import * as fs from "node:fs";
import * as path from "node:path";
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { values } from "../../src/dataset/columns";
import { DatasetBuilder } from "../../src/dataset/builder";
import { decodeImage } from "../../src/image/decode";
import { readJpegHeader } from "../../src/image/jpegHeader";
import { storedOrder } from "../../src/image/orientation";
import { computeQuality } from "../../src/quality/issues";
import { tmpDir } from "../helpers/data";
import { withOrientation } from "../helpers/exif";
import { hasPython } from "../helpers/reference";
import { python } from "./helpers";

/**
 * Exact duplicates as Cleanvision finds them: it hashes the pixels PIL opens, which ignores the
 * EXIF orientation tag, so a copy that differs only by that tag is an exact duplicate.
 */

/** A JPEG with no symmetry (a gradient and an off-centre disc), width != height. */
function photo(width: number, height: number): Promise<Buffer> {
  const svg =
    `<svg width='${width}' height='${height}'><defs><linearGradient id='g'><stop offset='0' stop-color='#203080'/>` +
    `<stop offset='1' stop-color='#e0c040'/></linearGradient></defs><rect width='100%' height='100%' fill='url(#g)'/>` +
    `<circle cx='${width / 4}' cy='${height / 3}' r='${height / 5}' fill='#c02020'/></svg>`;
  return sharp(Buffer.from(svg)).jpeg({ quality: 90 }).toBuffer();
}

describe("pixels in the file's stored order", () => {
  it("storedOrder undoes each of the 8 EXIF orientations that decodeImage applies", async () => {
    const jpeg = await photo(37, 23);
    const stored = await decodeImage(jpeg);
    for (let o = 1; o <= 8; o++) {
      const tagged = withOrientation(jpeg, o);
      expect(readJpegHeader(tagged)?.orientation, `orientation ${o}`).toBe(o);
      const shown = await decodeImage(tagged);
      expect([shown.width, shown.height], `orientation ${o}`).toEqual(o >= 5 ? [23, 37] : [37, 23]);
      if (o !== 1)
        expect(
          Buffer.compare(Buffer.from(shown.data), Buffer.from(stored.data)),
          `orientation ${o} turns the pixels`,
        ).not.toBe(0);
      const back = storedOrder(shown.data, shown.width, shown.height, 3, o);
      expect(Buffer.compare(Buffer.from(back), Buffer.from(stored.data)), `orientation ${o}`).toBe(0);
    }
  });
});

describe("exact duplicates", () => {
  const dir = tmpDir("exact-duplicates");
  const files = [
    "photo.jpg",
    "photo-turned-6.jpg",
    "photo-mirrored-2.jpg",
    "photo-turned-8.jpg",
    "photo-copy.jpg",
    "other.jpg",
  ];

  async function writeFiles(): Promise<string[]> {
    const jpeg = await photo(64, 40);
    fs.writeFileSync(path.join(dir, files[0]), jpeg);
    fs.writeFileSync(path.join(dir, files[1]), withOrientation(jpeg, 6));
    fs.writeFileSync(path.join(dir, files[2]), withOrientation(jpeg, 2));
    fs.writeFileSync(path.join(dir, files[3]), withOrientation(jpeg, 8));
    fs.writeFileSync(path.join(dir, files[4]), jpeg);
    fs.writeFileSync(path.join(dir, files[5]), await photo(40, 64));
    return files.map((f) => path.join(dir, f));
  }

  async function flagged() {
    const b = new DatasetBuilder("exif", dir);
    for (const f of files) b.addSample({ filepath: f });
    const ds = b.build();
    const summary = await computeQuality(ds, { cacheRoot: null });
    expect(summary.failed).toBe(0);
    return {
      ds,
      exact: Array.from(values<boolean>(ds.samples, "is_exact_duplicate")),
      near: Array.from(values<boolean>(ds.samples, "is_near_duplicate")),
    };
  }

  it("a copy that differs only by its EXIF orientation tag is an exact duplicate of the stored pixels", async () => {
    await writeFiles();
    const { ds, exact, near } = await flagged();
    expect(exact).toEqual([true, true, true, true, true, false]);
    const groups = values<number | null>(ds.samples, "quality_exact_duplicate_group");
    expect(new Set(Array.from(groups).slice(0, 5)).size).toBe(1);
    // The photo and its byte copy share a perceptual hash, the turned copies not: they are all
    // exact duplicates of one another, so none is a near duplicate (as in Cleanvision).
    expect(near).toEqual([false, false, false, false, false, false]);
    // The other scores are of the image as displayed: the turned copy's perceptual hash differs.
    const phash = values<string>(ds.samples, "quality_phash");
    expect(phash[1]).not.toBe(phash[0]);
  });

  it.runIf(hasPython())("the same exact and near duplicates as Cleanvision, run live", async () => {
    const paths = await writeFiles();
    const cv = python<Record<string, { columns: Record<string, boolean[]> }>>("cleanvision_issues.py", [
      { name: "exif", files: paths },
    ]).exif;
    const { exact, near } = await flagged();
    expect(exact).toEqual(cv.columns.is_exact_duplicates_issue);
    expect(near).toEqual(cv.columns.is_near_duplicates_issue);
  });
});
