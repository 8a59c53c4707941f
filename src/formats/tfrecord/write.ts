import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { values } from "../../dataset/columns";
import type { Dataset } from "../../dataset/dataset";
import type { Category } from "../../dataset/schema";
import { BlindspotError } from "../../errors";
import { writeFileAtomic } from "../../io/atomic";
import { resolveImagePath, safeName } from "../../io/paths";
import { sizeOf } from "../common/boxes";
import { isDir } from "../common/files";
import { fieldObjects, fieldToWrite, objectAttributes, type FieldObjects } from "../common/labels";
import { parsedOnce, WritePlans } from "../common/plans";
import type { WriteOptions, WriteReport } from "../format";
import { exampleChunks, utf8Encoder, type Feature } from "./example";
import { OBJECT, OBJECT_KEYS, sourceIdValue } from "./keys";
import { formatLabelMap, LABEL_MAP } from "./labelMap";
import { RecordFile } from "./recordFile";
import { DEFAULT_STEM, RECORD_FILE } from "./records";

const IMAGE_FORMATS: Record<string, string> = {
  jpg: "jpeg",
  jpeg: "jpeg",
  png: "png",
  gif: "gif",
  bmp: "bmp",
  webp: "webp",
  tif: "tiff",
  tiff: "tiff",
};

/**
 * Label ids for the label map: the dataset's categories, then labels it lacks; renumbered 1..n if any id is below 1.
 */
function labelIds(ds: Dataset, labels: Iterable<string>): Category[] {
  const cats: Category[] = ds.categories.map((c) => ({ id: c.id, name: c.name }));
  const names = new Set(cats.map((c) => c.name));
  let next = cats.reduce((m, c) => Math.max(m, c.id), 0) + 1;
  for (const l of labels) {
    if (!names.has(l)) {
      names.add(l);
      cats.push({ id: next++, name: l });
    }
  }
  const ids = new Set(cats.map((c) => c.id));
  if (cats.some((c) => !Number.isInteger(c.id) || c.id < 1) || ids.size !== cats.length)
    return cats.map((c, i) => ({ id: i + 1, name: c.name }));
  return cats;
}

/** One image's attribute, crowd and area lists, and what of them could not be written exactly. */
interface ObjectLists {
  features: [string, Feature][];
  /** Attribute values left out: not text or numbers, missing on some boxes, mixed, or a reserved name. */
  lost: number;
  /** Booleans written as 0/1. */
  booleans: number;
  /** Decimals (attributes and areas) that float32 rounds. */
  rounded: number;
  /** Areas left out because other boxes of the image have none. */
  areasLost: number;
}

/**
 * The per-object lists of one image beyond boxes and classes: `image/object/is_crowd` when a box
 * is crowd, `image/object/area` when every box has an area, and each attribute whose values are
 * text or numbers on every box (booleans as 0/1, integers as int64, other numbers as float).
 */
function objectLists(
  rows: readonly number[],
  o: FieldObjects,
  attrsOf: (text: string) => Record<string, unknown>,
): ObjectLists {
  const out: ObjectLists = { features: [], lost: 0, booleans: 0, rounded: 0, areasLost: 0 };
  if (rows.length === 0) return out;
  if (rows.some((i) => o.iscrowd[i]))
    out.features.push([`${OBJECT}is_crowd`, { kind: "int64", value: rows.map((i) => (o.iscrowd[i] ? 1 : 0)) }]);
  const areas = rows.map((i) => o.area[i]);
  const withArea = areas.filter((a) => a !== null).length;
  if (withArea === rows.length) {
    out.features.push([`${OBJECT}area`, { kind: "float", value: areas as number[] }]);
    out.rounded += (areas as number[]).filter((a) => Math.fround(a) !== a).length;
  } else out.areasLost += withArea;

  const byName = new Map<string, unknown[]>();
  rows.forEach((i, k) => {
    const text = o.attributes[i];
    if (text === null) return;
    for (const [name, v] of Object.entries(attrsOf(text))) {
      let list = byName.get(name);
      if (!list) byName.set(name, (list = new Array(rows.length).fill(undefined)));
      list[k] = v;
    }
  });
  for (const [name, vals] of byName) {
    const present = vals.filter((v) => v !== undefined).length;
    const strings = vals.every((v) => typeof v === "string");
    const numeric = vals.every((v) => typeof v === "boolean" || (typeof v === "number" && Number.isFinite(v)));
    if (OBJECT_KEYS.has(name) || present < vals.length || !(strings || numeric)) {
      out.lost += present;
      continue;
    }
    const key = `${OBJECT}${name}`;
    if (strings) {
      out.features.push([key, { kind: "bytes", value: (vals as string[]).map((v) => utf8Encoder.encode(v)) }]);
      continue;
    }
    const nums = vals.map((v) => (typeof v === "boolean" ? (out.booleans++, v ? 1 : 0) : (v as number)));
    if (nums.every((v) => Number.isSafeInteger(v))) out.features.push([key, { kind: "int64", value: nums }]);
    else {
      out.features.push([key, { kind: "float", value: nums }]);
      out.rounded += nums.filter((v) => Math.fround(v) !== v).length;
    }
  }
  return out;
}

/** What a TFRecord write needs and loses, found before anything is written. */
interface TfrecordPlan {
  o: FieldObjects;
  categories: Category[];
  /** The record file of each sample. */
  fileOf: string[];
  /** Each sample's image file, or null when it is not there. */
  image: (string | null)[];
  /** Each sample's size (0 where unknown and not needed). */
  W: number[];
  H: number[];
  attrsOf: (text: string) => Record<string, unknown>;
  lost: string[];
}

export const plans = new WritePlans<Promise<TfrecordPlan>>(planTfrecord);

async function planTfrecord(ds: Dataset, output: string, options: WriteOptions): Promise<TfrecordPlan> {
  const field = fieldToWrite(ds, options, "detections");
  const o = fieldObjects(ds, field);
  const s = ds.samples;
  const ids = values<string>(s, "id"),
    filepaths = values<string>(s, "filepath");
  const widths = values<number | null>(s, "width"),
    heights = values<number | null>(s, "height");
  const splits = values<string | null>(s, "split");

  const toFile = RECORD_FILE.test(output) && !isDir(output);
  const fileOfSplit = new Map<string | null, string>();
  let splitsLost = 0,
    defaultSplits = 0;
  const fileOf = Array.from(ids, (_, r) => {
    const split = splits[r];
    if (toFile) {
      if (split !== null) splitsLost++;
      return output;
    }
    if (split === DEFAULT_STEM) defaultSplits++;
    let f = fileOfSplit.get(split);
    if (f === undefined)
      fileOfSplit.set(split, (f = path.join(output, `${safeName(split ?? DEFAULT_STEM, "split", output)}.tfrecord`)));
    return f;
  });
  // Image ids are written as text: text that reads as a number comes back as that number.
  let idsRetyped = 0;
  if (s.columnNames().includes("source_id")) {
    for (const v of values<unknown>(s, "source_id")) {
      if (v === null || v === undefined) continue;
      if (
        typeof v === "string"
          ? v === "" || sourceIdValue(v) !== v
          : typeof v !== "number" || sourceIdValue(String(v)) !== v
      )
        idsRetyped++;
    }
  }
  const used: string[] = [];
  for (const rows of o.bySample.values()) for (const i of rows) used.push(o.label[i]);
  const categories = labelIds(ds, used);

  const restructured = { flattened: 0, shadowed: 0 };
  const attrsOf = parsedOnce((text: string) => {
    const r = { flattened: 0, shadowed: 0 };
    const a = objectAttributes(text, r);
    return { a, r };
  });
  const image: (string | null)[] = [],
    W: number[] = [],
    H: number[] = [];
  let missing = 0,
    lost = 0,
    booleans = 0,
    rounded = 0,
    areasLost = 0;
  for (const rows of o.bySample.values()) {
    for (const i of rows) {
      const text = o.attributes[i];
      if (text === null) continue;
      const { r } = attrsOf(text);
      restructured.flattened += r.flattened;
      restructured.shadowed += r.shadowed;
    }
  }
  for (let r = 0; r < ids.length; r++) {
    const rows = o.bySample.get(ids[r]) ?? [];
    let file: string | null = null;
    if (ds.imagesDir !== null) {
      try {
        file = resolveImagePath(ds.imagesDir, filepaths[r]);
        if (!fs.statSync(file).isFile()) file = null;
      } catch {
        file = null;
      }
    }
    if (file === null) missing++;
    image.push(file);
    // Boxes need the size to be normalised; an image without boxes may go without one.
    let size = { W: 0, H: 0 };
    if (rows.length > 0) size = await sizeOf(ds, ids[r], filepaths[r], widths[r], heights[r]);
    else if (widths[r] && heights[r]) size = { W: widths[r]!, H: heights[r]! };
    else if (file !== null) size = await sizeOf(ds, ids[r], filepaths[r], null, null).catch(() => size);
    W.push(size.W);
    H.push(size.H);
    const lists = objectLists(rows, o, (text) => attrsOf(text).a);
    lost += lists.lost;
    booleans += lists.booleans;
    rounded += lists.rounded;
    areasLost += lists.areasLost;
  }

  const out: string[] = [];
  if (missing > 0) {
    out.push(
      `${missing} image${missing > 1 ? "s" : ""} not ` +
        `found${ds.imagesDir === null ? " (the dataset has no images folder)" : ` in ${ds.imagesDir}`}: written with ` +
        `empty image/encoded, which training with the TF Object Detection API needs`,
    );
  }
  if (lost > 0)
    out.push(
      `${lost} attribute values (tfrecord holds an attribute as one list per image: text or numbers on every box, ` +
        `not named like a key it uses)`,
    );
  if (areasLost > 0)
    out.push(`${areasLost} object areas (tfrecord writes an image's areas only when every box has one)`);
  if (booleans > 0) out.push(`${booleans} boolean attribute values (written as 0/1: tfrecord has no booleans)`);
  if (rounded > 0)
    out.push(
      `${rounded} decimal attribute values and areas rounded to 32-bit floats (tfrecord stores decimals as float32)`,
    );
  if (restructured.flattened > 0)
    out.push(
      `${restructured.flattened} objects' nested attributes ({"attributes": {...}}, as CVAT's COCO export writes ` +
        `them) written as attributes of their own (tfrecord holds one list per attribute: they read back flat)`,
    );
  if (restructured.shadowed > 0)
    out.push(
      `${restructured.shadowed} nested attribute values named like an attribute of the object itself (tfrecord keeps ` +
        `the object's own)`,
    );
  if (splitsLost > 0)
    out.push(
      `${splitsLost} samples' splits (a single tfrecord file holds none: write to a folder for one file per split)`,
    );
  if (defaultSplits > 0)
    out.push(
      `${defaultSplits} samples' splits named "${DEFAULT_STEM}" (${DEFAULT_STEM}.tfrecord is read back as samples ` +
        `without a split)`,
    );
  if (idsRetyped > 0)
    out.push(
      `${idsRetyped} image ids that are text reading back as a number, or not text or numbers (tfrecord writes ` +
        `image/source_id as text and reads numbers back as numbers)`,
    );
  const attrs = (text: string) => attrsOf(text).a;
  return { o, categories, fileOf, image, W, H, attrsOf: attrs, lost: out };
}

export async function writeTfrecord(ds: Dataset, output: string, options: WriteOptions): Promise<WriteReport> {
  const p = await plans.take(ds, output, options);
  const { o, categories, attrsOf } = p;
  const s = ds.samples;
  const ids = values<string>(s, "id"),
    filepaths = values<string>(s, "filepath");
  const sourceIds = s.columnNames().includes("source_id") ? values<unknown>(s, "source_id") : null;
  const idOf = new Map(categories.map((c) => [c.name, c.id]));
  const bytes = (v: string) => utf8Encoder.encode(v);

  const files = new Map<string, RecordFile>();
  const fileFor = (target: string) => {
    let f = files.get(target);
    if (!f) files.set(target, (f = new RecordFile(target)));
    return f;
  };
  try {
    for (let r = 0; r < ids.length; r++) {
      const rows = o.bySample.get(ids[r]) ?? [];
      const filepath = filepaths[r];
      let image = new Uint8Array(0);
      if (p.image[r] !== null) {
        try {
          image = fs.readFileSync(p.image[r]!);
        } catch (err) {
          throw new BlindspotError({
            file: p.image[r]!,
            place: `sample ${ids[r]}`,
            message: `the image cannot be read (${(err as Error).message})`,
            hint: "the image was there when the export began; check the images folder and export again",
          });
        }
      }
      const W = p.W[r],
        H = p.H[r];
      const ext = path.extname(filepath).slice(1).toLowerCase();
      const features: [string, Feature][] = [
        ["image/filename", { kind: "bytes", value: [bytes(filepath)] }],
        [
          "image/source_id",
          { kind: "bytes", value: [bytes(sourceIds && sourceIds[r] != null ? String(sourceIds[r]) : "")] },
        ],
        ["image/width", { kind: "int64", value: W ? [W] : [] }],
        ["image/height", { kind: "int64", value: H ? [H] : [] }],
        ["image/format", { kind: "bytes", value: [bytes(IMAGE_FORMATS[ext] ?? ext)] }],
        ["image/encoded", { kind: "bytes", value: [image] }],
        [
          "image/key/sha256",
          { kind: "bytes", value: [bytes(image.length ? createHash("sha256").update(image).digest("hex") : "")] },
        ],
        [`${OBJECT}bbox/xmin`, { kind: "float", value: rows.map((i) => o.x[i] / W) }],
        [`${OBJECT}bbox/xmax`, { kind: "float", value: rows.map((i) => (o.x[i] + o.w[i]) / W) }],
        [`${OBJECT}bbox/ymin`, { kind: "float", value: rows.map((i) => o.y[i] / H) }],
        [`${OBJECT}bbox/ymax`, { kind: "float", value: rows.map((i) => (o.y[i] + o.h[i]) / H) }],
        [`${OBJECT}class/text`, { kind: "bytes", value: rows.map((i) => bytes(o.label[i])) }],
        [`${OBJECT}class/label`, { kind: "int64", value: rows.map((i) => idOf.get(o.label[i])!) }],
        ...objectLists(rows, o, attrsOf).features,
      ];
      fileFor(p.fileOf[r]).add(exampleChunks(features));
    }
    if (files.size === 0)
      fileFor(RECORD_FILE.test(output) && !isDir(output) ? output : path.join(output, `${DEFAULT_STEM}.tfrecord`));
    for (const f of files.values()) f.commit();
  } catch (err) {
    for (const f of files.values()) f.abort();
    throw err;
  }
  const dir = RECORD_FILE.test(output) && !isDir(output) ? path.dirname(output) : output;
  writeFileAtomic(path.join(dir, LABEL_MAP), formatLabelMap(categories));
  return { files: files.size + 1, dropped: p.lost };
}
