import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { jacobiEigen, tridiagonalEigen } from "../../src/embed/project/eigen";
import { fitPca, pca } from "../../src/embed/project/pca";
import { gaussian, mulberry32 } from "../../src/embed/project/random";
import { tmpDir } from "../helpers/data";
import { hasPython, PYTHON } from "../helpers/reference";

/** Rows with a decaying spectrum (column t scaled by 1 / (1 + t / 3)), rotated, off-centre. */
function anisotropic(n: number, dim: number, seed: number): Float32Array {
  const next = gaussian(mulberry32(seed));
  const mix = Float64Array.from({ length: dim * dim }, next);
  const out = new Float32Array(n * dim);
  for (let r = 0; r < n; r++) {
    const z = Array.from({ length: dim }, (_, t) => next() / (1 + t / 3));
    for (let t = 0; t < dim; t++) {
      let s = 5 + t * 0.1;
      for (let u = 0; u < dim; u++) s += (mix[t * dim + u] * z[u]) / Math.sqrt(dim);
      out[r * dim + t] = s;
    }
  }
  return out;
}

function reference(data: Float32Array, dim: number, components: number) {
  const file = path.join(tmpDir("pca"), "rows.f32");
  fs.writeFileSync(file, data);
  return JSON.parse(
    execFileSync(
      PYTHON,
      [path.join(__dirname, "sklearn_project.py"), "pca", file, String(dim), JSON.stringify({ components })],
      { encoding: "utf8" },
    ),
  );
}

function expectClose(got: ArrayLike<number>, want: number[], tol: number, what: string) {
  expect(got.length, what).toBe(want.length);
  for (let i = 0; i < want.length; i++)
    expect(Math.abs(got[i] - want[i]), `${what}[${i}]`).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(want[i])));
}

describe.runIf(hasPython())("PCA equals scikit-learn's, run live", () => {
  // 24 dimensions: one exact Jacobi step; above: Lanczos (the last: fewer rows than dimensions).
  for (const [n, dim, components] of [
    [500, 24, 2],
    [800, 150, 3],
    [400, 200, 40],
    [60, 120, 10],
  ]) {
    it(`${n} x ${dim}, ${components} components`, async () => {
      const data = anisotropic(n, dim, dim);
      const want = reference(data, dim, components);
      const model = await fitPca(data, dim, { components });
      expectClose(model.explainedVariance, want.explained_variance, 1e-9, "explained variance");
      expectClose(model.explainedVarianceRatio, want.ratio, 1e-9, "ratio");
      // Same sign rule as scikit-learn's svd_flip: equal, not only up to sign.
      expectClose(model.components, want.components, 1e-7, "components");
      expectClose(await pca(data, dim, { components }), want.points, 1e-6, "points");
    });
  }
});

describe("PCA", () => {
  it("Jacobi diagonalises a symmetric matrix", () => {
    const a = Float64Array.of(4, 1, 2, 1, 3, 0, 2, 0, 1);
    const { values, vectors } = jacobiEigen(a, 3);
    for (let j = 0; j < 3; j++) {
      for (let i = 0; i < 3; i++) {
        let av = 0;
        for (let k = 0; k < 3; k++) av += a[i * 3 + k] * vectors[k * 3 + j];
        expect(av).toBeCloseTo(values[j] * vectors[i * 3 + j], 12);
      }
    }
    expect(values[0]).toBeGreaterThan(values[1]);
    expect(values[1]).toBeGreaterThan(values[2]);
  });

  it("QL on a tridiagonal matrix gives Jacobi's eigenpairs", () => {
    const next = gaussian(mulberry32(3));
    const m = 12;
    const d = Float64Array.from({ length: m }, next),
      e = Float64Array.from({ length: m - 1 }, next);
    const dense = new Float64Array(m * m);
    for (let i = 0; i < m; i++) dense[i * m + i] = d[i];
    for (let i = 0; i < m - 1; i++) dense[i * m + i + 1] = dense[(i + 1) * m + i] = e[i];
    const ql = tridiagonalEigen(d, e, m),
      jacobi = jacobiEigen(dense, m);
    for (let j = 0; j < m; j++) {
      expect(ql.values[j]).toBeCloseTo(jacobi.values[j], 12);
      // Same vector up to sign.
      let agree = 0;
      for (let k = 0; k < m; k++) agree += ql.vectors[k * m + j] * jacobi.vectors[k * m + j];
      expect(Math.abs(agree)).toBeCloseTo(1, 10);
    }
  });

  it("gives orthonormal components past the rank (30 rows, 100 dimensions, 40 components)", async () => {
    const data = anisotropic(30, 100, 5);
    const model = await fitPca(data, 100, { components: 40 });
    for (let i = 0; i < 40; i++)
      for (let j = 0; j < 40; j++) {
        let s = 0;
        for (let t = 0; t < 100; t++) s += model.components[i * 100 + t] * model.components[j * 100 + t];
        expect(Math.abs(s - (i === j ? 1 : 0)), `${i}.${j}`).toBeLessThan(1e-9);
      }
    // 30 centred rows span 29 dimensions: the rest has no variance.
    expect(model.explainedVariance[28]).toBeGreaterThan(1e-3);
    for (let j = 29; j < 40; j++) expect(model.explainedVariance[j]).toBeLessThan(1e-9);
  });

  it("is deterministic, reports progress and refuses bad shapes", async () => {
    const data = anisotropic(600, 80, 1);
    const seen: number[] = [];
    const a = await pca(data, 80, { onProgress: (_, done) => seen.push(done) });
    expect(Array.from(await pca(data, 80))).toEqual(Array.from(a));
    expect(seen).toEqual([256, 512, 600]);
    await expect(pca(new Float32Array(3), 3)).rejects.toThrow(/at least 2 rows/);
    await expect(pca(data, 80, { components: 0 })).rejects.toThrow(/components must be between 1 and the dimension 80/);
  });
});
