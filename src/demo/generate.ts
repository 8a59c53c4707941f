import sharp from "sharp";
import * as fs from "node:fs";
import * as path from "node:path";
import { BlindspotError } from "../errors";
import type { Dataset } from "../dataset/dataset";
import { saveDataset } from "../dataset/persist";
import { mapLimit } from "../image/header";
import { writeFileAtomic } from "../io/atomic";
import { buildDemoDataset } from "./dataset";
import { claimDemoFolder } from "./folder";
import { planDemo } from "./plan";
import { renderSample } from "./render";
import { buildTruth, type DemoTruth } from "./truth";
import type { SamplePlan } from "./types";
import { withProgress } from "../progress";

export interface DemoOptions {
  /** Number of images, 200..100000 (default 2000). */
  samples?: number;
  /** Same seed and samples give byte-identical images and truth (default 0). */
  seed?: number;
  /**
   * Folder to write: images/, truth.json and the saved dataset. A new or empty folder, or one
   * holding the same demo; a demo of another size or seed there is refused, not overwritten.
   */
  out: string;
  width?: number;
  height?: number;
  onProgress?: (done: number, total: number) => void;
}

export const TRUTH_FILE = "truth.json";

/**
 * Generates the demo street-scene dataset with planted failure modes (listed in truth.json),
 * writes its images and saves it as a blindspot dataset in `out`.
 */
export async function generateDemo(options: DemoOptions): Promise<{ dataset: Dataset; truth: DemoTruth; dir: string }> {
  return withProgress("demo images", options, false, (o) => generate(o));
}

async function generate(options: DemoOptions): Promise<{ dataset: Dataset; truth: DemoTruth; dir: string }> {
  const samples = options.samples ?? 2000;
  const seed = options.seed ?? 0;
  const width = options.width ?? 320;
  const height = options.height ?? 240;
  check(
    Number.isInteger(samples) && samples >= 200 && samples <= 100_000,
    "samples",
    `samples must be an integer from 200 to 100000, got ${samples}`,
  );
  check(
    Number.isInteger(seed) && seed >= 0 && seed <= 0xffffffff,
    "seed",
    `seed must be an integer from 0 to 4294967295, got ${seed}`,
  );
  check(
    Number.isInteger(width) && width >= 160 && width <= 4096,
    "width",
    `width must be an integer from 160 to 4096, got ${width}`,
  );
  check(
    Number.isInteger(height) && height >= 120 && height <= 4096,
    "height",
    `height must be an integer from 120 to 4096, got ${height}`,
  );
  const dir = path.resolve(options.out);
  claimDemoFolder(dir, { samples, seed, width, height });
  const imagesDir = path.join(dir, "images");
  fs.mkdirSync(imagesDir, { recursive: true });

  const plans = planDemo({ samples, seed, width, height });
  const truth = buildTruth(plans, { seed, width, height });
  let done = 0;
  const tick = () => options.onProgress?.(++done, samples);
  options.onProgress?.(0, samples);
  // Drawing runs here while sharp encodes earlier images on its own threads.
  const originals = plans.filter((p) => p.copyOf === undefined);
  await mapLimit(originals, 4, async (p) => {
    const bytes = await encode(p, renderSample(p, plans, width, height), width, height);
    await replaceFile(path.join(imagesDir, p.file), (tmp) => fs.promises.writeFile(tmp, bytes));
    tick();
  });
  for (const p of plans) {
    if (p.copyOf === undefined) continue;
    const source = path.join(imagesDir, plans[p.copyOf].file);
    await replaceFile(path.join(imagesDir, p.file), (tmp) => fs.promises.copyFile(source, tmp));
    tick();
  }

  const dataset = buildDemoDataset(
    plans,
    imagesDir,
    { source: "blindspot demo", seed, samples, truth: TRUTH_FILE },
    width,
    height,
  );
  saveDataset(dataset, dir);
  writeFileAtomic(path.join(dir, TRUTH_FILE), JSON.stringify(truth, null, 1) + "\n");
  return { dataset, truth, dir };
}

/**
 * Writes under a temporary name, then renames: a kernel reading the same demo's images (another
 * notebook regenerating them) never sees half a file. No flush: a lost image is rendered again.
 */
async function replaceFile(target: string, write: (tmp: string) => Promise<void>): Promise<void> {
  const tmp = `${target}.${process.pid}.tmp`;
  await write(tmp);
  await fs.promises.rename(tmp, target);
}

function encode(p: SamplePlan, raw: Uint8Array, width: number, height: number): Promise<Buffer> {
  const img = sharp(raw, { raw: { width, height, channels: 3 } });
  return (p.format === "png" ? img.png({ compressionLevel: 6 }) : img.jpeg({ quality: p.quality })).toBuffer();
}

function check(ok: boolean, place: string, message: string): void {
  if (!ok)
    throw new BlindspotError({
      place,
      message,
      hint: "pass generateDemo({ out, samples: 2000 }) or change the option named",
    });
}
