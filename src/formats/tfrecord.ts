import { createHash, randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { DatasetBuilder } from "../dataset/builder";
import { values } from "../dataset/columns";
import { parsedOnce, WritePlans } from "./common/plans";
import type { Dataset } from "../dataset/dataset";
import type { Category } from "../dataset/schema";
import { GROUND_TRUTH } from "../dataset/schema";
import { BlindspotError, fail } from "../errors";
import { resolveImagePath, safeName } from "../io/paths";
import { writeFileAtomic } from "../io/atomic";
import { finishImport } from "./common/finish";
import { finiteNumber, isDir, listFiles, openForReading, readText } from "./common/files";
import { dict, fieldObjects, fieldToWrite, imagesDirFor, objectAttributes, type FieldObjects } from "./common/labels";
import { int64Size, lengthFieldSize, ProtobufError, ProtoReader, ProtoWriter, WIRE_LENGTH } from "../io/protobuf";
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
 * float32), image/object/class/text and image/object/class/label (ids of label_map.pbtxt),
 * image/object/is_crowd (the crowd flag), image/object/area (the objects' areas).
 * Any other per-object list `image/object/<name>` (difficult, truncated, group_of, ...) is the
 * attribute `<name>` of each object: numbers, or text. Keys that are none of these are not
 * loaded, and each file that has some gets an `ignored-field` problem naming them.
 *
 * `image/source_id` is text in the record; an id that reads as a number (COCO's image ids) is
 * read back as that number, so that results files naming it match.
 *
 * Reading a folder reads every TFRecord file in it; each file's name (shard suffix removed)
 * becomes the samples' split, except `default`, which means no split (as in CVAT's and
 * Datumaro's exports, and as VOC's ImageSets/Main/default.txt). Writing to a folder writes one
 * file per split (`<split>.tfrecord`, `default.tfrecord` for samples without one); a single
 * file holds no splits. Records are streamed to a temporary file beside each target, renamed
 * over it at the end.
 */

const HOLDS: Capabilities = {
  boxes: true, polygons: false, rle: false, crowd: true, confidence: false,
  classification: false, metadata: false, attributes: true, multipleFields: false,
  splits: true, sampleTags: false, objectTags: false,
  area: true, ids: true, categoryKeys: false,
};

const RECORD_FILE = /\.(tfrecords?|record)(-\d+-of-\d+)?$/i;
const LABEL_MAP = "label_map.pbtxt";
const DEFAULT_STEM = "default";

export const tfrecord: Format = {
  name: "tfrecord",
  description: "TensorFlow Object Detection API TFRecord of tf.train.Example with label_map.pbtxt (boxes)",
  reads: "file",
  holds: HOLDS,
  detect: (input) => RECORD_FILE.test(input) || (isDir(input) && fs.readdirSync(input).some((f) => RECORD_FILE.test(f))),
  read: readTfrecord,
  plan: async (ds, output, options) => (await plans.get(ds, output, options)).lost,
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

/**
 * CRC-32C (Castagnoli), as TFRecord uses; `crc32c("123456789")` is 0xE3069283. `prev`
 * continues a checksum: `crc32c(b, 0, b.length, crc32c(a))` is the checksum of a then b.
 */
export function crc32c(data: Uint8Array, start = 0, end = data.length, prev = 0): number {
  let c = (prev ^ 0xffffffff) >>> 0;
  for (let i = start; i < end; i++) c = CRC_TABLE[(c ^ data[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** TFRecord's masking of a CRC: rotated right by 15 bits plus a constant. */
function maskCrc(c: number): number {
  return (((c >>> 15) | (c << 17)) + 0xa282ead8) >>> 0;
}

/** TFRecord's masked CRC of bytes. */
export function maskedCrc32c(data: Uint8Array, start = 0, end = data.length): number {
  return maskCrc(crc32c(data, start, end));
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
  const fd = openForReading(file);
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

/** A record's 12-byte header: the data length and the masked CRC of the length. */
function recordHeader(length: number): Uint8Array {
  const head = new Uint8Array(12);
  const v = new DataView(head.buffer);
  v.setUint32(0, length % 4294967296, true);
  v.setUint32(4, Math.floor(length / 4294967296), true);
  v.setUint32(8, maskedCrc32c(head, 0, 8), true);
  return head;
}

/** One record's bytes with its framing: length, masked CRC of the length, data, masked CRC. */
export function frameRecord(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(data.length + 16);
  out.set(recordHeader(data.length), 0);
  out.set(data, 12);
  new DataView(out.buffer).setUint32(12 + data.length, maskedCrc32c(data), true);
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
export function encodeExample(features: readonly [string, Feature][]): Uint8Array {
  const chunks = exampleChunks(features);
  if (chunks.length === 1) return chunks[0];
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let p = 0;
  for (const c of chunks) {
    out.set(c, p);
    p += c.length;
  }
  return out;
}

/** Size of a feature's list message (BytesList, FloatList or Int64List). */
function listSize(f: Feature): number {
  if (f.kind === "bytes") {
    let n = 0;
    for (const v of f.value) n += lengthFieldSize(v.length);
    return n;
  }
  return f.value.length === 0 ? 0 : lengthFieldSize(packedSize(f));
}

function packedSize(f: Feature): number {
  if (f.kind === "float") return 4 * f.value.length;
  let n = 0;
  for (const v of f.value as number[]) n += int64Size(v);
  return n;
}

/**
 * A serialized tf.train.Example in pieces, written flat: every message's length is computed
 * first, so nothing is copied level by level, and byte lists (the image) stay the caller's
 * buffers. The same bytes as nesting `ProtoWriter.message`.
 */
function exampleChunks(features: readonly [string, Feature][]): Uint8Array[] {
  const keys = features.map(([k]) => utf8Encoder.encode(k));
  const lists = features.map(([, f]) => listSize(f));
  const entries = features.map((_, i) => lengthFieldSize(keys[i].length) + lengthFieldSize(lengthFieldSize(lists[i])));
  const all = entries.reduce((n, e) => n + lengthFieldSize(e), 0);
  const w = new ProtoWriter();
  w.tag(1, WIRE_LENGTH).uint32(all);
  features.forEach(([, f], i) => {
    w.tag(1, WIRE_LENGTH).uint32(entries[i]);
    w.tag(1, WIRE_LENGTH).uint32(keys[i].length).raw(keys[i]);
    w.tag(2, WIRE_LENGTH).uint32(lengthFieldSize(lists[i]));
    w.tag(f.kind === "bytes" ? 1 : f.kind === "float" ? 2 : 3, WIRE_LENGTH).uint32(lists[i]);
    if (f.kind === "bytes") {
      for (const v of f.value) w.bytesField(1, v);
    } else if (f.value.length > 0) {
      w.tag(1, WIRE_LENGTH).uint32(packedSize(f));
      if (f.kind === "float") for (const v of f.value) w.float(v);
      else for (const v of f.value) w.int64(v);
    }
  });
  const chunks = w.finishChunks();
  const size = chunks.reduce((n, c) => n + c.length, 0);
  if (size !== lengthFieldSize(all)) throw new Error(`internal error: tf.train.Example of ${size} bytes, ${lengthFieldSize(all)} computed`);
  return chunks;
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

/** An image/source_id as read: text that is a number as JSON writes it (`1146`, not `007`) is that number. */
function sourceIdValue(text: string): string | number {
  const n = Number(text);
  return text.trim() !== "" && Number.isFinite(n) && String(n) === text ? n : text;
}

/** Keys the reader takes (or leaves on purpose: the image itself). */
const IMAGE_KEYS = new Set(["image/filename", "image/source_id", "image/width", "image/height", "image/format", "image/encoded", "image/key/sha256"]);
const OBJECT = "image/object/";
/** Per-object keys that are not attributes: `image/object/<name>`. */
const OBJECT_KEYS = new Set(["bbox/xmin", "bbox/xmax", "bbox/ymin", "bbox/ymax", "class/text", "class/label", "is_crowd", "area"]);
const strictUtf8 = new TextDecoder("utf-8", { fatal: true });

/** A feature's values as attribute values (numbers, or text); null when bytes are not UTF-8 text. */
function attributeValues(f: Feature): unknown[] | null {
  if (f.kind !== "bytes") return f.value;
  try {
    return f.value.map((v) => strictUtf8.decode(v));
  } catch {
    return null;
  }
}

async function readTfrecord(input: string, options: ReadOptions): Promise<Dataset> {
  const { files, dir } = recordFiles(input);
  const imagesDir = imagesDirFor(options);
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
  const crowd: number[] = [], area: (number | null)[] = [], attributes: (Record<string, unknown> | null)[] = [];
  const reported = new Set<string>();
  for (const file of files) {
    const split = useSplits ? splitOf(file) : null;
    /** Keys not loaded in this file: in how many records, and why. */
    const ignored = new Map<string, { records: number; why: string }>();
    const ignore = (key: string, why: string) => {
      const seen = ignored.get(key);
      if (seen) seen.records++;
      else ignored.set(key, { records: 1, why });
    };
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
      const width = finiteNumber(numbers(ex.get("image/width"))[0], true);
      const height = finiteNumber(numbers(ex.get("image/height"))[0], true);
      const fields: Record<string, unknown> = {};
      if (sourceId !== "") fields.source_id = sourceIdValue(sourceId);
      const id = b.addSample({ filepath, width, height, split, fields });
      const row = b.sampleCount - 1;

      const [xmin, xmax, ymin, ymax] = ["xmin", "xmax", "ymin", "ymax"].map((k) => numbers(ex.get(`${OBJECT}bbox/${k}`)));
      const text = texts(ex.get(`${OBJECT}class/text`));
      const ids = numbers(ex.get(`${OBJECT}class/label`));
      const n = xmin.length;
      if (xmax.length !== n || ymin.length !== n || ymax.length !== n) {
        fail(file, `${place} (${filepath})`, `the box lists differ in length: xmin ${n}, xmax ${xmax.length}, ymin ${ymin.length}, ymax ${ymax.length}`, "write one xmin, xmax, ymin and ymax per object");
      }
      if ((text.length !== n && text.length !== 0) || (ids.length !== n && ids.length !== 0) || (n > 0 && text.length === 0 && ids.length === 0)) {
        fail(file, `${place} (${filepath})`, `${n} boxes but ${text.length} class texts and ${ids.length} class labels`, "write one image/object/class/text (or class/label) per box");
      }

      // The other per-object lists: the crowd flag, the area, and attributes.
      let crowdOf: number[] | null = null, areaOf: number[] | null = null;
      const attrLists: [string, unknown[]][] = [];
      for (const [key, f] of ex) {
        if (IMAGE_KEYS.has(key) || f.value.length === 0) continue; // an empty list holds nothing
        const name = key.startsWith(OBJECT) ? key.slice(OBJECT.length) : null;
        if (name !== null && OBJECT_KEYS.has(name) && name !== "is_crowd" && name !== "area") continue;
        if (name === null) { ignore(key, "not a key blindspot reads"); continue; }
        if (f.value.length !== n) { ignore(key, `its list does not have one value per box`); continue; }
        if (name === "is_crowd" || name === "area") {
          if (f.kind === "bytes") { ignore(key, "holds bytes, not numbers"); continue; }
          if (name === "is_crowd") crowdOf = f.value;
          else areaOf = f.value;
          continue;
        }
        const vals = attributeValues(f);
        if (vals === null) ignore(key, "holds binary data, not text");
        else attrLists.push([name, vals]);
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
        crowd.push(crowdOf?.[k] ? 1 : 0);
        area.push(areaOf === null ? null : areaOf[k]);
        let a: Record<string, unknown> | null = null;
        for (const [name, vals] of attrLists) (a ??= dict())[name] = vals[k];
        attributes.push(a);
      }
    }
    if (ignored.size > 0) {
      const what = [...ignored].map(([key, { records, why }]) => `${key} (${records} record${records > 1 ? "s" : ""}: ${why})`).join(", ");
      b.addProblem({ kind: "ignored-field", file, message: `not loaded: ${what}`, hint: "blindspot reads the image keys, boxes, classes, is_crowd, area, and other per-object lists under image/object/ (one value per box, numbers or text) as attributes" });
    }
  }

  // Records usually give the size; where one does not, finishImport reads it from the image header.
  const labelsFile = files.length === 1 ? files[0] : input;
  const addBoxes = (b: DatasetBuilder) => addNormalisedCorners(
    b, boxRow, coords, (k) => ({ field, label: labels[k], iscrowd: crowd[k], area: area[k], attributes: attributes[k] }),
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
function objectLists(rows: readonly number[], o: FieldObjects, attrsOf: (text: string) => Record<string, unknown>): ObjectLists {
  const out: ObjectLists = { features: [], lost: 0, booleans: 0, rounded: 0, areasLost: 0 };
  if (rows.length === 0) return out;
  if (rows.some((i) => o.iscrowd[i])) out.features.push([`${OBJECT}is_crowd`, { kind: "int64", value: rows.map((i) => (o.iscrowd[i] ? 1 : 0)) }]);
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

const plans = new WritePlans<Promise<TfrecordPlan>>(planTfrecord);

async function planTfrecord(ds: Dataset, output: string, options: WriteOptions): Promise<TfrecordPlan> {
  const field = fieldToWrite(ds, options, "detections");
  const o = fieldObjects(ds, field);
  const s = ds.samples;
  const ids = values<string>(s, "id"), filepaths = values<string>(s, "filepath");
  const widths = values<number | null>(s, "width"), heights = values<number | null>(s, "height");
  const splits = values<string | null>(s, "split");

  const toFile = RECORD_FILE.test(output) && !isDir(output);
  const fileOfSplit = new Map<string | null, string>();
  let splitsLost = 0, defaultSplits = 0;
  const fileOf = Array.from(ids, (_, r) => {
    const split = splits[r];
    if (toFile) {
      if (split !== null) splitsLost++;
      return output;
    }
    if (split === DEFAULT_STEM) defaultSplits++;
    let f = fileOfSplit.get(split);
    if (f === undefined) fileOfSplit.set(split, (f = path.join(output, `${safeName(split ?? DEFAULT_STEM, "split", output)}.tfrecord`)));
    return f;
  });
  // Image ids are written as text: text that reads as a number comes back as that number.
  let idsRetyped = 0;
  if (s.columnNames().includes("source_id")) {
    for (const v of values<unknown>(s, "source_id")) {
      if (v === null || v === undefined) continue;
      if (typeof v === "string" ? v === "" || sourceIdValue(v) !== v : typeof v !== "number" || sourceIdValue(String(v)) !== v) idsRetyped++;
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
  const image: (string | null)[] = [], W: number[] = [], H: number[] = [];
  let missing = 0, lost = 0, booleans = 0, rounded = 0, areasLost = 0;
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
    out.push(`${missing} image${missing > 1 ? "s" : ""} not found${ds.imagesDir === null ? " (the dataset has no images folder)" : ` in ${ds.imagesDir}`}: written with empty image/encoded, which training with the TF Object Detection API needs`);
  }
  if (lost > 0) out.push(`${lost} attribute values (tfrecord holds an attribute as one list per image: text or numbers on every box, not named like a key it uses)`);
  if (areasLost > 0) out.push(`${areasLost} object areas (tfrecord writes an image's areas only when every box has one)`);
  if (booleans > 0) out.push(`${booleans} boolean attribute values (written as 0/1: tfrecord has no booleans)`);
  if (rounded > 0) out.push(`${rounded} decimal attribute values and areas rounded to 32-bit floats (tfrecord stores decimals as float32)`);
  if (restructured.flattened > 0) out.push(`${restructured.flattened} objects' nested attributes ({"attributes": {...}}, as CVAT's COCO export writes them) written as attributes of their own (tfrecord holds one list per attribute: they read back flat)`);
  if (restructured.shadowed > 0) out.push(`${restructured.shadowed} nested attribute values named like an attribute of the object itself (tfrecord keeps the object's own)`);
  if (splitsLost > 0) out.push(`${splitsLost} samples' splits (a single tfrecord file holds none: write to a folder for one file per split)`);
  if (defaultSplits > 0) out.push(`${defaultSplits} samples' splits named "${DEFAULT_STEM}" (${DEFAULT_STEM}.tfrecord is read back as samples without a split)`);
  if (idsRetyped > 0) out.push(`${idsRetyped} image ids that are text reading back as a number, or not text or numbers (tfrecord writes image/source_id as text and reads numbers back as numbers)`);
  const attrs = (text: string) => attrsOf(text).a;
  return { o, categories, fileOf, image, W, H, attrsOf: attrs, lost: out };
}

/**
 * A record file written as it goes: records are framed into a temporary file beside the target,
 * which `commit` flushes to disk and renames over it (the target never holds half a file).
 */
class RecordFile {
  private readonly tmp: string;
  private fd: number | null;
  private readonly buf = Buffer.allocUnsafe(1 << 20);
  private len = 0;

  constructor(readonly target: string) {
    fs.mkdirSync(path.dirname(target), { recursive: true });
    this.tmp = path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`);
    this.fd = fs.openSync(this.tmp, "w");
  }

  /** Appends one record whose data is `chunks`, with its framing. */
  add(chunks: readonly Uint8Array[]): void {
    let size = 0, crc = 0;
    for (const c of chunks) {
      size += c.length;
      crc = crc32c(c, 0, c.length, crc);
    }
    this.put(recordHeader(size));
    for (const c of chunks) this.put(c);
    const tail = new Uint8Array(4);
    new DataView(tail.buffer).setUint32(0, maskCrc(crc), true);
    this.put(tail);
  }

  private put(data: Uint8Array): void {
    if (data.length >= this.buf.length / 4) {
      this.flush();
      this.writeAll(data);
    } else {
      if (this.len + data.length > this.buf.length) this.flush();
      this.buf.set(data, this.len);
      this.len += data.length;
    }
  }

  private flush(): void {
    if (this.len > 0) this.writeAll(this.buf.subarray(0, this.len));
    this.len = 0;
  }

  private writeAll(data: Uint8Array): void {
    for (let done = 0; done < data.length;) done += fs.writeSync(this.fd!, data, done, data.length - done);
  }

  /** Flushes the file to disk and renames it over the target. */
  commit(): void {
    this.flush();
    fs.fsyncSync(this.fd!);
    fs.closeSync(this.fd!);
    this.fd = null;
    fs.renameSync(this.tmp, this.target);
  }

  /** Removes the temporary file (after a failure). */
  abort(): void {
    if (this.fd !== null) fs.closeSync(this.fd);
    this.fd = null;
    fs.rmSync(this.tmp, { force: true });
  }
}

async function writeTfrecord(ds: Dataset, output: string, options: WriteOptions): Promise<WriteReport> {
  const p = await plans.take(ds, output, options);
  const { o, categories, attrsOf } = p;
  const s = ds.samples;
  const ids = values<string>(s, "id"), filepaths = values<string>(s, "filepath");
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
          throw new BlindspotError({ file: p.image[r]!, place: `sample ${ids[r]}`, message: `the image cannot be read (${(err as Error).message})`, hint: "the image was there when the export began; check the images folder and export again" });
        }
      }
      const W = p.W[r], H = p.H[r];
      const ext = path.extname(filepath).slice(1).toLowerCase();
      const features: [string, Feature][] = [
        ["image/filename", { kind: "bytes", value: [bytes(filepath)] }],
        ["image/source_id", { kind: "bytes", value: [bytes(sourceIds && sourceIds[r] != null ? String(sourceIds[r]) : "")] }],
        ["image/width", { kind: "int64", value: W ? [W] : [] }],
        ["image/height", { kind: "int64", value: H ? [H] : [] }],
        ["image/format", { kind: "bytes", value: [bytes(IMAGE_FORMATS[ext] ?? ext)] }],
        ["image/encoded", { kind: "bytes", value: [image] }],
        ["image/key/sha256", { kind: "bytes", value: [bytes(image.length ? createHash("sha256").update(image).digest("hex") : "")] }],
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
    if (files.size === 0) fileFor(RECORD_FILE.test(output) && !isDir(output) ? output : path.join(output, `${DEFAULT_STEM}.tfrecord`));
    for (const f of files.values()) f.commit();
  } catch (err) {
    for (const f of files.values()) f.abort();
    throw err;
  }
  const dir = RECORD_FILE.test(output) && !isDir(output) ? path.dirname(output) : output;
  writeFileAtomic(path.join(dir, LABEL_MAP), formatLabelMap(categories));
  return { files: files.size + 1, dropped: p.lost };
}
