/**
 * Box label-issue benchmark: on the COCO-val-2017-sized generated detection set (5,000 images,
 * ~36,000 labels, ~100,000 scored predictions, see bench/detection/generate.ts), blindspot's
 * boxLabelIssues against cleanlab 2.9.0's object-detection find_label_issues (ranked, so that it
 * scores, pools, thresholds and ranks as boxLabelIssues does), live in .venv. Prints both times
 * and their ratio beside the target (5x faster) and checks that both rank the same images and
 * score them alike. Loading the set and building cleanlab's input are not timed.
 *
 *   npm run bench:boxIssues [-- --rounds 3]
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { boxLabelIssues } from "../src/analyze/boxIssues";
import { imageBoxes, type BoxSide } from "../src/analyze/boxIssues/boxes";
import { values } from "../src/dataset/columns";
import { importLabels, load } from "../src/formats/api";
import { generateDetectionSet } from "./detection/generate";

const ROOT = path.resolve(__dirname, "../..");
const PYTHON = path.join(ROOT, ".venv/bin/python");
const OUT = path.join(ROOT, "bench/out/boxIssues");
const TARGET = 5;

function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? fallback : Number(process.argv[i + 1]);
}

async function main(): Promise<void> {
  const rounds = option("rounds", 3);
  fs.mkdirSync(OUT, { recursive: true });
  const set = generateDetectionSet(path.join(ROOT, "bench/out/detection"));
  const ds = await load(set.gt, { format: "coco" });
  await importLabels(ds, set.results, { format: "coco-results", field: "predictions" });
  const boxes = imageBoxes(ds, "ground_truth", "predictions", "bench");
  console.log(
    `${boxes.sampleRows.length} images, ${boxes.labels.cls.length} labels, ${boxes.predictions.cls.length} predictions; ` +
      `${os.availableParallelism()} CPUs, load average ${os.loadavg()[0].toFixed(2)}`,
  );
  let best = Infinity;
  let result = boxLabelIssues(ds, { predictions: "predictions" });
  for (let r = 0; r < rounds; r++) {
    const start = process.hrtime.bigint();
    result = boxLabelIssues(ds, { predictions: "predictions" });
    best = Math.min(best, Number(process.hrtime.bigint() - start) / 1e9);
  }

  const flat = (s: BoxSide) => ({
    start: Array.from(s.start),
    corners: Array.from(s.corners),
    cls: Array.from(s.cls),
    prob: Array.from(s.prob),
  });
  const input = path.join(OUT, "boxes.json");
  fs.writeFileSync(
    input,
    JSON.stringify({ classes: boxes.classes.length, labels: flat(boxes.labels), predictions: flat(boxes.predictions) }),
  );
  console.log("cleanlab's find_label_issues (one run) ...");
  const out = execFileSync(PYTHON, [path.join(ROOT, "bench/boxIssues/cleanlab_run.py"), input], {
    encoding: "utf8",
    maxBuffer: 1 << 28,
  });
  const theirs = JSON.parse(out) as { seconds: number; ranked: number[]; quality: number[] };

  const rowOf = new Map(Array.from(values<string>(ds.samples, "id"), (id, r) => [id, r]));
  const positionOf = new Map(Array.from(boxes.sampleRows, (r, i) => [r, i]));
  const ranked = (result.images.array("sample_id") as string[]).map((id) => positionOf.get(rowOf.get(id)!)!);
  const quality = values<number>(ds.samples, "label_quality");
  const worst = Math.max(...Array.from(boxes.sampleRows, (r, i) => Math.abs(quality[r] - theirs.quality[i])));
  const same = ranked.length === theirs.ranked.length && ranked.every((v, i) => v === theirs.ranked[i]);
  console.log(`blindspot boxLabelIssues: ${best.toFixed(3)} s (fastest of ${rounds}), ${ranked.length} images flagged`);
  console.log(`cleanlab find_label_issues: ${theirs.seconds.toFixed(3)} s, ${theirs.ranked.length} images flagged`);
  const ratio = theirs.seconds / best;
  console.log(
    `blindspot ${ratio.toFixed(1)}x faster (target: ${TARGET}x); same ranked images: ${same}; ` +
      `largest label-quality difference ${worst.toExponential(2)}`,
  );
  if (!same || worst > 1e-9 || ratio < TARGET) process.exitCode = 1;
}

void main();
