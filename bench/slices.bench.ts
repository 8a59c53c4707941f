/**
 * Slice discovery benchmark: SliceLine on 100,000 rows x 10 coded fields (3 to 8 values each,
 * errors planted on a two-value slice and a three-value slice), top 10 slices up to 3 values deep,
 * against the sliceline package 0.3.0 (live, .venv) on the same rows, side by side; the fastest of
 * --runs each (target: faster). Checks that both return the same slices with the same scores.
 *
 *   npm run bench:slices [-- --samples 100000 --runs 3]
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { sliceLine } from "../src/analyze/slices/sliceline";
import { mulberry32 } from "../src/dataset/view";

const ROOT = path.resolve(__dirname, "../..");
const OUT = path.join(ROOT, "bench/out/slices");
const PYTHON = path.join(ROOT, ".venv/bin/python");
const DOMAINS = [3, 4, 5, 6, 8, 3, 4, 5, 6, 8];
const PARAMS = { k: 10, maxLevel: 3, minSupport: 100, alpha: 0.95 };

function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? fallback : Number(process.argv[i + 1]);
}

function generate(n: number) {
  const rand = mulberry32(11);
  const codes = DOMAINS.map((d) => Int32Array.from({ length: n }, () => Math.floor(rand() * d)));
  const errors = Float64Array.from({ length: n }, (_, i) => {
    const planted =
      (codes[0][i] === 1 && codes[3][i] === 2) || (codes[1][i] === 0 && codes[4][i] === 5 && codes[7][i] === 1);
    return rand() < (planted ? 0.7 : 0.08) ? 1 : 0;
  });
  return { codes, errors };
}

function main(): void {
  const n = option("samples", 100_000),
    runs = option("runs", 3);
  console.log(
    `${n} rows x ${DOMAINS.length} fields, ${os.availableParallelism()} CPUs, load average ${os.loadavg()[0].toFixed(2)}`,
  );
  const { codes, errors } = generate(n);
  let best = Infinity,
    ours = sliceLine(codes, DOMAINS, errors, PARAMS);
  for (let r = 0; r < runs; r++) {
    const t = process.hrtime.bigint();
    ours = sliceLine(codes, DOMAINS, errors, PARAMS);
    best = Math.min(best, Number(process.hrtime.bigint() - t) / 1e9);
  }
  fs.mkdirSync(OUT, { recursive: true });
  codes.forEach((c, j) => fs.writeFileSync(path.join(OUT, `f${j}.u8`), Uint8Array.from(c)));
  fs.writeFileSync(path.join(OUT, "errors.f64"), Buffer.from(errors.buffer));
  const theirs = JSON.parse(
    execFileSync(
      PYTHON,
      [
        path.join(ROOT, "bench/slices/sliceline_run.py"),
        OUT,
        String(DOMAINS.length),
        String(PARAMS.k),
        String(PARAMS.maxLevel),
        String(PARAMS.minSupport),
        String(PARAMS.alpha),
        String(runs),
      ],
      { encoding: "utf8", maxBuffer: 1 << 26 },
    ),
  ) as { seconds: number; slices: (number | null)[][]; scores: number[] };
  const same =
    JSON.stringify(ours.slices.map((s) => Array.from(s.codes, (v) => (v < 0 ? null : v)))) ===
      JSON.stringify(theirs.slices) && ours.slices.every((s, i) => Math.abs(s.score - theirs.scores[i]) < 1e-9);
  console.log(
    `blindspot sliceLine: ${(best * 1000).toFixed(0)} ms (${ours.slices.length} slices, top score ${ours.slices[0]?.score.toFixed(4)})`,
  );
  console.log(`sliceline 0.3.0:     ${(theirs.seconds * 1000).toFixed(0)} ms`);
  console.log(`ratio: ${(theirs.seconds / best).toFixed(1)}x faster (target: faster); same slices and scores: ${same}`);
  if (!same) process.exitCode = 1;
}

main();
