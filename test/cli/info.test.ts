import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { HAS_SHARED, SHARED, tmpDir, VOC, VOC_CLASSES, VOC_IMAGES } from "../helpers/data";

const BIN = path.resolve(__dirname, "../../bin/blindspot.js");

function info(...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, "info", ...args, "--json"], { encoding: "utf8" });
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout);
}

/** `blindspot info PATH --format F --json` on each ground-truth layout of the same 100 images. */
const LAYOUTS: [string, string][] = [
  ["gts/coco_format_v1/instances_default.json", "coco"],
  ["gts/coco_format_v2/instances_v2.json", "coco"],
  ["gts/cvat_format/annotations.xml", "cvat"],
  ["gts/imagenet_format", "voc"],
  ["gts/labelme_format", "labelme"],
  ["gts/openimages_format/all_bounding_boxes.csv", "openimages"],
  ["gts/pascalvoc_format", "voc"],
  ["gts/tfrecord_format/default.tfrecord", "tfrecord"],
  ["gts/yolo_format", "yolo"],
];

describe.skipIf(!HAS_SHARED)("blindspot info --json", () => {
  it("gives the same summary for the nine ground-truth layouts", () => {
    const summaries = LAYOUTS.map(([rel, format]) =>
      info(path.join(VOC, rel), "--format", format, "--images", VOC_IMAGES),
    );
    for (const s of summaries) {
      expect(s.samples).toBe(100);
      expect(s.objects).toBe(273);
      expect(s.problems.total).toBe(0);
      expect(s.fields.map((f: any) => [f.name, f.kind, f.count])).toEqual([["ground_truth", "detections", 273]]);
      expect(s.fields[0].labels).toEqual(summaries[0].fields[0].labels);
    }
    expect(summaries[0].fields[0].labels.person).toBe(91);
  });

  it("reads a one-file layout given by its folder: the one annotation file in it", () => {
    for (const [rel, format] of LAYOUTS.filter(([rel]) => path.extname(rel) !== "")) {
      const s = info(path.join(VOC, path.dirname(rel)), "--format", format, "--images", VOC_IMAGES);
      expect([format, s.samples, s.objects, s.problems.total]).toEqual([format, 100, 273, 0]);
    }
  });

  it("names the candidates when a folder holds several files of the format", () => {
    const dir = tmpDir("info-two-coco");
    for (const f of ["a.json", "b.json"]) fs.copyFileSync(path.join(VOC, LAYOUTS[0][0]), path.join(dir, f));
    const r = spawnSync(process.execPath, [BIN, "info", dir, "--format", "coco"], { encoding: "utf8" });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("2 files in this folder could be the coco file: a.json, b.json");
    expect(r.stderr).not.toContain("bug in blindspot");
  });

  it("reads --classes FILE.yaml as an Ultralytics names: list, never a comment as a class", () => {
    const dir = tmpDir("info-classes-yaml");
    const names = fs.readFileSync(path.join(VOC, "gts/yolo_format/obj.names"), "utf8").trim().split("\n");
    const yaml = path.join(dir, "voc.yaml");
    fs.writeFileSync(
      yaml,
      `# Ultralytics YOLO config file\n# PASCAL VOC\nnames:\n${names.map((n, i) => `  ${i}: ${n}`).join("\n")}\n`,
    );
    const withYaml = info(path.join(VOC, "gts/yolo_format"), "--classes", yaml, "--images", VOC_IMAGES);
    const withNames = info(path.join(VOC, "gts/yolo_format"), "--images", VOC_IMAGES);
    expect(withYaml.categories).toBe(20);
    expect(withYaml.fields[0].labels).toEqual(withNames.fields[0].labels);
    expect(withYaml.fields[0].labels.person).toBe(91);
  });

  it("adds predictions to a ground truth with --gt, and reads the sign-digits folder", () => {
    const s = info(
      path.join(VOC, "dets/abs_xywh"),
      "--format",
      "txt-abs-xywh",
      "--classes",
      VOC_CLASSES.join(","),
      "--field",
      "model",
      "--gt",
      path.join(VOC, "voc100_gt_coco.json"),
      "--images",
      VOC_IMAGES,
    );
    expect(s.fields.map((f: any) => [f.name, f.predicted, f.count])).toEqual([
      ["ground_truth", false, 273],
      ["model", true, 452],
    ]);
    const signs = info(path.join(SHARED, "sign-digits/Dataset"));
    expect(signs.samples).toBe(2062);
    expect(Object.keys(signs.fields[0].labels)).toHaveLength(10);
  });
});
