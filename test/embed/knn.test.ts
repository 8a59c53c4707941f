import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { knn, type KnnResult } from "../../src/embed/knn";
import { gaussianMatrix } from "../../src/embed/project/random";
import { releaseSessions } from "../../src/onnx/session";
import { rejection, tmpDir } from "../helpers/data";
import { hasPython, PYTHON } from "../helpers/reference";

/**
 * Exact cosine k-NN against scikit-learn's NearestNeighbors(metric="cosine", algorithm="brute"),
 * run live (test/embed/sklearn_knn.py in the project's .venv), for both engines; and the edge
 * cases: k >= n, exact duplicates, a zero vector, blocks that do not divide n, abort.
 */
const TOL = 1e-5;

afterAll(releaseSessions);

/**
 * `got` equals `want` but for near ties: similarities agree position by position, and an index
 * in one and not the other sits within TOL of the k-th similarity.
 */
function expectSameNeighbours(
  got: KnnResult,
  want: { indices: ArrayLike<number>; similarity: ArrayLike<number> },
  k: number,
  ties = false,
): void {
  expect(got.k).toBe(k);
  const rows = got.indices.length / k;
  expect(want.indices.length).toBe(rows * k);
  let swaps = 0;
  for (let r = 0; r < rows; r++) {
    const g = Array.from(got.indices.subarray(r * k, r * k + k)),
      w = Array.from(want.indices).slice(r * k, r * k + k);
    for (let p = 0; p < k; p++)
      expect(
        Math.abs(got.similarity[r * k + p] - want.similarity[r * k + p]),
        `row ${r} rank ${p}`,
      ).toBeLessThanOrEqual(TOL);
    const kth = want.similarity[r * k + k - 1];
    for (let p = 0; p < k; p++) {
      if (g[p] === w[p]) continue;
      swaps++;
      if (!w.includes(g[p]))
        expect(
          Math.abs(got.similarity[r * k + p] - kth),
          `row ${r}: ${g[p]} is not among scikit-learn's neighbours ${w}`,
        ).toBeLessThanOrEqual(TOL);
    }
  }
  // Ties are rare on random data: nearly every index must match exactly.
  if (!ties) expect(swaps).toBeLessThanOrEqual(Math.max(2, rows * k * 0.002));
}

/** Checks the ranking rule directly: similarity descending, lower index first among equals, no self. */
function expectRanked(res: KnnResult, self: boolean): void {
  for (let r = 0; r < res.indices.length / res.k; r++) {
    for (let p = 0; p < res.k; p++) {
      const o = r * res.k + p;
      if (self) expect(res.indices[o]).not.toBe(r);
      if (p === 0) continue;
      expect(res.similarity[o]).toBeLessThanOrEqual(res.similarity[o - 1]);
      if (res.similarity[o] === res.similarity[o - 1]) expect(res.indices[o]).toBeGreaterThan(res.indices[o - 1]);
    }
  }
}

/** `ties`: built with exact ties, which scikit-learn orders arbitrarily. */
interface Case {
  name: string;
  data: Float32Array;
  dim: number;
  k: number;
  queries?: Float32Array;
  ties?: boolean;
}

function withDuplicatesAndZero(): Float32Array {
  const dim = 8,
    base = gaussianMatrix(40, dim, 7);
  const data = new Float32Array(60 * dim);
  data.set(base);
  // Rows 40..59 repeat rows 0..19 (row 45 scaled: cosine ignores length); row 59 is all zeros.
  for (let r = 40; r < 60; r++) data.set(base.subarray((r - 40) * dim, (r - 39) * dim), r * dim);
  for (let t = 0; t < dim; t++) data[45 * dim + t] *= 3;
  data.fill(0, 59 * dim);
  return data;
}

const CASES: Case[] = [
  { name: "self", data: gaussianMatrix(700, 24, 1), dim: 24, k: 7 },
  { name: "queries", data: gaussianMatrix(500, 24, 2), dim: 24, k: 5, queries: gaussianMatrix(90, 24, 3) },
  { name: "k-above-n", data: gaussianMatrix(6, 5, 4), dim: 5, k: 5 },
  { name: "two-graph-blocks", data: gaussianMatrix(2600, 12, 5), dim: 12, k: 10 },
  { name: "duplicates-and-zero", data: withDuplicatesAndZero(), dim: 8, k: 6, ties: true },
];

const LIVE = hasPython();

describe.runIf(LIVE)("cosine k-NN equals scikit-learn's brute-force NearestNeighbors, run live", () => {
  const dir = tmpDir("knn-sklearn");
  const file = (name: string, a: Float32Array) => {
    const f = path.join(dir, `${name}.f32`);
    fs.writeFileSync(f, a);
    return f;
  };
  const spec = CASES.map((c) => ({
    name: c.name,
    dim: c.dim,
    k: c.k,
    data: file(c.name, c.data),
    queries: c.queries && file(`${c.name}-q`, c.queries),
  }));
  fs.writeFileSync(path.join(dir, "cases.json"), JSON.stringify(spec));
  const expected = LIVE
    ? JSON.parse(
        execFileSync(PYTHON, [path.join(__dirname, "sklearn_knn.py"), path.join(dir, "cases.json")], {
          encoding: "utf8",
        }),
      )
    : {};

  for (const c of CASES) {
    for (const engine of ["ts", "onnx"] as const) {
      it(`${c.name} (${engine})`, async () => {
        const res = await knn(c.data, c.dim, c.k, { queries: c.queries, engine, provider: "cpu" });
        expect(res.ranOn).toBe(engine === "ts" ? "ts" : "cpu");
        expectSameNeighbours(res, expected[c.name], c.k, c.ties);
        expectRanked(res, !c.queries);
      });
    }
  }
});

describe("k-NN edge cases", () => {
  it("k at or above n is capped at n - 1 (self) or n (queries)", async () => {
    const data = gaussianMatrix(4, 3, 9);
    const self = await knn(data, 3, 10, { engine: "ts" });
    expect(self.k).toBe(3);
    expect(self.indices.length).toBe(12);
    const other = await knn(data, 3, 10, { queries: gaussianMatrix(2, 3, 10), engine: "ts" });
    expect(other.k).toBe(4);
    expect((await knn(data.subarray(0, 3), 3, 5)).k).toBe(0);
  });

  it("exact duplicates rank by lower index; a zero vector has similarity 0 to everything", async () => {
    const data = withDuplicatesAndZero();
    for (const engine of ["ts", "onnx"] as const) {
      const res = await knn(data, 8, 6, { engine, provider: "cpu" });
      // Row 0's copy is row 40, at similarity 1; row 45 (a scaled copy of row 5) finds row 5 first.
      expect(res.indices[0 * 6]).toBe(40);
      expect(res.similarity[0 * 6]).toBeCloseTo(1, 6);
      expect(res.indices[45 * 6]).toBe(5);
      // The zero row: all similarities 0, so the lowest indices in order.
      expect(Array.from(res.indices.subarray(59 * 6, 60 * 6))).toEqual([0, 1, 2, 3, 4, 5]);
      expect(Array.from(res.similarity.subarray(59 * 6, 60 * 6))).toEqual([0, 0, 0, 0, 0, 0]);
    }
  });

  it("the two engines agree on data spanning several blocks of each", async () => {
    const data = gaussianMatrix(2300, 32, 11);
    const ts = await knn(data, 32, 12, { engine: "ts" });
    const onnx = await knn(data, 32, 12, { engine: "onnx", provider: "cpu" });
    expectSameNeighbours(onnx, ts, 12);
  });

  it("reports progress and stops when the signal aborts", async () => {
    const data = gaussianMatrix(1100, 16, 12);
    const seen: number[][] = [];
    await knn(data, 16, 3, { engine: "ts", onProgress: (_, done, total) => seen.push([done, total]) });
    // 5 blocks of 256 rows: 15 pairs in the upper triangle.
    expect(seen[0]).toEqual([0, 15]);
    expect(seen.at(-1)).toEqual([15, 15]);
    const controller = new AbortController();
    const run = knn(data, 16, 3, {
      engine: "ts",
      signal: controller.signal,
      onProgress: (_, done) => done === 2 && controller.abort(new Error("stop")),
    });
    await expect(run).rejects.toThrow("stop");
  });

  it("refuses a ragged matrix and values that are not finite", async () => {
    expect((await rejection(knn(new Float32Array(7), 3, 2))).message).toMatch(
      /not a whole number of rows of dimension 3/,
    );
    const bad = gaussianMatrix(5, 3, 1);
    bad[7] = NaN;
    expect((await rejection(knn(bad, 3, 2))).message).toMatch(/row 2 has a value that is not a finite number/);
  });
});
