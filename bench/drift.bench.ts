/**
 * Drift benchmark: `drift()` on 100,000 reference and 100,000 current rows x 20 fields (ten numbers,
 * three of them shifted; ten categories, two of them re-weighted), against Evidently 0.7.23's
 * data-drift preset on the same frames (live, .venv), side by side; the fastest of --runs each
 * (target: 10x faster). Checks that both pick the same test per column, with the same score
 * (1e-9) and decision.
 *
 *   npm run bench:drift [-- --samples 100000 --runs 3]
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as aq from "arquero";
import { drift } from "../src/analyze/drift";
import { Dataset } from "../src/dataset/dataset";
import { mulberry32 } from "../src/dataset/view";
import { gaussian } from "../src/embed/project/random";

const ROOT = path.resolve(__dirname, "../..");
const OUT = path.join(ROOT, "bench/out/drift");
const PYTHON = path.join(ROOT, ".venv/bin/python");
const TARGET = 10;

function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? fallback : Number(process.argv[i + 1]);
}

/** n rows: n0..n9 normal (n0-n2 shifted in the current set), c0..c9 codes 0..5 (c0, c1 re-weighted). */
function generate(n: number, current: boolean, seed: number) {
  const rand = mulberry32(seed),
    normal = gaussian(rand);
  const numbers = Array.from({ length: 10 }, (_, j) =>
    Float64Array.from({ length: n }, () => normal() + (current && j < 3 ? 0.2 : 0)),
  );
  const codes = Array.from({ length: 10 }, (_, j) =>
    Uint8Array.from({ length: n }, () => {
      const r = rand();
      return current && j < 2 ? Math.min(5, Math.floor(r * r * 6)) : Math.floor(r * 6);
    }),
  );
  const columns: Record<string, unknown[]> = {
    id: Array.from({ length: n }, (_, i) => `${current ? "c" : "r"}${i}`),
    filepath: Array.from({ length: n }, (_, i) => `${i}.jpg`),
  };
  numbers.forEach((v, j) => (columns[`n${j}`] = Array.from(v)));
  codes.forEach((v, j) => (columns[`c${j}`] = Array.from(v, String)));
  const ds = new Dataset({
    name: current ? "current" : "reference",
    imagesDir: null,
    objects: aq.table({ id: [], sample_id: [], field: [], label: [] }),
    categories: [],
    fields: [],
    problems: [],
    samples: aq.table(columns),
  });
  return { ds, numbers, codes };
}

function main(): void {
  const n = option("samples", 100_000),
    runs = option("runs", 3);
  console.log(
    `${n} + ${n} rows x 20 fields, ${os.availableParallelism()} CPUs, load average ${os.loadavg()[0].toFixed(2)}`,
  );
  const reference = generate(n, false, 1),
    current = generate(n, true, 2);
  let best = Infinity,
    ours = drift(reference.ds, current.ds);
  for (let r = 0; r < runs; r++) {
    const t = process.hrtime.bigint();
    ours = drift(reference.ds, current.ds);
    best = Math.min(best, Number(process.hrtime.bigint() - t) / 1e9);
  }
  fs.mkdirSync(OUT, { recursive: true });
  for (const [which, set] of [
    ["reference", reference],
    ["current", current],
  ] as const) {
    set.numbers.forEach((v, j) => fs.writeFileSync(path.join(OUT, `${which}-n${j}.f64`), Buffer.from(v.buffer)));
    set.codes.forEach((v, j) => fs.writeFileSync(path.join(OUT, `${which}-c${j}.u8`), v));
  }
  const theirs = JSON.parse(
    execFileSync(PYTHON, [path.join(ROOT, "bench/drift/evidently_run.py"), OUT, String(runs)], {
      encoding: "utf8",
      maxBuffer: 1 << 26,
    }),
  ) as { seconds: number; columns: Record<string, { test: string; score: number; drifted: boolean }> };
  const rows = ours.fields.objects() as { field: string; test: string; score: number; drifted: boolean }[];
  const differ = rows.filter((r) => {
    const c = theirs.columns[r.field];
    return !c || c.test !== r.test || Math.abs(c.score - r.score) > 1e-9 || c.drifted !== r.drifted;
  });
  console.log(
    `blindspot drift:        ${(best * 1000).toFixed(0)} ms (${ours.summary.drifted.length} of ${ours.summary.fields} fields drifted: ${ours.summary.drifted.join(", ")})`,
  );
  console.log(`Evidently data drift:   ${(theirs.seconds * 1000).toFixed(0)} ms`);
  const ratio = theirs.seconds / best;
  console.log(
    `ratio: ${ratio.toFixed(1)}x faster (target: ${TARGET}x); same tests, scores and decisions: ` +
      `${differ.length ? `no (${differ.map((r) => r.field).join(", ")})` : "yes"}`,
  );
  if (differ.length) process.exitCode = 1;
}

main();
