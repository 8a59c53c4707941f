import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { DatasetBuilder } from "../../src/dataset/builder";
import { values } from "../../src/dataset/columns";
import { knn } from "../../src/embed/knn";
import { gaussian, gaussianMatrix, mulberry32 } from "../../src/embed/project/random";
import { representativeness, setScoreFields, uniqueness } from "../../src/embed/scores";
import { tmpDir } from "../helpers/data";
import { hasPython, PYTHON } from "../helpers/reference";

/**
 * A dense cluster around one direction (row 0 is exactly the centre), then `outliers` rows in
 * random directions: the outliers must be the most unique, the centre the most representative.
 */
function clusterWithOutliers(size: number, outliers: number, dim: number, seed: number): Float32Array {
  const next = gaussian(mulberry32(seed));
  const centre = Float32Array.from({ length: dim }, next);
  const data = new Float32Array((size + outliers) * dim);
  for (let r = 0; r < size + outliers; r++) {
    for (let t = 0; t < dim; t++) {
      if (r === 0) data[t] = centre[t];
      else if (r < size) data[r * dim + t] = centre[t] + 0.15 * next();
      else data[r * dim + t] = next();
    }
  }
  return data;
}

/** Rows ordered by score, highest first (ties: lower row first). */
const ranking = (scores: Float32Array) => Array.from(scores.keys()).sort((a, b) => scores[b] - scores[a] || a - b);

describe("uniqueness and representativeness", () => {
  const dim = 32,
    size = 300,
    outliers = 8;
  const data = clusterWithOutliers(size, outliers, dim, 3);

  it("outliers are the most unique; the cluster's centre the least", async () => {
    const u = uniqueness(await knn(data, dim, 10));
    expect(new Set(ranking(u).slice(0, outliers))).toEqual(
      new Set(Array.from({ length: outliers }, (_, i) => size + i)),
    );
    expect(Math.max(...u)).toBe(1);
    expect(ranking(u).at(-1)).toBe(0);
  });

  it("the cluster's centre is the most representative; the outliers the least", async () => {
    const r = representativeness(await knn(data, dim, 10));
    expect(ranking(r)[0]).toBe(0);
    expect(r[0]).toBe(1);
    expect(new Set(ranking(r).slice(-outliers))).toEqual(new Set(Array.from({ length: outliers }, (_, i) => size + i)));
    expect(Math.min(...r)).toBe(0);
  });

  it("small and degenerate inputs", async () => {
    expect(Array.from(uniqueness(await knn(gaussianMatrix(3, 4, 1), 4, 3)))).toEqual([1, 1, 1]);
    const same = new Float32Array(5 * 4).fill(1);
    const nn = await knn(same, 4, 3);
    expect(Array.from(uniqueness(nn))).toEqual([0, 0, 0, 0, 0]);
    expect(Array.from(representativeness(nn))).toEqual([1, 1, 1, 1, 1]);
    expect(() => uniqueness(knn2(nn))).toThrow(/needs the 3 nearest neighbours/);
  });
});

describe("setScoreFields", () => {
  it("writes scores as sample fields by id, null where a sample has no embedding", () => {
    const b = new DatasetBuilder("x", null);
    for (const f of ["a.jpg", "b.jpg", "c.jpg"]) b.addSample({ filepath: f });
    const ds = b.build();
    setScoreFields(ds, ["c.jpg", "a.jpg"], { uniqueness: Float32Array.of(0.5, 1), representativeness: [0.25, 0] });
    expect(Array.from(values(ds.samples, "uniqueness"))).toEqual([1, null, 0.5]);
    expect(Array.from(values(ds.samples, "representativeness"))).toEqual([0, null, 0.25]);
    expect(() => setScoreFields(ds, [1, 2], { uniqueness: [1, 1] })).toThrow(/numeric object ids/);
    expect(() => setScoreFields(ds, ["a.jpg"], { uniqueness: [1, 1] })).toThrow(/2 scores for 1 ids/);
  });
});

/** The same k-NN cut to 2 columns. */
function knn2(nn: Awaited<ReturnType<typeof knn>>) {
  const keep = (a: Int32Array | Float32Array) => a.filter((_, p) => p % nn.k < 2);
  return { ...nn, k: 2, indices: keep(nn.indices) as Int32Array, similarity: keep(nn.similarity) as Float32Array };
}

describe.runIf(hasPython())(
  "uniqueness equals FiftyOne's formula on scikit-learn's cosine neighbours, run live",
  () => {
    it("random rows and a clustered set", async () => {
      for (const [data, dim] of [
        [gaussianMatrix(400, 16, 21), 16],
        [clusterWithOutliers(200, 5, 24, 22), 24],
      ] as const) {
        const file = path.join(tmpDir("uniqueness"), "rows.f32");
        fs.writeFileSync(file, data);
        const want = JSON.parse(
          execFileSync(PYTHON, [path.join(__dirname, "fiftyone_uniqueness.py"), file, String(dim)], {
            encoding: "utf8",
          }),
        ) as number[];
        const got = uniqueness(await knn(data, dim, 3));
        expect(got.length).toBe(want.length);
        want.forEach((w, r) => expect(Math.abs(got[r] - w), `row ${r}`).toBeLessThanOrEqual(1e-5));
      }
    });
  },
);
