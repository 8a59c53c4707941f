import { values } from "../../dataset/columns";
import type { Dataset } from "../../dataset/dataset";
import * as path from "node:path";
import { GROUND_TRUTH, SAMPLE_CORE_COLUMNS, type Category } from "../../dataset/schema";
import { BlindspotError } from "../../errors";
import type { Capabilities, ReadOptions, WriteOptions } from "../format";

/** One label field's objects, columnar, with the rows of each sample. */
export interface FieldObjects {
  field: string;
  bySample: Map<string, number[]>;
  label: ArrayLike<string>;
  x: ArrayLike<number>;
  y: ArrayLike<number>;
  w: ArrayLike<number>;
  h: ArrayLike<number>;
  confidence: ArrayLike<number | null>;
  iscrowd: ArrayLike<number>;
  area: ArrayLike<number | null>;
  segmentation: ArrayLike<string | null>;
  attributes: ArrayLike<string | null>;
  sourceId: ArrayLike<string | null>;
}

export function fieldObjects(ds: Dataset, field: string): FieldObjects {
  const t = ds.objects;
  const sampleIds = values<string>(t, "sample_id");
  const fields = values<string>(t, "field");
  const bySample = new Map<string, number[]>();
  for (let i = 0; i < fields.length; i++) {
    if (fields[i] !== field) continue;
    const list = bySample.get(sampleIds[i]);
    if (list) list.push(i);
    else bySample.set(sampleIds[i], [i]);
  }
  return {
    field,
    bySample,
    label: values(t, "label"),
    x: values(t, "x"),
    y: values(t, "y"),
    w: values(t, "w"),
    h: values(t, "h"),
    confidence: values(t, "confidence"),
    iscrowd: values(t, "iscrowd"),
    area: values(t, "area"),
    segmentation: values(t, "segmentation"),
    attributes: values(t, "attributes"),
    sourceId: values(t, "source_id"),
  };
}

/** The label field a writer writes: the one asked for, else ground truth, else the only one. */
export function fieldToWrite(ds: Dataset, options: WriteOptions, kind?: "detections" | "classification"): string {
  const candidates = ds.fields.filter((f) => kind === undefined || f.kind === kind);
  if (options.field !== undefined) {
    if (!ds.fields.some((f) => f.name === options.field)) {
      throw new BlindspotError({
        message: `no label field ${JSON.stringify(options.field)}`,
        hint: `label fields are: ${ds.fields.map((f) => f.name).join(", ") || "(none)"}`,
      });
    }
    return options.field;
  }
  const gt = candidates.find((f) => f.name === GROUND_TRUTH);
  if (gt) return gt.name;
  if (candidates.length === 1) return candidates[0].name;
  if (candidates.length === 0) return GROUND_TRUTH;
  throw new BlindspotError({
    message: "several label fields and none chosen",
    hint: `pass --field with one of: ${candidates.map((f) => f.name).join(", ")}`,
  });
}

/** Sample columns that are free metadata (not core, not label columns). */
export function metadataColumns(ds: Dataset): string[] {
  const core = new Set<string>(SAMPLE_CORE_COLUMNS);
  const labelCols = new Set(
    ds.fields
      .filter((f) => f.kind === "classification")
      .flatMap((f) => [f.name, `${f.name}_confidence`, `${f.name}_probs`]),
  );
  return ds.samples.columnNames().filter((c) => !core.has(c) && !labelCols.has(c));
}

/**
 * Lists what writing the detection `fields` of `ds` to a format with capabilities `holds`
 * would lose, one line per kind with counts. Empty when nothing is lost. Label fields left
 * unwritten count as lost unless the caller chose the field (`fieldChosen`).
 */
export function losses(
  ds: Dataset,
  fields: string[],
  holds: Capabilities,
  formatName: string,
  fieldChosen = false,
): string[] {
  const out: string[] = [];
  let boxes = 0,
    polygons = 0,
    rle = 0,
    crowd = 0,
    scores = 0,
    attributes = 0,
    objectTags = 0,
    areas = 0;
  for (const field of fields) {
    const o = fieldObjects(ds, field);
    for (const rows of o.bySample.values()) {
      for (const i of rows) {
        boxes++;
        const seg = o.segmentation[i];
        if (seg !== null) {
          if (seg.startsWith("[")) polygons++;
          else rle++;
        }
        if (o.iscrowd[i]) crowd++;
        if (o.confidence[i] !== null) scores++;
        if (o.attributes[i] !== null) attributes++;
        const area = o.area[i];
        if (area !== null && area !== o.w[i] * o.h[i]) areas++;
      }
    }
  }
  if (!holds.objectTags) {
    const tags = values<string[] | null>(ds.objects, "tags");
    const fieldOf = values<string>(ds.objects, "field");
    const written = new Set(fields);
    for (let i = 0; i < tags.length; i++) if (written.has(fieldOf[i]) && tags[i]?.length) objectTags++;
  }
  const say = (n: number, what: string) => {
    if (n > 0) out.push(`${n} ${what} (${formatName} cannot hold them)`);
  };
  if (!holds.boxes) say(boxes, "boxes");
  if (!holds.polygons) say(polygons, "polygon masks");
  if (!holds.rle) say(rle, "RLE masks");
  if (!holds.crowd) say(crowd, "crowd flags");
  if (!holds.confidence) say(scores, "confidence scores");
  if (!holds.attributes) say(attributes, "objects' attributes");
  if (!holds.objectTags) say(objectTags, "tagged objects' tags");
  if (!holds.area && areas)
    out.push(
      `${areas} object areas unlike their box areas (${formatName} cannot hold them; COCO evaluation sorts ` +
        `objects by area)`,
    );
  const categoryExtras = ds.categories.filter((c) => c.attributes && Object.keys(c.attributes).length);
  if (!holds.categoryKeys && categoryExtras.length)
    out.push(
      `${categoryExtras.length} categories' own keys ` +
        `(${[...new Set(categoryExtras.flatMap((c) => Object.keys(c.attributes!)))].join(", ")}) (${formatName} ` +
        `cannot hold them)`,
    );
  if (!holds.ids && ds.categories.length && !idsAreIndices(ds))
    out.push(
      `${ds.categories.length} category ids (${formatName} cannot hold them: results files naming them ` +
        `would not match)`,
    );
  if (!holds.splits)
    say(
      countWhere(values<string | null>(ds.samples, "split"), (v) => v !== null),
      "samples' splits",
    );
  if (!holds.sampleTags)
    say(
      countWhere(values<string[] | null>(ds.samples, "tags"), (v) => !!v?.length),
      "tagged samples' tags",
    );
  if (!holds.metadata) {
    const meta = metadataColumns(ds).filter((c) => c !== "source_id");
    if (meta.length) out.push(`metadata columns ${meta.join(", ")} (${formatName} cannot hold them)`);
  }
  if (!holds.ids && ds.samples.columnNames().includes("source_id")) {
    const n = countWhere(values<unknown>(ds.samples, "source_id"), (v) => v != null);
    if (n) out.push(`${n} image ids (${formatName} cannot hold them: results files naming them would not match)`);
  }
  const classification = ds.fields.filter((f) => f.kind === "classification");
  if (!holds.classification && classification.length)
    out.push(`classification fields ${classification.map((f) => f.name).join(", ")} (${formatName} cannot hold them)`);
  if (holds.classification && !holds.multipleFields && classification.length > 1) {
    out.push(
      `classification fields ${classification
        .slice(1)
        .map((f) => f.name)
        .join(", ")} (${formatName} holds one; write the others with --field)`,
    );
  }
  if (holds.classification && !holds.confidence) {
    const columns = ds.samples.columnNames();
    const scored = classification.filter(
      (f) => columns.includes(`${f.name}_confidence`) || columns.includes(`${f.name}_probs`),
    );
    if (scored.length)
      out.push(
        `confidences and class probabilities of ${scored.map((f) => f.name).join(", ")} (${formatName} ` +
          `cannot hold them)`,
      );
  }
  const others = ds.fields.filter((f) => !fields.includes(f.name) && f.kind === "detections");
  if (others.length && !fieldChosen)
    out.push(
      `label fields ${others.map((f) => f.name).join(", ")} (only ${fields.join(", ")} is written; write the others ` +
        `with --field)`,
    );
  return out;
}

/** Category ids that any format reproduces: 0..n-1 or 1..n in list order. */
function idsAreIndices(ds: Dataset): boolean {
  const ids = ds.categories.map((c) => c.id);
  return ids.every((id, i) => id === i) || ids.every((id, i) => id === i + 1);
}

function countWhere<T>(list: ArrayLike<T>, test: (v: T) => boolean): number {
  let n = 0;
  for (let i = 0; i < list.length; i++) if (test(list[i])) n++;
  return n;
}

/** The images folder of read options, absolute, or null. */
export function imagesDirFor(options: ReadOptions): string | null {
  return options.images === undefined ? null : path.resolve(options.images);
}

/** Integer ids from a source column when they are all present, integral and unique; else 1..n. */
export function integerIds(source: ArrayLike<unknown>): number[] {
  const out: number[] = [];
  const seen = new Set<number>();
  for (let i = 0; i < source.length; i++) {
    const v = source[i];
    const n = typeof v === "number" ? v : typeof v === "string" && /^-?\d+$/.test(v) ? Number(v) : NaN;
    if (!Number.isSafeInteger(n) || seen.has(n)) return Array.from({ length: source.length }, (_, k) => k + 1);
    seen.add(n);
    out.push(n);
  }
  return out;
}

/** Category ids by name: the dataset's categories, plus new ids for labels it lacks. */
export function categoryIds(categories: Category[], labels: Iterable<string>): Map<string, number> {
  const ids = new Map(categories.map((c) => [c.name, c.id]));
  let next = categories.reduce((m, c) => Math.max(m, c.id + 1), categories.length ? 0 : 1);
  for (const l of labels) if (!ids.has(l)) ids.set(l, next++);
  return ids;
}

/** The labels a field uses, in first-seen order. */
export function fieldLabels(o: FieldObjects): Set<string> {
  const labels = new Set<string>();
  for (const rows of o.bySample.values()) for (const r of rows) labels.add(o.label[r]);
  return labels;
}

/**
 * Class names in index order for formats that store class indices (YOLO, text box files):
 * the dataset's categories by id, then any label they lack.
 */
export function classNames(ds: Dataset, labels: Iterable<string>): string[] {
  const ordered = [...ds.categories].sort((a, b) => a.id - b.id).map((c, id) => ({ id, name: c.name }));
  return [...categoryIds(ordered, labels).keys()];
}

/** An object for keys read from files: "__proto__" stays a key. */
export function dict(): Record<string, unknown> {
  return Object.create(null) as Record<string, unknown>;
}

/**
 * Parses an object's attributes JSON; COCO files exported by CVAT nest them in `attributes`
 * ({"attributes": {"occluded": false}}), which come out as attributes of their own (the
 * object's own keys win over nested ones of the same name). A format that writes the result
 * does not give the nesting back: pass `restructured` to learn what changed (one object
 * flattened, and how many nested values an own key of the same name left out), and report it.
 */
export function objectAttributes(
  json: string | null,
  restructured?: { flattened: number; shadowed: number },
): Record<string, unknown> {
  if (json === null) return {};
  const a = JSON.parse(json) as Record<string, unknown>;
  const nested = a.attributes;
  if (nested === null || typeof nested !== "object" || Array.isArray(nested)) return a;
  const { attributes: _, ...rest } = a;
  if (restructured) {
    restructured.flattened++;
    for (const k of Object.keys(nested)) if (Object.prototype.hasOwnProperty.call(rest, k)) restructured.shadowed++;
  }
  return { ...(nested as Record<string, unknown>), ...rest };
}

/** The error of a write refused because the target format cannot hold everything. */
export function lossError(output: string, formatName: string, lost: string[]): BlindspotError {
  return new BlindspotError({
    file: output,
    message:
      `${formatName} cannot hold everything in this dataset, so nothing was written:\n  - ` + `${lost.join("\n  - ")}`,
    hint: "write to a format that holds it (blindspot, jsonl, coco), or pass --lossy (lossy: true) to write without it",
  });
}
