import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { values } from "../../src/dataset/columns";
import { DatasetBuilder } from "../../src/dataset/builder";
import type { Dataset } from "../../src/dataset/dataset";
import { readJpegHeader } from "../../src/image/jpegHeader";
import { DEFAULT_THRESHOLDS, ISSUE_TYPES, type IssueType } from "../../src/quality/cleanvision";
import { computeQuality } from "../../src/quality/issues";
import { HAS_SHARED, onSharedData, tmpDir } from "../helpers/data";
import { withOrientation } from "../helpers/exif";
import { hasPython } from "../helpers/reference";
import { python, SIGN_FILES, VOC_FILES } from "./helpers";
import { writeVariants } from "./variants";

/**
 * computeQuality's flags against Cleanvision's Imagelab.find_issues() run live
 * (test/quality/cleanvision_issues.py) with its defaults, on voc100, sign-digits and a set of
 * variants of voc100 photos made so that every issue type occurs. Both read the pixels as the
 * files store them: PIL ignores the EXIF orientation, so blindspot reads each file that has one
 * through a copy with the tag set to 1 (the compressed pixels byte for byte the same; what
 * blindspot does with the tag itself is in exactDuplicates.test.ts). Every flag of every issue
 * type must then agree on every image, and the raw scores and hashes must be equal.
 */

/** Cleanvision's names of the issue types. */
const CV_NAME: Record<IssueType, string> = {
  dark: "dark",
  light: "light",
  odd_aspect_ratio: "odd_aspect_ratio",
  low_information: "low_information",
  blurry: "blurry",
  grayscale: "grayscale",
  odd_size: "odd_size",
  exact_duplicate: "exact_duplicates",
  near_duplicate: "near_duplicates",
};

/** Our raw scores and Cleanvision's (image_property.py) names for them. */
const RAW: [string, string][] = [
  ["brightness", "brightness"],
  ["brightness_p1", "brightness_perc_1"],
  ["brightness_p5", "brightness_perc_5"],
  ["brightness_p10", "brightness_perc_10"],
  ["brightness_p15", "brightness_perc_15"],
  ["brightness_p90", "brightness_perc_90"],
  ["brightness_p95", "brightness_perc_95"],
  ["brightness_p99", "brightness_perc_99"],
  ["entropy", "entropy"],
  ["blurriness", "blurriness"],
  ["blurriness_gray_std", "blurriness_grayscale_std"],
  ["size", "size"],
  ["aspect_ratio", "aspect_ratio"],
];

interface CleanvisionRun {
  seconds: number;
  columns: Record<string, (number | boolean | null)[]>;
  raw: Record<string, (number | string | null)[]>;
  sets: Record<string, string[][]>;
  hashes: { exact_duplicates: string[]; near_duplicates: string[] };
  orientation: number[];
}

function fromFiles(name: string, dir: string, files: string[]): Dataset {
  const b = new DatasetBuilder(name, dir);
  for (const f of files) b.addSample({ filepath: path.relative(dir, f) });
  return b.build();
}

/** The files blindspot reads: each one with an EXIF orientation replaced by a copy without it. */
function storedCopies(files: string[], orientation: number[], dir: string): string[] {
  return files.map((file, i) => {
    if (orientation[i] === 1) return file;
    const copy = path.join(dir, `${i}-${path.basename(file)}`);
    fs.writeFileSync(copy, withOrientation(fs.readFileSync(file), 1));
    expect(readJpegHeader(fs.readFileSync(copy))?.orientation, copy).toBe(1);
    return copy;
  });
}

describe.runIf(HAS_SHARED && hasPython())(onSharedData("quality flags agree with Cleanvision"), () => {
  it("on every image of voc100, sign-digits and variants, for every issue type", async () => {
    const timing: string[] = [];
    const variantsDir = tmpDir("variants"),
      copiesDir = tmpDir("stored-copies");
    const variants = await writeVariants(
      VOC_FILES.filter((_, i) => i % 10 === 0),
      variantsDir,
    );
    const datasets = [
      { name: "voc100", files: VOC_FILES },
      { name: "sign-digits", files: SIGN_FILES },
      { name: "variants", files: variants },
    ];
    const cvStart = performance.now();
    const cv = python<Record<string, CleanvisionRun>>("cleanvision_issues.py", datasets);
    timing.push(`Cleanvision's script: ${((performance.now() - cvStart) / 1000).toFixed(1)} s`);

    const agree = Object.fromEntries(ISSUE_TYPES.map((t) => [t, { images: 0, same: 0, cleanvision: 0, blindspot: 0 }]));
    const disagreements: string[] = [];
    const raw = { images: 0, maxRelative: 0, hashesDiffer: [] as string[] };
    let turned = 0;
    for (const { name, files } of datasets) {
      const run = cv[name];
      turned += run.orientation.filter((o) => o !== 1).length;
      const ds = fromFiles(name, path.parse(files[0]).root, storedCopies(files, run.orientation, copiesDir));
      const start = performance.now();
      const summary = await computeQuality(ds, { cacheRoot: null });
      timing.push(
        `${name} (${ds.count()} images): blindspot ${((performance.now() - start) / 1000).toFixed(1)} s on ` +
          `${summary.ranOn}, Cleanvision find_issues ${run.seconds.toFixed(1)} s`,
      );
      expect(summary.failed).toBe(0);
      const col = <T>(c: string) => values<T>(ds.samples, c);

      files.forEach((file, i) => {
        raw.images++;
        for (const [ours, theirs] of RAW) {
          const a = col<number>(`quality_${ours}`)[i],
            b = run.raw[theirs][i] as number;
          raw.maxRelative = Math.max(raw.maxRelative, Math.abs(a - b) / Math.max(Math.abs(b), 1e-300));
        }
        if (
          col<string>("quality_phash")[i] !== run.hashes.near_duplicates[i] ||
          col<string>("quality_md5")[i] !== run.hashes.exact_duplicates[i]
        )
          raw.hashesDiffer.push(file);
      });

      for (const issue of ISSUE_TYPES) {
        const ours = col<boolean>(`is_${issue}`),
          theirs = run.columns[`is_${CV_NAME[issue]}_issue`];
        const ourScore = col<number>(`quality_${issue}_score`),
          theirScore = run.columns[`${CV_NAME[issue]}_score`];
        const a = agree[issue];
        files.forEach((file, i) => {
          a.images++;
          if (theirs[i]) a.cleanvision++;
          if (ours[i]) a.blindspot++;
          if (ours[i] === theirs[i]) return a.same++;
          disagreements.push(
            `${issue} ${file}: blindspot ${ours[i]} (score ${ourScore[i]}), Cleanvision ${theirs[i]} (score ` +
              `${theirScore[i]})`,
          );
        });
      }
    }

    const rows = ISSUE_TYPES.map((t) => {
      const a = agree[t];
      return (
        `  ${t.padEnd(18)} ${String(a.images).padStart(6)} ${String(a.cleanvision).padStart(11)} ` +
        `${String(a.blindspot).padStart(9)} ${String(a.same).padStart(6)} ` +
        `${((100 * a.same) / a.images).toFixed(2).padStart(8)}%`
      );
    });
    console.log(
      [
        "Quality flags vs Cleanvision 0.3.7 (default thresholds) on voc100 + sign-digits + variants:",
        `  ${"issue".padEnd(18)} ${"images".padStart(6)} ${"cleanvision".padStart(11)} ${"blindspot".padStart(9)} ` +
          `${"agree".padStart(6)} ${"agreement".padStart(9)}`,
        ...rows,
        `Disagreements (${disagreements.length}):`,
        ...disagreements.map((d) => `  ${d}`),
        `Raw scores (${RAW.map(([o]) => o).join(", ")}) on ${raw.images} images (${turned} with an EXIF ` +
          `orientation, read through copies): ` +
          `max relative difference ${raw.maxRelative.toExponential(2)}; phash and pixel md5 differ on ` +
          `${raw.hashesDiffer.length}`,
        ...timing,
        `Thresholds: ${JSON.stringify(DEFAULT_THRESHOLDS)}`,
      ].join("\n"),
    );
    expect(disagreements).toEqual([]);
    for (const t of ISSUE_TYPES) expect(agree[t].same, t).toBe(agree[t].images);
    // Every issue type occurs, so the agreement is not only on negatives.
    for (const t of ISSUE_TYPES) expect(agree[t].cleanvision, t).toBeGreaterThan(0);
    expect(turned).toBeGreaterThan(0);
    expect(raw.maxRelative).toBeLessThan(1e-12);
    expect(raw.hashesDiffer).toEqual([]);
  }, 600_000);
});
