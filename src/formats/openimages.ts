import * as path from "node:path";
import { DatasetBuilder } from "../dataset/builder";
import { values } from "../dataset/columns";
import { parsedOnce, WritePlans } from "./common/plans";
import type { Dataset } from "../dataset/dataset";
import { GROUND_TRUTH } from "../dataset/schema";
import { fail } from "../errors";
import { writeFileAtomic } from "../io/atomic";
import { addNormalisedCorners, sizeOf } from "./common/boxes";
import { csvRecords, formatCsv, type CsvValue } from "./common/csv";
import { finishImport } from "./common/finish";
import { IMAGE_EXTENSIONS, ImageIndex, isDir, oneFileIn, readHead, readText } from "./common/files";
import { fieldObjects, fieldToWrite, type FieldObjects } from "./common/labels";
import type { Capabilities, Format, ReadOptions, WriteOptions, WriteReport } from "./format";

/**
 * Open Images box CSV, one row per box:
 * `ImageID,Source,LabelName,Confidence,XMin,XMax,YMin,YMax,IsOccluded,IsTruncated,IsGroupOf,IsDepiction,IsInside`.
 * Coordinates are fractions of the image size, so reading needs the images (sizes come from
 * their headers): x = XMin*W, w = (XMax-XMin)*W, y = YMin*H, h = (YMax-YMin)*H.
 *
 * - ImageID is a file name with an image extension (CVAT, Datumaro exports) or a bare id
 *   (the official files), found as `<ImageID>.<ext>` in the images folder.
 * - Numbers may use a decimal comma ("0,358", quoted), as some exports write them.
 * - IsGroupOf is the crowd flag; Confidence the score (a file with scores is read as
 *   predictions, except when every score is 1: the official human-verified boxes carry
 *   Confidence 1, and are read as ground truth).
 * - Source, IsOccluded, IsTruncated, IsDepiction, IsInside become the attributes `source`,
 *   `occluded`, `truncated`, `depiction`, `inside` (empty cells are left out); any other column
 *   becomes an attribute of its own name. The writer maps them back, so attributes from other
 *   formats (e.g. VOC `difficult`) are written as extra columns.
 * - LabelName is kept as the label (Open Images uses MIDs such as /m/01g317).
 */

const COLUMNS = [
  "ImageID",
  "Source",
  "LabelName",
  "Confidence",
  "XMin",
  "XMax",
  "YMin",
  "YMax",
  "IsOccluded",
  "IsTruncated",
  "IsGroupOf",
  "IsDepiction",
  "IsInside",
] as const;
const REQUIRED = ["ImageID", "LabelName", "XMin", "XMax", "YMin", "YMax"] as const;
/** Open Images columns held as attributes, and the attribute names they get. */
const ATTRIBUTE_COLUMNS: Record<string, string> = {
  Source: "source",
  IsOccluded: "occluded",
  IsTruncated: "truncated",
  IsDepiction: "depiction",
  IsInside: "inside",
};
const DEFAULT_FILE = "all_bounding_boxes.csv";

const HOLDS: Capabilities = {
  boxes: true,
  polygons: false,
  rle: false,
  crowd: true,
  confidence: true,
  classification: false,
  metadata: false,
  attributes: true,
  multipleFields: false,
  splits: false,
  sampleTags: false,
  objectTags: false,
  area: false,
  ids: false,
  categoryKeys: false,
};

export const openimages: Format = {
  name: "openimages",
  description: "Open Images box CSV (normalised boxes, group-of, scores, occluded/truncated/... flags); needs --images",
  reads: "file",
  holds: HOLDS,
  detect: (input) => input.toLowerCase().endsWith(".csv") && looksLikeOpenImages(input),
  read: readOpenImages,
  plan: async (ds, output, options) => (await plans.get(ds, output, options)).lost,
  write: writeOpenImages,
};

/** What the reader remembers so the writer writes the file back the same way. */
interface OpenImagesInfo {
  /** `bare`: ImageIDs had no extension, so the writer drops it again. */
  imageIds: "bare" | "files";
  /** Confidence written for boxes without a score (1 when the source gave 1 everywhere). */
  confidence?: number;
}

function looksLikeOpenImages(file: string): boolean {
  const head = readHead(file);
  if (head === null) return false;
  const cols = head
    .split(/\r?\n/)[0]
    .split(",")
    .map((c) => c.trim().replace(/^"|"$/g, ""));
  return REQUIRED.every((c) => cols.includes(c));
}

/** A CSV file of boxes given as the file or the folder holding it. */
function boxFile(input: string): string {
  if (!isDir(input)) return input;
  const isBoxCsv = (file: string) => /\.csv$/i.test(file) && looksLikeOpenImages(file);
  return oneFileIn(input, isBoxCsv, "Open Images box CSV", `its first line is ${COLUMNS.join(",")}`);
}

/**
 * Parses a number written with a decimal point or a decimal comma ("0.358", "0,358", "1e-3").
 * Returns null for an empty cell and NaN for text that is no number.
 */
export function parseDecimal(text: string): number | null {
  const s = text.trim();
  if (s === "") return null;
  if (!/^[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?$/.test(s)) return NaN;
  return Number(s.replace(",", "."));
}

/** An attribute cell (trimmed): integers (the 0/1/-1 flags) as numbers, other text as is. */
function attributeValue(text: string): string | number {
  return /^-?\d{1,15}$/.test(text) ? Number(text) : text;
}

/** What an attribute value would not read back as: the writer's cell is read by `attributeValue`. */
type Change = "boolean" | "number" | "text" | "structured" | "empty" | null;

function changeOf(v: unknown): Change {
  if (v === null || v === undefined || v === "") return "empty";
  if (typeof v === "boolean") return "boolean";
  if (typeof v === "number")
    return Number.isFinite(v) && attributeValue(String(v)) === v && !Object.is(v, -0) ? null : "number";
  if (typeof v === "string") return v.trim() === v && attributeValue(v) === v ? null : "text";
  return "structured";
}

async function readOpenImages(input: string, options: ReadOptions): Promise<Dataset> {
  const file = boxFile(input);
  const imagesDir = options.images === undefined ? null : path.resolve(options.images);
  if (imagesDir === null) {
    fail(
      file,
      undefined,
      "Open Images boxes are fractions of the image size, so the images are needed to read them",
      "pass --images with the folder that holds the images (the `images` option): their sizes are read from the " +
        "image headers",
    );
  }
  const text = readText(file);
  const records = csvRecords(text, { file });
  const head = records.next();
  if (head.done)
    fail(file, undefined, "the file is empty", `an Open Images box file starts with the header ${COLUMNS.join(",")}`);
  const header = head.value.fields.map((h) => h.trim());
  const col = new Map<string, number>();
  header.forEach((h, i) => {
    if (!col.has(h)) col.set(h, i);
  });
  const missing = REQUIRED.filter((c) => !col.has(c));
  if (missing.length) {
    fail(
      file,
      "line 1 (header)",
      `missing column${missing.length > 1 ? "s" : ""} ${missing.join(", ")}`,
      `an Open Images box file starts with the header ${COLUMNS.join(",")}`,
    );
  }
  const cImage = col.get("ImageID")!,
    cLabel = col.get("LabelName")!,
    cConf = col.get("Confidence"),
    cGroup = col.get("IsGroupOf");
  const coordCols = (["XMin", "XMax", "YMin", "YMax"] as const).map((c) => col.get(c)!);
  const attrCols: [number, string][] = [];
  header.forEach((h, i) => {
    if (col.get(h) !== i || h === "") return;
    if (h in ATTRIBUTE_COLUMNS) attrCols.push([i, ATTRIBUTE_COLUMNS[h]]);
    else if (!(COLUMNS as readonly string[]).includes(h)) attrCols.push([i, h]);
  });

  const b = new DatasetBuilder(options.name ?? path.basename(file, path.extname(file)), imagesDir);
  let index: ImageIndex | undefined;
  const rowOfImage = new Map<string, number>();
  let bare = 0;
  // Boxes are kept normalised until the image sizes are known.
  const boxRow: number[] = [],
    labels: string[] = [],
    coords: number[] = [],
    conf: (number | null)[] = [];
  const crowd: number[] = [],
    attrs: (Record<string, unknown> | null)[] = [];

  for (const r of records) {
    const f = r.fields;
    const place = `line ${r.line}`;
    if (f.length !== header.length) {
      fail(
        file,
        place,
        `has ${f.length} fields but the header has ${header.length}`,
        f.length > header.length
          ? 'quote fields that hold a comma (numbers with a decimal comma must be quoted: "0,358")'
          : "every row needs all the header's columns (empty cells are fine)",
      );
    }
    const imageId = f[cImage].trim();
    if (imageId === "") fail(file, place, "ImageID is empty", "give every row the image's id or file name");
    let row = rowOfImage.get(imageId);
    if (row === undefined) {
      let filepath = imageId;
      if (!IMAGE_EXTENSIONS.test(imageId)) {
        bare++;
        // `<ImageID>.<ext>` (also in a subfolder), else `<ImageID>.jpg`.
        index ??= ImageIndex.of(imagesDir);
        filepath = index.match(imageId).file ?? `${imageId}.jpg`;
      }
      b.addSample({ filepath, width: null, height: null });
      row = b.sampleCount - 1;
      rowOfImage.set(imageId, row);
    }
    for (let k = 0; k < 4; k++) {
      const v = parseDecimal(f[coordCols[k]]);
      if (v === null || Number.isNaN(v)) {
        fail(
          file,
          `${place}, ${header[coordCols[k]]}`,
          v === null ? "coordinate is empty" : `not a number: ${JSON.stringify(f[coordCols[k]])}`,
          "write box coordinates as fractions of the image size between 0 and 1, e.g. 0.358",
        );
      }
      coords.push(v);
    }
    let score: number | null = null;
    if (cConf !== undefined) {
      score = parseDecimal(f[cConf]);
      if (score !== null && Number.isNaN(score))
        fail(
          file,
          `${place}, Confidence`,
          `not a number: ${JSON.stringify(f[cConf])}`,
          "write the score as a number, or leave the cell empty for ground truth",
        );
    }
    let group = 0;
    if (cGroup !== undefined) {
      const g = f[cGroup].trim().toLowerCase();
      group = g === "1" || g === "true" ? 1 : 0;
    }
    let a: Record<string, unknown> | null = null;
    for (const [i, name] of attrCols) {
      const v = f[i].trim();
      if (v === "") continue;
      (a ??= {})[name] = attributeValue(v);
    }
    boxRow.push(row);
    labels.push(f[cLabel]);
    conf.push(score);
    crowd.push(group);
    attrs.push(a);
  }

  const scores = conf.filter((c) => c !== null);
  const allOne = scores.length === conf.length && scores.length > 0 && scores.every((c) => c === 1);
  const field = options.field ?? (scores.length > 0 && !allOne ? "predictions" : GROUND_TRUTH);
  const predicted = scores.length > 0 && !(allOne && field === GROUND_TRUTH);
  b.declareField({ name: field, kind: "detections", predicted });
  const info: OpenImagesInfo = { imageIds: bare > 0 && bare === b.sampleCount ? "bare" : "files" };
  if (allOne && !predicted) info.confidence = 1;
  b.info = { openimages: info };

  // The sizes come from the image headers, read by finishImport; then the boxes go in.
  const addBoxes = (b: DatasetBuilder) =>
    addNormalisedCorners(
      b,
      boxRow,
      coords,
      (k) => ({
        field,
        label: labels[k],
        confidence: predicted ? conf[k] : null,
        iscrowd: crowd[k],
        attributes: attrs[k],
      }),
      file,
      "Open Images coordinates are fractions of the image size, and the image's size could not be read",
      "put the image in the images folder (see the sample's other problems), then load again",
    );
  return finishImport(b, file, { ...options, checkImages: "header" }, addBoxes);
}

/** What an Open Images write needs and loses, found before anything is written. */
interface OpenImagesPlan {
  o: FieldObjects;
  file: string;
  header: string[];
  /** Each sample's size (0 for samples without boxes, which are not written). */
  W: number[];
  H: number[];
  attrsOf: (json: string) => Record<string, unknown>;
  lost: string[];
}

/** Attribute values that would not read back equal, by kind, with the attribute names. */
class Changes {
  readonly count = { boolean: 0, number: 0, text: 0, structured: 0, empty: 0, name: 0 };
  readonly names = {
    boolean: new Set<string>(),
    number: new Set<string>(),
    text: new Set<string>(),
    structured: new Set<string>(),
    empty: new Set<string>(),
    name: new Set<string>(),
  };
  add(kind: keyof Changes["count"], name: string): void {
    this.count[kind]++;
    this.names[kind].add(name);
  }
  lines(): string[] {
    const out: string[] = [];
    const names = (k: keyof Changes["count"]) =>
      `attributes ${[...this.names[k]]
        .slice(0, 5)
        .map((n) => JSON.stringify(n))
        .join(", ")}`;
    const say = (k: keyof Changes["count"], what: string) => {
      if (this.count[k]) out.push(`${this.count[k]} ${what.replace("%s", names(k))}`);
    };
    say("boolean", "boolean attribute values (written as 1/0: openimages has no booleans; %s)");
    say("number", "attribute values that are numbers other than integers (openimages reads them back as text; %s)");
    say(
      "text",
      "attribute values that are text reading back as a number or without their spaces at the ends (openimages reads " +
        "integer cells as numbers and trims cells; %s)",
    );
    say(
      "structured",
      "attribute values that are lists or objects (openimages writes them as JSON text, which reads back as text; %s)",
    );
    say("empty", 'empty (null or "") attribute values (openimages reads an empty cell as no value; %s)');
    say(
      "name",
      "attribute values whose names are empty or have spaces at the ends (an Open Images header is read trimmed; %s)",
    );
    return out;
  }
}

const plans = new WritePlans<Promise<OpenImagesPlan>>(planOpenImages);

async function planOpenImages(ds: Dataset, output: string, options: WriteOptions): Promise<OpenImagesPlan> {
  const field = fieldToWrite(ds, options, "detections");
  const o = fieldObjects(ds, field);
  const file = isDir(output) ? path.join(output, DEFAULT_FILE) : output;
  const s = ds.samples;
  const ids = values<string>(s, "id"),
    filepaths = values<string>(s, "filepath");
  const widths = values<number | null>(s, "width"),
    heights = values<number | null>(s, "height");
  const defaultConfidence = defaultConfidenceOf(ds);

  // Attribute keys: the known ones go to their columns, others to extra columns.
  const attrsOf = parsedOnce((json: string) => JSON.parse(json) as Record<string, unknown>);
  const extra: string[] = [];
  const seen = new Set<string>();
  const changes = new Changes();
  let clashing = 0,
    empty = 0,
    scored = 0,
    ones = 0,
    boxes = 0;
  const W: number[] = [],
    H: number[] = [];
  for (let r = 0; r < ids.length; r++) {
    const rows = o.bySample.get(ids[r]);
    if (!rows || rows.length === 0) {
      empty++;
      W.push(0);
      H.push(0);
      continue;
    }
    const size = await sizeOf(ds, ids[r], filepaths[r], widths[r], heights[r]);
    W.push(size.W);
    H.push(size.H);
    for (const i of rows) {
      boxes++;
      const score = o.confidence[i] ?? defaultConfidence;
      if (score !== null) scored++;
      if (score === 1) ones++;
      const text = o.attributes[i];
      if (text === null) continue;
      for (const [k, v] of Object.entries(attrsOf(text))) {
        if (!ATTRIBUTE_NAMES.has(k)) {
          if (RESERVED.has(k)) {
            clashing++;
            continue;
          }
          if (k === "" || k.trim() !== k) {
            changes.add("name", k);
            continue;
          }
          if (!seen.has(k)) {
            seen.add(k);
            extra.push(k);
          }
        }
        const change = changeOf(v);
        if (change !== null) changes.add(change, k);
      }
    }
  }
  const lost: string[] = [];
  if (empty > 0)
    lost.push(
      `${empty} image${empty > 1 ? "s" : ""} without boxes (an Open Images box file lists only images that have boxes)`,
    );
  if (clashing > 0) lost.push(`${clashing} attribute values named like an Open Images column (${COLUMNS.join(", ")})`);
  lost.push(...changes.lines());
  // The reader takes a file with scores as predictions, unless every box has the score 1.
  const predicted = ds.fields.find((f) => f.name === field)?.predicted ?? false;
  const readAsPredicted = scored > 0 && !(scored === boxes && ones === boxes);
  if (predicted && !readAsPredicted) {
    lost.push(
      scored > 0
        ? `predictions ${JSON.stringify(field)}: their ${ones} scores, all 1 (openimages reads a file whose scores ` +
            `are all 1 as ground truth without scores, as the official human-verified boxes are)`
        : `predictions ${JSON.stringify(field)} without scores (openimages reads them back as ground truth)`,
    );
  } else if (!predicted && readAsPredicted) {
    lost.push(
      `ground truth ${JSON.stringify(field)} with ${scored} scores (openimages reads a file with scores other than 1 ` +
        `as predictions)`,
    );
  }
  return { o, file, header: [...COLUMNS, ...extra], W, H, attrsOf, lost };
}

/** The Confidence written for boxes without a score: 1 when the source gave 1 everywhere. */
function defaultConfidenceOf(ds: Dataset): number | null {
  const info = (ds.info.openimages ?? {}) as Partial<OpenImagesInfo>;
  return typeof info.confidence === "number" ? info.confidence : null;
}

/** Attribute names held by Open Images columns, and the columns. */
const COLUMN_OF = new Map(Object.entries(ATTRIBUTE_COLUMNS).map(([c, a]) => [a, c]));
const ATTRIBUTE_NAMES = new Set(COLUMN_OF.keys());
const RESERVED = new Set<string>(COLUMNS);

async function writeOpenImages(ds: Dataset, output: string, options: WriteOptions): Promise<WriteReport> {
  const { o, file, header, W, H, attrsOf, lost } = await plans.take(ds, output, options);
  const s = ds.samples;
  const ids = values<string>(s, "id"),
    filepaths = values<string>(s, "filepath");
  const info = (ds.info.openimages ?? {}) as Partial<OpenImagesInfo>;
  const defaultConfidence = defaultConfidenceOf(ds);
  const colOf = new Map(header.map((h, i) => [h, i]));

  const rowsOut: CsvValue[][] = [header];
  for (let r = 0; r < ids.length; r++) {
    const rows = o.bySample.get(ids[r]);
    if (!rows || rows.length === 0) continue;
    const imageId = info.imageIds === "bare" ? filepaths[r].replace(IMAGE_EXTENSIONS, "") : filepaths[r];
    for (const i of rows) {
      const line: CsvValue[] = new Array(header.length).fill("");
      line[0] = imageId;
      line[2] = o.label[i];
      line[3] = o.confidence[i] ?? defaultConfidence;
      line[4] = o.x[i] / W[r];
      line[5] = (o.x[i] + o.w[i]) / W[r];
      line[6] = o.y[i] / H[r];
      line[7] = (o.y[i] + o.h[i]) / H[r];
      line[10] = o.iscrowd[i] ? 1 : 0;
      const text = o.attributes[i];
      if (text !== null) {
        for (const [k, v] of Object.entries(attrsOf(text))) {
          // Names of Open Images columns, and names a header cannot hold, are left out (the plan counts them).
          const c = COLUMN_OF.has(k)
            ? colOf.get(COLUMN_OF.get(k)!)
            : RESERVED.has(k) || k === "" || k.trim() !== k
              ? undefined
              : colOf.get(k);
          if (c !== undefined) line[c] = cell(v);
        }
      }
      rowsOut.push(line);
    }
  }
  writeFileAtomic(file, formatCsv(rowsOut));
  return { files: 1, dropped: lost };
}

function cell(v: unknown): CsvValue {
  if (v === null || v === undefined) return "";
  if (typeof v === "boolean") return v ? 1 : 0;
  if (typeof v === "number" || typeof v === "string") return v;
  return JSON.stringify(v);
}
