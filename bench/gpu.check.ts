/**
 * GPU check, for a machine with an NVIDIA GPU: images/s of the quality graph and of the
 * embeddings with onnxruntime's CUDA provider, and whether GPU and CPU give the same results.
 * The images are the demo dataset, generated on the spot (2,000 street scenes, 640 x 480
 * JPEG), so the check needs nothing outside the repository.
 *
 *  - Quality: computeQuality with the graph on CUDA against the CPU scorer. The graph works in
 *    exact integers, so every score field must be identical.
 *  - Embeddings: the built-in models on CUDA against CPU: cosine of each image's two vectors
 *    (float32 kernels differ, so not bit-identical: at least 0.9999) and identical 10-NN lists.
 *  - Exact 10-NN of 100,000 x 512 random unit vectors with the ONNX graph on CUDA (seconds), and
 *    the first 1,000 rows' lists against the CPU graph.
 *
 * Prerequisites: Node 20+, `npm ci` with onnxruntime-node's CUDA provider installed (that is,
 * without ONNXRUNTIME_NODE_INSTALL=skip) and the CUDA libraries it needs, `npm run build`, and
 * the models converted (scripts/fetch-model.js). Run: node dist/bench/gpu.check.js [--samples N]
 * [--out DIR] [--device cpu]. Prints a table and writes gpu-check.json to DIR (default bench/out/gpu); exits
 * non-zero if CUDA does not load or any result disagrees.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { values } from "../src/dataset/columns";
import type { Dataset } from "../src/dataset/dataset";
import { generateDemo } from "../src/demo";
import { computeEmbeddings } from "../src/embed/embed";
import { knn } from "../src/embed/knn";
import { gaussianMatrix } from "../src/embed/project/random";
import { computeQuality, type QualityOptions } from "../src/quality/issues";
import { load } from "../src/formats/api";

const ROOT = path.resolve(__dirname, "../..");
const MODELS = ["mobilenet_v2", "mobilenet_v2_1.0"];
const MIN_COSINE = 0.9999;

function option(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? fallback : process.argv[i + 1];
}

/** `--device cpu` runs the same script against the CPU, to try it on a machine without a GPU. */
const DEVICE = option("device", "cuda") as "cuda" | "cpu";

async function seconds<T>(f: () => Promise<T>): Promise<{ value: T; s: number }> {
  const start = performance.now();
  const value = await f();
  return { value, s: (performance.now() - start) / 1000 };
}

const failures: string[] = [];
function check(ok: boolean, what: string): string {
  if (!ok) failures.push(what);
  return ok ? "agree" : "DISAGREE";
}

async function quality(dir: string, n: number) {
  const run = async (options: QualityOptions) => {
    const ds = await load(dir);
    const t = await seconds(() => computeQuality(ds, { cacheRoot: null, ...options }));
    return { ds, ...t };
  };
  // The first pass loads CUDA and builds the graph's kernels; the second is timed.
  const gpu = await run({ engine: "graph", provider: DEVICE });
  const gpuAgain = await run({ engine: "graph", provider: DEVICE });
  const cpu = await run({ engine: "auto", provider: "cpu" });
  const fields = gpu.ds.samples.columnNames().filter((c) => c.startsWith("quality_") || c.startsWith("is_"));
  const differing = fields.filter(
    (c) =>
      JSON.stringify(Array.from(values(gpu.ds.samples, c))) !== JSON.stringify(Array.from(values(cpu.ds.samples, c))),
  );
  return {
    ranOn: gpu.value.ranOn,
    gpuImagesPerSecond: n / gpuAgain.s,
    cpuImagesPerSecond: n / cpu.s,
    fields: fields.length,
    differing,
    verdict: check(
      gpu.value.ranOn === DEVICE && differing.length === 0,
      `quality fields differ between CUDA and CPU: ${differing.join(", ")}`,
    ),
  };
}

async function embeddings(ds: Dataset, model: string) {
  const gpu = await seconds(() => computeEmbeddings(ds, { model, provider: DEVICE, cacheRoot: null }));
  const gpuAgain = await seconds(() => computeEmbeddings(ds, { model, provider: DEVICE, cacheRoot: null }));
  const cpu = await seconds(() => computeEmbeddings(ds, { model, provider: "cpu", cacheRoot: null }));
  const { dim } = gpu.value,
    a = gpu.value.vectors,
    b = cpu.value.vectors;
  let minCosine = Infinity;
  for (let r = 0; r < gpu.value.ids.length; r++) {
    let dot = 0;
    for (let j = r * dim; j < (r + 1) * dim; j++) dot += a[j] * b[j];
    minCosine = Math.min(minCosine, dot);
  }
  const [na, nb] = await Promise.all([knn(a, dim, 10, { engine: "ts" }), knn(b, dim, 10, { engine: "ts" })]);
  let sameLists = 0;
  for (let r = 0; r < na.rows; r++)
    if (na.indices.subarray(r * 10, r * 10 + 10).every((v, i) => v === nb.indices[r * 10 + i])) sameLists++;
  return {
    model,
    dim,
    ranOn: gpu.value.provider,
    gpuImagesPerSecond: gpu.value.ids.length / gpuAgain.s,
    cpuImagesPerSecond: cpu.value.ids.length / cpu.s,
    minCosine,
    identical10nnLists: `${sameLists}/${na.rows}`,
    verdict: check(
      gpu.value.provider === DEVICE && minCosine >= MIN_COSINE && sameLists >= 0.99 * na.rows,
      `${model}: CUDA and CPU embeddings differ (min cosine ${minCosine}, ${sameLists}/${na.rows} identical ` +
        `10-NN lists)`,
    ),
  };
}

async function neighbours() {
  const n = Number(option("knn-rows", "100000")),
    dim = 512,
    k = 10,
    rows = 1000;
  const data = gaussianMatrix(n, dim, 1);
  const gpu = await seconds(() => knn(data, dim, k, { engine: "onnx", provider: DEVICE }));
  const queries = data.slice(0, rows * dim);
  const cpu = await knn(data, dim, k + 1, { engine: "onnx", provider: "cpu", queries });
  let same = 0;
  for (let r = 0; r < rows; r++) {
    // The query itself comes first in the CPU run (it is one of the data rows): drop it.
    const cpuList = Array.from(cpu.indices.subarray(r * (k + 1), (r + 1) * (k + 1)))
      .filter((i) => i !== r)
      .slice(0, k);
    if (cpuList.every((v, i) => v === gpu.value.indices[r * k + i])) same++;
  }
  return {
    n,
    dim,
    k,
    seconds: gpu.s,
    identicalLists: `${same}/${rows}`,
    verdict: check(same >= 0.99 * rows, `10-NN lists differ between CUDA and CPU: ${same}/${rows} identical`),
  };
}

async function main(): Promise<void> {
  const samples = Number(option("samples", "2000"));
  const out = path.resolve(option("out", path.join(ROOT, "bench/out/gpu")));
  fs.mkdirSync(out, { recursive: true });
  console.log(`${os.cpus().length} CPUs; generating the demo dataset (${samples} images)...`);
  const { dir } = await generateDemo({ samples, seed: 0, out: path.join(out, "demo") });

  const q = await quality(dir, samples);
  console.log(
    `quality     ${DEVICE} ${q.gpuImagesPerSecond.toFixed(0)} images/s, CPU ${q.cpuImagesPerSecond.toFixed(0)} ` +
      `images/s; ${q.fields} fields: ${q.verdict}${q.differing.length ? ` (${q.differing.join(", ")})` : ""}`,
  );
  const ds = await load(dir);
  const e = [];
  for (const model of MODELS) {
    const r = await embeddings(ds, model);
    e.push(r);
    console.log(
      `${model.padEnd(18)} ${DEVICE} ${r.gpuImagesPerSecond.toFixed(0)} images/s, CPU ` +
        `${r.cpuImagesPerSecond.toFixed(0)} images/s; min cosine ${r.minCosine.toFixed(6)}, identical 10-NN lists ` +
        `${r.identical10nnLists}: ${r.verdict}`,
    );
  }
  const nn = await neighbours();
  console.log(
    `10-NN ${nn.n} x ${nn.dim} on ${DEVICE}: ${nn.seconds.toFixed(1)} s; first 1,000 lists vs CPU: ` +
      `${nn.identicalLists}: ${nn.verdict}`,
  );

  fs.writeFileSync(
    path.join(out, "gpu-check.json"),
    JSON.stringify({ samples, quality: q, embeddings: e, knn: nn, failures }, null, 2),
  );
  if (failures.length) {
    console.error(`FAILED:\n  ${failures.join("\n  ")}`);
    process.exitCode = 1;
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
