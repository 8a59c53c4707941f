import * as fs from "node:fs";
import * as path from "node:path";
import { DatasetBuilder } from "../dataset/builder";
import { values } from "../dataset/columns";
import type { Dataset } from "../dataset/dataset";
import { GROUND_TRUTH } from "../dataset/schema";
import { fail } from "../errors";
import { writeFileAtomic } from "../io/atomic";
import { joinOutput, safeName } from "../io/paths";
import { finishImport } from "./common/finish";
import { finiteNumber, isDir, listFiles, readText, refuseSharedOutputs, stem } from "./common/files";
import { dict, fieldObjects, fieldToWrite, imagesDirFor, objectAttributes } from "./common/labels";
import { cornerSize, exactCorner } from "./common/shapes";
import { escapeXml, scanXml } from "./common/xmlScan";
import type { Format, ReadOptions, WriteOptions, WriteReport } from "./format";

/**
 * Pascal VOC XML: one file per image, boxes as corners `xmin ymin xmax ymax`. The values are
 * taken as continuous coordinates (x = xmin, w = xmax - xmin), the reading every other format
 * of the same labels agrees with. Either a folder of XML files or a VOC tree
 * (`Annotations/`, `ImageSets/Main/<split>.txt`, which gives each sample its split; `default.txt`
 * lists samples without a split, as CVAT and Datumaro export them and as TFRecord's
 * `default.tfrecord`).
 *
 * An object's `<part>`s (person layout: head, hands, feet) and `<actions>` are not loaded: each
 * file that has some gets a problem saying how many (`unsupported-shape` for parts,
 * `ignored-field` for actions and other elements of the object blindspot does not read).
 *
 * Object attributes: `pose`, `truncated`, `difficult` and `occluded` are elements of the
 * object; any other is written the way CVAT and Datumaro export them,
 * `<attributes><attribute><name>k</name><value>v</value></attribute></attributes>`. Values are
 * text in the file: `true`/`false` read back as booleans and JSON numbers as numbers.
 * Text is kept as written (a label `" van "` keeps its spaces).
 */
const OBJECT_ATTRIBUTES = new Set(["pose", "truncated", "difficult", "occluded"]);
const CORNERS = ["xmin", "ymin", "xmax", "ymax"];
/** Elements of an object the reader takes. */
const OBJECT_ELEMENTS = new Set(["name", "bndbox", "attributes", ...OBJECT_ATTRIBUTES]);
/** The split that ImageSets/Main/default.txt lists: none. */
const NO_SPLIT = "default";
const JSON_NUMBER = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$/;

export const voc: Format = {
  name: "voc",
  description: "Pascal VOC XML, one file per image (folder of .xml or a VOC tree with Annotations/)",
  reads: "folder",
  holds: {
    boxes: true,
    polygons: false,
    rle: false,
    crowd: false,
    confidence: false,
    classification: false,
    metadata: false,
    attributes: true,
    multipleFields: false,
    splits: true,
    sampleTags: false,
    objectTags: false,
    area: false,
    ids: false,
    categoryKeys: false,
  },
  detect: (input) =>
    isDir(input) && (isDir(path.join(input, "Annotations")) || fs.readdirSync(input).some((f) => f.endsWith(".xml"))),
  read: readVoc,
  plan: (ds, out, options) => vocFiles(ds, out, options).lost,
  write: writeVoc,
};

/**
 * An attribute value from its text: `true`/`false` (any case) as a boolean, a JSON number as a
 * number, other text as is. VOC's own elements (`truncated`, ...) may have spaces around a number.
 */
function vocValue(text: string, own = false): unknown {
  const t = own ? text.trim() : text;
  const lower = t.toLowerCase();
  if (lower === "true" || lower === "false") return lower === "true";
  return JSON_NUMBER.test(t) ? Number(t) : text;
}

interface VocObject {
  line: number;
  name?: string;
  corners: (number | null)[];
  attributes: Record<string, unknown>;
}

interface VocDoc {
  filename?: string;
  width: number | null;
  height: number | null;
  objects: VocObject[];
  /** Parts of objects not loaded, by part name, and other elements of objects not loaded, by element. */
  parts: Map<string, number>;
  ignored: Map<string, number>;
}

/** Reads one VOC annotation file with the streaming scanner (malformed XML fails with its line). */
function readVocFile(file: string): VocDoc {
  const doc: VocDoc = { width: null, height: null, objects: [], parts: new Map(), ignored: new Map() };
  let obj: VocObject | null = null;
  let attr: { line: number; name?: string; value?: string } | null = null;
  let partName: string | null = null;
  const count = (m: Map<string, number>, k: string) => m.set(k, (m.get(k) ?? 0) + 1);
  scanXml(file, {
    open(name, _attrs, line, stack) {
      const d = stack.length;
      if (d === 1 && name !== "annotation")
        fail(
          file,
          `line ${line}`,
          `the root element is <${name}>, not <annotation>`,
          "this is not a VOC annotation file",
        );
      if (d === 2 && name === "object") {
        obj = { line, corners: [null, null, null, null], attributes: dict() };
        doc.objects.push(obj);
      } else if (d === 4 && obj && name === "attribute" && stack[2] === "attributes") attr = { line };
    },
    close(name, text, stack) {
      const d = stack.length;
      const parent = stack[d - 2];
      if (d === 2) {
        if (name === "filename") doc.filename = text;
        else if (name === "object") obj = null;
      } else if (d === 3 && parent === "size") {
        if (name === "width") doc.width = finiteNumber(text);
        else if (name === "height") doc.height = finiteNumber(text);
      } else if (obj === null) {
        return;
      } else if (d === 3) {
        if (name === "name") obj.name = text;
        else if (OBJECT_ATTRIBUTES.has(name)) obj.attributes[name] = vocValue(text, true);
        else if (name === "part") {
          count(doc.parts, partName === null || partName.trim() === "" ? "unnamed" : partName.trim());
          partName = null;
        } else if (!OBJECT_ELEMENTS.has(name)) count(doc.ignored, name);
      } else if (d === 4 && parent === "part") {
        if (name === "name") partName = text;
      } else if (d === 4 && parent === "bndbox") {
        const c = CORNERS.indexOf(name);
        if (c >= 0) obj.corners[c] = finiteNumber(text);
      } else if (d === 5 && parent === "attribute" && attr) {
        if (name === "name") attr.name = text;
        else if (name === "value") attr.value = text;
      } else if (d === 4 && name === "attribute" && attr) {
        if (attr.name === undefined)
          fail(
            file,
            `line ${attr.line}, object ${doc.objects.length}`,
            "<attribute> has no <name>",
            "give every attribute a <name> and a <value>",
          );
        obj.attributes[attr.name] = vocValue(attr.value ?? "");
        attr = null;
      }
    },
  });
  return doc;
}

async function readVoc(input: string, options: ReadOptions): Promise<Dataset> {
  if (!isDir(input))
    fail(
      input,
      undefined,
      "expected a folder of VOC XML files",
      "pass the folder that holds the .xml files (or the VOC root with Annotations/)",
    );
  const annDir = isDir(path.join(input, "Annotations")) ? path.join(input, "Annotations") : input;
  const files = listFiles(annDir, (f) => f.endsWith(".xml"));
  if (!files.length)
    fail(annDir, undefined, "no .xml files found", "pass the folder that holds the VOC annotation files");
  const splits = readImageSets(input);
  const b = new DatasetBuilder(options.name ?? path.basename(path.resolve(input)), imagesDirFor(options));
  const field = options.field ?? GROUND_TRUTH;
  b.declareField({ name: field, kind: "detections", predicted: false });

  for (const rel of files) {
    const file = path.join(annDir, rel);
    const doc = readVocFile(file);
    const filename = doc.filename ? doc.filename : `${stem(rel)}.jpg`;
    const id = b.addSample({
      filepath: filename,
      width: doc.width,
      height: doc.height,
      split: splits.get(stem(filename)) ?? null,
    });
    if (doc.parts.size > 0) {
      const n = [...doc.parts.values()].reduce((a, c) => a + c, 0);
      const what = [...doc.parts].map(([p, c]) => `${c} ${p}`).join(", ");
      b.addProblem({
        kind: "unsupported-shape",
        sampleId: id,
        file,
        place: "<object><part>",
        message: `${n} <part> box(es) of objects not loaded (${what}): blindspot reads each object's own box`,
        hint: "the person layout parts are left out; keep the VOC files to use them",
      });
    }
    if (doc.ignored.size > 0) {
      const what = [...doc.ignored].map(([e, c]) => `${c} <${e}>`).join(", ");
      b.addProblem({
        kind: "ignored-field",
        sampleId: id,
        file,
        place: "<object>",
        message: `not loaded: ${what} of objects`,
        hint:
          "blindspot reads an object's name, bndbox, pose, truncated, difficult, occluded and <attributes>; the " +
          "action flags and other elements are left out",
      });
    }
    doc.objects.forEach((obj, k) => {
      const place = `object ${k + 1}, line ${obj.line}`;
      const [x0, y0, x1, y1] = obj.corners;
      if (x0 === null || y0 === null || x1 === null || y1 === null)
        fail(
          file,
          place,
          "object has no complete <bndbox> (xmin, ymin, xmax, ymax)",
          "give every object a bndbox with four numbers",
        );
      if (!obj.name) fail(file, place, "object has no <name>", "give every object a class name");
      b.addObject({
        sampleId: id,
        field,
        label: obj.name,
        x: x0,
        y: y0,
        w: cornerSize(x0, x1),
        h: cornerSize(y0, y1),
        attributes: obj.attributes,
      });
    });
  }
  return finishImport(b, annDir, options);
}

/**
 * Split of each image stem from `ImageSets/Main/<split>.txt`, one stem per line. Per-class
 * lists (`<class>_<split>.txt`, a stem and 1 / 0 / -1 per line) are skipped, and so is
 * `default.txt`: its samples have no split.
 */
function readImageSets(root: string): Map<string, string> {
  const dir = path.join(root, "ImageSets", "Main");
  const out = new Map<string, string>();
  if (!isDir(dir)) return out;
  for (const f of fs
    .readdirSync(dir)
    .filter((n) => n.endsWith(".txt"))
    .sort()) {
    const split = f.slice(0, -4);
    if (split === NO_SPLIT) continue; // samples without a split
    const lines = readText(path.join(dir, f))
      .split(/\r?\n/)
      .map((l) => l.trim())
      .filter((l) => l !== "");
    if (f.includes("_") && lines.length && lines.every((l) => /^\S+\s+-?[01]$/.test(l))) continue;
    for (const s of lines) out.set(s, split);
  }
  return out;
}

interface VocOutput {
  /** [path, text] of each file to write. */
  files: [string, string][];
  /** What the files cannot hold, one line each with a count. */
  lost: string[];
}

/**
 * Everything a VOC export writes, and what it leaves out, before anything is written: file
 * and folder names from the data are checked, and two images with the same file stem (one
 * annotation file each) are refused.
 */
function vocFiles(ds: Dataset, out: string, options: WriteOptions): VocOutput {
  const field = fieldToWrite(ds, options, "detections");
  const o = fieldObjects(ds, field);
  const s = ds.samples;
  const ids = values<string>(s, "id"),
    filepaths = values<string>(s, "filepath");
  const widths = values<number | null>(s, "width"),
    heights = values<number | null>(s, "height"),
    splits = values<string | null>(s, "split");
  const stems = Array.from(filepaths, (f) => stem(f));
  const annFiles = stems.map((n) =>
    joinOutput(out, [{ name: "Annotations", what: "folder" }], `${safeName(n, "image file name", out)}.xml`),
  );
  refuseSharedOutputs(
    out,
    annFiles,
    filepaths,
    "VOC names each annotation file after its image's file name without folders and extension; give these images " +
      "distinct file names, or write to a format that keeps folders (coco, jsonl, cvat)",
  );

  const esc = { invalid: 0 };
  const e = (v: string) => escapeXml(v, esc);
  const lost = { typed: new Set<string>(), typedCount: 0, structured: 0, nulls: 0, unlisted: 0, noSplit: 0 };
  const restructured = { flattened: 0, shadowed: 0 };
  const files: [string, string][] = [];
  const bySplit = new Map<string, string[]>();
  for (let i = 0; i < ids.length; i++) {
    const objects = (o.bySample.get(ids[i]) ?? []).map((r) => {
      const own: string[] = [],
        extra: string[] = [];
      for (const [k, v] of Object.entries(objectAttributes(o.attributes[r], restructured))) {
        const text = attributeText(k, v, lost);
        if (text === null) continue;
        if (OBJECT_ATTRIBUTES.has(k)) own.push(`\t\t<${k}>${e(text)}</${k}>\n`);
        else
          extra.push(
            `\t\t\t<attribute>\n\t\t\t\t<name>${e(k)}</name>\n\t\t\t\t<value>${e(text)}</value>\n\t\t\t</attribute>\n`,
          );
      }
      const x = o.x[r],
        y = o.y[r];
      return (
        `\t<object>\n\t\t<name>${e(o.label[r])}</name>\n${own.join("")}\t\t<bndbox>\n` +
        `\t\t\t<xmin>${x}</xmin>\n\t\t\t<ymin>${y}</ymin>\n\t\t\t<xmax>${exactCorner(x, o.w[r])}</xmax>\n\t\t\t<ymax>` +
        `${exactCorner(y, o.h[r])}</ymax>\n\t\t</bndbox>\n` +
        (extra.length ? `\t\t<attributes>\n${extra.join("")}\t\t</attributes>\n` : "") +
        "\t</object>\n"
      );
    });
    const xml =
      `<annotation>\n\t<filename>${e(filepaths[i])}</filename>\n\t<size>\n\t\t<width>${widths[i] ?? ""}</` +
      `width>\n\t\t<height>${heights[i] ?? ""}</height>\n\t\t<depth>3</depth>\n\t</size>\n${objects.join("")}</` +
      `annotation>\n`;
    files.push([annFiles[i], xml]);
    const split = splits[i];
    if (split === null) continue;
    if (split === NO_SPLIT) lost.noSplit++;
    // A list holds one stem per line, read back trimmed.
    if (stems[i] !== stems[i].trim() || /[\r\n]/.test(stems[i])) {
      lost.unlisted++;
      continue;
    }
    const list = bySplit.get(split);
    if (list) list.push(stems[i]);
    else bySplit.set(split, [stems[i]]);
  }
  for (const [split, names] of bySplit) {
    files.push([
      joinOutput(
        out,
        [
          { name: "ImageSets", what: "folder" },
          { name: "Main", what: "folder" },
        ],
        `${safeName(split, "split", out)}.txt`,
      ),
      names.join("\n") + "\n",
    ]);
  }

  const report: string[] = [];
  if (lost.typedCount)
    report.push(
      `${lost.typedCount} attribute values that are text reading back as a number or true/false (voc attribute ` +
        `values are text; attributes ${[...lost.typed].slice(0, 5).join(", ")})`,
    );
  if (lost.structured)
    report.push(
      `${lost.structured} attribute values that are lists or objects (voc writes them as JSON text, which reads ` +
        `back as text)`,
    );
  if (lost.nulls) report.push(`${lost.nulls} empty (null) attribute values (voc cannot hold them)`);
  if (restructured.flattened)
    report.push(
      `${restructured.flattened} objects' nested attributes ({"attributes": {...}}, as CVAT's COCO export writes ` +
        `them) written as attributes of their own (voc has no nesting: they read back flat)`,
    );
  if (restructured.shadowed)
    report.push(
      `${restructured.shadowed} nested attribute values named like an attribute of the object itself (voc keeps the ` +
        `object's own)`,
    );
  if (lost.noSplit)
    report.push(
      `${lost.noSplit} samples' splits named "${NO_SPLIT}" (voc reads ImageSets/Main/${NO_SPLIT}.txt as samples ` +
        `without a split)`,
    );
  if (lost.unlisted)
    report.push(
      `${lost.unlisted} samples' splits (their file names have spaces at the ends or line breaks, which a VOC split ` +
        `list cannot hold)`,
    );
  if (esc.invalid) report.push(`${esc.invalid} characters that XML cannot hold (written as U+FFFD)`);
  return { files, lost: report };
}

/**
 * The text an attribute value is written as, or null when VOC cannot hold it; counts what does not read back the same.
 */
function attributeText(
  key: string,
  v: unknown,
  lost: { typed: Set<string>; typedCount: number; structured: number; nulls: number },
): string | null {
  if (v === null || v === undefined) {
    lost.nulls++;
    return null;
  }
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  if (typeof v === "string") {
    if (vocValue(v, OBJECT_ATTRIBUTES.has(key)) !== v) {
      lost.typedCount++;
      lost.typed.add(key);
    }
    return v;
  }
  lost.structured++;
  return JSON.stringify(v);
}

async function writeVoc(ds: Dataset, out: string, options: WriteOptions): Promise<WriteReport> {
  const { files, lost } = vocFiles(ds, out, options);
  for (const [file, text] of files) writeFileAtomic(file, text);
  return { files: files.length, dropped: lost };
}
