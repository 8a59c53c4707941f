import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { neighborIssues } from "../../src/analyze/neighborIssues";
import { DatasetBuilder } from "../../src/dataset/builder";
import { values } from "../../src/dataset/columns";
import type { Dataset } from "../../src/dataset/dataset";
import { generateDemo } from "../../src/demo";
import { computeEmbeddings, type Embeddings } from "../../src/embed/embed";
import { load } from "../../src/formats/api";
import { HAS_SHARED, removeTmpDirs, onSharedData, TEST_CACHE, tmpDir, VOC_COCO, VOC_IMAGES } from "../helpers/data";
import { hasPython, PYTHON } from "../helpers/reference";

afterAll(removeTmpDirs);

interface Reference {
  cleanlab: string;
  near_score: number[];
  near_issue: boolean[];
  near_sets: number[][];
  outlier_score: number[];
  outlier_issue: boolean[];
  outlier_limit: number;
  distances: number[][];
}

/** Datalab run live on the same rows (in float64, as blindspot computes them). */
function datalab(vectors: Float32Array, n: number, dim: number, k: number): Reference {
  const file = path.join(tmpDir("datalab"), "rows.f64");
  fs.writeFileSync(file, Float64Array.from(vectors));
  const out = execFileSync(
    PYTHON,
    [path.join(__dirname, "cleanlab_datalab.py"), file, String(n), String(dim), String(k)],
    {
      encoding: "utf8",
      maxBuffer: 1 << 28,
    },
  );
  const ref = JSON.parse(out) as Reference;
  expect(ref.cleanlab).toBe("2.9.0");
  return ref;
}

const TOL = 1e-9;

/** neighborIssues against Datalab: every score to 1e-9, flags and near-duplicate sets identical. */
function compare(ds: Dataset, emb: Embeddings, k = 10) {
  const n = emb.ids.length;
  const ref = datalab(emb.vectors, n, emb.dim, k);
  const result = neighborIssues(ds, emb, { k });
  const rowOf = new Map(Array.from(values<string>(ds.samples, "id"), (id, r) => [id, r]));
  const field = <T>(name: string) => emb.ids.map((id) => values<T>(ds.samples, name)[rowOf.get(String(id))!]);
  const near = field<number>("near_duplicate_score"),
    outlier = field<number>("outlier_score");
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < k; j++)
      expect(Math.abs(result.neighbors.distances[i * k + j] - ref.distances[i][j]), `distance ${i}, ${j}`).toBeLessThan(
        TOL,
      );
    expect(Math.abs(near[i] - ref.near_score[i]), `near-duplicate score ${i}`).toBeLessThan(TOL);
    expect(Math.abs(outlier[i] - ref.outlier_score[i]), `outlier score ${i}`).toBeLessThan(TOL);
  }
  expect(field<boolean>("is_near_duplicate")).toEqual(ref.near_issue);
  expect(field<boolean>("is_outlier")).toEqual(ref.outlier_issue);
  const idIndex = new Map(emb.ids.map((id, i) => [String(id), i]));
  const sets = (result.nearDuplicates.objects() as { sample_id: string; near_duplicates: string[] }[]).map((r) => [
    idIndex.get(String(r.sample_id))!,
    r.near_duplicates.map((id) => idIndex.get(String(id))!),
  ]);
  for (const [i, set] of sets) expect(set, `set of ${i}`).toEqual(ref.near_sets[i as number]);
  expect(sets.length).toBe(ref.near_sets.filter((s) => s.length).length);
  expect(Math.abs(result.summary.outlierLimit - ref.outlier_limit)).toBeLessThan(TOL);
  return result;
}

describe.skipIf(!hasPython())("near-duplicate and outlier scores equal cleanlab's Datalab (live)", () => {
  it("on the demo's embeddings, with its planted exact copies", { timeout: 300_000 }, async () => {
    const { dataset: ds, truth } = await generateDemo({ samples: 300, seed: 5, out: tmpDir("demo") });
    const emb = await computeEmbeddings(ds, { cacheRoot: TEST_CACHE });
    const result = compare(ds, emb);
    // The demo's exact copies are each other's nearest neighbours at distance 0.
    const flagged = new Set(result.nearDuplicates.array("sample_id") as string[]);
    for (const d of truth.duplicates.exact) expect(flagged.has(d.sampleId), d.sampleId).toBe(true);
    console.log(`demo 300: ${result.summary.nearDuplicates} near duplicates, ${result.summary.outliers} outliers`);
  });

  it("on generated rows with exact duplicate groups larger than k", { timeout: 120_000 }, () => {
    const n = 120,
      dim = 8;
    let seed = 3;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) * 2 - 1;
    const vectors = Float32Array.from({ length: n * dim }, random);
    // Rows 0-13 all the same (a group of 14 > k + 1), rows 20-22 the same.
    for (let i = 1; i < 14; i++) vectors.copyWithin(i * dim, 0, dim);
    for (let i = 21; i < 23; i++) vectors.copyWithin(i * dim, 20 * dim, 21 * dim);
    const ids = Array.from({ length: n }, (_, i) => `r${i}`);
    const b = new DatasetBuilder("rows", null);
    for (const id of ids) b.addSample({ id, filepath: `${id}.jpg` });
    const result = compare(b.build(), { ids, vectors, dim } as unknown as Embeddings);
    expect(result.summary.nearDuplicates).toBeGreaterThanOrEqual(17);
    const score = new Map(
      (result.nearDuplicates.objects() as { sample_id: string; near_duplicate_score: number }[]).map((r) => [
        r.sample_id,
        r.near_duplicate_score,
      ]),
    );
    for (let i = 0; i < 14; i++) expect(score.get(`r${i}`)).toBe(0);
  });
});

describe.skipIf(!HAS_SHARED || !hasPython())(onSharedData("on voc100's real photos"), () => {
  it("equal Datalab's on the full embeddings", { timeout: 300_000 }, async () => {
    const ds = await load(VOC_COCO, { images: VOC_IMAGES });
    const emb = await computeEmbeddings(ds, { cacheRoot: TEST_CACHE });
    const result = compare(ds, emb);
    console.log(`voc100: ${result.summary.nearDuplicates} near duplicates, ${result.summary.outliers} outliers`);
  });
});
