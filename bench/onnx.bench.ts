/**
 * Image-analysis benchmark on one set of 2,000 real images (all 100 of voc100, 1,900 of
 * sign-digits), in one run:
 *
 *  1. Quality: blindspot's computeQuality (decode included, no cache) against Cleanvision's
 *     Imagelab.find_issues() with its defaults, each run three times, alternating (this
 *     machine's speed drifts by 15% over minutes, for both); the fastest run of each is
 *     compared (target: blindspot at least 3x faster). The flag counts must agree.
 *  2. Embeddings: computeEmbeddings on CPU, decode and resize to 224 x 224 included, for each
 *     built-in model (target: at least 100 images/s).
 *  3. Exact 10-NN over 100,000 x 512: bench/knn.bench.ts, run after this file by `npm run bench:onnx`.
 *
 * Wall-clock and CPU seconds are printed with the load average: other work on the machine
 * slows the wall clock. Writes bench/out/onnx/report.json; exits non-zero when the quality
 * flags disagree.
 *
 *   npm run bench:onnx
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { load } from "../src/formats/api";
import { computeEmbeddings } from "../src/embed/embed";
import { computeQuality } from "../src/quality/issues";
import { imageSet, ROOT, timed, type Timing } from "./realImages";

const OUT = path.join(ROOT, "bench/out/onnx");
const PYTHON = path.join(ROOT, ".venv/bin/python");
const QUALITY_TARGET = 3,
  EMBED_TARGET = 100;
/** Alternating runs of each quality pass. */
const ROUNDS = 3;
const MODELS = ["mobilenet_v2", "mobilenet_v2_1.0"];

const load1 = () => `load average ${os.loadavg()[0].toFixed(2)}`;

async function qualityRun(dir: string): Promise<Timing & { flags: Record<string, number>; ranOn: string }> {
  const ds = await load(dir, { format: "image-folder" });
  const t = await timed(() => computeQuality(ds, { cacheRoot: null }));
  return { seconds: t.seconds, cpuSeconds: t.cpuSeconds, flags: t.value.issues, ranOn: t.value.ranOn };
}

function cleanvisionRun(listFile: string): { seconds: number; version: string; flags: Record<string, number> } {
  const out = execFileSync(PYTHON, [path.join(ROOT, "bench/onnx/cleanvision_run.py"), listFile], {
    encoding: "utf8",
    env: { ...process.env, TQDM_DISABLE: "1" },
    maxBuffer: 1 << 26,
  });
  return JSON.parse(out.trim().split("\n").at(-1)!);
}

async function main(): Promise<void> {
  fs.mkdirSync(OUT, { recursive: true });
  const { files, dir } = imageSet(OUT);
  const listFile = path.join(OUT, "files.txt");
  fs.writeFileSync(listFile, files.join("\n"));
  console.log(`${files.length} images (voc100 + sign-digits), ${os.availableParallelism()} CPUs, ${load1()}`);

  console.log("\nQuality (decode included, no cache):");
  const blind: Awaited<ReturnType<typeof qualityRun>>[] = [],
    clean: ReturnType<typeof cleanvisionRun>[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const c = cleanvisionRun(listFile);
    clean.push(c);
    console.log(`  Cleanvision ${c.version} find_issues  ${c.seconds.toFixed(2)} s   (${load1()})`);
    const b = await qualityRun(dir);
    blind.push(b);
    console.log(
      `  blindspot computeQuality        ${b.seconds.toFixed(2)} s   CPU ${b.cpuSeconds.toFixed(1)} s on ${b.ranOn}  ` +
        ` (${load1()})`,
    );
  }
  const bestBlind = Math.min(...blind.map((b) => b.seconds)),
    bestClean = Math.min(...clean.map((c) => c.seconds));
  const ratio = bestClean / bestBlind;
  // Cleanvision names the duplicate types in the plural (exact_duplicates).
  const ours = (k: string) => blind[0].flags[k.replace(/_duplicates$/, "_duplicate")];
  const disagree = Object.keys(clean[0].flags).filter((k) => clean[0].flags[k] !== ours(k));
  console.log(
    `  best: blindspot ${bestBlind.toFixed(2)} s, Cleanvision ${bestClean.toFixed(2)} s: ${ratio.toFixed(2)}x faster ` +
      `(target ${QUALITY_TARGET}x: ${ratio >= QUALITY_TARGET ? "met" : "NOT met"})`,
  );
  console.log(
    `  flags per issue type, blindspot / Cleanvision: ${Object.keys(clean[0].flags)
      .map((k) => `${k} ${ours(k)}/${clean[0].flags[k]}`)
      .join(", ")}`,
  );

  console.log("\nEmbeddings on CPU (opening the model, decode and resize to 224 x 224 included, no cache):");
  const embed: Record<string, Timing & { imagesPerSecond: number; dim: number }> = {};
  for (const model of MODELS) {
    const ds = await load(dir, { format: "image-folder" });
    const t = await timed(() => computeEmbeddings(ds, { model, provider: "cpu", cacheRoot: null }));
    const rate = t.value.ids.length / t.seconds;
    embed[model] = { seconds: t.seconds, cpuSeconds: t.cpuSeconds, imagesPerSecond: rate, dim: t.value.dim };
    console.log(
      `  ${model.padEnd(18)} ${t.value.dim}-d  ${t.seconds.toFixed(1)} s  ${rate.toFixed(0)} images/s  CPU ` +
        `${t.cpuSeconds.toFixed(1)} s  (target ${EMBED_TARGET}/s: ${rate >= EMBED_TARGET ? "met" : "NOT met"}; ` +
        `${load1()})`,
    );
  }

  const report = {
    images: files.length,
    cpus: os.availableParallelism(),
    quality: { blindspot: blind, cleanvision: clean, ratio, target: QUALITY_TARGET, disagree },
    embeddings: { ...embed, target: EMBED_TARGET },
  };
  fs.writeFileSync(path.join(OUT, "report.json"), JSON.stringify(report, null, 2));
  console.log(`\nReport: ${path.relative(ROOT, path.join(OUT, "report.json"))}`);
  if (disagree.length) {
    console.error(`quality flags differ from Cleanvision's for: ${disagree.join(", ")}`);
    process.exitCode = 1;
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
