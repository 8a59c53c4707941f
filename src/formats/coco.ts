import * as path from "node:path";
import { DatasetBuilder } from "../dataset/builder";
import { values } from "../dataset/columns";
import type { Dataset } from "../dataset/dataset";
import { GROUND_TRUTH } from "../dataset/schema";
import { fail } from "../errors";
import { writeFileAtomic } from "../io/atomic";
import { finishImport } from "./common/finish";
import { extent } from "./common/shapes";
import { readJson } from "./common/files";
import { categoryIds, fieldObjects, fieldToWrite, imagesDirFor, integerIds, metadataColumns } from "./common/labels";
import type { Format, ReadOptions, WriteOptions, WriteReport } from "./format";

/**
 * COCO instances JSON: `images`, `annotations` (bbox [x,y,w,h] absolute, the internal
 * convention already), `categories`. Keys blindspot has no column for are kept: image keys
 * as sample metadata, annotation keys in `attributes`, top-level keys in `info.coco`.
 */
const IMAGE_KEYS = new Set(["id", "file_name", "width", "height"]);
const ANN_KEYS = new Set(["id", "image_id", "category_id", "bbox", "area", "iscrowd", "segmentation", "score"]);

interface CocoFile {
  images: Record<string, unknown>[];
  annotations: Record<string, unknown>[];
  categories: Record<string, unknown>[];
  [key: string]: unknown;
}

export const coco: Format = {
  name: "coco",
  description: "COCO instances JSON (boxes, polygons, RLE, crowd; scores when present)",
  holds: { boxes: true, polygons: true, rle: true, crowd: true, confidence: true, classification: false, metadata: true, attributes: true, multipleFields: false, splits: true, sampleTags: true, objectTags: true },
  detect: (input) => input.endsWith(".json"),
  read: readCoco,
  write: writeCoco,
};

async function readCoco(file: string, options: ReadOptions): Promise<Dataset> {
  const data = readJson(file) as CocoFile;
  if (typeof data !== "object" || data === null || Array.isArray(data)) {
    fail(file, undefined, "expected a COCO object with images, annotations and categories", Array.isArray(data) ? "this looks like a COCO results list: load it as predictions (--format coco-results with --gt)" : "check that this is a COCO instances file");
  }
  for (const key of ["images", "categories"] as const) {
    if (!Array.isArray(data[key])) fail(file, key, `missing or not a list`, "a COCO instances file has images, annotations and categories lists");
  }
  const annotations = Array.isArray(data.annotations) ? data.annotations : [];
  const b = new DatasetBuilder(options.name ?? path.basename(file, ".json"), imagesDirFor(options));
  const scored = annotations.length > 0 && annotations.every((a) => typeof a.score === "number");
  const field = options.field ?? (scored ? "predictions" : GROUND_TRUTH);
  b.declareField({ name: field, kind: "detections", predicted: scored });

  const rest: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(data)) if (!["images", "annotations", "categories"].includes(k)) rest[k] = v;
  b.info = { coco: rest };

  const catName = new Map<number, string>();
  data.categories.forEach((c, i) => {
    if (typeof c.id !== "number" || typeof c.name !== "string") fail(file, `categories[${i}]`, "a category needs a numeric id and a name", "fix this category entry");
    if (catName.has(c.id)) fail(file, `categories[${i}]`, `category id ${c.id} appears twice`, "give each category its own id");
    catName.set(c.id, c.name);
    b.categories.push({ id: c.id, name: c.name, ...(typeof c.supercategory === "string" ? { supercategory: c.supercategory } : {}) });
  });

  const sampleOf = new Map<unknown, string>();
  data.images.forEach((im, i) => {
    if (typeof im.file_name !== "string") fail(file, `images[${i}]`, "image has no file_name", "every image needs file_name");
    if (sampleOf.has(im.id)) fail(file, `images[${i}]`, `image id ${JSON.stringify(im.id)} appears twice`, "give each image its own id");
    const fields: Record<string, unknown> = { source_id: im.id };
    for (const [k, v] of Object.entries(im)) if (!IMAGE_KEYS.has(k)) fields[k] = v;
    let id = im.file_name;
    if (b.hasSample(id)) id = `${im.file_name}#${String(im.id)}`;
    sampleOf.set(im.id, b.addSample({ id, filepath: im.file_name, width: numOrNull(im.width), height: numOrNull(im.height), fields }));
  });

  annotations.forEach((a, i) => {
    const place = `annotations[${i}] (id ${JSON.stringify(a.id)})`;
    const sampleId = sampleOf.get(a.image_id);
    if (sampleId === undefined) fail(file, place, `image_id ${JSON.stringify(a.image_id)} is not in images`, "add the image to images, or remove the annotation");
    let label = catName.get(a.category_id as number);
    if (label === undefined) {
      label = `unknown-category-${String(a.category_id)}`;
      b.addProblem({ kind: "unknown-category", sampleId, file, place, message: `category_id ${JSON.stringify(a.category_id)} is not in categories; kept with label ${label}`, hint: "add the category to the categories list, or fix category_id" });
      if (typeof a.category_id === "number" && !catName.has(a.category_id)) {
        catName.set(a.category_id, label);
        b.categories.push({ id: a.category_id, name: label });
      }
    }
    const box = boxOf(a);
    if (!box) fail(file, place, "annotation has no bbox [x, y, width, height] and no polygon to derive it from", "add a bbox");
    const attributes: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(a)) if (!ANN_KEYS.has(k)) attributes[k] = v;
    const seg = a.segmentation;
    const hasSeg = seg != null && !(Array.isArray(seg) && seg.length === 0);
    b.addObject({
      sampleId, field, label, x: box[0], y: box[1], w: box[2], h: box[3],
      confidence: typeof a.score === "number" ? a.score : null,
      iscrowd: Number(a.iscrowd ?? 0), area: numOrNull(a.area),
      segmentation: hasSeg ? seg : null, attributes, sourceId: (a.id as string | number | undefined) ?? null,
    });
  });
  return finishImport(b, file, options);
}

function numOrNull(v: unknown): number | null {
  return typeof v === "number" && Number.isFinite(v) ? v : null;
}

function boxOf(a: Record<string, unknown>): [number, number, number, number] | null {
  const bb = a.bbox;
  if (Array.isArray(bb) && bb.length === 4 && bb.every((v) => typeof v === "number")) return bb as [number, number, number, number];
  const seg = a.segmentation;
  if (Array.isArray(seg) && seg.length && Array.isArray(seg[0])) {
    const box = extent((seg as number[][]).flat());
    if (box[2] > 0 || box[3] > 0) return box;
  }
  return null;
}

async function writeCoco(ds: Dataset, file: string, options: WriteOptions): Promise<WriteReport> {
  const field = fieldToWrite(ds, options, "detections");
  const o = fieldObjects(ds, field);
  const s = ds.samples;
  const sampleIds = Array.from(values<string>(s, "id"));
  const useImageIds = s.columnNames().includes("source_id") ? integerIds(values(s, "source_id")) : sampleIds.map((_, i) => i + 1);
  const meta = metadataColumns(ds).filter((c) => c !== "source_id");
  const filepaths = values<string>(s, "filepath"), widths = values<number | null>(s, "width"), heights = values<number | null>(s, "height");
  const metaValues = meta.map((c) => values<unknown>(s, c));

  const images = sampleIds.map((_, i) => {
    const im: Record<string, unknown> = { id: useImageIds[i], file_name: filepaths[i], width: widths[i], height: heights[i] };
    meta.forEach((c, k) => { if (metaValues[k][i] !== null) im[c] = metaValues[k][i]; });
    return im;
  });

  const rows: number[] = [];
  sampleIds.forEach((id) => rows.push(...(o.bySample.get(id) ?? [])));
  const catIds = categoryIds(ds.categories, rows.map((i) => o.label[i]));
  const annIds = integerIds(rows.map((i) => o.sourceId[i]));
  const imageIdOf = new Map(sampleIds.map((id, i) => [id, useImageIds[i]]));
  const sampleOfRow = values<string>(ds.objects, "sample_id");
  const annotations = rows.map((i, k) => {
    const ann: Record<string, unknown> = {
      id: annIds[k], image_id: imageIdOf.get(sampleOfRow[i]), category_id: catIds.get(o.label[i]),
      bbox: [o.x[i], o.y[i], o.w[i], o.h[i]],
      area: o.area[i] ?? o.w[i] * o.h[i],
      iscrowd: o.iscrowd[i] ? 1 : 0,
      segmentation: o.segmentation[i] === null ? [] : JSON.parse(o.segmentation[i]!),
    };
    if (o.confidence[i] !== null) ann.score = o.confidence[i];
    if (o.attributes[i] !== null) Object.assign(ann, JSON.parse(o.attributes[i]!));
    return ann;
  });
  const categories = [...catIds].map(([name, id]) => {
    const known = ds.categories.find((c) => c.id === id);
    return { id, name, supercategory: known?.supercategory ?? "" };
  });
  const extra = (ds.info.coco ?? {}) as Record<string, unknown>;
  writeFileAtomic(file, JSON.stringify({ ...extra, images, annotations, categories }));
  return { files: 1, dropped: [] };
}
