import * as path from "node:path";
import { DatasetBuilder } from "../dataset/builder";
import { values } from "../dataset/columns";
import type { Dataset } from "../dataset/dataset";
import type { Category, FieldInfo } from "../dataset/schema";
import { fail } from "../errors";
import { writeFileAtomic } from "../io/atomic";
import { finishImport } from "./common/finish";
import { parseJson, readText } from "./common/files";
import { dict, fieldObjects, imagesDirFor, metadataColumns } from "./common/labels";
import type { Format, ReadOptions, WriteOptions, WriteReport } from "./format";

/**
 * JSON Lines manifest, one sample per line, holding everything blindspot holds:
 *   {"blindspot": {"version": 1, "categories": [...], "info": {...}, "fields": [...], "metadata": [...]}}
 *   {"filepath": "a.jpg", "width": 640, "height": 480, "split": "train", "tags": [],
 *    "weather": "rain",                                         <- any metadata
 *    "animal": {"label": "cat", "confidence": 0.9, "probs": {"cat": 0.9, "dog": 0.1}},  <- classification
 *    "ground_truth": [{"label": "car", "bbox": [x, y, w, h], "iscrowd": 0, "tags": [], ...}]}  <- detections
 * The first line, written by blindspot and optional when reading, holds what is not per
 * sample: categories (ids, supercategories, unused ones), the dataset's `info`, the label
 * fields and the metadata keys. Without it (or for keys it does not name), a key is a detection
 * field when its values are lists of objects with `bbox` on some line (empty lists and nulls on
 * the others), a classification field when every value is an object with `label` (and only
 * `confidence`, `probs`), and metadata otherwise; this is decided over the whole file.
 * An object's keys beyond the ones above are kept as its attributes, like `attributes`' own.
 */
export const jsonl: Format = {
  name: "jsonl",
  description: "JSON Lines manifest: one sample per line with metadata, classification and detection fields",
  reads: "file",
  holds: {
    boxes: true,
    polygons: true,
    rle: true,
    crowd: true,
    confidence: true,
    classification: true,
    metadata: true,
    attributes: true,
    multipleFields: true,
    splits: true,
    sampleTags: true,
    objectTags: true,
    area: true,
    ids: true,
    categoryKeys: true,
  },
  detect: (input) => input.endsWith(".jsonl") || input.endsWith(".ndjson"),
  read: readJsonl,
  write: writeJsonl,
  plan: (ds) => {
    const labels = new Set(ds.fields.map((f) => f.name));
    const shadowed = metadataColumns(ds).filter((c) => labels.has(c));
    return shadowed.length
      ? [
          `metadata columns ${shadowed.map((c) => JSON.stringify(c)).join(", ")} (named like a label field, whose ` +
            `labels jsonl writes under that key)`,
        ]
      : [];
  },
};

const VERSION = 1;
const CORE = new Set<string>(["id", "filepath", "width", "height", "split", "tags"]);
const OBJECT_KEYS = new Set([
  "label",
  "bbox",
  "confidence",
  "iscrowd",
  "area",
  "segmentation",
  "attributes",
  "id",
  "tags",
]);

type Entry = Record<string, unknown>;
type Kind = "detections" | "classification" | "metadata";

interface Header {
  categories?: Category[];
  info?: Entry;
  fields?: FieldInfo[];
  metadata?: string[];
}

interface Line {
  place: string;
  row: Entry;
}

async function readJsonl(file: string, options: ReadOptions): Promise<Dataset> {
  const b = new DatasetBuilder(
    options.name ?? path.basename(file).replace(/\.(jsonl|ndjson)$/, ""),
    imagesDirFor(options) ?? path.dirname(path.resolve(file)),
  );
  const lines: Line[] = [];
  let header: Header | null = null;
  readText(file)
    .split("\n")
    .forEach((text, k) => {
      if (!text.trim()) return;
      const place = `line ${k + 1}`;
      const row = parseJson(`${file} ${place}`, text);
      if (!isEntry(row)) fail(file, place, "each line must be a JSON object", "write one sample object per line");
      if (lines.length === 0 && header === null && "blindspot" in row && !("filepath" in row))
        header = readHeader(file, place, row.blindspot);
      else lines.push({ place, row });
    });
  const head: Header = header ?? {};
  if (head.categories) b.categories = head.categories.map((c) => ({ ...c }));
  if (head.info) b.info = head.info;
  for (const f of head.fields ?? []) b.declareField(f);
  const kinds = fieldKinds(file, lines, head);
  for (const [key, kind] of kinds)
    if (kind !== "metadata" && !b.fields.has(key)) b.declareField(discovered(lines, key, kind));

  for (const { place, row } of lines) {
    const fp = row.filepath;
    if (typeof fp !== "string" || !fp) fail(file, place, "sample has no filepath", 'give each line a "filepath"');
    const fields = dict();
    const detections: [string, unknown[]][] = [];
    for (const [key, v] of Object.entries(row)) {
      if (CORE.has(key)) continue;
      const kind = kinds.get(key) ?? "metadata";
      if (kind === "metadata") fields[key] = v;
      else if (v === null) continue;
      else if (kind === "detections") {
        if (!Array.isArray(v))
          fail(
            file,
            `${place}, ${key}`,
            `"${key}" is a detection field but holds ${describe(v)} here`,
            `make "${key}" a list of objects with label and bbox (or [] for none)`,
          );
        detections.push([key, v]);
      } else readClassification(file, place, key, v, b, fields);
    }
    // Core values the columns cannot hold as they are stay as metadata (`width_field`, ...).
    const width = typeof row.width === "number" ? row.width : null,
      height = typeof row.height === "number" ? row.height : null;
    const split = typeof row.split === "string" ? row.split : null;
    const tags = isTextList(row.tags) ? row.tags : [];
    if (width === null && row.width != null) fields.width = row.width;
    if (height === null && row.height != null) fields.height = row.height;
    if (split === null && row.split != null) fields.split = row.split;
    if (!isTextList(row.tags) && row.tags != null) fields.tags = row.tags;
    const id = b.addSample({
      id: typeof row.id === "string" ? row.id : typeof row.id === "number" ? String(row.id) : undefined,
      filepath: fp,
      width,
      height,
      split,
      tags,
      fields,
    });
    for (const [field, list] of detections) {
      list.forEach((o, j) => readObject(file, `${place}, ${field}[${j}]`, o, b, id, field));
    }
  }
  return finishImport(b, file, options);
}

function readHeader(file: string, place: string, h: unknown): Header {
  const where = (what: string) => `${place}, blindspot${what}`;
  const invalid = "the header line is not valid";
  if (!isEntry(h))
    fail(
      file,
      where(""),
      invalid,
      'the first line {"blindspot": {...}} holds the version, categories, info, fields and metadata; remove the ' +
        "line or fix it",
    );
  const version = h.version;
  if (typeof version !== "number")
    fail(file, where(".version"), invalid, `give the header its version number (${VERSION})`);
  if (version > VERSION)
    fail(
      file,
      place,
      `written by a newer blindspot (manifest version ${version}; this one reads up to ${VERSION})`,
      "update blindspot to read this file",
    );
  const out: Header = {};
  const { categories, info, fields, metadata } = h;
  if (categories !== undefined) {
    if (!Array.isArray(categories)) fail(file, where(".categories"), invalid, "make categories a list of {id, name}");
    out.categories = categories.map((c: unknown, i: number): Category => {
      if (
        !isEntry(c) ||
        typeof c.id !== "number" ||
        typeof c.name !== "string" ||
        (c.supercategory !== undefined && typeof c.supercategory !== "string") ||
        (c.attributes !== undefined && !isEntry(c.attributes))
      ) {
        fail(
          file,
          where(`.categories[${i}]`),
          invalid,
          "a category is {id: number, name: text, supercategory?: text, attributes?: object}",
        );
      }
      return {
        id: c.id,
        name: c.name,
        ...(typeof c.supercategory === "string" ? { supercategory: c.supercategory } : {}),
        ...(isEntry(c.attributes) ? { attributes: c.attributes } : {}),
      };
    });
  }
  if (info !== undefined) {
    if (!isEntry(info)) fail(file, where(".info"), invalid, "make info an object");
    out.info = info;
  }
  if (fields !== undefined) {
    if (!Array.isArray(fields)) fail(file, where(".fields"), invalid, "make fields a list of {name, kind, predicted}");
    out.fields = fields.map((f: unknown, i: number): FieldInfo => {
      const ok =
        isEntry(f) &&
        typeof f.name === "string" &&
        !CORE.has(f.name) &&
        (f.kind === "detections" || f.kind === "classification") &&
        typeof f.predicted === "boolean" &&
        (f.classes === undefined || isTextList(f.classes));
      if (!ok)
        fail(
          file,
          where(`.fields[${i}]`),
          invalid,
          'a field is {name: text (not a core key), kind: "detections" or "classification", predicted: true or ' +
            "false, classes?: [text]}",
        );
      const e = f as Entry;
      return {
        name: e.name as string,
        kind: e.kind as FieldInfo["kind"],
        predicted: e.predicted as boolean,
        ...(isTextList(e.classes) ? { classes: e.classes } : {}),
      };
    });
  }
  if (metadata !== undefined) {
    if (!isTextList(metadata)) fail(file, where(".metadata"), invalid, "make metadata a list of key names");
    out.metadata = metadata;
  }
  return out;
}

/**
 * Each non-core key's kind, over the whole file: as the header says, else detections when some
 * line holds boxes under it (and every other line a list or null), classification when every
 * value is {label, confidence?, probs?}, metadata otherwise.
 */
function fieldKinds(file: string, lines: Line[], head: Header): Map<string, Kind> {
  const kinds = new Map<string, Kind>();
  for (const f of head.fields ?? []) kinds.set(f.name, f.kind);
  for (const m of head.metadata ?? []) if (!kinds.has(m)) kinds.set(m, "metadata");
  const boxesAt = new Map<string, string>();
  const notClassification = new Set<string>();
  const seen = new Set<string>();
  for (const { place, row } of lines) {
    for (const [key, v] of Object.entries(row)) {
      if (CORE.has(key) || kinds.has(key)) continue;
      seen.add(key);
      if (isDetections(v) && !boxesAt.has(key)) boxesAt.set(key, place);
      if (v !== null && !isClassification(v)) notClassification.add(key);
    }
  }
  for (const key of seen) {
    const at = boxesAt.get(key);
    if (at !== undefined) {
      for (const { place, row } of lines) {
        const v = row[key];
        if (v !== undefined && v !== null && !Array.isArray(v))
          fail(
            file,
            `${place}, ${key}`,
            `"${key}" holds boxes (${at}) but ${describe(v)} here`,
            `make "${key}" a list of objects with label and bbox on every line ([] for none), or rename one of them`,
          );
      }
      kinds.set(key, "detections");
    } else kinds.set(key, notClassification.has(key) ? "metadata" : "classification");
  }
  return kinds;
}

/**
 * A label field the header does not name, from all its values: predicted when any carries a
 * score (or class probabilities), with the classes of the first `probs`.
 */
function discovered(lines: Line[], name: string, kind: "detections" | "classification"): FieldInfo {
  if (kind === "detections") {
    const predicted = lines.some(
      ({ row }) =>
        Array.isArray(row[name]) &&
        (row[name] as unknown[]).some((o) => isEntry(o) && typeof o.confidence === "number"),
    );
    return { name, kind, predicted };
  }
  const entries = lines.map(({ row }) => row[name]).filter(isEntry);
  const predicted = entries.some((v) => typeof v.confidence === "number" || v.probs !== undefined);
  const probs = entries.find((v) => isEntry(v.probs))?.probs as Entry | undefined;
  return { name, kind, predicted, ...(probs ? { classes: Object.keys(probs) } : {}) };
}

function readClassification(
  file: string,
  place: string,
  key: string,
  v: unknown,
  b: DatasetBuilder,
  fields: Entry,
): void {
  if (!isClassification(v))
    fail(
      file,
      `${place}, ${key}`,
      `"${key}" is a classification field but holds ${describe(v)} here`,
      `make "${key}" an object {label, confidence?, probs?}`,
    );
  const probs = v.probs as Record<string, number> | undefined;
  const classes = b.fields.get(key)?.classes;
  fields[key] = v.label;
  if (v.confidence !== undefined) fields[`${key}_confidence`] = v.confidence;
  if (probs != null) {
    if (!isEntry(probs) || !classes || Object.keys(probs).join("\n") !== classes.join("\n"))
      fail(
        file,
        `${place}, ${key}.probs`,
        "probabilities name other classes (or another order) than the field's first probs (or the header's classes)",
        "give every line's probs the same classes in the same order",
      );
    fields[`${key}_probs`] = classes.map((c) => probs[c]);
  }
}

function readObject(file: string, place: string, o: unknown, b: DatasetBuilder, sampleId: string, field: string): void {
  if (!isEntry(o))
    fail(
      file,
      place,
      `expected an object {label, bbox}, found ${describe(o)}`,
      "make it an object with label and bbox, or remove it",
    );
  const bb = o.bbox;
  if (!Array.isArray(bb) || bb.length !== 4 || !bb.every((v) => typeof v === "number"))
    fail(
      file,
      `${place}.bbox`,
      `expected [x, y, width, height] as four numbers, found ${describe(bb)}`,
      "give the object its box in pixels: top-left corner, width, height",
    );
  if (typeof o.label !== "string") fail(file, place, "object has no label", 'give each object a "label"');
  const attributes = dict();
  if (isEntry(o.attributes)) for (const [k, v] of Object.entries(o.attributes)) attributes[k] = v;
  else if (o.attributes != null) attributes.attributes = o.attributes;
  // Keys of its own the object columns have no place for, and values they cannot hold as
  // they are, are kept as attributes, unless `attributes` already has another value by that name.
  const keep = (key: string, v: unknown) => {
    if (!Object.prototype.hasOwnProperty.call(attributes, key)) attributes[key] = v;
    else if (JSON.stringify(attributes[key]) !== JSON.stringify(v)) {
      b.addProblem({
        kind: "attribute-clash",
        sampleId,
        file,
        place,
        message:
          `the object's key ${JSON.stringify(key)} and attributes.${key} differ; kept attributes.${key} ` +
          `(${JSON.stringify(attributes[key])}), not ${JSON.stringify(v)}`,
        hint: `keep one of the two values in the labels file`,
      });
    }
  };
  for (const [k, v] of Object.entries(o)) if (!OBJECT_KEYS.has(k)) keep(k, v);
  if (o.confidence != null && typeof o.confidence !== "number") keep("confidence", o.confidence);
  if (o.iscrowd != null && o.iscrowd !== 0 && o.iscrowd !== 1) keep("iscrowd", o.iscrowd);
  if (o.area != null && typeof o.area !== "number") keep("area", o.area);
  if (o.id != null && typeof o.id !== "string" && typeof o.id !== "number") keep("id", o.id);
  if (o.tags != null && !isTextList(o.tags)) keep("tags", o.tags);
  b.addObject({
    sampleId,
    field,
    label: o.label,
    x: bb[0],
    y: bb[1],
    w: bb[2],
    h: bb[3],
    confidence: typeof o.confidence === "number" ? o.confidence : null,
    iscrowd: Number(o.iscrowd ?? 0) ? 1 : 0,
    area: typeof o.area === "number" ? o.area : null,
    segmentation: o.segmentation ?? null,
    attributes,
    sourceId: typeof o.id === "string" || typeof o.id === "number" ? o.id : null,
    tags: isTextList(o.tags) ? o.tags : [],
  });
}

function isEntry(v: unknown): v is Entry {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function isTextList(v: unknown): v is string[] {
  return Array.isArray(v) && v.every((t) => typeof t === "string");
}

function describe(v: unknown): string {
  if (v === undefined) return "nothing";
  return v === null
    ? "null"
    : Array.isArray(v)
      ? `the list ${short(v)}`
      : typeof v === "object"
        ? `the object ${short(v)}`
        : `${typeof v} ${short(v)}`;
}

function short(v: unknown): string {
  const s = JSON.stringify(v);
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

/** A list in which some object has a `bbox`: a detection field's value. */
function isDetections(v: unknown): boolean {
  return Array.isArray(v) && v.some((o) => isEntry(o) && "bbox" in o);
}

function isClassification(v: unknown): v is { label: unknown; confidence?: unknown; probs?: unknown } {
  return (
    isEntry(v) && "label" in v && Object.keys(v).every((k) => k === "label" || k === "confidence" || k === "probs")
  );
}

async function writeJsonl(ds: Dataset, file: string, _options: WriteOptions): Promise<WriteReport> {
  const s = ds.samples;
  const n = s.numRows();
  const classification = ds.fields.filter((f) => f.kind === "classification");
  const meta = metadataColumns(ds);
  const cols = new Map(s.columnNames().map((c) => [c, values<unknown>(s, c)]));
  const detections = ds.fields.filter((f) => f.kind === "detections").map((f) => fieldObjects(ds, f.name));
  const objectTags = values<string[] | null>(ds.objects, "tags");
  const header = {
    blindspot: { version: VERSION, categories: ds.categories, info: ds.info, fields: ds.fields, metadata: meta },
  };
  const lines: string[] = [JSON.stringify(header)];
  for (let i = 0; i < n; i++) {
    const id = cols.get("id")![i] as string;
    const row = dict();
    Object.assign(row, {
      id,
      filepath: cols.get("filepath")![i],
      width: cols.get("width")![i],
      height: cols.get("height")![i],
      split: cols.get("split")![i],
      tags: cols.get("tags")![i],
    });
    for (const c of meta) row[c] = cols.get(c)![i];
    for (const f of classification) {
      const label = cols.get(f.name)?.[i];
      if (label == null) continue;
      const entry = dict();
      entry.label = label;
      const conf = cols.get(`${f.name}_confidence`)?.[i];
      if (conf != null) entry.confidence = conf;
      const probs = cols.get(`${f.name}_probs`)?.[i] as ArrayLike<number> | null | undefined;
      if (probs != null && f.classes) {
        const p = dict();
        f.classes.forEach((c, k) => {
          p[c] = probs[k];
        });
        entry.probs = p;
      }
      row[f.name] = entry;
    }
    for (const o of detections) {
      const rows = o.bySample.get(id);
      if (!rows) continue;
      row[o.field] = rows.map((r) => {
        const obj: Entry = { label: o.label[r], bbox: [o.x[r], o.y[r], o.w[r], o.h[r]] };
        if (o.confidence[r] !== null) obj.confidence = o.confidence[r];
        if (o.iscrowd[r]) obj.iscrowd = 1;
        if (o.area[r] !== null) obj.area = o.area[r];
        if (o.segmentation[r] !== null) obj.segmentation = JSON.parse(o.segmentation[r]!);
        if (o.attributes[r] !== null) obj.attributes = JSON.parse(o.attributes[r]!);
        if (o.sourceId[r] !== null) obj.id = o.sourceId[r];
        if (objectTags[r]?.length) obj.tags = Array.from(objectTags[r]!);
        return obj;
      });
    }
    lines.push(JSON.stringify(row));
  }
  writeFileAtomic(file, lines.join("\n") + "\n");
  return { files: 1, dropped: [] };
}
