import * as fs from "node:fs";
import * as path from "node:path";
import sharp from "sharp";
import { expect } from "vitest";
import { BlindspotError } from "../../src/errors";
import { values } from "../../src/dataset/columns";
import type { Dataset } from "../../src/dataset/dataset";
import { coco } from "../../src/formats/coco";

export { TEST_CACHE } from "./sharedCache";

/** The shared test data beside the project; tests skip with this message when it is absent. */
export const SHARED = path.resolve(__dirname, "../../../shared/data");
export const HAS_SHARED = fs.existsSync(SHARED);
export const SKIP_MESSAGE = `../shared/data not found at ${SHARED}: tests on the shared real data are skipped`;
if (!HAS_SHARED) console.warn(SKIP_MESSAGE);
/** A test title on the shared data, which says why it is skipped when it is. */
export const onSharedData = (title: string): string => (HAS_SHARED ? title : `${title} (${SKIP_MESSAGE})`);

export const VOC = path.join(SHARED, "voc100");
export const VOC_IMAGES = path.join(VOC, "images");
/** The COCO file of the VOC100 ground truth, the reference the other layouts are checked against. */
export const VOC_COCO = path.join(VOC, "gts/coco_format_v1/instances_default.json");
/** Class order of the VOC detection text files (alphabetical, as the detector used). */
export const VOC_CLASSES = (
  "aeroplane,bicycle,bird,boat,bottle,bus,car,cat,chair,cow,diningtable,dog,horse,motorbike,person,pottedplant,sheep," +
  "sofa,train,tvmonitor"
).split(",");

const made: string[] = [];

/** A fresh temporary folder under test/.tmp. */
export function tmpDir(name: string): string {
  const dir = path.resolve(__dirname, "../.tmp", `${name}-${process.pid}-${Math.random().toString(36).slice(2, 8)}`);
  fs.mkdirSync(dir, { recursive: true });
  made.push(dir);
  return dir;
}

/** Removes the folders tmpDir made in this test file (pass to afterAll). */
export function removeTmpDirs(): void {
  for (const dir of made.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
}

/**
 * Everything a label format can carry, row by row, for exact comparisons (attributes parsed, metadata columns by name).
 */
export function snapshot(ds: Dataset) {
  const s = ds.samples,
    o = ds.objects;
  const col = <T>(t: typeof s, c: string) => Array.from(values<T>(t, c));
  const meta = s
    .columnNames()
    .filter((c) => !["id", "filepath", "width", "height", "split", "tags", "problems"].includes(c))
    .sort();
  return {
    samples: {
      id: col<string>(s, "id"),
      filepath: col<string>(s, "filepath"),
      width: col<number | null>(s, "width"),
      height: col<number | null>(s, "height"),
      split: col<string | null>(s, "split"),
      meta: Object.fromEntries(meta.map((c) => [c, col<unknown>(s, c)])),
    },
    objects: {
      sample_id: col<string>(o, "sample_id"),
      label: col<string>(o, "label"),
      x: col<number>(o, "x"),
      y: col<number>(o, "y"),
      w: col<number>(o, "w"),
      h: col<number>(o, "h"),
      iscrowd: col<number>(o, "iscrowd"),
      segmentation: col<string | null>(o, "segmentation"),
      attributes: col<string | null>(o, "attributes").map((a) => (a === null ? null : JSON.parse(a))),
    },
  };
}

/** Each sample's file path -> [width, height] (null where unknown). */
export function imageSizes(ds: Dataset): Map<string, [number | null, number | null]> {
  const fps = values<string>(ds.samples, "filepath"),
    ws = values<number | null>(ds.samples, "width"),
    hs = values<number | null>(ds.samples, "height");
  return new Map(Array.from(fps, (f, i) => [f, [ws[i], hs[i]]]));
}

export interface CanonicalBox {
  label: string;
  /** Box relative to the image size, so formats can be compared to 1e-6 of the size. */
  rel: [number, number, number, number];
  /** The box in pixels, as stored. */
  box: [number, number, number, number];
  iscrowd: number;
  confidence: number | null;
  segmentation: string | null;
  /** The attributes JSON, as stored. */
  attributes: string | null;
}

/**
 * One label field (null: every field) as file -> boxes in row order, independent of ids.
 * Files are keyed by file name, so that formats that keep folders and formats that do not compare;
 * `by: "filepath"` keys them by the whole path, for a format compared with itself or the same layout.
 * Every sample has a key, with no boxes where it has none.
 */
export function canonical(
  ds: Dataset,
  field: string | null,
  opts: { by?: "name" | "filepath" } = {},
): Map<string, CanonicalBox[]> {
  const s = ds.samples;
  const size = new Map<string, [number, number, string]>();
  const ids = values<string>(s, "id"),
    fps = values<string>(s, "filepath"),
    ws = values<number>(s, "width"),
    hs = values<number>(s, "height");
  const out = new Map<string, CanonicalBox[]>();
  for (let i = 0; i < ids.length; i++) {
    const name = opts.by === "filepath" ? fps[i] : path.basename(fps[i]);
    size.set(ids[i], [ws[i], hs[i], name]);
    out.set(name, []);
  }
  const o = ds.objects;
  const col = <T>(c: string) => values<T>(o, c);
  const sid = col<string>("sample_id"),
    f = col<string>("field"),
    label = col<string>("label");
  const x = col<number>("x"),
    y = col<number>("y"),
    w = col<number>("w"),
    h = col<number>("h");
  const crowd = col<number>("iscrowd"),
    conf = col<number | null>("confidence"),
    seg = col<string | null>("segmentation"),
    attrs = col<string | null>("attributes");
  for (let i = 0; i < sid.length; i++) {
    if (field !== null && f[i] !== field) continue;
    const [W, H, name] = size.get(sid[i])!;
    out.get(name)!.push({
      label: label[i],
      rel: [x[i] / W, y[i] / H, w[i] / W, h[i] / H],
      box: [x[i], y[i], w[i], h[i]],
      iscrowd: crowd[i],
      confidence: conf[i],
      segmentation: seg[i],
      attributes: attrs[i],
    });
  }
  return out;
}

/**
 * Differences between two canonical label sets (empty when equal within tol of the image size;
 * tol 0 asks for the very same numbers, so the pixel boxes must be equal too).
 */
export function compareCanonical(
  a: Map<string, CanonicalBox[]>,
  b: Map<string, CanonicalBox[]>,
  what: { crowd?: boolean; confidence?: boolean; segmentation?: boolean; tol?: number } = {},
): string[] {
  const tol = what.tol ?? 1e-6;
  const diffs: string[] = [];
  for (const [name, boxes] of a) {
    const other = b.get(name);
    if (!other) {
      diffs.push(`${name}: missing`);
      continue;
    }
    if (other.length !== boxes.length) {
      diffs.push(`${name}: ${boxes.length} vs ${other.length} boxes`);
      continue;
    }
    // Match each box to the closest unused box (formats round differently, so order is not stable).
    const used = new Set<number>();
    boxes.forEach((p, k) => {
      let best = -1,
        bestErr = Infinity;
      other.forEach((q, j) => {
        if (used.has(j)) return;
        const err = Math.max(...p.rel.map((v, m) => Math.abs(v - q.rel[m]))) + (p.label === q.label ? 0 : 1);
        if (err < bestErr) {
          best = j;
          bestErr = err;
        }
      });
      used.add(best);
      const q = other[best];
      if (p.label !== q.label) diffs.push(`${name}[${k}]: label ${p.label} vs ${q.label}`);
      if (p.rel.some((v, j) => Math.abs(v - q.rel[j]) > tol)) diffs.push(`${name}[${k}]: box ${p.rel} vs ${q.rel}`);
      else if (tol === 0 && p.box.some((v, j) => v !== q.box[j]))
        diffs.push(`${name}[${k}]: box ${p.box} vs ${q.box} pixels`);
      if (what.crowd && p.iscrowd !== q.iscrowd) diffs.push(`${name}[${k}]: iscrowd ${p.iscrowd} vs ${q.iscrowd}`);
      if (
        what.confidence &&
        (p.confidence === null || q.confidence === null
          ? p.confidence !== q.confidence
          : Math.abs(p.confidence - q.confidence) > tol)
      )
        diffs.push(`${name}[${k}]: confidence ${p.confidence} vs ${q.confidence}`);
      if (what.segmentation && p.segmentation !== q.segmentation) diffs.push(`${name}[${k}]: segmentation differs`);
    });
  }
  for (const name of b.keys()) if (!a.has(name)) diffs.push(`${name}: extra`);
  return diffs;
}

/** compareCanonical on two datasets' boxes of one field (null: every field), keyed by file path. */
export function boxDiffs(
  expected: Dataset,
  actual: Dataset,
  field: string | null,
  what: Parameters<typeof compareCanonical>[2] = {},
): string[] {
  return compareCanonical(
    canonical(expected, field, { by: "filepath" }),
    canonical(actual, field, { by: "filepath" }),
    what,
  );
}

/**
 * How a VOC100 ground truth read in some format differs from the COCO reference:
 * the boxes of every field by file path (to tol of the image size), and each image's size.
 */
export async function vocReferenceDiffs(ds: Dataset, tol = 1e-6): Promise<string[]> {
  const ref = await coco.read!(VOC_COCO, { images: VOC_IMAGES });
  const diffs = boxDiffs(ref, ds, null, { tol });
  const got = imageSizes(ds);
  for (const [file, size] of imageSizes(ref)) {
    if (got.has(file) && JSON.stringify(got.get(file)) !== JSON.stringify(size))
      diffs.push(`${file}: size ${got.get(file)} vs ${size}`);
  }
  return diffs;
}

/** Writes a grey JPEG of a given size (folders made as needed): a stand-in image with a real header. */
export async function writeImage(file: string, width: number, height: number): Promise<void> {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  await sharp({ create: { width, height, channels: 3, background: "#808080" } })
    .jpeg()
    .toFile(file);
}

/** Writes a text file, making its folders. */
export function writeText(file: string, text: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
}

/** The BlindspotError a promise rejects with (fails the test when it resolves or throws something else). */
export async function rejection(p: Promise<unknown>): Promise<BlindspotError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(BlindspotError);
  return err as BlindspotError;
}
