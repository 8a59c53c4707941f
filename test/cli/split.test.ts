import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { split } from "../../src/analyze/split";
import { values } from "../../src/dataset/columns";
import { load } from "../../src/formats/api";
import { HAS_SHARED, tmpDir, VOC, VOC_IMAGES } from "../helpers/data";

const BIN = path.resolve(__dirname, "../../bin/blindspot.js");
const COCO = path.join(VOC, "voc100_gt_coco.json");
const YOLO = path.join(VOC, "gts/yolo_format");

function cli(...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, "split", ...args], { encoding: "utf8" });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Each sample's value of `field`, by sample file name. */
async function byFile(file: string, format: string, field: string, images?: string): Promise<Map<string, unknown>> {
  const ds = await load(file, { format, images });
  const names = values<string>(ds.samples, "filepath");
  const v = values<unknown>(ds.samples, field);
  return new Map(Array.from(names, (n, i) => [path.basename(n), v[i]]));
}

describe.skipIf(!HAS_SHARED)("blindspot split writes the dataset with its split in the input's format", () => {
  it("COCO, stratified 70/15/15: every image's split as the library gives it, read back from the file", async () => {
    const out = path.join(tmpDir("split-coco"), "split.json");
    const r = cli(COCO, "--out", out, "--stratify", "--seed", "3");
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/iterative-stratified-ratio into split: train 7\d, val 1\d, test 1\d/);
    const ds = await load(COCO);
    split(ds, { stratify: true, seed: 3 });
    const expected = new Map(
      Array.from(values<string>(ds.samples, "filepath"), (f, i) => [f, ds.samples.get("split", i)]),
    );
    expect(await byFile(out, "coco", "split")).toEqual(expected);
  });

  it("YOLO: one folder per split; k folds, which YOLO cannot hold, are refused before anything is written", async () => {
    const dir = tmpDir("split-yolo");
    const r = cli(
      YOLO,
      "--format",
      "yolo",
      "--images",
      VOC_IMAGES,
      "--out",
      path.join(dir, "yolo"),
      "--ratios",
      "0.8,0.2",
    );
    expect(r.code, r.stderr).toBe(0);
    expect(fs.readdirSync(path.join(dir, "yolo/labels")).sort()).toEqual(["test", "train"]);
    const splits = await byFile(path.join(dir, "yolo"), "yolo", "split", VOC_IMAGES);
    expect([...splits.values()].filter((s) => s === "train").length).toBe(80);
    const refused = cli(YOLO, "--format", "yolo", "--out", path.join(dir, "folds"), "--k", "5");
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("yolo has no place for a fold column");
    expect(fs.existsSync(path.join(dir, "folds"))).toBe(false);
  });

  it("COCO, 5 folds: a fold column, equal to the library's", async () => {
    const out = path.join(tmpDir("split-folds"), "folds.json");
    expect(cli(COCO, "--out", out, "--k", "5").code).toBe(0);
    const ds = await load(COCO);
    split(ds, { k: 5 });
    const expected = new Map(
      Array.from(values<string>(ds.samples, "filepath"), (f, i) => [f, ds.samples.get("fold", i)]),
    );
    expect(await byFile(out, "coco", "fold")).toEqual(expected);
  });

  it("bad input: a clear error, exit 1, nothing written", () => {
    const dir = tmpDir("split-bad");
    const empty = path.join(dir, "empty.json");
    const coco = JSON.parse(fs.readFileSync(COCO, "utf8"));
    fs.writeFileSync(empty, JSON.stringify({ ...coco, images: [], annotations: [] }));
    const cases: [string[], string][] = [
      [[COCO, "--groups", "licence"], 'no field "licence"; did you mean "license"?'],
      [[COCO, "--ratios", "0.7,0.2,0.2"], "the ratios 0.7, 0.2, 0.2 sum to 1.1, not 1"],
      [[COCO, "--k", "5", "--stratify"], 'k=5 is larger than class "motorbike" of ground_truth, which has 3 samples'],
      [[empty], "the dataset has no samples to split"],
    ];
    for (const [args, message] of cases) {
      const out = path.join(dir, "out.json");
      const r = cli(...args, "--out", out);
      expect(r.code, args.join(" ")).toBe(1);
      expect(r.stderr).toContain(message);
      expect(r.stderr).not.toMatch(/^\s+at /m);
      expect(fs.existsSync(out)).toBe(false);
    }
  });

  it("unreadable times: counted and named on stderr, those images written without a fold", async () => {
    const dir = tmpDir("split-time");
    const file = path.join(dir, "labels.json");
    const coco = JSON.parse(fs.readFileSync(COCO, "utf8"));
    coco.images[4].date_captured = "yesterday";
    coco.images[9].date_captured = "";
    fs.writeFileSync(file, JSON.stringify(coco));
    const out = path.join(dir, "out.json");
    const r = cli(file, "--out", out, "--k", "3", "--time", "date_captured");
    expect(r.code, r.stderr).toBe(0);
    const names = [coco.images[4].file_name, coco.images[9].file_name];
    expect(r.stderr).toContain(`warning: 2 samples have a date_captured that is not a time (${names.join(", ")})`);
    const folds = await byFile(out, "coco", "fold");
    expect(names.map((n) => folds.get(n))).toEqual([null, null]);
    expect([...folds.values()].filter((f) => f !== null).length).toBeGreaterThan(50);
  });
});
