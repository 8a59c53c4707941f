import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { mulberry32 } from "../../src/dataset/view";
import { tmpDir } from "../helpers/data";
import { apByCategoryId, evaluateCocoFiles } from "./cocoData";
import { PYTHON } from "../helpers/reference";

/**
 * COCO evaluation against pycocotools run live (test/eval/coco_eval.py in the project's .venv)
 * on generated sets: random boxes of every size, crowds, empty images, images without
 * predictions, a class without ground truth, more than 100 detections per image and class,
 * tied scores, and polygon masks. The 12 statistics, AP per category and the whole precision
 * and recall arrays must agree.
 */
const TOL = 1e-9;

interface SetOptions {
  images: number;
  seed: number;
  /** Score decimals: few decimals make many ties. */
  decimals: number;
  crowdShare?: number;
  /** Extra random predictions per image (pushes some image/class pairs past 100 detections). */
  clutter?: number;
  masks?: boolean;
}

const CATEGORIES = [1, 2, 3, 5, 8, 13]; // with gaps, like COCO; 13 never has ground truth

function generate(o: SetOptions) {
  const rand = mulberry32(o.seed);
  const uniform = (a: number, b: number) => a + (b - a) * rand();
  const pick = <T>(xs: T[]) => xs[Math.floor(rand() * xs.length)];
  const images: object[] = [],
    annotations: object[] = [],
    results: object[] = [];
  const polygon = (x: number, y: number, w: number, h: number) => {
    // A jagged polygon inside the box, some vertices on its border.
    const n = 3 + Math.floor(rand() * 6);
    const pts: number[] = [];
    for (let i = 0; i < n; i++) {
      const a = (2 * Math.PI * i) / n,
        r = uniform(0.5, 1);
      pts.push(
        Math.round((x + w / 2 + (Math.cos(a) * r * w) / 2) * 100) / 100,
        Math.round((y + h / 2 + (Math.sin(a) * r * h) / 2) * 100) / 100,
      );
    }
    return [pts];
  };
  for (let i = 0; i < o.images; i++) {
    const id = 1000 - i * 7; // ids not in file order, so image order matters for ties
    const width = 200 + Math.floor(rand() * 440),
      height = 150 + Math.floor(rand() * 330);
    images.push({ id, file_name: `img_${id}.jpg`, width, height });
    const kind = rand();
    const nGt = kind < 0.1 ? 0 : 1 + Math.floor(rand() * 12);
    for (let g = 0; g < nGt; g++) {
      const size = pick([6, 20, 40, 80, 150, 300]);
      const w = Math.min(width - 1, size * uniform(0.6, 1.4)),
        h = Math.min(height - 1, size * uniform(0.6, 1.4));
      const x = uniform(0, width - w),
        y = uniform(0, height - h);
      const crowd = rand() < (o.crowdShare ?? 0.05) ? 1 : 0;
      const cat = pick(CATEGORIES.slice(0, -1));
      const ann: Record<string, unknown> = {
        id: annotations.length + 1,
        image_id: id,
        category_id: cat,
        bbox: [x, y, w, h],
        area: w * h * uniform(0.6, 1),
        iscrowd: crowd,
      };
      if (o.masks) ann.segmentation = polygon(x, y, w, h);
      annotations.push(ann);
      // No predictions at all on images of the last kind.
      if (kind > 0.9) continue;
      const copies = rand() < 0.15 ? 2 : rand() < 0.8 ? 1 : 0;
      for (let c = 0; c < copies; c++) {
        const jw = w * uniform(0.8, 1.2),
          jh = h * uniform(0.8, 1.2);
        const jx = x + w * uniform(-0.15, 0.15),
          jy = y + h * uniform(-0.15, 0.15);
        const r: Record<string, unknown> = {
          image_id: id,
          category_id: rand() < 0.1 ? pick(CATEGORIES) : cat,
          bbox: [jx, jy, jw, jh],
          score: round(rand(), o.decimals),
        };
        if (o.masks) r.segmentation = polygon(jx, jy, jw, jh);
        results.push(r);
      }
    }
    if (kind > 0.9) continue;
    const extra = Math.floor(rand() * 3) + (o.clutter && rand() < 0.3 ? o.clutter : 0);
    const clutterCat = pick(CATEGORIES);
    for (let k = 0; k < extra; k++) {
      const w = uniform(4, width / 2),
        h = uniform(4, height / 2),
        x = uniform(0, width - w),
        y = uniform(0, height - h);
      const r: Record<string, unknown> = {
        image_id: id,
        category_id: k < 3 ? pick(CATEGORIES) : clutterCat,
        bbox: [x, y, w, h],
        score: round(rand() * 0.6, o.decimals),
      };
      if (o.masks) r.segmentation = polygon(x, y, w, h);
      results.push(r);
    }
  }
  const categories = CATEGORIES.map((id) => ({ id, name: `class_${id}`, supercategory: "thing" }));
  return { gt: { images, annotations, categories }, results };
}

const round = (v: number, decimals: number) => Math.round(v * 10 ** decimals) / 10 ** decimals;

const sets: { name: string; options: SetOptions; iouType: "bbox" | "segm" }[] = [
  {
    name: "random boxes, crowds, empty images, images without predictions",
    options: { images: 120, seed: 1, decimals: 3 },
    iouType: "bbox",
  },
  {
    name: "scores tied everywhere (one decimal)",
    options: { images: 80, seed: 2, decimals: 1, crowdShare: 0.15 },
    iouType: "bbox",
  },
  {
    name: "more than 100 detections per image and class",
    options: { images: 30, seed: 3, decimals: 2, clutter: 130 },
    iouType: "bbox",
  },
  { name: "polygon masks", options: { images: 40, seed: 4, decimals: 2, masks: true }, iouType: "segm" },
];

describe("COCO evaluation equals pycocotools run live on generated sets", () => {
  for (const s of sets) {
    it(`${s.name} (${s.iouType})`, async () => {
      const dir = tmpDir("coco-live");
      const { gt, results } = generate(s.options);
      const gtFile = path.join(dir, "gt.json"),
        dtFile = path.join(dir, "results.json"),
        rleFile = path.join(dir, "results_rle.json");
      fs.writeFileSync(gtFile, JSON.stringify(gt));
      fs.writeFileSync(dtFile, JSON.stringify(results));
      const out = execFileSync(PYTHON, [path.join(__dirname, "coco_eval.py"), gtFile, dtFile, s.iouType, rleFile], {
        encoding: "utf8",
        maxBuffer: 1 << 28,
      });
      const ref = JSON.parse(out) as {
        stats: number[];
        per_category_AP: Record<string, number>;
        precision: number[];
        recall: number[];
      };
      const { ds, ev } = await evaluateCocoFiles(gtFile, s.iouType === "segm" ? rleFile : dtFile, {
        iouType: s.iouType,
      });
      ev.stats.forEach((v, i) =>
        expect(Math.abs(v - ref.stats[i]), `stat ${i}: ${v} vs ${ref.stats[i]}`).toBeLessThanOrEqual(TOL),
      );
      const ours = apByCategoryId(ds, ev);
      for (const [id, ap] of Object.entries(ref.per_category_AP))
        expect(Math.abs(ours[id] - ap), `category ${id}`).toBeLessThanOrEqual(TOL);
      expect(ours["13"]).toBe(-1);
      expect(Array.from(ev.accumulated.precision)).toEqual(ref.precision);
      expect(Array.from(ev.accumulated.recall)).toEqual(ref.recall);
    });
  }
});
