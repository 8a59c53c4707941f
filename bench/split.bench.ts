/**
 * Split benchmark: stratified group 5-fold of 10^6 samples (10 classes, skewed; ~100,000 groups of
 * uneven sizes whose samples mostly share a class), blindspot's `split` against scikit-learn's
 * StratifiedGroupKFold (shuffle=True) live in .venv on the same labels and groups, in one run.
 * Prints both times, their ratio (target: blindspot 5x faster), and for both the largest gap of a
 * fold's class count from its ideal (a fifth of the class) and whether any group crosses folds.
 * Building the dataset and loading the arrays are not timed on either side.
 *
 *   npm run bench:split [-- --n 1000000 --groups 100000 --classes 10 --k 5]
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as aq from "arquero";
import { split } from "../src/analyze/split";
import { Dataset } from "../src/dataset/dataset";
import { values } from "../src/dataset/columns";
import { mulberry32 } from "../src/dataset/view";

const ROOT = path.resolve(__dirname, "../..");
const PYTHON = path.join(ROOT, ".venv/bin/python");
const TARGET_RATIO = 5;

function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? fallback : Number(process.argv[i + 1]);
}

/** Seeded labels and groups: group sizes skewed, 80 % of a group's samples of the group's own class. */
function generate(n: number, nGroups: number, nClasses: number) {
  const random = mulberry32(7);
  const groupClass = Int32Array.from({ length: nGroups }, () => Math.floor(nClasses * random() ** 2));
  const groups = Int32Array.from({ length: n }, () => Math.floor(nGroups * random() ** 1.5));
  const labels = Int32Array.from(groups, (g) =>
    random() < 0.8 ? groupClass[g] : Math.floor(nClasses * random() ** 2),
  );
  return { labels, groups };
}

function dataset(labels: Int32Array, groups: Int32Array): Dataset {
  const n = labels.length;
  const samples = aq.table({
    id: Array.from({ length: n }, (_, i) => `s${i}`),
    filepath: Array.from({ length: n }, (_, i) => `s${i}.jpg`),
    width: new Array(n).fill(null),
    height: new Array(n).fill(null),
    split: new Array(n).fill(null),
    tags: Array.from({ length: n }, () => []),
    problems: Array.from({ length: n }, () => []),
    label: Array.from(labels, (l) => `class${l}`),
    scene: groups,
  });
  const objects = aq.table({ id: [], sample_id: [], field: [], label: [] });
  return new Dataset({
    name: "bench",
    samples,
    objects,
    categories: [],
    fields: [{ name: "label", kind: "classification", predicted: false }],
    imagesDir: null,
    problems: [],
  });
}

/** Largest |count - ideal| over folds x classes, and the groups found in more than one fold. */
function quality(folds: ArrayLike<number>, labels: Int32Array, groups: Int32Array, k: number, nClasses: number) {
  const counts = new Float64Array(k * nClasses);
  const totals = new Float64Array(nClasses);
  const foldOf = new Map<number, number>();
  let crossing = 0;
  for (let i = 0; i < labels.length; i++) {
    counts[folds[i] * nClasses + labels[i]]++;
    totals[labels[i]]++;
    const f = foldOf.get(groups[i]);
    if (f === undefined) foldOf.set(groups[i], folds[i]);
    else if (f !== folds[i]) crossing++;
  }
  let gap = 0;
  for (let f = 0; f < k; f++)
    for (let c = 0; c < nClasses; c++) gap = Math.max(gap, Math.abs(counts[f * nClasses + c] - totals[c] / k));
  return { gap, crossing };
}

function main() {
  const n = option("n", 1_000_000);
  const nGroups = option("groups", 100_000);
  const nClasses = option("classes", 10);
  const k = option("k", 5);
  console.log(
    `split bench: ${n} samples, ${nGroups} groups drawn, ${nClasses} classes, k=${k}; load ${os.loadavg()[0].toFixed(2)}`,
  );
  const { labels, groups } = generate(n, nGroups, nClasses);
  const ds = dataset(labels, groups);

  const start = performance.now();
  const result = split(ds, { k, stratify: true, groups: "scene", shuffle: true, seed: 0 });
  const ours = (performance.now() - start) / 1000;
  const ourFolds = values<number>(ds.samples, "fold");
  const ourQuality = quality(ourFolds, labels, groups, k, nClasses);
  console.log(`blindspot split (${result.summary.method}): ${ours.toFixed(2)} s, ${result.summary.units} groups`);

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "split-bench-"));
  try {
    fs.writeFileSync(path.join(dir, "labels"), labels);
    fs.writeFileSync(path.join(dir, "groups"), groups);
    const out = path.join(dir, "folds");
    const script = path.join(ROOT, "bench/split/sklearn_run.py");
    const args = [script, path.join(dir, "labels"), path.join(dir, "groups"), out, String(k), "0"];
    const theirs = JSON.parse(execFileSync(PYTHON, args, { encoding: "utf8" })).seconds as number;
    const theirQuality = quality(new Int8Array(fs.readFileSync(out).buffer), labels, groups, k, nClasses);
    console.log(`scikit-learn StratifiedGroupKFold: ${theirs.toFixed(2)} s`);
    const ratio = theirs / ours;
    console.log(`ratio: blindspot ${ratio.toFixed(1)}x faster (target ${TARGET_RATIO}x)`);
    console.log(
      `largest gap of a fold's class count from the ideal: blindspot ${ourQuality.gap.toFixed(1)}, ` +
        `scikit-learn ${theirQuality.gap.toFixed(1)} samples; groups crossing folds: blindspot ` +
        `${ourQuality.crossing}, scikit-learn ${theirQuality.crossing}`,
    );
    if (ratio < TARGET_RATIO || ourQuality.crossing > 0) process.exitCode = 1;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main();
