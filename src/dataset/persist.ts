import * as aq from "arquero";
import type { ColumnTable } from "arquero";
import {
  bool,
  dictionary,
  float32,
  float64,
  int8,
  int16,
  int32,
  list,
  tableToIPC,
  uint8,
  uint16,
  uint32,
  utf8,
  type DataType,
} from "@uwdata/flechette";
import * as fs from "node:fs";
import * as path from "node:path";
import { randomBytes } from "node:crypto";
import { BlindspotError } from "../errors";
import { writeFileAtomic } from "../io/atomic";
import { Dataset } from "./dataset";

/**
 * On disk a dataset is a folder: `manifest.json` plus Arrow IPC files named in it.
 * A save writes new table files under fresh names, then replaces the manifest atomically;
 * that rename is the commit point, so a crash at any moment leaves the previous version
 * readable. After the commit the previous version's tables are removed; files of a save that
 * crashed are removed by a later save once they are an hour old.
 */
export const MANIFEST = "manifest.json";
export const FORMAT_NAME = "blindspot.dataset";
export const FORMAT_VERSION = 1;

interface Manifest {
  format: typeof FORMAT_NAME;
  version: number;
  name: string;
  saved: string;
  tables: { samples: string; objects: string };
  /** Columns whose values are objects, stored as JSON text. */
  jsonColumns: { samples: string[]; objects: string[] };
  counts: { samples: number; objects: number };
  imagesDir: string | null;
  categories: Dataset["categories"];
  fields: Dataset["fields"];
  problems: Dataset["problems"];
  info: Dataset["info"];
}

export function saveDataset(ds: Dataset, dir: string): void {
  fs.mkdirSync(dir, { recursive: true });
  const previous = previousTables(dir);
  const stamp = `${Date.now().toString(36)}-${randomBytes(3).toString("hex")}`;
  const samples = encodeTable(ds.samples);
  const objects = encodeTable(ds.objects);
  const tables = { samples: `samples-${stamp}.arrow`, objects: `objects-${stamp}.arrow` };
  writeFileAtomic(path.join(dir, tables.samples), samples.bytes);
  writeFileAtomic(path.join(dir, tables.objects), objects.bytes);
  const manifest: Manifest = {
    format: FORMAT_NAME,
    version: FORMAT_VERSION,
    name: ds.name,
    saved: new Date().toISOString(),
    tables,
    jsonColumns: { samples: samples.jsonColumns, objects: objects.jsonColumns },
    counts: { samples: ds.samples.numRows(), objects: ds.objects.numRows() },
    imagesDir: ds.imagesDir === null ? null : storedImagesDir(dir, ds.imagesDir),
    categories: ds.categories,
    fields: ds.fields,
    problems: ds.problems,
    info: ds.info,
  };
  writeFileAtomic(path.join(dir, MANIFEST), JSON.stringify(manifest, null, 1));
  for (const name of previous)
    if (name !== tables.samples && name !== tables.objects) fs.rmSync(path.join(dir, name), { force: true });
  removeLeftovers(dir, new Set([tables.samples, tables.objects]));
}

export function loadDataset(dir: string): Dataset {
  const file = path.join(dir, MANIFEST);
  if (!fs.existsSync(file)) {
    throw new BlindspotError({
      file: dir,
      message: "not a saved blindspot dataset (no manifest.json)",
      hint: "pass the folder that Dataset.save or `blindspot convert --to blindspot` wrote",
    });
  }
  let manifest: Manifest;
  try {
    manifest = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (err) {
    throw new BlindspotError({
      file,
      message: `manifest is not valid JSON (${(err as Error).message})`,
      hint: "the folder was damaged outside blindspot; restore it from a copy",
    });
  }
  if (manifest.format !== FORMAT_NAME) {
    throw new BlindspotError({
      file,
      place: "format",
      message: `unknown format ${JSON.stringify(manifest.format)}`,
      hint: "this folder was not written by blindspot",
    });
  }
  if (manifest.version > FORMAT_VERSION) {
    throw new BlindspotError({
      file,
      place: "version",
      message:
        `dataset format version ${manifest.version} is newer than this blindspot understands ` + `(${FORMAT_VERSION})`,
      hint: "upgrade blindspot to read it",
    });
  }
  if (
    !TABLE_FILE.test(String(manifest.tables?.samples)) ||
    !TABLE_FILE.test(String(manifest.tables?.objects)) ||
    !manifest.jsonColumns
  ) {
    throw new BlindspotError({
      file,
      place: "tables",
      message: "the manifest names no table files",
      hint: "the folder was damaged outside blindspot; restore it from a copy",
    });
  }
  const samples = decodeTable(path.join(dir, manifest.tables.samples), manifest.jsonColumns.samples);
  const objects = decodeTable(path.join(dir, manifest.tables.objects), manifest.jsonColumns.objects);
  return new Dataset({
    name: manifest.name,
    samples,
    objects,
    categories: manifest.categories,
    fields: manifest.fields,
    imagesDir: manifest.imagesDir === null ? null : path.resolve(dir, manifest.imagesDir),
    problems: manifest.problems,
    info: manifest.info,
  });
}

/** Images inside the dataset folder are stored relative to it, so the folder can move. */
function storedImagesDir(dir: string, imagesDir: string): string {
  const rel = path.relative(path.resolve(dir), path.resolve(imagesDir));
  return rel.startsWith("..") || path.isAbsolute(rel) ? path.resolve(imagesDir) : rel || ".";
}

/** Table files the folder's current manifest names (an unreadable manifest names none). */
function previousTables(dir: string): string[] {
  try {
    const m = JSON.parse(fs.readFileSync(path.join(dir, MANIFEST), "utf8")) as Manifest;
    return [m.tables.samples, m.tables.objects].filter((n) => typeof n === "string" && TABLE_FILE.test(n));
  } catch {
    return [];
  }
}

const TABLE_FILE = /^(samples|objects)-[\w-]+\.arrow$/;
const TEMP_FILE = /^\..*\.tmp$/;
/** Files of a save that crashed are removed once surely not part of another save in progress. */
const LEFTOVER_AGE_MS = 60 * 60 * 1000;

function removeLeftovers(dir: string, keep: Set<string>): void {
  const now = Date.now();
  for (const name of fs.readdirSync(dir)) {
    if (keep.has(name) || !(TABLE_FILE.test(name) || TEMP_FILE.test(name))) continue;
    const file = path.join(dir, name);
    try {
      if (now - fs.statSync(file).mtimeMs > LEFTOVER_AGE_MS) fs.rmSync(file, { force: true });
    } catch {
      // Removed meanwhile by another process: nothing to do.
    }
  }
}

function encodeTable(t: ColumnTable): { bytes: Uint8Array; jsonColumns: string[] } {
  const types: Record<string, DataType> = {};
  const jsonColumns: string[] = [];
  const columns: Record<string, ArrayLike<unknown>> = {};
  for (const name of t.columnNames()) {
    let values = t.array(name) as ArrayLike<unknown>;
    let type = arrowType(values);
    if (type === "json") {
      jsonColumns.push(name);
      values = Array.from(values, (v) => (v == null ? null : JSON.stringify(v)));
      type = utf8();
    }
    types[name] = type;
    columns[name] = values;
  }
  const arrow = aq.toArrow(aq.table(columns), { types });
  return { bytes: tableToIPC(arrow, { format: "file" })!, jsonColumns };
}

function decodeTable(file: string, jsonColumns: string[]): ColumnTable {
  let bytes: Uint8Array;
  try {
    bytes = fs.readFileSync(file);
  } catch (err) {
    throw new BlindspotError({
      file,
      message: `table file missing (${(err as Error).message})`,
      hint: "the dataset folder is incomplete; restore it from a copy",
    });
  }
  let t: ColumnTable;
  try {
    t = aq.fromArrow(bytes);
  } catch (err) {
    throw new BlindspotError({
      file,
      message: `table file is damaged (${(err as Error).message})`,
      hint: "the dataset folder was changed outside blindspot; restore it from a copy",
    });
  }
  if (jsonColumns.length) {
    const decoded: Record<string, unknown[]> = {};
    for (const name of jsonColumns) {
      decoded[name] = Array.from(t.array(name) as ArrayLike<string | null>, (v) => (v == null ? null : JSON.parse(v)));
    }
    t = t.assign(aq.table(decoded));
  }
  return t;
}

const TYPED: [new (...a: any[]) => ArrayLike<number>, () => DataType][] = [
  [Float64Array, float64],
  [Float32Array, float32],
  [Int32Array, int32],
  [Int16Array, int16],
  [Int8Array, int8],
  [Uint32Array, uint32],
  [Uint16Array, uint16],
  [Uint8Array, uint8],
];

/** Picks an Arrow type from a column's values; "json" for object values. */
function arrowType(values: ArrayLike<unknown>): DataType | "json" {
  for (const [ctor, make] of TYPED) if (values instanceof ctor) return make();
  let kind: string | null = null;
  let allInt = true;
  let elem: string | null = null;
  const distinct = new Set<unknown>();
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v == null) continue;
    const k = Array.isArray(v) ? "list" : typeof v;
    if (kind === null) kind = k;
    else if (kind !== k) return "json";
    if (k === "number") {
      if (!Number.isInteger(v) || Math.abs(v as number) > 2 ** 31 - 1) allInt = false;
    } else if (k === "string") {
      if (distinct.size <= 1024) distinct.add(v);
    } else if (k === "list") {
      for (const e of v as unknown[]) {
        const ek = typeof e;
        if (elem === null) elem = ek;
        else if (elem !== ek) return "json";
      }
    } else if (k !== "boolean") {
      return "json";
    }
  }
  switch (kind) {
    case null:
      return utf8();
    case "number":
      return allInt ? int32() : float64();
    case "boolean":
      return bool();
    case "string":
      // Repeated values (weather, split, labels) are stored once each.
      return distinct.size <= 1024 && values.length > 2 * distinct.size ? dictionary(utf8()) : utf8();
    case "list":
      if (elem === null || elem === "string") return list(utf8());
      if (elem === "number") return list(float64());
      return "json";
    default:
      return "json";
  }
}
