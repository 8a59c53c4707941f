import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateDemo, type DemoTruth } from "../../src/demo";
import { DatasetBuilder } from "../../src/dataset/builder";
import { loadDataset, saveDataset } from "../../src/dataset/persist";
import { leakage } from "../../src/analyze/leakage";
import { removeTmpDirs, TEST_CACHE, tmpDir } from "../helpers/data";

const BIN = path.resolve(__dirname, "../../bin/blindspot.js");

function cli(...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, "leakage", ...args], {
    encoding: "utf8",
    env: { ...process.env, BLINDSPOT_CACHE: TEST_CACHE },
  });
  expect(r.stderr).not.toMatch(/^\s+at /m);
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Every file under a folder with its size and time, to show that a run wrote nothing. */
function snapshot(dir: string): string {
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .map((e) => {
      const s = fs.statSync(path.join(e.parentPath, e.name));
      return `${path.relative(dir, path.join(e.parentPath, e.name))} ${s.size} ${s.mtimeMs}`;
    })
    .sort()
    .join("\n");
}

/** A saved dataset of a few samples whose `taken` field holds the given values. */
function savedWithTimes(name: string, rows: { split: string; taken: string | null }[]): string {
  const b = new DatasetBuilder(name, null);
  rows.forEach((r, i) =>
    b.addSample({ id: `x${i}`, filepath: `x${i}.jpg`, split: r.split, fields: { taken: r.taken } }),
  );
  const dir = tmpDir(name);
  saveDataset(b.build(), dir);
  return dir;
}

describe("blindspot leakage", () => {
  let demo: string;
  let truth: DemoTruth;
  let split: Map<string, string>;
  beforeAll(async () => {
    demo = tmpDir("leakage-cli-demo");
    const r = await generateDemo({ samples: 300, seed: 11, out: demo });
    truth = r.truth;
    split = new Map((r.dataset.samples.objects() as Record<string, string>[]).map((s) => [s.id, s.split]));
  }, 120_000);
  afterAll(() => removeTmpDirs());

  it("lists the duplicates across splits (the library's, on the same folder) and the planted group leak as JSON, exits 1", async () => {
    const r = cli(demo, "--groups", "sequence", "--json");
    expect(r.code, r.stderr).toBe(1);
    const out = JSON.parse(r.stdout);
    const key = (a: string, b: string) => [a, b].sort().join("|");
    // Which pairs the near-duplicate definition finds is the quality tests' concern; the command reports the
    // library's findings on the folder it was given, each pair across two splits.
    const library = await leakage(await loadDataset(demo), { groups: "sequence", quality: { cacheRoot: TEST_CACHE } });
    const pairs = out.pairs.map((p: any) => key(p.id_a, p.id_b)).sort();
    expect(pairs).toEqual(
      (library.pairs.objects() as { id_a: string; id_b: string }[]).map((p) => key(p.id_a, p.id_b)).sort(),
    );
    expect(pairs.length).toBeGreaterThan(0);
    for (const p of out.pairs) expect(split.get(p.id_a)).not.toBe(split.get(p.id_b));
    const exact = truth.duplicates.exact
      .filter((d) => split.get(d.sampleId) !== split.get(d.duplicateOf))
      .map((d) => key(d.sampleId, d.duplicateOf));
    expect(pairs).toEqual(expect.arrayContaining(exact));
    expect(out.groups.map((g: any) => g.group)).toEqual([truth.groupLeak.value]);
    expect(out.summary.leaked).toBe(true);
    expect(out.summary.groupsAcrossSplits.samples).toBe(truth.groupLeak.sampleIds.length);
  }, 120_000);

  it("prints a readable report, and exits 0 when nothing leaks", () => {
    const found = cli(demo, "--groups", "sequence");
    expect(found.code).toBe(1);
    expect(found.stdout).toMatch(/^leakage in blindspot-demo: FOUND/);
    expect(found.stdout).toContain(`${truth.groupLeak.value}: `);
    const none = cli(demo, "--no-duplicates", "--time", "capture_time", "--time-order", "train,production");
    expect(none.code, none.stderr).toBe(0);
    expect(none.stdout).toMatch(/none found/);
    expect(none.stdout).toMatch(/time overlap of capture_time \(train < production\): 0 samples/);
  }, 60_000);

  it("exits 2 with the fields and the closest name for a splits or grouping field that does not exist", () => {
    const before = snapshot(demo);
    const groups = cli(demo, "--groups", "sequense");
    expect(groups.code).toBe(2);
    expect(groups.stderr).toMatch(/no sample field "sequense"; did you mean "sequence"\?/);
    expect(groups.stderr).toMatch(/sample fields are: .*time_of_day/s);
    const splits = cli(demo, "--splits", "splt", "--json");
    expect(splits.code).toBe(2);
    expect(splits.stderr).toMatch(/did you mean "split"\?/);
    expect(splits.stdout).toBe("");
    expect(snapshot(demo)).toBe(before);
  });

  it("counts and names unparsable times, uses the rest, and exits 2 when no value is a time", () => {
    const dir = savedWithTimes("leakage-cli-times", [
      { split: "train", taken: "2024-03-01T10:00:00Z" },
      { split: "train", taken: "yesterday" },
      { split: "test", taken: "2024-02-01T10:00:00Z" },
      { split: "test", taken: "2024-04-01T10:00:00Z" },
    ]);
    const r = cli(dir, "--time", "taken", "--no-duplicates", "--json");
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/1 values of taken are no time and were left out, e.g. x1: "yesterday"/);
    const out = JSON.parse(r.stdout);
    expect(out.summary.timeOverlap.unparsable).toEqual({ count: 1, examples: [{ id: "x1", value: "yesterday" }] });
    expect(out.time).toEqual([
      {
        earlier: "train",
        later: "test",
        earlier_latest: "2024-03-01T10:00:00Z",
        later_earliest: "2024-02-01T10:00:00Z",
        samples: 1,
        ids: ["x2"],
      },
    ]);
    const none = savedWithTimes("leakage-cli-no-times", [
      { split: "train", taken: "soon" },
      { split: "test", taken: null },
    ]);
    const before = snapshot(none);
    const bad = cli(none, "--time", "taken", "--no-duplicates");
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/no value of "taken" is a time \(1 unparsable, 1 missing; e.g. "soon"\)/);
    expect(snapshot(none)).toBe(before);
  });

  it("exits 2 on an empty dataset and on a missing PATH", () => {
    const empty = savedWithTimes("leakage-cli-empty", []);
    const r = cli(empty);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/the dataset has no samples/);
    expect(cli().code).toBe(2);
  });
});
