/**
 * Fairness benchmark: `fairness()` on 100,000 samples with two sensitive fields (5 cameras x 4
 * weathers), two metrics (selection rate, true positive rate) and equalized odds, against
 * Fairlearn 0.15's MetricFrame + equalized_odds_difference on the same rows (live, .venv), side
 * by side; the fastest of --runs each. Fairlearn computes no intervals here, so blindspot runs
 * without bootstrap for the comparison (target: 10x faster), and once with its default 200
 * resamples per group for the record. Checks that both give the same numbers.
 *
 *   npm run bench:fairness [-- --samples 100000 --runs 5]
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as aq from "arquero";
import { fairness } from "../src/analyze/fairness";
import { Dataset } from "../src/dataset/dataset";
import { mulberry32 } from "../src/dataset/view";

const ROOT = path.resolve(__dirname, "../..");
const OUT = path.join(ROOT, "bench/out/fairness");
const PYTHON = path.join(ROOT, ".venv/bin/python");
const TARGET = 10;
const CAMERAS = ["cam_a", "cam_b", "cam_c", "cam_d", "cam_e"];
const WEATHERS = ["clear", "rain", "fog", "snow"];

function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? fallback : Number(process.argv[i + 1]);
}

/** n samples; the model misses more on one camera and in fog. */
function generate(n: number) {
  const rand = mulberry32(7);
  const camera = Uint8Array.from({ length: n }, () => Math.floor(rand() * CAMERAS.length));
  const weather = Uint8Array.from({ length: n }, () => Math.floor(rand() * WEATHERS.length));
  const truth = Uint8Array.from({ length: n }, () => (rand() < 0.4 ? 1 : 0));
  const predicted = truth.map((t, i) => {
    const miss = 0.1 + (camera[i] === 4 ? 0.2 : 0) + (weather[i] === 2 ? 0.1 : 0);
    return rand() < miss ? 1 - t : t;
  });
  const ds = new Dataset({
    name: "fairness-bench",
    imagesDir: null,
    objects: aq.table({ id: [], sample_id: [], field: [], label: [] }),
    categories: [],
    fields: [],
    problems: [],
    samples: aq.table({
      id: Array.from({ length: n }, (_, i) => `s${i}`),
      filepath: Array.from({ length: n }, (_, i) => `s${i}.jpg`),
      truth: Array.from(truth, String),
      predicted: Array.from(predicted, String),
      camera: Array.from(camera, (c) => CAMERAS[c]),
      weather: Array.from(weather, (w) => WEATHERS[w]),
    }),
  });
  return { ds, arrays: { truth, predicted, camera, weather } };
}

function main(): void {
  const n = option("samples", 100_000),
    runs = option("runs", 5);
  console.log(`${n} samples, ${os.availableParallelism()} CPUs, load average ${os.loadavg()[0].toFixed(2)}`);
  const { ds, arrays } = generate(n);
  const options = {
    truth: "truth",
    prediction: "predicted",
    sensitive: ["camera", "weather"],
    metrics: ["selection_rate" as const, "true_positive_rate" as const],
  };
  const time = (bootstrap: number) => {
    let best = Infinity,
      result = fairness(ds, { ...options, bootstrap });
    for (let r = 0; r < runs; r++) {
      const t = process.hrtime.bigint();
      result = fairness(ds, { ...options, bootstrap });
      best = Math.min(best, Number(process.hrtime.bigint() - t) / 1e9);
    }
    return { best, result };
  };
  const ours = time(0);
  const withIntervals = time(200);
  console.log(
    `blindspot fairness(): ${(ours.best * 1000).toFixed(1)} ms; with 200 bootstrap resamples per group ${(withIntervals.best * 1000).toFixed(1)} ms`,
  );

  fs.mkdirSync(OUT, { recursive: true });
  for (const [name, a] of Object.entries(arrays)) fs.writeFileSync(path.join(OUT, `${name}.u8`), a);
  const theirs = JSON.parse(
    execFileSync(PYTHON, [path.join(ROOT, "bench/fairness/fairlearn_run.py"), OUT, String(runs)], { encoding: "utf8" }),
  ) as { seconds: number; eo: number; tpr_difference: number };
  console.log(`Fairlearn MetricFrame + equalized_odds_difference: ${(theirs.seconds * 1000).toFixed(1)} ms`);

  const scores = ours.result.summary.scores["1"];
  const tpr = (ours.result.disparities.objects() as { metric: string; difference: number }[]).find(
    (d) => d.metric === "true_positive_rate",
  )!;
  const same =
    Math.abs(scores.equalizedOdds.difference - theirs.eo) <= 1e-12 &&
    Math.abs(tpr.difference - theirs.tpr_difference) <= 1e-12;
  const ratio = theirs.seconds / ours.best;
  console.log(
    `blindspot ${ratio.toFixed(1)}x faster (target ${TARGET}x); equalized odds difference ${scores.equalizedOdds.difference} vs ${theirs.eo}: ${same ? "same" : "DIFFERENT"}`,
  );
  fs.writeFileSync(
    path.join(OUT, "report.json"),
    JSON.stringify(
      {
        samples: n,
        blindspot_s: ours.best,
        with_bootstrap_s: withIntervals.best,
        fairlearn_s: theirs.seconds,
        ratio,
        same,
      },
      null,
      1,
    ),
  );
  if (!same || ratio < TARGET) process.exitCode = 1;
}

main();
