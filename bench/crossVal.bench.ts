/**
 * Cross-validation benchmark: out-of-fold probabilities of 20,000 samples x 1,280 features (10
 * classes, seeded clusters: embedding-like unit vectors), 5 folds, blindspot's fitFolds (L-BFGS
 * logistic regression on worker threads) against scikit-learn's LogisticRegression(lbfgs) on the
 * same folds, live in .venv, both stopped at the same gradient tolerance (scikit-learn's default
 * 1e-4; at a loose tolerance the two stop at different points, so their probabilities differ by
 * up to ~1e-2). Prints both times, their ratio (target: blindspot faster) and the largest
 * probability difference. Generating the data is not timed.
 *
 *   npm run bench:crossVal [-- --n 20000 --dim 1280 --classes 10 --tol 1e-4]
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { mulberry32 } from "../src/dataset/view";
import { fitFolds } from "../src/learn/foldPool";

const ROOT = path.resolve(__dirname, "../..");
const PYTHON = path.join(ROOT, ".venv/bin/python");
const OUT = path.join(ROOT, "bench/out/crossVal");

function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? fallback : Number(process.argv[i + 1]);
}

/** Unit vectors around one random centre per class. */
function generate(n: number, dim: number, classes: number) {
  const rand = mulberry32(21);
  const centres = Float32Array.from({ length: classes * dim }, () => rand() * 2 - 1);
  const y = Int32Array.from({ length: n }, () => Math.floor(rand() * classes));
  const X = new Float32Array(n * dim);
  for (let i = 0; i < n; i++) {
    let norm = 0;
    for (let j = 0; j < dim; j++) {
      const v = centres[y[i] * dim + j] * 0.3 + (rand() * 2 - 1);
      X[i * dim + j] = v;
      norm += v * v;
    }
    for (let j = 0; j < dim; j++) X[i * dim + j] /= Math.sqrt(norm);
  }
  return { X, y };
}

async function main(): Promise<void> {
  const n = option("n", 20_000),
    dim = option("dim", 1280),
    K = option("classes", 10),
    tol = option("tol", 1e-4);
  fs.mkdirSync(OUT, { recursive: true });
  const { X, y } = generate(n, dim, K);
  const folds = Int32Array.from(y, (_, i) => i % 5);
  console.log(
    `${n} x ${dim}, ${K} classes, 5 folds, tolerance ${tol}; ${os.availableParallelism()} CPUs, load ${os.loadavg()[0].toFixed(2)}`,
  );
  const start = process.hrtime.bigint();
  const ours = await fitFolds({
    X: Float64Array.from(X),
    y,
    folds,
    k: 5,
    classes: K,
    options: { gradientTolerance: tol },
  });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  console.log(`blindspot fitFolds: ${seconds.toFixed(1)} s, L-BFGS iterations ${ours.iterations.join(", ")}`);
  const files = ["X.f32", "y.i32", "folds.i32", "probs.f64"].map((f) => path.join(OUT, f));
  fs.writeFileSync(files[0], X);
  fs.writeFileSync(files[1], y);
  fs.writeFileSync(files[2], folds);
  const out = execFileSync(
    PYTHON,
    [path.join(ROOT, "bench/crossVal/sklearn_run.py"), ...files, String(dim), String(tol)],
    {
      encoding: "utf8",
    },
  );
  const theirs = JSON.parse(out.trim().split("\n").at(-1)!) as { seconds: number };
  const reference = new Float64Array(fs.readFileSync(files[3]).buffer.slice(0));
  let diff = 0;
  for (let i = 0; i < reference.length; i++) diff = Math.max(diff, Math.abs(reference[i] - ours.probs[i]));
  console.log(`scikit-learn LogisticRegression(lbfgs), 5 fits: ${theirs.seconds.toFixed(1)} s`);
  const ratio = theirs.seconds / seconds;
  console.log(
    `blindspot ${ratio >= 1 ? `${ratio.toFixed(2)}x faster` : `${(1 / ratio).toFixed(2)}x slower`} (target: faster); ` +
      `largest probability difference ${diff.toExponential(2)}`,
  );
  if (ratio < 1) process.exitCode = 1;
}

void main();
