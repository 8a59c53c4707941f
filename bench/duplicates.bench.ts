/**
 * Near-duplicate benchmark on the 2,000 shared real images (all of voc100, 1,900 of sign-digits),
 * side by side in one run: blindspot's full image pass, computeQuality(ds, { mode: "dataset" })
 * (decode, quality scores, MobileNetV2 embeddings and near-duplicate groups; no cache), against
 * fastdup 2.54's create() + run() on the same files (embeddings, similarity graph, components;
 * its own venv, bench/.venv-fastdup, made by bench/fastdup/setup.sh; it runs offline). Each runs
 * `--rounds` times (default 2), alternating, as this machine's speed drifts; the fastest of each
 * is compared (target: blindspot faster). Prints the load average first: other work on the
 * machine slows both. Writes bench/out/duplicates/report.json.
 *
 *   npm run bench:duplicates [-- --rounds 2 --model mobilenet_v2_1.0]
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { load } from "../src/formats/api";
import { computeQuality } from "../src/quality/issues";
import { imageSet, ROOT, timed } from "./realImages";

const OUT = path.join(ROOT, "bench/out/duplicates");
const PYTHON = path.join(ROOT, "bench/.venv-fastdup/bin/python");

function option(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? fallback : process.argv[i + 1];
}

async function blindspotRun(dir: string, embeddingModel: string) {
  const ds = await load(dir, { format: "image-folder" });
  const t = await timed(() => computeQuality(ds, { mode: "dataset", cacheRoot: null, embeddingModel }));
  return { seconds: t.seconds, cpuSeconds: t.cpuSeconds, nearDuplicates: t.value.issues.near_duplicate };
}

function fastdupRun(listFile: string): { seconds: number; version: string; pairs: number } {
  const work = path.join(OUT, "fastdup-work");
  fs.rmSync(work, { recursive: true, force: true });
  const out = execFileSync(PYTHON, [path.join(ROOT, "bench/fastdup/fastdup_run.py"), listFile, work], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "ignore"],
    // fastdup reports errors to Sentry unless told not to; the bench runs offline.
    env: { ...process.env, SENTRY_OPT_OUT: "1" },
    maxBuffer: 1 << 26,
  });
  return JSON.parse(out.trim().split("\n").at(-1)!);
}

async function main(): Promise<void> {
  const rounds = Number(option("rounds", "2"));
  const model = option("model", "mobilenet_v2");
  fs.mkdirSync(OUT, { recursive: true });
  const { files, dir } = imageSet(OUT);
  const listFile = path.join(OUT, "files.txt");
  fs.writeFileSync(listFile, files.join("\n"));
  console.log(
    `${files.length} images (voc100 + sign-digits), ${os.availableParallelism()} CPUs, ` +
      `load average ${os.loadavg()[0].toFixed(2)}`,
  );
  const ours: Awaited<ReturnType<typeof blindspotRun>>[] = [],
    theirs: ReturnType<typeof fastdupRun>[] = [];
  for (let r = 0; r < rounds; r++) {
    const b = await blindspotRun(dir, model);
    console.log(
      `blindspot computeQuality(mode "dataset", ${model}): ${b.seconds.toFixed(2)} s (CPU ${b.cpuSeconds.toFixed(1)} s), ` +
        `${b.nearDuplicates} images in near-duplicate sets`,
    );
    ours.push(b);
    const f = fastdupRun(listFile);
    console.log(`fastdup ${f.version} run(): ${f.seconds.toFixed(2)} s, ${f.pairs} similar pairs`);
    theirs.push(f);
  }
  const best = Math.min(...ours.map((b) => b.seconds)),
    bestFastdup = Math.min(...theirs.map((f) => f.seconds));
  const ratio = bestFastdup / best;
  console.log(
    `\nfastest: blindspot ${best.toFixed(2)} s, fastdup ${bestFastdup.toFixed(2)} s: blindspot ` +
      `${ratio >= 1 ? `${ratio.toFixed(2)}x faster` : `${(1 / ratio).toFixed(2)}x slower`} (target: faster)`,
  );
  fs.writeFileSync(
    path.join(OUT, "report.json"),
    JSON.stringify({ images: files.length, ours, theirs, ratio }, null, 1),
  );
  if (ratio < 1) process.exitCode = 1;
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
