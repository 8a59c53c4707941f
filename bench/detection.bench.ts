/**
 * Detection-evaluation benchmark: on one COCO-val-2017-sized generated set (5,000 images, ~36,000
 * boxes, ~100,000 scored predictions), blindspot's full bbox evaluation against pycocotools'
 * evaluate() + accumulate() and FiftyOne's evaluate_detections(method="coco", compute_mAP=True),
 * each in its own process. Prints load and eval times, peak memory and eval-time ratios beside
 * the targets, checks blindspot's numbers equal pycocotools', and writes the table to
 * bench/out/detection/report.json. Exits non-zero when the numbers differ.
 *
 *   npm run bench:detection   (builds, sets up bench/.venv-detection once, then runs this file)
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { generateDetectionSet } from "./detection/generate";

const ROOT = path.resolve(__dirname, "../..");
const SCRIPTS = path.join(ROOT, "bench/detection");
const OUT = path.join(ROOT, "bench/out/detection");
const VENV = path.join(ROOT, "bench/.venv-detection");
const PYTHON = path.join(VENV, "bin/python");
/** How many times faster than each tool blindspot's evaluation must be. */
const TARGETS: Record<string, number> = { pycocotools: 5, fiftyone: 20 };
const TOLERANCE = 1e-9;

interface Run {
  tool: string;
  version?: string;
  load_s: number;
  eval_s: number;
  eval_runs_s?: number[];
  stats: number[];
  per_category_ap?: Record<string, number>;
  peak_rss_kb: number;
  mongod_peak_rss_kb?: number | null;
}

// Set on some processors for old OpenBLAS builds; they slow the current numpy the tools use.
const env = { ...process.env };
delete env.OPENBLAS_CORETYPE;
delete env.OPENBLAS_L2_SIZE;

/** Runs one tool's runner under peak_rss.py; its stderr (progress) passes through. */
function run(label: string, command: string, args: string[]): Run {
  console.log(`\n== ${label}`);
  const stdout = execFileSync(PYTHON, [path.join(SCRIPTS, "peak_rss.py"), command, ...args], {
    encoding: "utf8",
    env,
    stdio: ["ignore", "pipe", "inherit"],
    maxBuffer: 64 * 2 ** 20,
  });
  // The runner's result line and peak_rss.py's line, merged.
  return Object.assign(
    {},
    ...stdout
      .split("\n")
      .filter((l) => l.startsWith("{"))
      .map((l) => JSON.parse(l)),
  );
}

function maxAbsDiff(a: number[], b: number[]): number {
  if (a.length !== b.length) return Infinity;
  return Math.max(...a.map((v, i) => Math.abs(v - b[i])));
}

function main() {
  execFileSync("bash", [path.join(SCRIPTS, "setup.sh")], { stdio: "inherit" });
  const set = generateDetectionSet(OUT);
  const gt = JSON.parse(fs.readFileSync(set.gt, "utf8"));
  const results = JSON.parse(fs.readFileSync(set.results, "utf8"));
  const size = {
    images: gt.images.length,
    boxes: gt.annotations.length,
    crowd: gt.annotations.filter((a: { iscrowd: number }) => a.iscrowd).length,
    predictions: results.length,
  };
  console.log(
    `set: ${size.images} images, ${size.boxes} ground-truth boxes (${size.crowd} crowd), ${size.predictions} ` +
      `predictions (${OUT})`,
  );

  const runs = [
    run("blindspot", process.execPath, [path.join(__dirname, "detection/blindspot_run.js"), set.gt, set.results, "2"]),
    run("pycocotools", PYTHON, [path.join(SCRIPTS, "pycocotools_run.py"), set.gt, set.results]),
    run("FiftyOne", PYTHON, [
      path.join(SCRIPTS, "fiftyone_run.py"),
      set.gt,
      set.results,
      path.join(OUT, "fiftyone-db"),
      path.join(VENV, "libssl1.1"),
    ]),
  ];
  const [bs, pc, fo] = runs;

  const statsDiff = maxAbsDiff(bs.stats, pc.stats);
  const cats = Object.keys(pc.per_category_ap!);
  const perCategoryDiff = maxAbsDiff(
    cats.map((c) => bs.per_category_ap![c] ?? NaN),
    cats.map((c) => pc.per_category_ap![c]),
  );
  const equal = statsDiff <= TOLERANCE && perCategoryDiff <= TOLERANCE;

  const rows = runs.map((r) => {
    // FiftyOne's database runs in a mongod process of its own, outside the measured process tree.
    const peakMb = (r.peak_rss_kb + (r.mongod_peak_rss_kb ?? 0)) / 1024;
    const speedup = r === bs ? null : r.eval_s / bs.eval_s;
    const target = TARGETS[r.tool];
    return {
      tool: r.tool,
      version: r.version ?? null,
      load_s: r.load_s,
      eval_s: r.eval_s,
      peak_rss_mb: peakMb,
      mongod_peak_rss_mb: r.mongod_peak_rss_kb ? r.mongod_peak_rss_kb / 1024 : null,
      eval_time_vs_blindspot: speedup,
      target: target ?? null,
      target_met: target === undefined ? null : speedup! >= target,
    };
  });

  console.log(
    `\n${"tool".padEnd(20)} ${"load s".padStart(8)} ${"eval s".padStart(9)} ${"peak RSS MB".padStart(12)} ` +
      `${"eval ÷ blindspot".padStart(17)}  target`,
  );
  for (const r of rows) {
    const name = r.version ? `${r.tool} ${r.version}` : r.tool;
    const ratio = r.eval_time_vs_blindspot === null ? "1.0x" : `${r.eval_time_vs_blindspot.toFixed(1)}x`;
    const verdict = r.target === null ? "" : `>= ${r.target}x: ${r.target_met ? "met" : "NOT MET"}`;
    const rss = r.mongod_peak_rss_mb === null ? r.peak_rss_mb.toFixed(0) : `${r.peak_rss_mb.toFixed(0)}*`;
    console.log(
      `${name.padEnd(20)} ${r.load_s.toFixed(2).padStart(8)} ${r.eval_s.toFixed(3).padStart(9)} ${rss.padStart(12)} ` +
        `${ratio.padStart(17)}  ${verdict}`,
    );
  }
  if (fo.mongod_peak_rss_kb)
    console.log(`* includes FiftyOne's mongod, ${(fo.mongod_peak_rss_kb / 1024).toFixed(0)} MB`);
  console.log(
    `blindspot eval runs: ${bs.eval_runs_s!.map((s) => s.toFixed(3)).join(", ")} s (best counts); pycocotools and ` +
      `FiftyOne run once`,
  );
  console.log(
    `blindspot vs pycocotools: 12 stats max |diff| ${statsDiff.toExponential(2)}, per-category AP max |diff| ` +
      `${perCategoryDiff.toExponential(2)} (tolerance ${TOLERANCE}): ${equal ? "equal" : "DIFFERENT"}`,
  );
  console.log(
    `FiftyOne mAP ${fo.stats[0].toFixed(6)} vs pycocotools AP ${pc.stats[0].toFixed(6)} (FiftyOne's own matching, ` +
      `not pycocotools')`,
  );

  const report = {
    set: size,
    rows,
    check: { stats_max_abs_diff: statsDiff, per_category_max_abs_diff: perCategoryDiff, tolerance: TOLERANCE, equal },
    stats: { blindspot: bs.stats, pycocotools: pc.stats, fiftyone_mAP: fo.stats[0] },
  };
  fs.writeFileSync(path.join(OUT, "report.json"), JSON.stringify(report, null, 2));
  console.log(`report: ${path.join(OUT, "report.json")}`);
  if (!equal) process.exitCode = 1;
}

main();
