/**
 * Label-issue benchmark: confident learning's find_label_issues (default filter, prune by noise
 * rate) on 100,000 samples x 10 classes of seeded probabilities with 10 % of the labels redrawn,
 * blindspot's findLabelIssues against cleanlab 2.9.0's live in .venv on the same arrays, the
 * fastest of `--rounds` each. Prints both times and their ratio (target: blindspot faster), and
 * checks that both flag the same samples. Generating and loading the arrays are not timed.
 *
 *   npm run bench:labelIssues [-- --n 100000 --classes 10 --rounds 3]
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { findLabelIssues } from "../src/analyze/labelIssues/filter";
import { noisyProbs } from "../src/plant/noisyProbs";

const ROOT = path.resolve(__dirname, "../..");
const PYTHON = path.join(ROOT, ".venv/bin/python");
const OUT = path.join(ROOT, "bench/out/labelIssues");

function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? fallback : Number(process.argv[i + 1]);
}

function main(): void {
  const n = option("n", 100_000),
    K = option("classes", 10),
    rounds = option("rounds", 3);
  fs.mkdirSync(OUT, { recursive: true });
  const input = noisyProbs(9, n, K, 0.1);
  console.log(
    `${n} samples x ${K} classes, ${os.availableParallelism()} CPUs, load average ${os.loadavg()[0].toFixed(2)}`,
  );
  let best = Infinity,
    mask = new Uint8Array(0);
  for (let r = 0; r < rounds; r++) {
    const start = process.hrtime.bigint();
    mask = findLabelIssues(input);
    best = Math.min(best, Number(process.hrtime.bigint() - start) / 1e9);
  }
  const files = ["labels.i32", "probs.f64", "mask.u8"].map((f) => path.join(OUT, f));
  fs.writeFileSync(files[0], input.labels);
  fs.writeFileSync(files[1], input.probs);
  const out = execFileSync(
    PYTHON,
    [path.join(ROOT, "bench/labelIssues/cleanlab_run.py"), ...files, String(K), String(rounds)],
    { encoding: "utf8" },
  );
  const theirs = JSON.parse(out.trim().split("\n").at(-1)!) as { seconds: number };
  const reference = new Uint8Array(fs.readFileSync(files[2]));
  const same = reference.length === mask.length && reference.every((v, i) => v === mask[i]);
  const flagged = mask.reduce((s, v) => s + v, 0);
  console.log(`blindspot findLabelIssues: ${best.toFixed(3)} s, ${flagged} flagged`);
  console.log(`cleanlab find_label_issues: ${theirs.seconds.toFixed(3)} s`);
  const ratio = theirs.seconds / best;
  console.log(
    `blindspot ${ratio >= 1 ? `${ratio.toFixed(2)}x faster` : `${(1 / ratio).toFixed(2)}x slower`} (target: faster); ` +
      `same samples flagged: ${same}`,
  );
  if (!same || ratio < 1) process.exitCode = 1;
}

main();
