import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DatasetBuilder } from "../../src/dataset/builder";
import { saveDataset } from "../../src/dataset/persist";
import { mulberry32 } from "../../src/dataset/view";
import { generateDemo, type DemoTruth } from "../../src/demo";
import { removeTmpDirs, TEST_CACHE, tmpDir } from "../helpers/data";

const BIN = path.resolve(__dirname, "../../bin/blindspot.js");
const RULES = "label_issues>0.02,leakage>0,worst_slice_gap>0.1";

function cli(...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, "audit", ...args], {
    encoding: "utf8",
    env: { ...process.env, BLINDSPOT_CACHE: TEST_CACHE },
  });
  expect(r.stderr).not.toMatch(/^\s+at /m);
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

interface Findings {
  summary: { samples: number; findings: number };
  findings: { rank: number; kind: string; statement: string; samples: string[] }[];
  skipped: { check: string; reason: string }[];
  rules: { rule: string; value: number; broken: boolean }[];
}

/** A clean classification set: labels drawn independently of the metadata, a model right on every sample, splits at random. */
function cleanSet(): string {
  const rand = mulberry32(3);
  const pick = <T>(list: T[]) => list[Math.floor(rand() * list.length)];
  const b = new DatasetBuilder("clean", null);
  b.declareField({ name: "ground_truth", kind: "classification", predicted: false });
  b.declareField({ name: "model", kind: "classification", predicted: true });
  for (let i = 0; i < 400; i++) {
    const label = pick(["cat", "dog", "bird"]);
    b.addSample({
      id: `c${i}`,
      filepath: `c${i}.jpg`,
      split: pick(["train", "train", "train", "test"]),
      fields: {
        ground_truth: label,
        model: label,
        model_confidence: 0.7 + 0.3 * rand(),
        site: pick(["north", "south", "east"]),
        scene: `scene${i}`,
      },
    });
  }
  const dir = tmpDir("audit-clean");
  saveDataset(b.build(), dir);
  return dir;
}

describe("blindspot audit", () => {
  let demo: string, truth: DemoTruth;
  beforeAll(async () => {
    demo = tmpDir("audit-cli-demo");
    truth = (await generateDemo({ samples: 300, seed: 11, out: demo })).truth;
  }, 120_000);
  afterAll(() => removeTmpDirs());

  it("exits 0 on a clean set, every rule kept, the findings in the JSON file", () => {
    const json = path.join(tmpDir("audit-clean-json"), "findings.json");
    const r = cli(cleanSet(), "--groups", "scene", "--json", json, "--fail-on", RULES);
    expect(r.code, r.stderr + r.stdout).toBe(0);
    const out = JSON.parse(fs.readFileSync(json, "utf8")) as Findings;
    expect(out.summary.samples).toBe(400);
    expect(out.rules.map((x) => [x.rule, x.broken])).toEqual(RULES.split(",").map((x) => [x, false]));
    expect(out.findings.filter((f) => ["label_errors", "leakage", "slice"].includes(f.kind))).toEqual([]);
    // No images, no embeddings: the image checks and the label check say so.
    expect(out.skipped.map((s) => s.check)).toEqual(["image quality", "duplicates", "label errors", "fairness"]);
    expect(r.stdout).toMatch(/rule leakage>0: 0\.0000 ok/);
  });

  it("exits 1 on the demo when a rule is broken, listing every finding with its samples", () => {
    const json = path.join(tmpDir("audit-demo-json"), "findings.json");
    const r = cli(demo, "--groups", "sequence", "--sensitive", "camera", "--json", json, "--fail-on", RULES);
    expect(r.code, r.stderr).toBe(1);
    const out = JSON.parse(fs.readFileSync(json, "utf8")) as Findings;
    expect(out.rules.every((x) => x.broken)).toBe(true);
    expect(out.findings.map((f) => f.rank)).toEqual(out.findings.map((_, i) => i + 1));
    const leak = out.findings.find((f) => f.kind === "leakage" && f.statement.includes("sequence"))!;
    expect(leak.samples.sort()).toEqual([...truth.groupLeak.sampleIds].sort());
    expect(out.findings[0].statement).toMatch(/cam_e/);
    expect(r.stdout).toMatch(/^audit of .*: 300 samples/);
    expect(r.stdout).toMatch(/rule worst_slice_gap>0\.1: 0\.\d+ BROKEN/);
  });

  it("refuses a rule it cannot read or a quantity it does not know, exit 2", () => {
    const bad = cli(demo, "--fail-on", "label_issues>>2");
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--fail-on[\s\S]*label_issues>>2[\s\S]*label_issues>0\.02/);
    const unknown = cli(demo, "--fail-on", "mislabels>0");
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown quantity "mislabels"[\s\S]*label_issues/);
  });
});
