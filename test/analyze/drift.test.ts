import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { drift } from "../../src/analyze/drift";
import { embeddingDrift, type EmbeddingDrift } from "../../src/analyze/drift/embeddings";
import { driftOverTime } from "../../src/analyze/drift/overTime";
import { generateDemo } from "../../src/demo";
import { computeEmbeddings, type Embeddings } from "../../src/embed/embed";
import { binnedShares, fieldPair, psi, testScore, type DriftTest } from "../../src/analyze/drift/tests";
import { values } from "../../src/dataset/columns";
import { DatasetBuilder } from "../../src/dataset/builder";
import { plannedDemo } from "../helpers/plannedDemo";
import { mulberry32 } from "../../src/dataset/view";
import { gaussian } from "../../src/embed/project/random";
import { TEST_CACHE, tmpDir } from "../helpers/data";
import { hasPython, PYTHON } from "../helpers/reference";

interface Case {
  name: string;
  reference: (number | string)[];
  current: (number | string)[];
  kind: "num" | "cat";
}
interface Reference {
  test: string;
  score: number;
  threshold: number;
  drifted: boolean;
  scores: Record<string, number>;
}

function evidently(cases: Case[]): Record<string, Reference> {
  const file = path.join(tmpDir("drift"), "cases.json");
  fs.writeFileSync(file, JSON.stringify(cases));
  return JSON.parse(
    execFileSync(PYTHON, [path.join(__dirname, "drift_reference.py"), file], { encoding: "utf8", maxBuffer: 1 << 28 }),
  );
}

const normal = (n: number, mean: number, sd: number, seed: number, round = 0) => {
  const g = gaussian(mulberry32(seed));
  return Array.from({ length: n }, () => {
    const v = mean + sd * g();
    return round ? Math.round(v * round) / round : v;
  });
};
const pick = (n: number, values: string[], weights: number[], seed: number) => {
  const rand = mulberry32(seed);
  const total = weights.reduce((s, w) => s + w, 0);
  return Array.from({ length: n }, () => {
    let r = rand() * total;
    return values.find((_, i) => (r -= weights[i]) < 0) ?? values[values.length - 1];
  });
};

const CASES: Case[] = [
  { name: "ks, equal sizes, no drift", reference: normal(300, 0, 1, 1), current: normal(300, 0, 1, 2), kind: "num" },
  {
    name: "ks, unequal sizes, a shift",
    reference: normal(400, 0, 1, 3),
    current: normal(700, 0.25, 1, 4),
    kind: "num",
  },
  { name: "ks, ties", reference: normal(500, 5, 2, 5, 1), current: normal(350, 5.3, 2, 6, 1), kind: "num" },
  {
    name: "ks, 1,000 against 3,000",
    reference: normal(1000, 0, 1, 7),
    current: normal(3000, 0.05, 1.1, 8),
    kind: "num",
  },
  { name: "wasserstein, 2,000 rows", reference: normal(2000, 0, 1, 9), current: normal(1500, 0.2, 1, 10), kind: "num" },
  {
    name: "numbers with 4 values: chi-square",
    reference: normal(600, 2, 0.7, 11, 1),
    current: normal(500, 2.4, 0.7, 12, 1),
    kind: "num",
  },
  {
    name: "numbers with 2 values: z",
    reference: pick(300, ["0", "1"], [3, 1], 13).map(Number),
    current: pick(300, ["0", "1"], [2, 1], 14).map(Number),
    kind: "num",
  },
  {
    name: "categories: chi-square",
    reference: pick(800, ["day", "dusk", "night"], [6, 1, 3], 15),
    current: pick(900, ["day", "dusk", "night"], [4, 1, 5], 16),
    kind: "cat",
  },
  {
    name: "categories, 2 values: z",
    reference: pick(500, ["rain", "sun"], [1, 4], 17),
    current: pick(400, ["rain", "sun"], [1, 4], 18),
    kind: "cat",
  },
  {
    name: "categories, a value only in current",
    reference: pick(300, ["a", "b"], [1, 1], 19),
    current: pick(300, ["a", "b", "c"], [1, 1, 1], 20),
    kind: "cat",
  },
  {
    name: "categories, 3,000 rows: jensen-shannon",
    reference: pick(3000, ["a", "b", "c", "d"], [4, 3, 2, 1], 21),
    current: pick(2000, ["a", "b", "c", "d"], [1, 2, 3, 4], 22),
    kind: "cat",
  },
  {
    name: "numbers with 5 values, 2,000 rows: jensen-shannon",
    reference: normal(2000, 3, 0.8, 23, 1),
    current: normal(2000, 3, 0.9, 24, 1),
    kind: "num",
  },
];

describe.skipIf(!hasPython())("drift = Evidently 0.7.23 (scipy's tests)", () => {
  it("the test Evidently picks, its score to 1e-12, its threshold and decision; every other test's score", () => {
    const reference = evidently(CASES);
    const b = (rows: (number | string)[], name: string) => {
      const d = new DatasetBuilder(name, "/nonexistent");
      rows.forEach((v, i) => d.addSample({ id: `${name}${i}`, filepath: `${i}.jpg`, fields: { x: v } }));
      return d.build();
    };
    for (const c of CASES) {
      const want = reference[c.name];
      const got = drift(b(c.reference, "r"), b(c.current, "c"), { fields: ["x"] });
      const row = got.fields.objects()[0] as Record<string, unknown>;
      expect(row.test, c.name).toBe(want.test);
      expect(Math.abs((row.score as number) - want.score), `${c.name}: ${row.score} vs ${want.score}`).toBeLessThan(
        1e-12,
      );
      expect(row.threshold).toBe(want.threshold);
      expect(row.drifted, c.name).toBe(want.drifted);
      const pair = fieldPair(c.reference, c.current);
      const shares = binnedShares(pair);
      const ours: Record<string, number> = { psi: psi(shares.ref, shares.cur) };
      for (const name of Object.keys(want.scores)) if (name !== "psi") ours[name] = testScore(name as DriftTest, pair);
      for (const [name, v] of Object.entries(want.scores))
        expect(Math.abs(ours[name] - v), `${c.name} ${name}: ${ours[name]} vs ${v}`).toBeLessThan(1e-12);
    }
    // The cases decide both ways.
    expect(Object.values(reference).some((r) => r.drifted)).toBe(true);
    expect(Object.values(reference).some((r) => !r.drifted)).toBe(true);
    expect(new Set(Object.values(reference).map((r) => r.test))).toEqual(
      new Set(["ks", "wasserstein", "chisquare", "z", "jensenshannon"]),
    );
  });
});

describe("drift on the demo (2,000 samples, planned without pixels)", () => {
  const ds = plannedDemo(2000);
  const fields = ["camera", "time_of_day", "weather", "location"];
  it("finds the planted production batch's weather and lighting drift, and none between train and test or val", () => {
    const production = drift(ds.where("split", "train"), ds.where("split", "production"), { fields });
    expect(production.summary.drifted.sort()).toEqual(["time_of_day", "weather"]);
    expect(production.summary.datasetDrift).toBe(true);
    for (const split of ["test", "val"]) {
      const r = drift(ds.where("split", "train"), ds.where("split", split), { fields });
      expect(r.summary.drifted, split).toEqual([]);
    }
  });
});

describe("drift", () => {
  it("names the field a set lacks, and sorts drifted fields first with the dataset's verdict", () => {
    const make = (shift: number, seed: number) => {
      const d = new DatasetBuilder("s", "/nonexistent");
      const g = gaussian(mulberry32(seed));
      for (let i = 0; i < 200; i++)
        d.addSample({
          id: `s${i}`,
          filepath: `${i}.jpg`,
          fields: { brightness: g() + shift, camera: i % 2 ? "a" : "b" },
        });
      return d.build();
    };
    const result = drift(make(0, 1), make(1, 2));
    expect(Array.from(values<string>(result.fields, "field"))).toEqual(["brightness", "camera"]);
    expect(result.summary).toMatchObject({ fields: 2, drifted: ["brightness"], share: 0.5, datasetDrift: true });
    expect(() => drift(make(0, 1), make(0, 2), { fields: ["brightnes"] })).toThrow(
      /the reference set has no sample field "brightnes"[\s\S]*fix: its fields are/,
    );
  });
});

/** scikit-learn's and scipy's numbers for an embedding drift's rows, folds and permutations, live. */
function embeddingReference(reference: Float32Array, current: Float32Array, dim: number, result: EmbeddingDrift) {
  const rows = (x: Float32Array) =>
    Array.from({ length: x.length / dim }, (_, i) => Array.from(x.subarray(i * dim, (i + 1) * dim)));
  const file = path.join(tmpDir("embedding-drift"), "case.json");
  fs.writeFileSync(
    file,
    JSON.stringify({
      reference: rows(reference),
      current: rows(current),
      folds: Array.from(result.foldOf),
      permutations: result.permuted.map((p) => Array.from(p)),
    }),
  );
  return JSON.parse(
    execFileSync(PYTHON, [path.join(__dirname, "embedding_drift_reference.py"), file], {
      encoding: "utf8",
      maxBuffer: 1 << 26,
    }),
  ) as { auc: number; bandwidth: number; mmd: number; p_value: number };
}

describe.skipIf(!hasPython())("embedding drift = scikit-learn's domain classifier and scipy's distances", () => {
  it(
    "on the demo's image embeddings (600): production drifts from train, test does not; AUC, MMD and p-value as recomputed",
    { timeout: 300_000 },
    async () => {
      const { dataset: ds } = await generateDemo({ samples: 600, seed: 0, out: tmpDir("embedding-drift-demo") });
      const embeddings = await computeEmbeddings(ds, { cacheRoot: TEST_CACHE });
      const train = ds.where("split", "train");
      const production = await embeddingDrift(train, ds.where("split", "production"), embeddings);
      const test = await embeddingDrift(train, ds.where("split", "test"), embeddings);
      console.log(
        `demo 600 embeddings: train -> production AUC ${production.auc.toFixed(3)}, MMD^2 ${production.mmd.toExponential(2)} (p ${production.pValue.toFixed(3)}); ` +
          `train -> test AUC ${test.auc.toFixed(3)}, MMD^2 ${test.mmd.toExponential(2)} (p ${test.pValue.toFixed(3)})`,
      );
      expect([production.aucDrift, production.drifted]).toEqual([true, true]);
      expect(test.drifted).toBe(false);
      expect(test.auc).toBeLessThan(production.auc - 0.1);
      const rows = (view: typeof train) => {
        const at = new Map(embeddings.ids.map((id, r) => [id as string, r]));
        const ids = view.samples().array("id") as string[];
        const out = new Float32Array(ids.length * embeddings.dim);
        ids.forEach((id, i) =>
          out.set(
            embeddings.vectors.subarray(at.get(id)! * embeddings.dim, (at.get(id)! + 1) * embeddings.dim),
            i * embeddings.dim,
          ),
        );
        return out;
      };
      for (const [name, result, current] of [
        ["production", production, ds.where("split", "production")],
        ["test", test, ds.where("split", "test")],
      ] as const) {
        const want = embeddingReference(rows(train), rows(current), embeddings.dim, result);
        expect(Math.abs(result.auc - want.auc), `${name} AUC ${result.auc} vs ${want.auc}`).toBeLessThan(1e-3);
        expect(Math.abs(result.bandwidth - want.bandwidth) / want.bandwidth).toBeLessThan(1e-9);
        expect(Math.abs(result.mmd - want.mmd), `${name} MMD ${result.mmd} vs ${want.mmd}`).toBeLessThan(1e-9);
        expect(result.pValue).toBe(want.p_value);
      }
      // Quarter by quarter against train, the images of the production quarter drift.
      const overTime = await driftOverTime(ds, {
        time: "capture_time",
        window: "quarter",
        reference: train,
        fields: ["camera", "time_of_day", "weather", "location"],
        embeddings,
        minSamples: 20,
      });
      const quarters = overTime.windows.objects() as Record<string, unknown>[];
      console.log(
        `images per quarter: ${quarters
          .filter((q) => q.status === "compared")
          .map((q) => `${q.window} AUC ${(q.images_auc as number).toFixed(3)} p ${(q.images_p as number).toFixed(3)}`)
          .join("; ")}`,
      );
      expect(overTime.summary.imagesDrifted).toEqual(["2024-Q2"]);
    },
  );

  it("refuses sets of one sample and samples without an embedding", async () => {
    const b = new DatasetBuilder("e", "/nonexistent");
    for (let i = 0; i < 6; i++) b.addSample({ id: `s${i}`, filepath: `${i}.jpg`, fields: {} });
    const ds = b.build();
    const embeddings = {
      ids: ["s0", "s1", "s2", "s3", "s4"],
      vectors: new Float32Array(10).fill(0.5),
      dim: 2,
    } as Embeddings;
    await expect(embeddingDrift(ds.ids(["s0"]), ds.ids(["s1", "s2"]), embeddings)).rejects.toThrow(
      /each needs at least two/,
    );
    await expect(embeddingDrift(ds.ids(["s0", "s1"]), ds.ids(["s4", "s5"]), embeddings)).rejects.toThrow(
      /sample s5 has no embedding/,
    );
  });
});
