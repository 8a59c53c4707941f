import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { BlindspotError } from "../../src/errors";
import { mulberry32 } from "../../src/dataset/view";
import {
  rleArea,
  rleDecode,
  rleEncode,
  rleFromPolygon,
  rleFromSegmentation,
  rleIou,
  rleMerge,
  rleToBbox,
  type Rle,
} from "../../src/geometry/mask";
import { HAS_SHARED, SHARED, onSharedData, tmpDir } from "../helpers/data";
import { PYTHON } from "../helpers/reference";

/**
 * Segmentation masks against pycocotools 2.0.11 run live (test/eval/coco_mask.py, in the
 * project's .venv): generated polygons and RLEs of every kind pycocotools reads, the inputs it
 * refuses, mask IoU with crowds, and every segmentation of the shared COCO sample.
 */
const TOL = 1e-12;

interface Case {
  name: string;
  segmentation: unknown;
  h: number;
  w: number;
}
interface IouSet {
  name: string;
  dt: number[];
  gt: number[];
  crowd: number[];
}
type Answer = { error: string } | { counts: string; size: [number, number]; area: number; bbox: number[] };
interface Answers {
  cases: Answer[];
  iou: number[][][];
}

function pycocotools(cases: Case[], iou: IouSet[]): Answers {
  if (!fs.existsSync(PYTHON))
    throw new Error(`${PYTHON} is missing: run scripts/setup.sh to create .venv with pycocotools`);
  const file = path.join(tmpDir("coco-mask"), "cases.json");
  fs.writeFileSync(file, JSON.stringify({ cases, iou }));
  return JSON.parse(
    execFileSync(PYTHON, [path.join(__dirname, "coco_mask.py"), file], { encoding: "utf8", maxBuffer: 1 << 28 }),
  ) as Answers;
}

/** Builds each case's mask and checks it against pycocotools' answer (or that both refuse it). */
function expectSameMasks(cases: Case[], answers: Answer[], from: number, to: number): number {
  let compared = 0;
  for (let i = from; i < to; i++) {
    const c = cases[i],
      e = answers[i];
    if ("error" in e) {
      expect(() => rleFromSegmentation(c.segmentation, c.h, c.w), `${c.name}: pycocotools raised ${e.error}`).toThrow(
        BlindspotError,
      );
    } else {
      const r = rleFromSegmentation(c.segmentation, c.h, c.w);
      expect([r.h, r.w, rleEncode(r), rleArea(r), ...rleToBbox(r)], c.name).toEqual([
        ...e.size,
        e.counts,
        e.area,
        ...e.bbox,
      ]);
    }
    compared++;
  }
  return compared;
}

function expectSameIou(cases: Case[], sets: IouSet[], answers: number[][][]): number {
  let pairs = 0;
  sets.forEach((s, k) => {
    const masks = (ids: number[]) => ids.map((i) => rleFromSegmentation(cases[i].segmentation, cases[i].h, cases[i].w));
    const got = rleIou(masks(s.dt), masks(s.gt), s.crowd),
      want = answers[k];
    expect(got.length, s.name).toBe(want.length === 0 ? 0 : want.length * want[0].length);
    want.forEach((row, d) =>
      row.forEach((v, g) =>
        expect(
          Math.abs(got[d * s.gt.length + g] - v),
          `${s.name} [${d}, ${g}]: ${got[d * s.gt.length + g]} vs ${v}`,
        ).toBeLessThanOrEqual(TOL),
      ),
    );
    pairs += got.length;
  });
  return pairs;
}

// ---------------------------------------------------------------- generated cases

type Rand = () => number;
const between = (r: Rand, a: number, b: number) => a + (b - a) * r();
const int = (r: Rand, a: number, b: number) => Math.floor(between(r, a, b + 1));

/** Polygon shapes, each stressing a part of the rasterizer. */
const SHAPES: Record<string, (r: Rand, h: number, w: number) => number[]> = {
  convex(r, h, w) {
    const n = int(r, 3, 12),
      cx = between(r, -0.2 * w, 1.2 * w),
      cy = between(r, -0.2 * h, 1.2 * h),
      rx = between(r, 0.5, w),
      ry = between(r, 0.5, h);
    const angles = Array.from({ length: n }, () => between(r, 0, 2 * Math.PI)).sort((a, b) => a - b);
    return angles.flatMap((a) => [cx + rx * Math.cos(a), cy + ry * Math.sin(a)]);
  },
  star(r, h, w) {
    const n = 2 * int(r, 3, 8),
      cx = between(r, 0, w),
      cy = between(r, 0, h),
      big = between(r, 1, Math.max(h, w)),
      small = big * between(r, 0.1, 0.6);
    return Array.from({ length: n }, (_, i) => {
      const a = (2 * Math.PI * i) / n,
        rad = i % 2 ? small : big;
      return [cx + rad * Math.cos(a), cy + rad * Math.sin(a)];
    }).flat();
  },
  selfIntersecting(r, h, w) {
    return Array.from({ length: 2 * int(r, 3, 10) }, (_, i) =>
      i % 2 ? between(r, -0.3 * h, 1.3 * h) : between(r, -0.3 * w, 1.3 * w),
    );
  },
  // Whole and half pixels: the +0.5 roundings land exactly on ties.
  halfPixels(r, h, w) {
    return SHAPES.selfIntersecting(r, h, w).map((v) => Math.round(v * 2) / 2);
  },
  // Two decimals, as COCO files write them.
  cocoRounded(r, h, w) {
    return SHAPES.convex(r, h, w).map((v) => Math.round(v * 100) / 100);
  },
  thin(r, h, w) {
    const x = between(r, 0, w),
      y = between(r, 0, h),
      x2 = between(r, 0, w),
      y2 = between(r, 0, h),
      e = between(r, 0, 0.3);
    return r() < 0.5 ? [x, y, x2, y2, x2 + e, y2 + e, x + e, y] : [x, y, (x + x2) / 2, (y + y2) / 2, x2, y2];
  },
  tiny(r, h, w) {
    const x = int(r, 0, w - 1),
      y = int(r, 0, h - 1);
    return [x + r(), y + r(), x + r(), y + r(), x + r(), y + r()];
  },
  outside(r, h, w) {
    const side = int(r, 0, 3),
      off = between(r, 0.5, 10);
    return SHAPES.convex(r, h, w).map((v, i) =>
      i % 2 === side % 2 ? (side < 2 ? -off - Math.abs(v) : (i % 2 ? h : w) + off + Math.abs(v)) : v,
    );
  },
  // Repeated points make edges of zero length (C computes 0/0 there).
  repeatedPoints(r, h, w) {
    const p = SHAPES.convex(r, h, w),
      out: number[] = [];
    for (let i = 0; i < p.length; i += 2) for (let k = r() < 0.4 ? 2 : 1; k > 0; k--) out.push(p[i], p[i + 1]);
    return out;
  },
  // Steep edges left of the image, where the C's rounding of negatives moves points between columns.
  steepNegative(r, h) {
    const n = int(r, 3, 8),
      out: number[] = [];
    for (let i = 0; i < n; i++) {
      const x = int(r, -4, 2) + (r() < 0.5 ? 0 : r()),
        y = between(r, -2, h + 2);
      out.push(x, y);
      if (r() < 0.3) out.push(x, y);
    }
    return out;
  },
};

const SHORT_PARTS: ((r: Rand, h: number, w: number) => number[])[] = [
  () => [],
  (r, h, w) => [between(r, 0, w), between(r, 0, h)],
  (r, h, w) => [between(r, 0, w), between(r, 0, h), between(r, 0, w), between(r, 0, h)],
  (r, h, w) => [...SHAPES.convex(r, h, w), between(r, 0, w)], // an odd count: the last number is unused
];

/**
 * Valid run lengths of an h x w mask, with empty runs at the start, the end and, unless the mask
 * is to be merged, the middle: pycocotools' merge writes past its buffer (h x w + 1 runs) when
 * many empty runs make the union change value more often than there are pixels.
 */
function runs(r: Rand, h: number, w: number, middleZeros = true): number[] {
  const total = h * w,
    out: number[] = [];
  let left = total;
  const typical = Math.max(1, Math.floor(total / int(r, 1, 12)));
  if (r() < 0.3) out.push(0);
  while (left > 0) {
    const c = middleZeros && r() < 0.1 ? 0 : Math.min(left, int(r, 1, typical));
    out.push(c);
    left -= c;
  }
  if (r() < 0.3) out.push(0);
  return out;
}

/**
 * A compressed string of random groups; the last character ends its number. pycocotools writes
 * strings back into 6 characters per count, and past that buffer when its counts need more (huge
 * or wrapped-around counts), so only strings that fit are kept.
 */
function randomString(r: Rand): string {
  for (;;) {
    const n = int(r, 1, 30);
    let s = "";
    for (let i = 0; i < n; i++) s += String.fromCharCode(48 + int(r, 0, 63));
    if (r() < 0.2) s += "\u00e9"; // UTF-8 bytes, which the C reads as groups too
    s += String.fromCharCode(48 + int(r, 0, 31));
    const decoded = rleDecode(s, 1, 1);
    if (rleEncode(decoded).length < 6 * decoded.counts.length) return s;
  }
}

function generate(seed: number) {
  const r = mulberry32(seed);
  const cases: Case[] = [],
    iou: IouSet[] = [];
  const add = (name: string, segmentation: unknown, h: number, w: number) =>
    cases.push({ name, segmentation, h, w }) - 1;
  const size = () => (r() < 0.1 ? [1, int(r, 1, 40)] : r() < 0.1 ? [int(r, 1, 40), 1] : [int(r, 2, 70), int(r, 2, 70)]);
  const names = Object.keys(SHAPES);

  for (let i = 0; i < 400; i++) {
    const [h, w] = size(),
      shape = names[i % names.length];
    add(`polygon ${i} (${shape}, ${h}x${w})`, [SHAPES[shape](r, h, w)], h, w);
  }
  for (let i = 0; i < 120; i++) {
    const [h, w] = size(),
      parts = [SHAPES[names[int(r, 0, names.length - 1)]](r, h, w)];
    for (let k = int(r, 1, 3); k > 0; k--)
      parts.push(
        r() < 0.25
          ? SHORT_PARTS[int(r, 0, SHORT_PARTS.length - 1)](r, h, w)
          : SHAPES[names[int(r, 0, names.length - 1)]](r, h, w),
      );
    add(`multi-polygon ${i} (${h}x${w})`, parts, h, w);
  }
  for (let i = 0; i < 120; i++) {
    const [h, w] = size(),
      counts = runs(r, h, w);
    // Some counts are fractional (numpy truncates them) or add up wrong (fine until merged).
    if (i % 10 === 3) counts[0] += 0.75;
    if (i % 10 === 7) counts.push(int(r, 1, 9));
    add(`uncompressed RLE ${i} (${h}x${w})`, { counts, size: [h, w] }, int(r, 1, 9), int(r, 1, 9));
  }
  for (let i = 0; i < 30; i++) {
    const [h, w] = size(),
      parts = Array.from({ length: int(r, 1, 3) }, (_, k) => ({
        counts: runs(r, h, w, false),
        size: i % 7 === 6 && k > 0 ? [h, w + 1] : [h, w],
      }));
    add(`list of uncompressed RLEs ${i} (${h}x${w})`, parts, h, w);
  }
  for (let i = 0; i < 80; i++) {
    const [h, w] = size();
    add(`compressed string ${i} (${h}x${w})`, { counts: randomString(r), size: [h, w] }, 1, 1);
  }
  // Over 2^29 below the count two before it: pycocotools' string codec alters the count.
  add(
    "40000x40000 uncompressed RLE with a count drop beyond 2^29",
    { counts: [10, 5, 700000000, 5, 1, 1600000000 - 700000021], size: [40000, 40000] },
    1,
    1,
  );
  add("uncompressed RLE with no counts", { counts: [], size: [4, 3] }, 4, 3);
  add("uncompressed RLE with fractional size", { counts: [1, 2, 9], size: [4.0, 3.5] }, 4, 3);

  const refused: [string, unknown][] = [
    ["an empty list", []],
    ["a first polygon of 4 numbers (read as boxes)", [[1, 2, 3, 4]]],
    [
      "a first polygon of 2 numbers",
      [
        [1, 2],
        [3, 4, 5, 6, 7, 8],
      ],
    ],
    [
      "points as pairs",
      [
        [1, 2],
        [3, 4],
        [5, 6],
        [7, 8],
        [9, 10],
      ],
    ],
    ["a flat list of numbers", [1, 2, 3, 4, 5, 6]],
    ["a polygon then an RLE", [[1, 2, 3, 4, 5, 6], { counts: [1] }]],
    ["a nested polygon part", [[1, 2, 3, 4, 5, 6], [[1, 2]]]],
    ["an RLE of 4 keys in a list (read as a box)", [{ counts: [5, 7], size: [4, 3], a: 1, b: 2 }]],
    ["a compressed RLE in a list", [{ counts: "abc", size: [4, 3] }]],
    ["a negative count", { counts: [-1, 2, 9], size: [4, 3] }],
    ["a count of 2^32", { counts: [2 ** 32, 1], size: [4, 3] }],
    ["counts without size", { counts: [1, 2, 9] }],
    ["a compressed string without size", { counts: "12" }],
    ["a size of one number", { counts: "12", size: [4] }],
    ["size without counts", { size: [4, 3] }],
    ["a negative size", { counts: [1, 2], size: [-4, 3] }],
    ["counts that are a number", { counts: 5, size: [4, 3] }],
    ["a string", "polygon"],
    ["a number", 5],
    ["null", null],
  ];
  for (const [name, segmentation] of refused) add(`refused: ${name}`, segmentation, 5, 6);

  // Scenes of masks on one image for IoU: polygons, RLEs, empty and full masks.
  const scenes: number[][] = [];
  for (let s = 0; s < 24; s++) {
    const h = int(r, 3, 60),
      w = 20 + s,
      ids: number[] = [];
    for (let k = 0; k < 14; k++) {
      const kind = k % 7;
      const seg =
        kind < 4
          ? [SHAPES[names[int(r, 0, names.length - 1)]](r, h, w)]
          : kind === 4
            ? [SHAPES.convex(r, h, w), SHAPES.star(r, h, w)]
            : kind === 5
              ? { counts: runs(r, h, w), size: [h, w] }
              : { counts: [[h * w], [h * w, 0], [0, h * w], [0, 0, h * w, 0]][int(r, 0, 3)], size: [h, w] };
      ids.push(add(`scene ${s} mask ${k}`, seg, h, w));
    }
    scenes.push(ids);
    const crowd = ids.map(() => (r() < 0.25 ? 1 : 0));
    iou.push({ name: `scene ${s}: 7 x 7`, dt: ids.slice(0, 7), gt: ids.slice(7), crowd: crowd.slice(7) });
    iou.push({ name: `scene ${s}: all x all`, dt: ids, gt: ids, crowd });
  }
  iou.push({
    name: "scenes of different sizes (-1 where boxes overlap)",
    dt: scenes[0],
    gt: scenes[1],
    crowd: scenes[1].map((_, i) => i % 2),
  });
  iou.push({ name: "no detections", dt: [], gt: scenes[2], crowd: scenes[2].map(() => 0) });
  iou.push({ name: "no ground truth", dt: scenes[2], gt: [], crowd: [] });
  return { cases, iou };
}

describe("segmentation masks equal pycocotools', run live", () => {
  const { cases, iou } = generate(7);
  let answers: Answers;
  beforeAll(() => {
    answers = pycocotools(cases, iou);
  });

  it(`${cases.length} generated segmentations: RLE string, area and box (or both refuse)`, () => {
    expect(answers.cases.length).toBe(cases.length);
    expectSameMasks(cases, answers.cases, 0, cases.length);
    // The generator covers each outcome.
    const refused = answers.cases.filter((a) => "error" in a).length;
    expect(refused).toBeGreaterThanOrEqual(20);
    expect(answers.cases.some((a) => "bbox" in a && a.bbox[2] > 2 ** 31)).toBe(true);
  });

  it(`${iou.length} IoU matrices, crowds and size mismatches included`, () => {
    expect(expectSameIou(cases, iou, answers.iou)).toBeGreaterThan(5000);
    expect(answers.iou.flat(2)).toContain(-1);
  });
});

describe("segmentation masks: what pycocotools would crash or hang on is refused", () => {
  it("coordinates that overflow C ints, NaN and infinity", () => {
    for (const v of [1e9, -1e9, NaN, Infinity])
      expect(() => rleFromPolygon([0, 0, v, 0, 5, 5], 10, 10), String(v)).toThrow(/coordinate/);
  });

  it("a compressed string cut inside a number", () => {
    expect(() => rleDecode("52o", 4, 4)).toThrow(/ends inside a number/);
  });

  it("merging or comparing RLEs whose counts cover different pixel totals", () => {
    const a: Rle = { h: 3, w: 3, counts: Uint32Array.of(2, 3, 4) },
      b: Rle = { h: 3, w: 3, counts: Uint32Array.of(1, 3, 3) };
    expect(() => rleMerge([a, b])).toThrow(/different numbers of pixels/);
    expect(() => rleIou([a], [b], [0])).toThrow(/different numbers of pixels/);
    expect(() => rleMerge([a, { h: 3, w: 3, counts: new Uint32Array(0) }])).toThrow(/no counts/);
  });

  it("IoU needs one crowd flag per ground truth, and fills a given buffer", () => {
    const a = rleFromPolygon([0, 0, 5, 0, 5, 5], 8, 8),
      b = rleFromPolygon([1, 1, 6, 1, 1, 6], 8, 8);
    expect(() => rleIou([a], [a, b], [0])).toThrow(/crowd flag/);
    const out = new Float64Array(4).fill(9);
    expect(rleIou([a, b], [a, b], [0, 1], out)).toBe(out);
    expect(out[0]).toBe(1);
  });
});

// ---------------------------------------------------------------- the shared COCO sample

describe.skipIf(!HAS_SHARED)(onSharedData("segmentation masks of the shared COCO sample equal pycocotools'"), () => {
  interface Ann {
    image_id: number;
    segmentation: unknown;
    iscrowd?: number;
  }
  const dir = path.join(SHARED, "coco-fake100");
  const cases: Case[] = [],
    iou: IouSet[] = [];
  let gtCount = 0;
  if (HAS_SHARED) {
    const gt = JSON.parse(fs.readFileSync(path.join(dir, "instances_val2014_100.json"), "utf8")) as {
      images: { id: number; height: number; width: number }[];
      annotations: Ann[];
    };
    const results = JSON.parse(
      fs.readFileSync(path.join(dir, "instances_val2014_fakesegm100_results.json"), "utf8"),
    ) as Ann[];
    const images = new Map(gt.images.map((im) => [im.id, im]));
    const byImage = new Map<number, { dt: number[]; gt: number[]; crowd: number[] }>();
    const add = (a: Ann, kind: "gt" | "dt", i: number) => {
      const im = images.get(a.image_id)!;
      const id =
        cases.push({
          name: `${kind} ${i} (image ${a.image_id})`,
          segmentation: a.segmentation,
          h: im.height,
          w: im.width,
        }) - 1;
      const set = byImage.get(a.image_id) ?? { dt: [], gt: [], crowd: [] };
      byImage.set(a.image_id, set);
      if (kind === "dt") set.dt.push(id);
      else {
        set.gt.push(id);
        set.crowd.push(a.iscrowd ? 1 : 0);
      }
    };
    gt.annotations.forEach((a, i) => add(a, "gt", i));
    gtCount = cases.length;
    results.filter((a) => images.has(a.image_id)).forEach((a, i) => add(a, "dt", i));
    for (const [id, s] of byImage) iou.push({ name: `image ${id}`, ...s });
  }
  let answers: Answers;
  beforeAll(() => {
    answers = pycocotools(cases, iou);
  });

  it("every ground-truth segmentation (polygons and crowd RLEs)", () => {
    expect(gtCount).toBeGreaterThan(800);
    expect(expectSameMasks(cases, answers.cases, 0, gtCount)).toBe(gtCount);
    expect(answers.cases.slice(0, gtCount).every((a) => !("error" in a))).toBe(true);
  });

  it("every result segmentation (compressed RLEs)", () => {
    expect(expectSameMasks(cases, answers.cases, gtCount, cases.length)).toBeGreaterThan(700);
  });

  it("IoU of every result with every ground truth of its image, crowds included", () => {
    expect(expectSameIou(cases, iou, answers.iou)).toBeGreaterThan(1000);
  });
});
