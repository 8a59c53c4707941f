import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { values } from "../../src/dataset/columns";
import { DatasetBuilder } from "../../src/dataset/builder";
import type { Dataset } from "../../src/dataset/dataset";
import { imageFolder } from "../../src/formats/imageFolder";
import { DEFAULT_THRESHOLDS, ISSUE_TYPES, type IssueType } from "../../src/quality/cleanvision";
import { computeQuality } from "../../src/quality/issues";
import { hasPython } from "../helpers/reference";
import { HAS_SHARED, SKIP_MESSAGE, tmpDir, VOC_IMAGES } from "../helpers/data";
import { python, SIGN_DIGITS, VOC_FILES } from "./helpers";
import { writeVariants } from "./variants";

/**
 * computeQuality's flags against Cleanvision's Imagelab.find_issues() run live
 * (test/quality/cleanvision_issues.py) with its defaults, on voc100, sign-digits and a set of
 * variants of voc100 photos made so that every issue type occurs. Prints the agreement per
 * issue type, requires at least 95% for each, and explains every disagreement from what the
 * two tools read differently; raw scores of images whose pixels both read alike must be equal.
 */

/** Cleanvision's names of the issue types. */
const CV_NAME: Record<IssueType, string> = {
  dark: "dark", light: "light", odd_aspect_ratio: "odd_aspect_ratio", low_information: "low_information", blurry: "blurry",
  grayscale: "grayscale", odd_size: "odd_size", exact_duplicate: "exact_duplicates", near_duplicate: "near_duplicates",
};

/** Our raw scores and Cleanvision's (image_property.py) names for them. */
const RAW: [string, string][] = [
  ["brightness", "brightness"], ["brightness_p1", "brightness_perc_1"], ["brightness_p5", "brightness_perc_5"], ["brightness_p10", "brightness_perc_10"],
  ["brightness_p15", "brightness_perc_15"], ["brightness_p90", "brightness_perc_90"], ["brightness_p95", "brightness_perc_95"], ["brightness_p99", "brightness_perc_99"],
  ["entropy", "entropy"], ["blurriness", "blurriness"], ["blurriness_gray_std", "blurriness_grayscale_std"], ["size", "size"], ["aspect_ratio", "aspect_ratio"],
];

interface CleanvisionRun {
  seconds: number;
  columns: Record<string, (number | boolean | null)[]>;
  raw: Record<string, (number | string | null)[]>;
  sets: Record<string, string[][]>;
  hashes: { exact_duplicates: string[]; near_duplicates: string[] };
  files: { icc: boolean; orientation: number }[];
}

function fromFiles(name: string, dir: string, files: string[]): Dataset {
  const b = new DatasetBuilder(name, dir);
  for (const f of files) b.addSample({ filepath: path.relative(dir, f) });
  return b.build();
}

/** Why blindspot and PIL read an image's pixels differently, or null when they read the same. */
function pixelDifference(file: { icc: boolean; orientation: number }): string | null {
  if (file.icc) return "embedded ICC profile: decodeImage converts the pixels to sRGB with it, PIL reads the stored values";
  if (file.orientation !== 1) return `EXIF orientation ${file.orientation}: blindspot scores the image as displayed, PIL as stored`;
  return null;
}

describe.runIf(HAS_SHARED && hasPython())(`quality flags agree with Cleanvision${HAS_SHARED ? "" : ` (${SKIP_MESSAGE})`}`, () => {
  it("per issue type on voc100, sign-digits and variants; every disagreement explained", async () => {
    const variantsDir = tmpDir("variants");
    const variants = await writeVariants(VOC_FILES.filter((_, i) => i % 10 === 0), variantsDir);
    const datasets: { name: string; ds: Dataset }[] = [
      { name: "voc100", ds: fromFiles("voc100", VOC_IMAGES, VOC_FILES) },
      { name: "sign-digits", ds: await imageFolder.read!(SIGN_DIGITS, {}) },
      { name: "variants", ds: fromFiles("variants", variantsDir, variants) },
    ];
    const filesOf = (ds: Dataset) => Array.from(values<string>(ds.samples, "filepath"), (f) => ds.imagePath(f));
    const cv = python<Record<string, CleanvisionRun>>("cleanvision_issues.py", datasets.map(({ name, ds }) => ({ name, files: filesOf(ds) })));

    const agree = Object.fromEntries(ISSUE_TYPES.map((t) => [t, { images: 0, same: 0, cleanvision: 0, blindspot: 0 }]));
    const disagreements: string[] = [];
    const unexplained: string[] = [];
    const rawDiff = { alike: 0, alikeMax: 0, hashesAlike: true, other: 0, otherMax: 0 };
    const timing: string[] = [];
    for (const { name, ds } of datasets) {
      const run = cv[name];
      const start = performance.now();
      const summary = await computeQuality(ds);
      timing.push(`${name} (${ds.count()} images): blindspot ${((performance.now() - start) / 1000).toFixed(1)} s on ${summary.ranOn}, Cleanvision find_issues ${run.seconds.toFixed(1)} s`);
      expect(summary.failed).toBe(0);
      const files = filesOf(ds);
      const col = <T>(c: string) => values<T>(ds.samples, c);

      // Raw scores: equal where both read the same pixels.
      files.forEach((_, i) => {
        const alike = pixelDifference(run.files[i]) === null;
        for (const [ours, theirs] of RAW) {
          const a = col<number>(`quality_${ours}`)[i], b = run.raw[theirs][i] as number;
          const rel = Math.abs(a - b) / Math.max(Math.abs(b), 1e-300);
          if (alike) rawDiff.alikeMax = Math.max(rawDiff.alikeMax, rel);
          else rawDiff.otherMax = Math.max(rawDiff.otherMax, rel);
        }
        if (alike) {
          rawDiff.alike++;
          rawDiff.hashesAlike &&= col<string>("quality_phash")[i] === run.hashes.near_duplicates[i] && col<string>("quality_md5")[i] === run.hashes.exact_duplicates[i];
        } else rawDiff.other++;
      });

      for (const issue of ISSUE_TYPES) {
        const ours = col<boolean>(`is_${issue}`), theirs = run.columns[`is_${CV_NAME[issue]}_issue`];
        const ourScore = col<number>(`quality_${issue}_score`), theirScore = run.columns[`${CV_NAME[issue]}_score`];
        const a = agree[issue];
        files.forEach((file, i) => {
          a.images++;
          if (theirs[i]) a.cleanvision++;
          if (ours[i]) a.blindspot++;
          if (ours[i] === theirs[i]) return a.same++;
          // Duplicates depend on the other members of the set: any of them may be the cause.
          const members = issue.endsWith("duplicate") ? files.flatMap((_, j) => (j === i || run.hashes[issue === "exact_duplicate" ? "exact_duplicates" : "near_duplicates"][j] === run.hashes[issue === "exact_duplicate" ? "exact_duplicates" : "near_duplicates"][i] ? [j] : [])) : [i];
          const why = members.map((j) => pixelDifference(run.files[j])).find((w) => w !== null);
          const line = `${issue} ${path.relative(path.dirname(files[0]), file)} (${name}): blindspot ${ours[i]} (score ${ourScore[i]}), Cleanvision ${theirs[i]} (score ${theirScore[i]}): ${why ?? "UNEXPLAINED"}`;
          disagreements.push(line);
          if (!why) unexplained.push(line);
        });
      }
    }

    const rows = ISSUE_TYPES.map((t) => {
      const a = agree[t];
      return `  ${t.padEnd(18)} ${String(a.images).padStart(6)} ${String(a.cleanvision).padStart(11)} ${String(a.blindspot).padStart(9)} ${String(a.same).padStart(6)} ${((100 * a.same) / a.images).toFixed(2).padStart(8)}%`;
    });
    console.log(
      [
        "Quality flags vs Cleanvision 0.3.7 (default thresholds) on voc100 + sign-digits + variants:",
        `  ${"issue".padEnd(18)} ${"images".padStart(6)} ${"cleanvision".padStart(11)} ${"blindspot".padStart(9)} ${"agree".padStart(6)} ${"agreement".padStart(9)}`,
        ...rows,
        `Disagreements (${disagreements.length}):`,
        ...disagreements.map((d) => `  ${d}`),
        `Raw scores (${RAW.map(([o]) => o).join(", ")}): ${rawDiff.alike} images read alike, max relative difference ${rawDiff.alikeMax.toExponential(2)}, ` +
          `phash and pixel md5 ${rawDiff.hashesAlike ? "all equal" : "NOT all equal"}; ${rawDiff.other} images with an ICC profile or EXIF rotation, max relative difference ${rawDiff.otherMax.toExponential(2)}`,
        ...timing,
        `Thresholds: ${JSON.stringify(DEFAULT_THRESHOLDS)}`,
      ].join("\n"),
    );
    expect(unexplained).toEqual([]);
    for (const t of ISSUE_TYPES) expect(agree[t].same / agree[t].images, t).toBeGreaterThanOrEqual(0.95);
    // Every issue type occurs, so the agreement is not only on negatives.
    for (const t of ISSUE_TYPES) expect(agree[t].cleanvision, t).toBeGreaterThan(0);
    expect(rawDiff.alikeMax).toBeLessThan(1e-12);
    expect(rawDiff.hashesAlike).toBe(true);
  });
});
