import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { errorClusters } from "../../src/analyze/slices/clusters";
import { values } from "../../src/dataset/columns";
import { DatasetBuilder } from "../../src/dataset/builder";
import { mulberry32 } from "../../src/dataset/view";
import type { Embeddings } from "../../src/embed/embed";
import { gaussian } from "../../src/embed/project/random";
import { kMeans, pairwiseDistances, silhouette } from "../../src/learn/kmeans";
import { tmpDir } from "../helpers/data";
import { hasPython, PYTHON } from "../helpers/reference";

/** `n` rows in `dim` dimensions around `centers` seeded blob centres (spread `spread`); each row's blob. */
function blobs(n: number, dim: number, centers: number, spread: number, seed: number) {
  const rand = mulberry32(seed),
    normal = gaussian(rand);
  const middle = Array.from({ length: centers }, () => Array.from({ length: dim }, () => normal() * 3));
  const blob = Int32Array.from({ length: n }, () => Math.floor(rand() * centers));
  const rows = new Float32Array(n * dim);
  for (let i = 0; i < n; i++) for (let d = 0; d < dim; d++) rows[i * dim + d] = middle[blob[i]][d] + normal() * spread;
  return { rows, blob };
}

function sklearnSilhouette(cases: { X: number[][]; labels: number[] }[]): number[] {
  const file = path.join(tmpDir("silhouette"), "cases.json");
  fs.writeFileSync(file, JSON.stringify(cases));
  return JSON.parse(execFileSync(PYTHON, [path.join(__dirname, "sklearn_silhouette.py"), file], { encoding: "utf8" }));
}

describe.skipIf(!hasPython())("silhouette = scikit-learn's silhouette_score", () => {
  it("on k-means labels of seeded blobs, k from 2 to 6, a singleton cluster included, to 1e-9", () => {
    const cases: { X: number[][]; labels: number[] }[] = [];
    const ours: number[] = [];
    for (const [k, spread] of [
      [2, 1],
      [3, 0.5],
      [4, 2],
      [6, 1],
    ]) {
      const { rows } = blobs(300, 8, 4, spread, k);
      const labels = kMeans(rows, 8, k, 1).labels;
      cases.push({
        X: Array.from({ length: 300 }, (_, i) => Array.from(rows.subarray(i * 8, i * 8 + 8))),
        labels: Array.from(labels),
      });
      ours.push(silhouette(pairwiseDistances(rows, 8), labels, k));
    }
    // A point alone in its cluster scores 0.
    const { rows } = blobs(40, 3, 2, 1, 9);
    const lonely = Int32Array.from({ length: 40 }, (_, i) => (i === 0 ? 2 : i % 2));
    cases.push({
      X: Array.from({ length: 40 }, (_, i) => Array.from(rows.subarray(i * 3, i * 3 + 3))),
      labels: Array.from(lonely),
    });
    ours.push(silhouette(pairwiseDistances(rows, 3), lonely, 3));
    const theirs = sklearnSilhouette(cases);
    ours.forEach((v, i) => expect(Math.abs(v - theirs[i]), `case ${i}`).toBeLessThan(1e-9));
  });
});

describe("errorClusters", () => {
  /** A dataset of blob rows as embeddings, errors planted on one blob (80 %) against 5 % elsewhere. */
  function planted(seed: number) {
    const n = 600,
      dim = 16;
    const { rows, blob } = blobs(n, dim, 4, 0.8, seed);
    const rand = mulberry32(seed + 100);
    const errors = Array.from(blob, (b) => (rand() < (b === 2 ? 0.8 : 0.05) ? 1 : 0));
    const b = new DatasetBuilder("blobs", "/nonexistent");
    for (let i = 0; i < n; i++) b.addSample({ id: `s${i}`, filepath: `s${i}.jpg`, fields: { wrong: errors[i] } });
    const embeddings = {
      ids: Array.from({ length: n }, (_, i) => `s${i}`),
      vectors: rows,
      dim,
    } as unknown as Embeddings;
    return { ds: b.build(), embeddings, blob, errors };
  }

  it("finds the look-alike group a model gets wrong: k by silhouette, the planted blob worst, apart", async () => {
    const { ds, embeddings, blob } = planted(3);
    const result = await errorClusters(ds, embeddings, { errors: "wrong", k: [2, 8], bootstrap: 100 });
    expect(result.summary.k).toBe(4);
    expect(Object.keys(result.summary.silhouette).map(Number)).toEqual([2, 3, 4, 5, 6, 7, 8]);
    const worst = result.summary.worst.cluster;
    const ids = Array.from(values<string>(result.members, "id")).filter(
      (_, i) => values<number>(result.members, "cluster")[i] === worst,
    );
    const inBlob = ids.filter((id) => blob[Number(id.slice(1))] === 2).length;
    expect(inBlob / ids.length).toBeGreaterThan(0.95);
    expect(result.clusters.get("average_error_low", 0) as number).toBeGreaterThan(
      result.clusters.get("average_error_high", 1) as number,
    );
    // Each sample's cluster is written to the dataset.
    expect(Array.from(values<number>(ds.samples, "error_cluster")).filter((c) => c === worst).length).toBe(ids.length);
  });

  it("names the k, the field or the count that is wrong", async () => {
    const { ds, embeddings } = planted(4);
    await expect(errorClusters(ds, embeddings, { errors: "wrong", k: [1, 3] })).rejects.toThrow(
      /k must be whole numbers with 2 <= k < 600/,
    );
    await expect(errorClusters(ds, embeddings, { errors: "wrnog" })).rejects.toThrow(
      /errorClusters.errors: no sample field "wrnog"/,
    );
    await expect(errorClusters(ds, embeddings)).rejects.toThrow(/no per-sample errors/);
  });
});
