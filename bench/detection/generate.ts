/**
 * Writes a COCO-val-2017-sized detection set, the same every run (seeded): gt.json (5,000
 * images, ~36,000 boxes, 80 categories with COCO's ids) and results.json (~100,000 scored
 * predictions). Skipped when a stamp shows the files were written with the same parameters.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { mulberry32 } from "../../src/dataset/view";

// `version` changes whenever the generating code does, so an older set is rewritten.
const PARAMS = {
  version: 2,
  seed: 2017,
  images: 5000,
  emptyImages: 0.01,
  extraBoxes: 6.85,
  crowdShare: 0.01,
  recall: 0.88,
  confusion: 0.08,
  duplicates: 0.12,
  falsePositivesPerImage: 13.2,
};
// COCO's 80 category ids run 1..90 with these gaps.
const MISSING_IDS = new Set([12, 26, 29, 30, 45, 66, 68, 69, 71, 83]);
// COCO val2017's share of small (< 32²), medium (< 96²) and large boxes.
const SIZE_MIX = [0.41, 0.34, 0.25];

type Box = [number, number, number, number];

export interface DetectionSet {
  gt: string;
  results: string;
}

export function generateDetectionSet(dir: string): DetectionSet {
  const set = { gt: path.join(dir, "gt.json"), results: path.join(dir, "results.json") };
  const stamp = path.join(dir, "stamp.json");
  const want = JSON.stringify(PARAMS);
  if (
    fs.existsSync(set.gt) &&
    fs.existsSync(set.results) &&
    fs.existsSync(stamp) &&
    fs.readFileSync(stamp, "utf8") === want
  )
    return set;
  fs.mkdirSync(dir, { recursive: true });
  write(set);
  fs.writeFileSync(stamp, want);
  return set;
}

function write(set: DetectionSet): void {
  const rand = mulberry32(PARAMS.seed);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
  const r2 = (v: number) => Math.round(v * 100) / 100;
  const r3 = (v: number) => Math.round(v * 1000) / 1000;
  const catIds = Array.from({ length: 90 }, (_, i) => i + 1).filter((id) => !MISSING_IDS.has(id));
  // Skewed like COCO, where a few classes (person first) hold most boxes.
  const pickCat = () => catIds[Math.floor(rand() ** 2.5 * catIds.length)];
  const otherCat = (id: number) => {
    const c = catIds[Math.floor(rand() * catIds.length)];
    return c === id ? catIds[(catIds.indexOf(id) + 1) % catIds.length] : c;
  };
  const clamp = (b: Box, W: number, H: number): Box => {
    const x = Math.min(Math.max(b[0], 0), W - 1),
      y = Math.min(Math.max(b[1], 0), H - 1);
    return [r2(x), r2(y), r2(Math.max(1, Math.min(b[2], W - x))), r2(Math.max(1, Math.min(b[3], H - y)))];
  };
  const randomBox = (W: number, H: number): Box => {
    const u = rand();
    const [lo, hi] =
      u < SIZE_MIX[0] ? [8 ** 2, 32 ** 2] : u < SIZE_MIX[0] + SIZE_MIX[1] ? [32 ** 2, 96 ** 2] : [96 ** 2, 0.8 * W * H];
    const area = lo * (hi / lo) ** rand();
    const aspect = Math.exp((rand() * 2 - 1) * 1.1);
    const w = Math.min(Math.sqrt(area * aspect), W),
      h = Math.min(area / w, H);
    return clamp([rand() * (W - w), rand() * (H - h), w, h], W, H);
  };
  const jitter = (b: Box, s: number, W: number, H: number): Box => {
    const w = b[2] * Math.exp(gauss() * s),
      h = b[3] * Math.exp(gauss() * s);
    return clamp([b[0] + gauss() * s * b[2], b[1] + gauss() * s * b[3], w, h], W, H);
  };
  const score = (v: number) => Math.min(1, Math.max(0.001, r3(v))); // 3 decimals: many exact ties

  const images = [],
    annotations = [],
    results = [];
  for (let i = 0; i < PARAMS.images; i++) {
    const landscape = rand() < 0.75;
    const short = 360 + Math.floor(rand() * 5) * 40 + (rand() < 0.3 ? 27 : 0);
    const [W, H] = landscape ? [640, short] : [short, 640];
    const imageId = 139 + i * 97; // sparse, like COCO's
    images.push({ id: imageId, file_name: `${String(imageId).padStart(12, "0")}.jpg`, width: W, height: H });
    const present: number[] = [];
    // A few images without boxes, as in COCO; the others hold 1 + an exponential count.
    const n = rand() < PARAMS.emptyImages ? 0 : Math.min(60, 1 + Math.floor(-Math.log(1 - rand()) * PARAMS.extraBoxes));
    for (let k = 0; k < n; k++) {
      const bbox = randomBox(W, H),
        categoryId = pickCat(),
        crowd = rand() < PARAMS.crowdShare;
      present.push(categoryId);
      // A crowd's area is its mask's, smaller than its box.
      const area = crowd ? r2(bbox[2] * bbox[3] * 0.6) : bbox[2] * bbox[3];
      annotations.push({
        id: annotations.length + 1,
        image_id: imageId,
        category_id: categoryId,
        bbox,
        area,
        iscrowd: crowd ? 1 : 0,
      });
      if (crowd) {
        for (let d = 0; d < 3; d++)
          results.push({
            image_id: imageId,
            category_id: categoryId,
            bbox: jitter(
              [bbox[0] + rand() * bbox[2] * 0.5, bbox[1] + rand() * bbox[3] * 0.5, bbox[2] * 0.3, bbox[3] * 0.3],
              0.2,
              W,
              H,
            ),
            score: score(rand() * 0.8),
          });
        continue;
      }
      if (rand() >= PARAMS.recall) continue;
      const conf = 0.3 + 0.7 * rand() ** 0.7;
      // Small boxes are localised worse, as with real detectors.
      results.push({
        image_id: imageId,
        category_id: rand() < PARAMS.confusion ? otherCat(categoryId) : categoryId,
        bbox: jitter(bbox, 0.04 + 1.5 / Math.sqrt(bbox[2] * bbox[3]), W, H),
        score: score(conf),
      });
      if (rand() < PARAMS.duplicates)
        results.push({
          image_id: imageId,
          category_id: categoryId,
          bbox: jitter(bbox, 0.25, W, H),
          score: score(conf * rand()),
        });
    }
    const fps = Math.floor(-Math.log(1 - rand()) * PARAMS.falsePositivesPerImage);
    for (let k = 0; k < fps; k++) {
      const categoryId = present.length && rand() < 0.5 ? present[Math.floor(rand() * present.length)] : pickCat();
      results.push({
        image_id: imageId,
        category_id: categoryId,
        bbox: randomBox(W, H),
        score: score(0.6 * rand() ** 2),
      });
    }
  }
  const categories = catIds.map((id) => ({ id, name: `class_${id}`, supercategory: `group_${id % 12}` }));
  fs.writeFileSync(
    set.gt,
    JSON.stringify({
      info: { description: "COCO-val-2017-sized detection benchmark set" },
      images,
      annotations,
      categories,
    }),
  );
  fs.writeFileSync(set.results, JSON.stringify(results));
}
