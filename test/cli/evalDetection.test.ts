import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { HAS_SHARED, SHARED, onSharedData, tmpDir, VOC_CLASSES } from "../helpers/data";

/**
 * `blindspot eval detection`: pycocotools' numbers as JSON or as its printout, and bad input refused or warned about
 * with counts.
 */
const BIN = path.resolve(__dirname, "../../bin/blindspot.js");
const FAKE = path.join(SHARED, "coco-fake100");

function run(...args: string[]) {
  return spawnSync(process.execPath, [BIN, "eval", "detection", ...args], { encoding: "utf8" });
}

/** A two-image COCO file and results for it. */
function files(results: object[]) {
  const dir = tmpDir("cli-eval-det");
  const gt = {
    images: [
      { id: 1, file_name: "a.jpg", width: 100, height: 100 },
      { id: 2, file_name: "b.jpg", width: 100, height: 100 },
    ],
    annotations: [
      { id: 1, image_id: 1, category_id: 1, bbox: [10, 10, 20, 20], area: 400, iscrowd: 0 },
      { id: 2, image_id: 2, category_id: 2, bbox: [50, 50, 30, 30], area: 900, iscrowd: 0 },
    ],
    categories: [
      { id: 1, name: "car" },
      { id: 2, name: "person" },
    ],
  };
  fs.writeFileSync(path.join(dir, "gt.json"), JSON.stringify(gt));
  fs.writeFileSync(path.join(dir, "results.json"), JSON.stringify(results));
  return { gt: path.join(dir, "gt.json"), pred: path.join(dir, "results.json") };
}

const GOOD = [
  { image_id: 1, category_id: 1, bbox: [10, 10, 20, 20], score: 0.9 },
  { image_id: 2, category_id: 2, bbox: [52, 50, 30, 30], score: 0.8 },
];

describe.skipIf(!HAS_SHARED)(onSharedData("blindspot eval detection on coco-fake100"), () => {
  for (const iouType of ["bbox", "segm"]) {
    it(`--iou-type ${iouType} --json gives pycocotools' 12 statistics and per-class AP`, () => {
      const r = run(
        "--gt",
        path.join(FAKE, "instances_val2014_100.json"),
        "--pred",
        path.join(FAKE, `instances_val2014_fake${iouType}100_results.json`),
        "--iou-type",
        iouType,
        "--json",
      );
      expect(r.status, r.stderr).toBe(0);
      const out = JSON.parse(r.stdout);
      const ref = JSON.parse(fs.readFileSync(path.join(FAKE, `pycocotools_${iouType}_reference.json`), "utf8"));
      Object.values(out.stats as Record<string, number>).forEach((v, i) =>
        expect(Math.abs(v - ref.stats[i])).toBeLessThanOrEqual(1e-9),
      );
      expect(out.iouType).toBe(iouType);
      expect(out.perClass).toHaveLength(80);
      expect(out.confusion.labels.at(-1)).toBe("(background)");
    });
  }

  it("takes --classes for predictions that name classes by index (text box files), as its hints suggest", () => {
    const gt = path.join(SHARED, "voc100/voc100_gt_coco.json"),
      images = path.join(SHARED, "voc100/images");
    const dets = path.join(SHARED, "voc100/dets/abs_xywh");
    const classes = path.join(tmpDir("eval-classes"), "classes.txt");
    fs.writeFileSync(classes, `${VOC_CLASSES.join("\n")}\n`);
    const r = run(
      "--gt",
      gt,
      "--pred",
      dets,
      "--pred-format",
      "txt-abs-xywh",
      "--classes",
      classes,
      "--images",
      images,
      "--json",
    );
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.predictions).toBe(452);
    // The same detections as the COCO results pycocotools was run on: the same 12 numbers.
    const ref = JSON.parse(fs.readFileSync(path.join(SHARED, "voc100/pycocotools_bbox_reference.json"), "utf8"));
    Object.values(out.stats as Record<string, number>).forEach((v, i) =>
      expect(Math.abs(v - ref.stats[i])).toBeLessThanOrEqual(1e-9),
    );
  });

  it("prints pycocotools' summary lines without --json", () => {
    const r = run(
      "--gt",
      path.join(FAKE, "instances_val2014_100.json"),
      "--pred",
      path.join(FAKE, "instances_val2014_fakebbox100_results.json"),
    );
    expect(r.status, r.stderr).toBe(0);
    const ref = JSON.parse(fs.readFileSync(path.join(FAKE, "pycocotools_bbox_reference.json"), "utf8"));
    const lines = r.stdout.split("\n").filter((l) => l.includes("Average"));
    expect(lines[0]).toBe(
      ` Average Precision  (AP) @[ IoU=0.50:0.95 | area=   all | maxDets=100 ] = ${ref.stats[0].toFixed(3)}`,
    );
    expect(lines[6]).toBe(
      ` Average Recall     (AR) @[ IoU=0.50:0.95 | area=   all | maxDets=  1 ] = ${ref.stats[6].toFixed(3)}`,
    );
    expect(lines.map((l) => l.slice(-5))).toEqual(ref.stats.map((v: number) => v.toFixed(3)));
    expect(r.stdout).toMatch(/per class \(outcomes at IoU 0\.5\):\n\s+class\s+AP\s+AP50/);
  });
});

describe("blindspot eval detection: bad input", () => {
  it("refuses unknown images and categories and bad scores with counts, in one message", () => {
    const { gt, pred } = files([
      ...GOOD,
      { image_id: 9, category_id: 1, bbox: [0, 0, 5, 5], score: 0.5 },
      { image_id: 9, category_id: 1, bbox: [0, 0, 5, 5], score: 0.4 },
      { image_id: 1, category_id: 7, bbox: [0, 0, 5, 5], score: 0.5 },
      { image_id: 1, category_id: 1, bbox: [0, 0, 5, 5], score: -0.1 },
      { image_id: 1, category_id: 1, bbox: [0, 0, 5, 5], score: null },
    ]);
    const r = run("--gt", gt, "--pred", pred);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain("results.json");
    expect(r.stderr).toMatch(/2 results refer to 1 image ids not in the ground truth \(9 x2\)/);
    expect(r.stderr).toMatch(/1 results have 1 category ids not among the ground truth's categories \(7 x1\)/);
    expect(r.stderr).toMatch(
      /2 results have a missing, negative or non-finite score \(\[5\]: score -0\.1; \[6\]: score null\)/,
    );
    expect(r.stderr).toMatch(/fix: /);
  });

  it("warns, with counts, about repeated result ids, zero-area boxes and exact repeats, and still evaluates", () => {
    const { gt, pred } = files([
      { ...GOOD[0], id: 5 },
      { ...GOOD[1], id: 5 },
      { image_id: 1, category_id: 1, bbox: [60, 60, 0, 10], score: 0.3 },
      GOOD[0],
    ]);
    const r = run("--gt", gt, "--pred", pred, "--json");
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/warning: .*results\.json: 1 results repeat the id of another \(5 x2\); all are kept/);
    expect(r.stderr).toMatch(/warning: 1 boxes of predictions have zero or negative width or height/);
    expect(r.stderr).toMatch(
      /warning: 1 boxes of predictions repeat another box of the same image and label exactly \(and score\)/,
    );
    const out = JSON.parse(r.stdout);
    expect(out.predictions).toBe(4);
    expect(out.warnings).toHaveLength(2);
  });

  it("names what is missing: --gt/--pred and the IoU type", () => {
    expect(run("--gt", "x.json").stderr).toMatch(/eval detection needs --gt and --pred/);
    const { gt, pred } = files(GOOD);
    expect(run("--gt", gt, "--pred", pred, "--iou-type", "mask").stderr).toMatch(
      /unknown IoU type "mask"[\s\S]*fix: use bbox \(boxes\) or segm \(masks\)/,
    );
  });
});
