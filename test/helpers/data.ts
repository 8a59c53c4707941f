import * as fs from "node:fs";
import * as path from "node:path";
import { values } from "../../src/dataset/columns";
import type { Dataset } from "../../src/dataset/dataset";

/** The shared test data beside the project; tests skip with this message when it is absent. */
export const SHARED = path.resolve(__dirname, "../../../shared/data");
export const HAS_SHARED = fs.existsSync(SHARED);
export const SKIP_MESSAGE = `../shared/data not found at ${SHARED}: tests on the shared real data are skipped`;
if (!HAS_SHARED) console.warn(SKIP_MESSAGE);

export const VOC = path.join(SHARED, "voc100");
export const VOC_IMAGES = path.join(VOC, "images");
/** Class order of the VOC detection text files (alphabetical, as the detector used). */
export const VOC_CLASSES = "aeroplane,bicycle,bird,boat,bottle,bus,car,cat,chair,cow,diningtable,dog,horse,motorbike,person,pottedplant,sheep,sofa,train,tvmonitor".split(",");

/** A fresh temporary folder under test/.tmp. */
export function tmpDir(name: string): string {
  const dir = path.resolve(__dirname, "../.tmp", `${name}-${process.pid}-${Math.random().toString(36).slice(2, 8)}`);
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

export interface CanonicalBox {
  label: string;
  /** Box relative to the image size, so formats can be compared to 1e-6 of the size. */
  rel: [number, number, number, number];
  iscrowd: number;
  confidence: number | null;
  segmentation: string | null;
}

/** One label field as file name -> boxes, independent of ids. */
export function canonical(ds: Dataset, field: string): Map<string, CanonicalBox[]> {
  const s = ds.samples;
  const size = new Map<string, [number, number, string]>();
  const ids = values<string>(s, "id"), fps = values<string>(s, "filepath"), ws = values<number>(s, "width"), hs = values<number>(s, "height");
  const out = new Map<string, CanonicalBox[]>();
  for (let i = 0; i < ids.length; i++) {
    const name = path.basename(fps[i]);
    size.set(ids[i], [ws[i], hs[i], name]);
    out.set(name, []);
  }
  const o = ds.objects;
  const col = <T>(c: string) => values<T>(o, c);
  const sid = col<string>("sample_id"), f = col<string>("field"), label = col<string>("label");
  const x = col<number>("x"), y = col<number>("y"), w = col<number>("w"), h = col<number>("h");
  const crowd = col<number>("iscrowd"), conf = col<number | null>("confidence"), seg = col<string | null>("segmentation");
  for (let i = 0; i < sid.length; i++) {
    if (f[i] !== field) continue;
    const [W, H, name] = size.get(sid[i])!;
    out.get(name)!.push({ label: label[i], rel: [x[i] / W, y[i] / H, w[i] / W, h[i] / H], iscrowd: crowd[i], confidence: conf[i], segmentation: seg[i] });
  }
  return out;
}

/** Differences between two canonical label sets (empty when equal within tol). */
export function compareCanonical(
  a: Map<string, CanonicalBox[]>,
  b: Map<string, CanonicalBox[]>,
  what: { crowd?: boolean; confidence?: boolean; segmentation?: boolean; tol?: number } = {},
): string[] {
  const tol = what.tol ?? 1e-6;
  const diffs: string[] = [];
  for (const [name, boxes] of a) {
    const other = b.get(name);
    if (!other) { diffs.push(`${name}: missing`); continue; }
    if (other.length !== boxes.length) { diffs.push(`${name}: ${boxes.length} vs ${other.length} boxes`); continue; }
    // Match each box to the closest unused box (formats round differently, so order is not stable).
    const used = new Set<number>();
    boxes.forEach((p, k) => {
      let best = -1, bestErr = Infinity;
      other.forEach((q, j) => {
        if (used.has(j)) return;
        const err = Math.max(...p.rel.map((v, m) => Math.abs(v - q.rel[m]))) + (p.label === q.label ? 0 : 1);
        if (err < bestErr) { best = j; bestErr = err; }
      });
      used.add(best);
      const q = other[best];
      if (p.label !== q.label) diffs.push(`${name}[${k}]: label ${p.label} vs ${q.label}`);
      if (p.rel.some((v, j) => Math.abs(v - q.rel[j]) > tol)) diffs.push(`${name}[${k}]: box ${p.rel} vs ${q.rel}`);
      if (what.crowd && p.iscrowd !== q.iscrowd) diffs.push(`${name}[${k}]: iscrowd ${p.iscrowd} vs ${q.iscrowd}`);
      if (what.confidence && (p.confidence === null || q.confidence === null ? p.confidence !== q.confidence : Math.abs(p.confidence - q.confidence) > tol)) diffs.push(`${name}[${k}]: confidence ${p.confidence} vs ${q.confidence}`);
      if (what.segmentation && p.segmentation !== q.segmentation) diffs.push(`${name}[${k}]: segmentation differs`);
    });
  }
  for (const name of b.keys()) if (!a.has(name)) diffs.push(`${name}: extra`);
  return diffs;
}
