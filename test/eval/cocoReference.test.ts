import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { HAS_SHARED, SHARED, onSharedData } from "../helpers/data";
import { apByCategoryId, evaluateCocoFiles } from "./cocoData";

/**
 * COCO evaluation against pycocotools 2.0.11's own output on the shared data: the COCO val2014
 * 100-image subset with the official fake bbox and segm results, and VOC100 (many small objects).
 */
const TOL = 1e-9;
const FAKE = path.join(SHARED, "coco-fake100");
const VOC = path.join(SHARED, "voc100");
const cases = [
  {
    name: "coco-fake100 bbox",
    gt: path.join(FAKE, "instances_val2014_100.json"),
    dt: path.join(FAKE, "instances_val2014_fakebbox100_results.json"),
    ref: path.join(FAKE, "pycocotools_bbox_reference.json"),
    iouType: "bbox" as const,
  },
  {
    name: "coco-fake100 segm",
    gt: path.join(FAKE, "instances_val2014_100.json"),
    dt: path.join(FAKE, "instances_val2014_fakesegm100_results.json"),
    ref: path.join(FAKE, "pycocotools_segm_reference.json"),
    iouType: "segm" as const,
  },
  {
    name: "voc100 bbox",
    gt: path.join(VOC, "voc100_gt_coco.json"),
    dt: path.join(VOC, "voc100_dets_coco_results.json"),
    ref: path.join(VOC, "pycocotools_bbox_reference.json"),
    iouType: "bbox" as const,
  },
];

describe.skipIf(!HAS_SHARED)(onSharedData("COCO evaluation equals pycocotools on the shared data"), () => {
  for (const c of cases) {
    it(`${c.name}: 12 statistics and AP per category`, async () => {
      const ref = JSON.parse(fs.readFileSync(c.ref, "utf8")) as {
        stats: number[];
        per_category_AP: Record<string, number>;
      };
      const { ds, ev } = await evaluateCocoFiles(c.gt, c.dt, { iouType: c.iouType });
      expect(ev.stats).toHaveLength(12);
      ev.stats.forEach((v, i) =>
        expect(Math.abs(v - ref.stats[i]), `stat ${i}: ${v} vs ${ref.stats[i]}`).toBeLessThanOrEqual(TOL),
      );
      const ours = apByCategoryId(ds, ev);
      expect(Object.keys(ours).sort()).toEqual(Object.keys(ref.per_category_AP).sort());
      for (const [id, ap] of Object.entries(ref.per_category_AP))
        expect(Math.abs(ours[id] - ap), `category ${id}`).toBeLessThanOrEqual(TOL);
    });
  }
});
