import * as path from "node:path";
import { DatasetBuilder } from "../dataset/builder";
import { values } from "../dataset/columns";
import type { Dataset } from "../dataset/dataset";
import { SAMPLE_CORE_COLUMNS } from "../dataset/schema";
import { fail } from "../errors";
import { writeFileAtomic } from "../io/atomic";
import { finishImport } from "./common/finish";
import { parseJson, readText } from "./common/files";
import { fieldObjects, imagesDirFor } from "./common/labels";
import type { Format, ReadOptions, WriteOptions, WriteReport } from "./format";

/**
 * JSON Lines manifest, one sample per line, holding everything blindspot holds:
 *   {"filepath": "a.jpg", "width": 640, "height": 480, "split": "train", "tags": [],
 *    "weather": "rain",                                         <- any metadata
 *    "animal": {"label": "cat", "confidence": 0.9, "probs": {"cat": 0.9, "dog": 0.1}},  <- classification
 *    "ground_truth": [{"label": "car", "bbox": [x, y, w, h], "iscrowd": 0, ...}]}  <- detections
 * A key whose value is a list of objects with `bbox` is a detection field; an object with
 * `label` is a classification field; anything else is metadata.
 */
export const jsonl: Format = {
  name: "jsonl",
  description: "JSON Lines manifest: one sample per line with metadata, classification and detection fields",
  holds: { boxes: true, polygons: true, rle: true, crowd: true, confidence: true, classification: true, metadata: true, attributes: true, multipleFields: true, splits: true, sampleTags: true, objectTags: true },
  detect: (input) => input.endsWith(".jsonl") || input.endsWith(".ndjson"),
  read: readJsonl,
  write: writeJsonl,
};

const CORE = new Set<string>(["id", "filepath", "width", "height", "split", "tags"]);

async function readJsonl(file: string, options: ReadOptions): Promise<Dataset> {
  const b = new DatasetBuilder(options.name ?? path.basename(file).replace(/\.(jsonl|ndjson)$/, ""), imagesDirFor(options) ?? path.dirname(path.resolve(file)));
  readText(file).split("\n").forEach((line, k) => {
    if (!line.trim()) return;
    const place = `line ${k + 1}`;
    const row = parseJson(`${file} ${place}`, line) as Record<string, unknown>;
    if (typeof row !== "object" || row === null || Array.isArray(row)) fail(file, place, "each line must be a JSON object", "write one sample object per line");
    const fp = row.filepath;
    if (typeof fp !== "string" || !fp) fail(file, place, "sample has no filepath", 'give each line a "filepath"');
    const fields: Record<string, unknown> = {};
    const labelFields: [string, unknown][] = [];
    for (const [key, v] of Object.entries(row)) {
      if (CORE.has(key)) continue;
      if (Array.isArray(v) && v.length === 0 && b.fields.get(key)?.kind === "detections") continue;
      if (isDetections(v)) labelFields.push([key, v]);
      else if (isClassification(v)) {
        const probs = v.probs as Record<string, number> | undefined;
        const known = b.fields.get(key);
        const classes = known?.classes ?? (probs ? Object.keys(probs) : undefined);
        if (!known) b.declareField({ name: key, kind: "classification", predicted: typeof v.confidence === "number" || probs !== undefined, ...(classes ? { classes } : {}) });
        fields[key] = v.label;
        if (v.confidence !== undefined) fields[`${key}_confidence`] = v.confidence;
        if (probs) {
          if (!classes || Object.keys(probs).join("\n") !== classes.join("\n")) fail(file, `${place}, ${key}.probs`, "probabilities name other classes (or another order) than on the first line", "give every line's probs the same classes in the same order");
          fields[`${key}_probs`] = classes.map((c) => probs[c]);
        }
      } else fields[key] = v;
    }
    const id = b.addSample({
      id: typeof row.id === "string" ? row.id : undefined, filepath: fp,
      width: typeof row.width === "number" ? row.width : null, height: typeof row.height === "number" ? row.height : null,
      split: typeof row.split === "string" ? row.split : null, tags: Array.isArray(row.tags) ? row.tags.map(String) : [], fields,
    });
    for (const [field, list] of labelFields) {
      const objs = list as Record<string, unknown>[];
      if (!b.fields.has(field)) b.declareField({ name: field, kind: "detections", predicted: objs.some((o) => typeof o.confidence === "number") });
      objs.forEach((o, j) => {
        const bb = o.bbox as number[];
        if (typeof o.label !== "string") fail(file, `${place}, ${field}[${j}]`, "object has no label", 'give each object a "label"');
        b.addObject({
          sampleId: id, field, label: o.label, x: bb[0], y: bb[1], w: bb[2], h: bb[3],
          confidence: typeof o.confidence === "number" ? o.confidence : null,
          iscrowd: Number(o.iscrowd ?? 0), area: typeof o.area === "number" ? o.area : null,
          segmentation: o.segmentation ?? null, attributes: (o.attributes as Record<string, unknown>) ?? null,
          sourceId: (o.id as string | number | undefined) ?? null, tags: Array.isArray(o.tags) ? o.tags.map(String) : [],
        });
      });
    }
  });
  return finishImport(b, file, options);
}

function isDetections(v: unknown): boolean {
  return Array.isArray(v) && v.length > 0 && v.every((o) => typeof o === "object" && o !== null && Array.isArray((o as { bbox?: unknown }).bbox) && (o as { bbox: unknown[] }).bbox.length === 4);
}

function isClassification(v: unknown): v is { label: unknown; confidence?: unknown; probs?: unknown } {
  return typeof v === "object" && v !== null && !Array.isArray(v) && "label" in v && Object.keys(v).every((k) => k === "label" || k === "confidence" || k === "probs");
}

async function writeJsonl(ds: Dataset, file: string, _options: WriteOptions): Promise<WriteReport> {
  const s = ds.samples;
  const n = s.numRows();
  const classification = ds.fields.filter((f) => f.kind === "classification");
  const labelCols = new Set(classification.flatMap((f) => [f.name, `${f.name}_confidence`, `${f.name}_probs`]));
  const core = new Set<string>(SAMPLE_CORE_COLUMNS);
  const meta = s.columnNames().filter((c) => !core.has(c) && !labelCols.has(c));
  const cols = new Map(s.columnNames().map((c) => [c, values<unknown>(s, c)]));
  const detections = ds.fields.filter((f) => f.kind === "detections").map((f) => fieldObjects(ds, f.name));
  const lines: string[] = [];
  for (let i = 0; i < n; i++) {
    const id = cols.get("id")![i] as string;
    const row: Record<string, unknown> = { id, filepath: cols.get("filepath")![i], width: cols.get("width")![i], height: cols.get("height")![i], split: cols.get("split")![i], tags: cols.get("tags")![i] };
    for (const c of meta) row[c] = cols.get(c)![i];
    for (const f of classification) {
      const label = cols.get(f.name)?.[i];
      if (label == null) continue;
      const entry: Record<string, unknown> = { label };
      const conf = cols.get(`${f.name}_confidence`)?.[i];
      if (conf != null) entry.confidence = conf;
      const probs = cols.get(`${f.name}_probs`)?.[i] as ArrayLike<number> | null | undefined;
      if (probs != null && f.classes) entry.probs = Object.fromEntries(f.classes.map((c, k) => [c, probs[k]]));
      row[f.name] = entry;
    }
    for (const o of detections) {
      const rows = o.bySample.get(id);
      if (!rows) continue;
      row[o.field] = rows.map((r) => {
        const obj: Record<string, unknown> = { label: o.label[r], bbox: [o.x[r], o.y[r], o.w[r], o.h[r]] };
        if (o.confidence[r] !== null) obj.confidence = o.confidence[r];
        if (o.iscrowd[r]) obj.iscrowd = 1;
        if (o.area[r] !== null) obj.area = o.area[r];
        if (o.segmentation[r] !== null) obj.segmentation = JSON.parse(o.segmentation[r]!);
        if (o.attributes[r] !== null) obj.attributes = JSON.parse(o.attributes[r]!);
        if (o.sourceId[r] !== null) obj.id = o.sourceId[r];
        return obj;
      });
    }
    lines.push(JSON.stringify(row));
  }
  writeFileAtomic(file, lines.join("\n") + "\n");
  return { files: 1, dropped: [] };
}
