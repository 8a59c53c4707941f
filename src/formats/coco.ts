import * as path from "node:path";
import { DatasetBuilder } from "../dataset/builder";
import { values } from "../dataset/columns";
import { WritePlans } from "./common/plans";
import type { Dataset } from "../dataset/dataset";
import { GROUND_TRUTH, SAMPLE_CORE_COLUMNS } from "../dataset/schema";
import { cocoImageIds, keptIds } from "../dataset/imageIds";
import { fail } from "../errors";
import { writeFileAtomic } from "../io/atomic";
import { finishImport } from "./common/finish";
import { mapLimit } from "../image/header";
import { sizeOf } from "./common/boxes";
import { extent } from "./common/shapes";
import { jsonStartsWith, readJson } from "./common/files";
import { idTypeMismatch } from "./common/ids";
import {
  categoryIds,
  dict,
  fieldObjects,
  fieldToWrite,
  imagesDirFor,
  metadataColumns,
  type FieldObjects,
} from "./common/labels";
import type { Format, ReadOptions, WriteOptions, WriteReport } from "./format";

/**
 * COCO instances JSON: `images`, `annotations` (bbox [x,y,w,h] absolute, the internal
 * convention already), `categories`. Besides COCO's own keys, an image's `split` (text) and
 * `tags` (list of text) are the sample's split and tags, and an annotation's `tags` the
 * object's tags. Keys blindspot has no column for are kept: image keys as sample metadata,
 * annotation keys in `attributes`, top-level keys in `info.coco`.
 *
 * Values are kept as given, so that COCO -> COCO gives back the same file: image ids are the
 * `source_id` metadata column (numbers and text alike), annotation ids the objects' `source_id`.
 * A value of a COCO key that the columns cannot hold as it is (`iscrowd: 2`, a text `area`,
 * `score: null`, a text id that looks like a number, `segmentation: null`, `tags` that are not a
 * list of text) is kept as an attribute of that name, and written back in place of the value
 * computed from the columns. Ids are numbered only where there are none (or one is used twice).
 *
 * Labels are category names, so two categories of one name (ids 1 and 2, both "sign") would
 * merge: the second is kept apart as "sign#2", with a `duplicate-category` problem naming both.
 */
const IMAGE_KEYS = new Set(["id", "file_name", "width", "height", "split", "tags"]);
const ANN_KEYS = new Set(["id", "image_id", "category_id", "bbox", "area", "iscrowd", "segmentation", "score", "tags"]);
const CORE_NAMES = new Set<string>(SAMPLE_CORE_COLUMNS);

interface CocoFile {
  images: unknown[];
  annotations?: unknown;
  categories: unknown[];
  [key: string]: unknown;
}

type Entry = Record<string, unknown>;

/** A category's own keys; any other key (keypoints, skeleton, ...) is kept in its attributes. */
const CATEGORY_KEYS = new Set(["id", "name", "supercategory"]);

export const coco: Format = {
  name: "coco",
  description: "COCO instances JSON (boxes, polygons, RLE, crowd; scores when present)",
  reads: "file",
  holds: {
    boxes: true,
    polygons: true,
    rle: true,
    crowd: true,
    confidence: true,
    classification: false,
    metadata: true,
    attributes: true,
    multipleFields: false,
    splits: true,
    sampleTags: true,
    objectTags: true,
    area: true,
    ids: true,
    categoryKeys: true,
  },
  detect: (input) => jsonStartsWith(input, "{"),
  read: readCoco,
  write: writeCoco,
  plan: async (ds, output, options) => (await plans.get(ds, output, options)).lost,
};

async function readCoco(file: string, options: ReadOptions): Promise<Dataset> {
  const data = readJson(file) as CocoFile;
  if (!isEntry(data)) {
    fail(
      file,
      undefined,
      "expected a COCO object with images, annotations and categories",
      Array.isArray(data)
        ? "this looks like a COCO results list: load it as predictions (--format coco-results with --gt)"
        : "check that this is a COCO instances file",
    );
  }
  for (const key of ["images", "categories"] as const) {
    if (!Array.isArray(data[key]))
      fail(file, key, `missing or not a list`, "a COCO instances file has images, annotations and categories lists");
  }
  if (data.annotations !== undefined && !Array.isArray(data.annotations))
    fail(
      file,
      "annotations",
      "not a list",
      "make annotations a list of annotation objects (or leave it out for a file of images only)",
    );
  const images = entries(file, "images", data.images, "an image {id, file_name, width, height}");
  const categories = entries(file, "categories", data.categories, "a category {id, name}");
  const annotations = entries(
    file,
    "annotations",
    (data.annotations as unknown[] | undefined) ?? [],
    "an annotation {id, image_id, category_id, bbox}",
  );

  const b = new DatasetBuilder(options.name ?? path.basename(file, ".json"), imagesDirFor(options));
  const scored = annotations.length > 0 && annotations.every((a) => typeof a.score === "number");
  const field = options.field ?? (scored ? "predictions" : GROUND_TRUTH);
  b.declareField({ name: field, kind: "detections", predicted: scored });

  const rest = dict();
  for (const [k, v] of Object.entries(data)) if (!["images", "annotations", "categories"].includes(k)) rest[k] = v;
  b.info = { coco: rest };

  const catName = new Map<number, string>();
  // Labels are names: a second category of one name is kept apart as `<name>#2` (#3, ...).
  const givenNames = new Set(categories.map((c) => c.name));
  const idOfName = new Map<string, number>();
  categories.forEach((c, i) => {
    if (typeof c.id !== "number" || typeof c.name !== "string")
      fail(file, `categories[${i}]`, "a category needs a numeric id and a name", "fix this category entry");
    if (catName.has(c.id))
      fail(file, `categories[${i}]`, `category id ${c.id} appears twice`, "give each category its own id");
    let name = c.name;
    const first = idOfName.get(name);
    if (first !== undefined) {
      let n = 2;
      while (givenNames.has(`${c.name}#${n}`) || idOfName.has(`${c.name}#${n}`)) n++;
      name = `${c.name}#${n}`;
      b.addProblem({
        kind: "duplicate-category",
        file,
        place: `categories[${i}]`,
        message:
          `categories ${first} and ${c.id} are both named ${JSON.stringify(c.name)}; category ${c.id} is kept ` +
          `apart as ${JSON.stringify(name)}`,
        hint:
          "give each category its own name, or merge the two categories (and their annotations' category_id) " +
          "in the file",
      });
    }
    idOfName.set(name, c.id);
    catName.set(c.id, name);
    const extra = dict();
    for (const [k, v] of Object.entries(c)) if (!CATEGORY_KEYS.has(k)) extra[k] = v;
    b.categories.push({
      id: c.id,
      name,
      ...(typeof c.supercategory === "string" ? { supercategory: c.supercategory } : {}),
      ...(Object.keys(extra).length ? { attributes: extra } : {}),
    });
  });

  const sampleOf = new Map<unknown, string>();
  images.forEach((im, i) => {
    if (typeof im.file_name !== "string")
      fail(file, `images[${i}]`, "image has no file_name", "every image needs file_name");
    if (sampleOf.has(im.id))
      fail(file, `images[${i}]`, `image id ${JSON.stringify(im.id)} appears twice`, "give each image its own id");
    const fields = dict();
    fields.source_id = im.id ?? null;
    for (const [k, v] of Object.entries(im))
      if (!IMAGE_KEYS.has(k)) fields[k === "source_id" ? "source_id_field" : k] = v;
    // Values of COCO's keys that the core columns cannot hold stay as metadata (`width_field`, ...).
    const width = numOrNull(im.width),
      height = numOrNull(im.height);
    if (width === null && im.width != null) fields.width = im.width;
    if (height === null && im.height != null) fields.height = im.height;
    const split = typeof im.split === "string" ? im.split : null;
    if (split === null && im.split != null) fields.split = im.split;
    const tags = isTextList(im.tags) ? im.tags : [];
    if (!isTextList(im.tags) && im.tags != null) fields.tags = im.tags;
    // A second entry for one file gets its own sample id from the builder (with a problem).
    sampleOf.set(im.id, b.addSample({ id: im.file_name, filepath: im.file_name, width, height, split, tags, fields }));
  });

  annotations.forEach((a, i) => {
    const place = `annotations[${i}]${a.id === undefined ? "" : ` (id ${JSON.stringify(a.id)})`}`;
    const sampleId = sampleOf.get(a.image_id);
    if (sampleId === undefined) {
      const typed = idTypeMismatch(a.image_id, (id) => sampleOf.has(id as number));
      if (typed)
        fail(file, place, `image_id ${typed}`, "write image ids one way: numbers without quotes, as COCO does");
      const message = `image_id ${JSON.stringify(a.image_id)} is not in images`;
      fail(file, place, message, "add the image to images, or remove the annotation");
    }
    let label = catName.get(a.category_id as number);
    if (label === undefined) {
      label = `unknown-category-${String(a.category_id)}`;
      const typed = idTypeMismatch(a.category_id, (id) => catName.has(id as number));
      b.addProblem({
        kind: "unknown-category",
        sampleId,
        file,
        place,
        message:
          `category_id ${typed ?? `${JSON.stringify(a.category_id)} is not in categories`}; kept with ` +
          `label ${label}`,
        hint: typed
          ? "write category ids as numbers without quotes, as COCO does"
          : "add the category to the categories list, or fix category_id",
      });
      if (typeof a.category_id === "number" && !catName.has(a.category_id)) {
        catName.set(a.category_id, label);
        b.categories.push({ id: a.category_id, name: label });
      }
    }
    const box = boxOf(a);
    if (!box)
      fail(file, place, "annotation has no bbox [x, y, width, height] and no polygon to derive it from", "add a bbox");
    const attributes = dict();
    for (const [k, v] of Object.entries(a)) if (!ANN_KEYS.has(k)) attributes[k] = v;
    // COCO values the object columns cannot hold as they are, kept as given (see the top).
    if (typeof a.id === "string" && isNumberText(a.id)) attributes.id = a.id;
    if (a.iscrowd !== undefined && a.iscrowd !== 0 && a.iscrowd !== 1) attributes.iscrowd = a.iscrowd;
    if (a.area !== undefined && numOrNull(a.area) === null) attributes.area = a.area;
    if (a.score !== undefined && typeof a.score !== "number") attributes.score = a.score;
    if (a.segmentation === null) attributes.segmentation = null;
    if (a.tags !== undefined && !isTextList(a.tags)) attributes.tags = a.tags;
    const seg = a.segmentation;
    const hasSeg = seg != null && !(Array.isArray(seg) && seg.length === 0);
    b.addObject({
      sampleId,
      field,
      label,
      x: box[0],
      y: box[1],
      w: box[2],
      h: box[3],
      confidence: typeof a.score === "number" ? a.score : null,
      iscrowd: crowdOf(a.iscrowd),
      area: numOrNull(a.area),
      segmentation: hasSeg ? seg : null,
      attributes,
      sourceId: typeof a.id === "number" || typeof a.id === "string" ? a.id : null,
      tags: isTextList(a.tags) ? a.tags : [],
    });
  });
  return finishImport(b, file, options);
}

/** A list's entries, each checked to be an object, so that a `null` names its place. */
function entries(file: string, key: string, list: unknown[], what: string): Entry[] {
  list.forEach((v, i) => {
    if (!isEntry(v))
      fail(
        file,
        `${key}[${i}]`,
        `expected ${what}, found ${describe(v)}`,
        `make ${key}[${i}] an object, or remove it from the list`,
      );
  });
  return list as Entry[];
}

function isEntry(v: unknown): v is Entry {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function describe(v: unknown): string {
  return v === null
    ? "null"
    : Array.isArray(v)
      ? "a list"
      : typeof v === "string"
        ? `the text ${JSON.stringify(v)}`
        : `${typeof v} ${JSON.stringify(v)}`;
}

function isTextList(v: unknown): v is string[] {
  return Array.isArray(v) && v.every((t) => typeof t === "string");
}

/** The crowd flag a COCO `iscrowd` value means. */
function crowdOf(v: unknown): number {
  return Number(v ?? 0) ? 1 : 0;
}

/** Text that JSON would write back as the same number (`12`, `0.5`; not `012`, `1.0`, `NaN`). */
function isNumberText(s: string): boolean {
  const n = Number(s);
  return Number.isFinite(n) && String(n) === s;
}

function numOrNull(v: unknown): number | null {
  return typeof v === "number" && Number.isFinite(v) ? v : null;
}

function boxOf(a: Entry): [number, number, number, number] | null {
  const bb = a.bbox;
  if (Array.isArray(bb) && bb.length === 4 && bb.every((v) => typeof v === "number"))
    return bb as [number, number, number, number];
  const seg = a.segmentation;
  if (Array.isArray(seg) && seg.length && Array.isArray(seg[0])) {
    const box = extent((seg as number[][]).flat());
    if (box[2] > 0 || box[3] > 0) return box;
  }
  return null;
}

/** Annotation ids: objects' `source_id` (text in the table) as the number it was when it reads as one. */
function annotationIds(sourceIds: (string | null)[]): (number | string)[] {
  return keptIds(sourceIds.map((s) => (s === null ? null : isNumberText(s) ? Number(s) : s)));
}

/**
 * Whether an attribute named like a COCO annotation key can be written in that key's place:
 * when it is the value the reader kept there (it reads back the same), not another value.
 */
function attributeFits(
  key: string,
  v: unknown,
  o: FieldObjects,
  r: number,
  id: number | string,
  tags: string[],
): boolean {
  switch (key) {
    case "id":
      return typeof v === "string" && isNumberText(v) && v === o.sourceId[r] && id === Number(v);
    case "iscrowd":
      return crowdOf(v) === o.iscrowd[r];
    case "area":
      return o.area[r] === null || v === o.area[r];
    case "score":
      return (o.confidence[r] === null && typeof v !== "number") || v === o.confidence[r];
    case "segmentation":
      return o.segmentation[r] === null && (v === null || (Array.isArray(v) && v.length === 0));
    case "tags":
      return tags.length === 0 && !isTextList(v);
    default:
      return false;
  }
}

/** Whether an image entry has a value at a key (null and [] are none). */
function taken(im: Entry, key: string): boolean {
  const v = im[key];
  return v !== undefined && v !== null && !(Array.isArray(v) && v.length === 0);
}

/**
 * A metadata column's image key: `<core>_field` (a COCO key whose value the core column could
 * not hold, renamed on reading) goes back to `<core>` when the image has no value there.
 */
function imageKey(column: string, im: Entry): string {
  const base =
    column === "source_id_field"
      ? "source_id"
      : column.endsWith("_field") && CORE_NAMES.has(column.slice(0, -6))
        ? column.slice(0, -6)
        : null;
  return base !== null && !taken(im, base) ? base : column;
}

/**
 * The COCO file of one label field, and what it cannot hold (`lost`, one line each with counts).
 */
function buildCoco(ds: Dataset, field: string): { json: Entry; lost: string[] } {
  const o = fieldObjects(ds, field);
  const s = ds.samples;
  const sampleIds = Array.from(values<string>(s, "id"));
  const imageIds = cocoImageIds(ds);
  const meta = metadataColumns(ds).filter((c) => c !== "source_id");
  const filepaths = values<string>(s, "filepath"),
    widths = values<number | null>(s, "width"),
    heights = values<number | null>(s, "height");
  const splits = values<string | null>(s, "split"),
    sampleTags = values<string[] | null>(s, "tags");
  const metaValues = meta.map((c) => values<unknown>(s, c));
  const metaClashes = new Map<string, number>();

  const images = sampleIds.map((_, i) => {
    const im = dict();
    im.id = imageIds[i];
    im.file_name = filepaths[i];
    im.width = widths[i];
    im.height = heights[i];
    if (splits[i] !== null) im.split = splits[i];
    if (sampleTags[i]?.length) im.tags = Array.from(sampleTags[i]!);
    meta.forEach((c, k) => {
      const v = metaValues[k][i];
      if (v === null || v === undefined) return;
      const key = imageKey(c, im);
      if (IMAGE_KEYS.has(key) && taken(im, key)) metaClashes.set(c, (metaClashes.get(c) ?? 0) + 1);
      else im[key] = v;
    });
    return im;
  });

  const rows: number[] = [];
  sampleIds.forEach((id) => rows.push(...(o.bySample.get(id) ?? [])));
  const catIds = categoryIds(
    ds.categories,
    rows.map((i) => o.label[i]),
  );
  const annIds = annotationIds(rows.map((i) => o.sourceId[i]));
  const imageIdOf = new Map(sampleIds.map((id, i) => [id, imageIds[i]]));
  const sampleOfRow = values<string>(ds.objects, "sample_id");
  const objectTags = values<string[] | null>(ds.objects, "tags");
  const attrClashes = new Map<string, number>();
  let clashingObjects = 0;
  const annotations = rows.map((r, k) => {
    const ann = dict();
    const tags = objectTags[r] ? Array.from(objectTags[r]!) : [];
    ann.id = annIds[k];
    ann.image_id = imageIdOf.get(sampleOfRow[r]);
    ann.category_id = catIds.get(o.label[r]);
    ann.bbox = [o.x[r], o.y[r], o.w[r], o.h[r]];
    ann.area = o.area[r] ?? o.w[r] * o.h[r];
    ann.iscrowd = o.iscrowd[r] ? 1 : 0;
    ann.segmentation = o.segmentation[r] === null ? [] : JSON.parse(o.segmentation[r]!);
    if (o.confidence[r] !== null) ann.score = o.confidence[r];
    if (tags.length) ann.tags = tags;
    if (o.attributes[r] !== null) {
      const parsed = JSON.parse(o.attributes[r]!) as unknown;
      const attrs: Entry = isEntry(parsed) ? parsed : { attributes: parsed };
      let clashed = false;
      for (const [key, v] of Object.entries(attrs)) {
        if (!ANN_KEYS.has(key) || attributeFits(key, v, o, r, annIds[k], tags)) ann[key] = v;
        else {
          attrClashes.set(key, (attrClashes.get(key) ?? 0) + 1);
          clashed = true;
        }
      }
      if (clashed) clashingObjects++;
    }
    return ann;
  });
  const categories = [...catIds].map(([name, id]) => {
    const known = ds.categories.find((c) => c.id === id);
    const out = dict();
    for (const [k, v] of Object.entries(known?.attributes ?? {})) if (!CATEGORY_KEYS.has(k)) out[k] = v;
    return Object.assign(out, { id, name, supercategory: known?.supercategory ?? "" });
  });
  const lost: string[] = [];
  if (clashingObjects) {
    lost.push(
      `attributes of ${clashingObjects} objects named like COCO's own annotation keys ` +
        `(${[...attrClashes].map(([k, n]) => `${k} ${n}x`).join(", ")}): coco writes the object's own values there`,
    );
  }
  if (metaClashes.size) {
    lost.push(
      `metadata values named like COCO's own image keys ` +
        `(${[...metaClashes].map(([k, n]) => `${k} ${n}x`).join(", ")}): coco writes the sample's own values there`,
    );
  }
  const extra = (ds.info.coco ?? {}) as Entry;
  return { json: { ...extra, images, annotations, categories }, lost };
}

/**
 * The COCO document, built once for the plan and the write of one export. Every image gets its
 * width and height (from the table, else its header): COCO tools read them, never `null`.
 */
const plans = new WritePlans(async (ds, _output, options) => {
  const built = buildCoco(ds, fieldToWrite(ds, options, "detections"));
  await fillSizes(ds, built.json.images as Entry[]);
  return built;
});

/**
 * Gives each COCO image without a width or height (none in the table, nor a value kept from a
 * source file) the size in its image header; refuses, naming the sample, when it cannot be read.
 */
async function fillSizes(ds: Dataset, images: Entry[]): Promise<void> {
  const ids = values<string>(ds.samples, "id");
  const unsized = images.flatMap((im, i) => (im.width == null || im.height == null ? [i] : []));
  await mapLimit(unsized, 8, async (i) => {
    const im = images[i];
    const why = "COCO gives every image its width and height";
    const size = await sizeOf(ds, ids[i], im.file_name as string, null, null, why);
    im.width ??= size.W;
    im.height ??= size.H;
  });
}

async function writeCoco(ds: Dataset, file: string, options: WriteOptions): Promise<WriteReport> {
  const { json, lost } = await plans.take(ds, file, options);
  writeFileAtomic(file, JSON.stringify(json));
  return { files: 1, dropped: lost };
}
