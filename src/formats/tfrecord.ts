import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { DatasetBuilder } from "../dataset/builder";
import { values } from "../dataset/columns";
import type { Dataset } from "../dataset/dataset";
import type { Category } from "../dataset/schema";
import { GROUND_TRUTH } from "../dataset/schema";
import { fail } from "../errors";
import { resolveImagePath } from "../io/paths";
import { writeFileAtomic } from "../io/atomic";
import { finishImport } from "./common/finish";
import { isDir, listFiles, readText } from "./common/files";
import { fieldObjects, fieldToWrite } from "./common/labels";
import { ProtobufError, ProtoReader, ProtoWriter, WIRE_LENGTH } from "./common/protobuf";
import type { Capabilities, Format, ReadOptions, WriteOptions, WriteReport } from "./format";
import { addNormalisedCorners, sizeOf } from "./common/boxes";

/**
 * TensorFlow Object Detection API TFRecord: a file of records, each a serialized
 * tf.train.Example, with `label_map.pbtxt` beside it (as CVAT and Datumaro export).
 *
 * Record framing: uint64 LE length, uint32 masked CRC32C of those 8 bytes, the data, uint32
 * masked CRC32C of the data. Both checksums are verified.
 *
 * Example keys used: image/filename, image/source_id, image/width, image/height, image/format,
 * image/encoded (the image bytes; ignored when reading, written when the image file is found),
 * image/key/sha256, image/object/bbox/{xmin,xmax,ymin,ymax} (fractions of the image size,
 * float32), image/object/class/text and image/object/class/label (ids of label_map.pbtxt).
 *
 * Reading a folder reads every TFRecord file in it; with several files, each file's name
 * (shard suffix removed) becomes the samples' split, except `default`. Writing to a folder
 * writes one file per split (`<split>.tfrecord`, `default.tfrecord` for samples without one).
 */

const HOLDS: Capabilities = {
  boxes: true, polygons: false, rle: false, crowd: false, confidence: false,
  classification: false, metadata: false, attributes: false, multipleFields: false,
  splits: true, sampleTags: false, objectTags: false,
};

const RECORD_FILE = /\.(tfrecords?|record)(-\d+-of-\d+)?$/i;
const LABEL_MAP = "label_map.pbtxt";
const DEFAULT_STEM = "default";

export const tfrecord: Format = {
  name: "tfrecord",
  description: "TensorFlow Object Detection API TFRecord of tf.train.Example with label_map.pbtxt (boxes)",
  holds: HOLDS,
  detect: (input) => RECORD_FILE.test(input) || (isDir(input) && fs.readdirSync(input).some((f) => RECORD_FILE.test(f))),
  read: readTfrecord,
  write: writeTfrecord,
};

// ---------------------------------------------------------------- CRC32C and record framing

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/** CRC-32C (Castagnoli), as TFRecord uses; `crc32c("123456789")` is 0xE3069283. */
export function crc32c(data: Uint8Array, start = 0, end = data.length): number {
  let c = 0xffffffff;
  for (let i = start; i < end; i++) c = CRC_TABLE[(c ^ data[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** TFRecord's masked CRC: rotated right by 15 bits plus a constant. */
export function maskedCrc32c(data: Uint8Array, start = 0, end = data.length): number {
  const c = crc32c(data, start, end);
  return (((c >>> 15) | (c << 17)) + 0xa282ead8) >>> 0;
}

export interface TfRecord {
  data: Uint8Array;
  /** 1-based record number in the file. */
  index: number;
  /** Byte offset of the record's header in the file. */
  offset: number;
}

/** Reads a TFRecord file record by record, verifying both checksums of each. */
export function* readRecords(file: string): Generator<TfRecord> {
  let fd: number;
  try {
    fd = fs.openSync(file, "r");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    fail(file, undefined, code === "ENOENT" ? "file not found" : `cannot read file (${(err as Error).message})`, "check the path");
  }
  try {
    const size = fs.fstatSync(fd).size;
    const head = new Uint8Array(12);
    const headView = new DataView(head.buffer);
    let offset = 0;
    let index = 0;
    while (offset < size) {
      index++;
      const place = `record ${index} at byte ${offset}`;
      const cut = "the file was cut short (an interrupted copy or export?); copy or export it again";
      if (size - offset < 12) fail(file, place, `the file ends inside a record header (${size - offset} of 12 bytes)`, cut);
      readFully(fd, head, 12, offset);
      if (headView.getUint32(8, true) !== maskedCrc32c(head, 0, 8)) {
        fail(file, place, "the record length's checksum does not match: the file is corrupt or not a TFRecord file", "copy or export the file again; check that it is a TFRecord file");
      }
      const lo = headView.getUint32(0, true), hi = headView.getUint32(4, true);
      const left = size - offset - 12;
      if (hi !== 0 || lo + 4 > left) fail(file, place, `the record says ${hi * 4294967296 + lo} bytes but ${Math.max(0, left - 4)} are left`, cut);
      // A fresh buffer per record: callers may keep the data (and views into it).
      const buf = new Uint8Array(lo + 4);
      readFully(fd, buf, lo + 4, offset + 12);
      const stored = new DataView(buf.buffer, buf.byteOffset + lo, 4).getUint32(0, true);
      if (stored !== maskedCrc32c(buf, 0, lo)) {
        fail(file, place, `the record's data checksum does not match: ${lo} bytes of data are corrupt`, "the file is damaged; copy or export it again");
      }
      yield { data: buf.subarray(0, lo), index, offset };
      offset += 12 + lo + 4;
    }
  } finally {
    fs.closeSync(fd);
  }
}

function readFully(fd: number, into: Uint8Array, length: number, position: number): void {
  let done = 0;
  while (done < length) {
    const n = fs.readSync(fd, into, done, length - done, position + done);
    if (n === 0) throw new Error(`unexpected end of file at byte ${position + done}`);
    done += n;
  }
}

/** One record's bytes with its framing: length, masked CRC of the length, data, masked CRC. */
export function frameRecord(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(data.length + 16);
  const v = new DataView(out.buffer);
  v.setUint32(0, data.length % 4294967296, true);
  v.setUint32(4, Math.floor(data.length / 4294967296), true);
  v.setUint32(8, maskedCrc32c(out, 0, 8), true);
  out.set(data, 12);
  v.setUint32(12 + data.length, maskedCrc32c(data), true);
  return out;
}

// ---------------------------------------------------------------- tf.train.Example

/** One feature of a tf.train.Example: a list of bytes, floats or int64s. */
export type Feature =
  | { kind: "bytes"; value: Uint8Array[] }
  | { kind: "float"; value: number[] }
  | { kind: "int64"; value: number[] };

/**
 * Decodes a serialized tf.train.Example into its features by key.
 * Example { Features features = 1 }; Features { map<string, Feature> feature = 1 };
 * Feature { oneof { BytesList bytes_list = 1; FloatList float_list = 2; Int64List int64_list = 3 } };
 * each list { repeated <type> value = 1 } (floats and int64s packed or not).
 * Byte values are views into `data`, not copies.
 */
export function decodeExample(data: Uint8Array): Map<string, Feature> {
  const features = new Map<string, Feature>();
  const ex = new ProtoReader(data);
  while (!ex.done()) {
    const t = ex.tag();
    if (t.field !== 1 || t.wire !== WIRE_LENGTH) { ex.skip(t.wire); continue; }
    const fs_ = ex.sub();
    while (!fs_.done()) {
      const ft = fs_.tag();
      if (ft.field !== 1 || ft.wire !== WIRE_LENGTH) { fs_.skip(ft.wire); continue; }
      const entry = fs_.sub();
      let key = "";
      let feature: Feature | undefined;
      while (!entry.done()) {
        const et = entry.tag();
        if (et.field === 1 && et.wire === WIRE_LENGTH) key = entry.string();
        else if (et.field === 2 && et.wire === WIRE_LENGTH) feature = decodeFeature(entry.sub());
        else entry.skip(et.wire);
      }
      // A map entry without a value holds the default: an empty feature.
      features.set(key, feature ?? { kind: "bytes", value: [] });
    }
  }
  return features;
}

function decodeFeature(r: ProtoReader): Feature {
  let feature: Feature = { kind: "bytes", value: [] };
  while (!r.done()) {
    const t = r.tag();
    if (t.wire !== WIRE_LENGTH || t.field < 1 || t.field > 3) { r.skip(t.wire); continue; }
    const list = r.sub();
    if (t.field === 1) {
      const value: Uint8Array[] = [];
      while (!list.done()) {
        const lt = list.tag();
        if (lt.field === 1 && lt.wire === WIRE_LENGTH) value.push(list.bytes());
        else list.skip(lt.wire);
      }
      feature = { kind: "bytes", value };
    } else {
      const value: number[] = [];
      while (!list.done()) {
        const lt = list.tag();
        if (lt.field !== 1) list.skip(lt.wire);
        else if (t.field === 2) list.floats(lt.wire, value);
        else list.int64s(lt.wire, value);
      }
      feature = t.field === 2 ? { kind: "float", value } : { kind: "int64", value };
    }
  }
  return feature;
}

/** Encodes features into a serialized tf.train.Example (keys in the order given; lists packed). */
export function encodeExample(features: Iterable<[string, Feature]>): Uint8Array {
  const w = new ProtoWriter();
  w.message(1, (fw) => {
    for (const [key, feature] of features) {
      fw.message(1, (entry) => {
        entry.stringField(1, key);
        entry.message(2, (f) => {
          if (feature.kind === "bytes") f.message(1, (l) => { for (const v of feature.value) l.bytesField(1, v); });
          else if (feature.kind === "float") f.message(2, (l) => { if (feature.value.length) l.packedFloats(1, feature.value); });
          else f.message(3, (l) => { if (feature.value.length) l.packedInt64s(1, feature.value); });
        });
      });
    }
  });
  return w.finish();
}

const utf8 = new TextDecoder("utf-8");
const utf8Encoder = new TextEncoder();

function texts(f: Feature | undefined): string[] {
  return f?.kind === "bytes" ? f.value.map((v) => utf8.decode(v)) : [];
}

function numbers(f: Feature | undefined): number[] {
  return f && f.kind !== "bytes" ? f.value : [];
}

// ---------------------------------------------------------------- label_map.pbtxt

/**
 * Parses a label map in protobuf text format: `item { id: 1 name: 'person' }` blocks
 * (`display_name` stands in for a missing `name`; other keys and nested blocks are skipped).
 */
export function parseLabelMap(text: string, file: string): Category[] {
  const tokens = tokenize(text, file);
  let p = 0;
  const items: Category[] = [];
  const peek = () => tokens[p];
  const next = () => tokens[p++];
  const expected = (what: string): never => {
    const t = peek();
    fail(file, `line ${t?.line ?? lineCount(text)}`, `expected ${what}, found ${t ? JSON.stringify(t.text) : "the end of the file"}`, "a label map is a list of item { id: 1 name: 'person' } blocks");
  };
  // Reads one value or block after a key; returns the scalar, or undefined for a block.
  const value = (): string | number | Record<string, unknown> => {
    let t = next();
    if (t?.kind === "punct" && t.text === ":") t = next();
    if (t?.kind === "punct" && (t.text === "{" || t.text === "<")) {
      const close = t.text === "{" ? "}" : ">";
      const block: Record<string, unknown> = {};
      for (;;) {
        const k = peek();
        if (k === undefined) expected(`"${close}"`);
        if (k.kind === "punct" && k.text === close) { p++; break; }
        if (k.kind === "punct" && (k.text === "," || k.text === ";")) { p++; continue; }
        if (k.kind !== "ident") expected("a field name");
        p++;
        const v = value();
        if (!(k.text in block)) block[k.text] = v;
      }
      return block;
    }
    if (t?.kind === "punct" && t.text === "[") {
      const list: unknown[] = [];
      while (peek() && !(peek().kind === "punct" && peek().text === "]")) {
        const v = next();
        if (v.kind !== "punct") list.push(v.value);
      }
      if (!peek()) expected('"]"');
      p++;
      return { list };
    }
    if (t === undefined) return expected("a value");
    if (t.kind === "punct") { p--; return expected("a value"); }
    return t.value;
  };
  while (p < tokens.length) {
    const t = next();
    if (t.kind === "punct" && (t.text === "," || t.text === ";")) continue;
    if (t.kind !== "ident") { p--; expected("item"); }
    const line = t.line;
    const v = value();
    if (t.text !== "item") continue;
    if (typeof v !== "object") fail(file, `line ${line}`, "item must be a block { ... }", "write item { id: 1 name: 'person' }");
    const id = v.id, name = typeof v.name === "string" ? v.name : v.display_name;
    if (typeof id !== "number" || !Number.isInteger(id)) fail(file, `item at line ${line}`, "item has no integer id", "give every item an id: 1, 2, ...");
    if (typeof name !== "string") fail(file, `item at line ${line}`, "item has no name", "give every item a name: 'person'");
    if (items.some((c) => c.id === id)) fail(file, `item at line ${line}`, `id ${id} appears twice`, "give every item its own id");
    items.push({ id, name });
  }
  return items;
}

interface Token {
  kind: "ident" | "string" | "number" | "punct";
  text: string;
  value: string | number;
  line: number;
}

function tokenize(text: string, file: string): Token[] {
  const out: Token[] = [];
  let i = 0, line = 1;
  const n = text.length;
  while (i < n) {
    const c = text[i];
    if (c === "\n") { line++; i++; continue; }
    if (/\s/.test(c)) { i++; continue; }
    if (c === "#") { while (i < n && text[i] !== "\n") i++; continue; }
    if (c === "'" || c === '"') {
      let s = "";
      let j = i + 1;
      for (;;) {
        if (j >= n || text[j] === "\n") fail(file, `line ${line}`, "string is never closed", `close the string with ${c}`);
        const d = text[j];
        if (d === c) break;
        if (d === "\\" && j + 1 < n) {
          const e = text[j + 1];
          s += e === "n" ? "\n" : e === "t" ? "\t" : e === "r" ? "\r" : e;
          j += 2;
          continue;
        }
        s += d;
        j++;
      }
      out.push({ kind: "string", text: text.slice(i, j + 1), value: s, line });
      i = j + 1;
      continue;
    }
    const m = /^[A-Za-z_][\w.]*|^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?/.exec(text.slice(i, i + 200));
    if (m) {
      const isNum = !/^[A-Za-z_]/.test(m[0]);
      out.push({ kind: isNum ? "number" : "ident", text: m[0], value: isNum ? Number(m[0]) : m[0], line });
      i += m[0].length;
      continue;
    }
    if ("{}<>:[],;".includes(c)) {
      out.push({ kind: "punct", text: c, value: c, line });
      i++;
      continue;
    }
    fail(file, `line ${line}`, `unexpected character ${JSON.stringify(c)}`, "a label map is a list of item { id: 1 name: 'person' } blocks");
  }
  return out;
}

function lineCount(text: string): number {
  return text.split("\n").length;
}

/** Writes a label map in the text format TF OD API reads. */
export function formatLabelMap(categories: readonly Category[]): string {
  const quote = (s: string) => `'${s.replace(/\\/g, "\\\\").replace(/'/g, "\\'").replace(/\n/g, "\\n")}'`;
  return categories.map((c) => `item {\n\tid: ${c.id}\n\tname: ${quote(c.name)}\n}\n`).join("\n");
}

// ---------------------------------------------------------------- reading

function recordFiles(input: string): { files: string[]; dir: string } {
  if (!isDir(input)) return { files: [input], dir: path.dirname(input) };
  const files = listFiles(input, (rel) => RECORD_FILE.test(rel)).map((rel) => path.join(input, rel));
  if (files.length === 0) fail(input, undefined, "no TFRecord file in this folder", "pass the .tfrecord file itself, or the folder holding it (files ending .tfrecord, .tfrecords or .record)");
  return { files, dir: input };
}

function labelMapFor(dir: string): string | null {
  const standard = path.join(dir, LABEL_MAP);
  if (fs.existsSync(standard)) return standard;
  const others = fs.readdirSync(dir).filter((f) => f.endsWith(".pbtxt"));
  return others.length === 1 ? path.join(dir, others[0]) : null;
}

/** A record file's split name: the file name without extension and shard suffix. */
function splitOf(file: string): string | null {
  const stem = path.basename(file).replace(RECORD_FILE, "");
  return stem === "" || stem === DEFAULT_STEM ? null : stem;
}

async function readTfrecord(input: string, options: ReadOptions): Promise<Dataset> {
  const { files, dir } = recordFiles(input);
  const imagesDir = options.images === undefined ? null : path.resolve(options.images);
  const mapFile = labelMapFor(dir);
  const labelMap = mapFile === null ? [] : parseLabelMap(readText(mapFile), mapFile);
  const nameOf = new Map(labelMap.map((c) => [c.id, c.name]));
  const b = new DatasetBuilder(options.name ?? (isDir(input) ? path.basename(path.resolve(input)) : path.basename(input).replace(RECORD_FILE, "")), imagesDir);
  b.categories = labelMap.map((c) => ({ ...c }));
  const field = options.field ?? GROUND_TRUTH;
  b.declareField({ name: field, kind: "detections", predicted: false });
  const useSplits = isDir(input);

  // Boxes stay normalised until every image size is known.
  const boxRow: number[] = [], labels: string[] = [], coords: number[] = [];
  const reported = new Set<string>();
  for (const file of files) {
    const split = useSplits ? splitOf(file) : null;
    for (const rec of readRecords(file)) {
      const place = `record ${rec.index} at byte ${rec.offset}`;
      let ex: Map<string, Feature>;
      try {
        ex = decodeExample(rec.data);
      } catch (err) {
        if (!(err instanceof ProtobufError)) throw err;
        fail(file, place, `not a valid tf.train.Example: ${err.message}`, "the record's checksum is right, so the writer wrote something else than tf.train.Example; check the exporter");
      }
      const filename = texts(ex.get("image/filename"))[0] ?? "";
      const sourceId = texts(ex.get("image/source_id"))[0] ?? "";
      const filepath = filename || sourceId;
      if (filepath === "") fail(file, place, "the example has no image/filename and no image/source_id", "write the image's file name in image/filename");
      const width = numbers(ex.get("image/width"))[0] || null;
      const height = numbers(ex.get("image/height"))[0] || null;
      const id = b.hasSample(filepath) ? `${filepath}#${rec.index}` : filepath;
      const fields: Record<string, unknown> = {};
      if (sourceId !== "") fields.source_id = sourceId;
      b.addSample({ id, filepath, width, height, split, fields });
      const row = b.sampleCount - 1;

      const [xmin, xmax, ymin, ymax] = ["xmin", "xmax", "ymin", "ymax"].map((k) => numbers(ex.get(`image/object/bbox/${k}`)));
      const text = texts(ex.get("image/object/class/text"));
      const ids = numbers(ex.get("image/object/class/label"));
      const n = xmin.length;
      if (xmax.length !== n || ymin.length !== n || ymax.length !== n) {
        fail(file, `${place} (${filepath})`, `the box lists differ in length: xmin ${n}, xmax ${xmax.length}, ymin ${ymin.length}, ymax ${ymax.length}`, "write one xmin, xmax, ymin and ymax per object");
      }
      if ((text.length !== n && text.length !== 0) || (ids.length !== n && ids.length !== 0) || (n > 0 && text.length === 0 && ids.length === 0)) {
        fail(file, `${place} (${filepath})`, `${n} boxes but ${text.length} class texts and ${ids.length} class labels`, "write one image/object/class/text (or class/label) per box");
      }
      for (let k = 0; k < n; k++) {
        let label = text[k] ?? "";
        const cid = ids[k];
        if (cid !== undefined) {
          const named = nameOf.get(cid) ?? options.classes?.[cid - 1];
          if (label === "" && named !== undefined) label = named;
          else if (label === "") {
            label = `class-${cid}`;
            if (!reported.has(label)) {
              reported.add(label);
              b.addProblem({ kind: "unknown-category", sampleId: id, file: mapFile ?? file, place, message: `class label ${cid} has no name in ${mapFile === null ? "a label map (none found)" : "the label map"}; kept as ${label}`, hint: `put ${LABEL_MAP} beside the TFRecord file, or pass the class names (classes)` });
            }
          } else if (named !== undefined && named !== label && nameOf.has(cid)) {
            const key = `${cid}:${label}`;
            if (!reported.has(key)) {
              reported.add(key);
              b.addProblem({ kind: "label-mismatch", sampleId: id, file, place, message: `class text ${JSON.stringify(label)} but class label ${cid} is ${JSON.stringify(named)} in the label map; kept ${JSON.stringify(label)}`, hint: "fix the label map or the exporter so ids and names agree" });
            }
          }
        }
        boxRow.push(row);
        labels.push(label);
        coords.push(xmin[k], xmax[k], ymin[k], ymax[k]);
      }
    }
  }

  // Records usually give the size; where one does not, finishImport reads it from the image header.
  const labelsFile = files.length === 1 ? files[0] : input;
  const addBoxes = (b: DatasetBuilder) => addNormalisedCorners(
    b, boxRow, coords, (k) => ({ field, label: labels[k] }),
    labelsFile, "the record gives no image/width and image/height, and the image's size could not be read",
    imagesDir === null ? "pass --images with the folder that holds the images, so sizes come from the image headers" : "put the image in the images folder (see the sample's other problems), then load again",
  );
  return finishImport(b, labelsFile, options, addBoxes);
}

// ---------------------------------------------------------------- writing

const IMAGE_FORMATS: Record<string, string> = { jpg: "jpeg", jpeg: "jpeg", png: "png", gif: "gif", bmp: "bmp", webp: "webp", tif: "tiff", tiff: "tiff" };

/** Label ids for the label map: the dataset's categories, then labels it lacks; renumbered 1..n if any id is below 1. */
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
  if (cats.some((c) => !Number.isInteger(c.id) || c.id < 1) || ids.size !== cats.length) return cats.map((c, i) => ({ id: i + 1, name: c.name }));
  return cats;
}

async function writeTfrecord(ds: Dataset, output: string, options: WriteOptions): Promise<WriteReport> {
  const field = fieldToWrite(ds, options, "detections");
  const o = fieldObjects(ds, field);
  const s = ds.samples;
  const ids = values<string>(s, "id"), filepaths = values<string>(s, "filepath");
  const widths = values<number | null>(s, "width"), heights = values<number | null>(s, "height");
  const splits = values<string | null>(s, "split");
  const sourceIds = s.columnNames().includes("source_id") ? values<unknown>(s, "source_id") : null;

  const toFile = RECORD_FILE.test(output) && !isDir(output);
  const dir = toFile ? path.dirname(output) : output;
  const fileOf = (r: number) => (toFile ? output : path.join(dir, `${splits[r] ?? DEFAULT_STEM}.tfrecord`));

  const used: string[] = [];
  for (const rows of o.bySample.values()) for (const i of rows) used.push(o.label[i]);
  const categories = labelIds(ds, used);
  const idOf = new Map(categories.map((c) => [c.name, c.id]));

  const chunks = new Map<string, Uint8Array[]>();
  let missingImages = 0;
  for (let r = 0; r < ids.length; r++) {
    const rows = o.bySample.get(ids[r]) ?? [];
    const filepath = filepaths[r];
    let image: Uint8Array = new Uint8Array(0);
    if (ds.imagesDir !== null) {
      try {
        image = fs.readFileSync(resolveImagePath(ds.imagesDir, filepath));
      } catch {
        missingImages++;
      }
    } else missingImages++;
    // Boxes need the size to be normalised; an image without boxes may go without one.
    const known = widths[r] && heights[r] ? { W: widths[r]!, H: heights[r]! } : null;
    const { W, H } = known ?? (rows.length > 0 || image.length > 0 ? await sizeOf(ds, ids[r], filepath, widths[r], heights[r]) : { W: 0, H: 0 });
    const ext = path.extname(filepath).slice(1).toLowerCase();
    const bytes = (v: string) => utf8Encoder.encode(v);
    const features: [string, Feature][] = [
      ["image/filename", { kind: "bytes", value: [bytes(filepath)] }],
      ["image/source_id", { kind: "bytes", value: [bytes(sourceIds && sourceIds[r] != null ? String(sourceIds[r]) : "")] }],
      ["image/width", { kind: "int64", value: W ? [W] : [] }],
      ["image/height", { kind: "int64", value: H ? [H] : [] }],
      ["image/format", { kind: "bytes", value: [bytes(IMAGE_FORMATS[ext] ?? ext)] }],
      ["image/encoded", { kind: "bytes", value: [image] }],
      ["image/key/sha256", { kind: "bytes", value: [bytes(image.length ? createHash("sha256").update(image).digest("hex") : "")] }],
      ["image/object/bbox/xmin", { kind: "float", value: rows.map((i) => o.x[i] / W) }],
      ["image/object/bbox/xmax", { kind: "float", value: rows.map((i) => (o.x[i] + o.w[i]) / W) }],
      ["image/object/bbox/ymin", { kind: "float", value: rows.map((i) => o.y[i] / H) }],
      ["image/object/bbox/ymax", { kind: "float", value: rows.map((i) => (o.y[i] + o.h[i]) / H) }],
      ["image/object/class/text", { kind: "bytes", value: rows.map((i) => bytes(o.label[i])) }],
      ["image/object/class/label", { kind: "int64", value: rows.map((i) => idOf.get(o.label[i])!) }],
    ];
    const file = fileOf(r);
    const list = chunks.get(file) ?? [];
    list.push(frameRecord(encodeExample(features)));
    chunks.set(file, list);
  }
  if (chunks.size === 0) chunks.set(toFile ? output : path.join(dir, `${DEFAULT_STEM}.tfrecord`), []);
  for (const [file, list] of chunks) writeFileAtomic(file, Buffer.concat(list));
  writeFileAtomic(path.join(dir, LABEL_MAP), formatLabelMap(categories));

  const dropped: string[] = [];
  if (missingImages > 0) {
    dropped.push(`${missingImages} image${missingImages > 1 ? "s" : ""} not found${ds.imagesDir === null ? " (the dataset has no images folder)" : ` in ${ds.imagesDir}`}: written with empty image/encoded, which training with the TF Object Detection API needs`);
  }
  return { files: chunks.size + 1, dropped };
}
