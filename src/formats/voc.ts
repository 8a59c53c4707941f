import * as fs from "node:fs";
import * as path from "node:path";
import { DatasetBuilder } from "../dataset/builder";
import { values } from "../dataset/columns";
import type { Dataset } from "../dataset/dataset";
import { GROUND_TRUTH } from "../dataset/schema";
import { fail } from "../errors";
import { writeFileAtomic } from "../io/atomic";
import { finishImport } from "./common/finish";
import { isDir, listFiles, readText, stem } from "./common/files";
import { fieldObjects, fieldToWrite, imagesDirFor } from "./common/labels";
import { parseXml, xmlNumber } from "./common/xml";
import { escapeXml } from "./common/xmlScan";
import type { Format, ReadOptions, WriteOptions, WriteReport } from "./format";

/**
 * Pascal VOC XML: one file per image, boxes as corners `xmin ymin xmax ymax`. The values are
 * taken as continuous coordinates (x = xmin, w = xmax - xmin), the reading every other format
 * of the same labels agrees with. Either a folder of XML files or a VOC tree
 * (`Annotations/`, `ImageSets/Main/<split>.txt`, which gives each sample its split).
 */
const OBJECT_ATTRIBUTES = ["pose", "truncated", "difficult", "occluded"];

export const voc: Format = {
  name: "voc",
  description: "Pascal VOC XML, one file per image (folder of .xml or a VOC tree with Annotations/)",
  holds: { boxes: true, polygons: false, rle: false, crowd: false, confidence: false, classification: false, metadata: false, attributes: true, multipleFields: false, splits: true, sampleTags: false, objectTags: false },
  detect: (input) => isDir(input) && (isDir(path.join(input, "Annotations")) || fs.readdirSync(input).some((f) => f.endsWith(".xml"))),
  read: readVoc,
  write: writeVoc,
};

async function readVoc(input: string, options: ReadOptions): Promise<Dataset> {
  if (!isDir(input)) fail(input, undefined, "expected a folder of VOC XML files", "pass the folder that holds the .xml files (or the VOC root with Annotations/)");
  const annDir = isDir(path.join(input, "Annotations")) ? path.join(input, "Annotations") : input;
  const files = listFiles(annDir, (f) => f.endsWith(".xml"));
  if (!files.length) fail(annDir, undefined, "no .xml files found", "pass the folder that holds the VOC annotation files");
  const splits = readImageSets(input);
  const b = new DatasetBuilder(options.name ?? path.basename(path.resolve(input)), imagesDirFor(options));
  const field = options.field ?? GROUND_TRUTH;
  b.declareField({ name: field, kind: "detections", predicted: false });

  for (const rel of files) {
    const file = path.join(annDir, rel);
    const doc = parseXml(file, readText(file), ["object"]).annotation;
    if (!doc) fail(file, undefined, "no <annotation> root element", "this is not a VOC annotation file");
    const filename = typeof doc.filename === "string" && doc.filename ? doc.filename : `${stem(rel)}.jpg`;
    const id = b.addSample({
      filepath: filename,
      width: xmlNumber(doc.size?.width),
      height: xmlNumber(doc.size?.height),
      split: splits.get(stem(filename)) ?? null,
    });
    (doc.object ?? []).forEach((obj: Record<string, any>, k: number) => {
      const place = `object ${k + 1}`;
      const bb = obj.bndbox;
      const [x0, y0, x1, y1] = ["xmin", "ymin", "xmax", "ymax"].map((c) => xmlNumber(bb?.[c]));
      if (x0 === null || y0 === null || x1 === null || y1 === null) fail(file, place, "object has no complete <bndbox> (xmin, ymin, xmax, ymax)", "give every object a bndbox with four numbers");
      if (typeof obj.name !== "string" || !obj.name) fail(file, place, "object has no <name>", "give every object a class name");
      const attributes: Record<string, unknown> = {};
      for (const a of OBJECT_ATTRIBUTES) {
        if (obj[a] === undefined) continue;
        const n = xmlNumber(obj[a]);
        attributes[a] = n ?? obj[a];
      }
      b.addObject({ sampleId: id, field, label: obj.name, x: x0, y: y0, w: x1 - x0, h: y1 - y0, attributes });
    });
  }
  return finishImport(b, annDir, options);
}

/** Split of each image stem from `ImageSets/Main/<split>.txt` (per-class lists are skipped). */
function readImageSets(root: string): Map<string, string> {
  const dir = path.join(root, "ImageSets", "Main");
  const out = new Map<string, string>();
  if (!isDir(dir)) return out;
  for (const f of fs.readdirSync(dir).filter((n) => n.endsWith(".txt") && !n.includes("_")).sort()) {
    const split = f.slice(0, -4);
    for (const line of readText(path.join(dir, f)).split(/\r?\n/)) {
      const s = line.trim().split(/\s+/)[0];
      if (s) out.set(s, split);
    }
  }
  return out;
}

async function writeVoc(ds: Dataset, out: string, options: WriteOptions): Promise<WriteReport> {
  const field = fieldToWrite(ds, options, "detections");
  const o = fieldObjects(ds, field);
  const s = ds.samples;
  const ids = values<string>(s, "id"), filepaths = values<string>(s, "filepath");
  const widths = values<number | null>(s, "width"), heights = values<number | null>(s, "height"), splits = values<string | null>(s, "split");
  const bySplit = new Map<string, string[]>();
  const used = new Set<string>();
  for (let i = 0; i < ids.length; i++) {
    const name = stem(filepaths[i]);
    if (used.has(name)) fail(out, filepaths[i], `two images share the file stem ${name}`, "VOC names annotation files after the image; rename one image");
    used.add(name);
    const objects = (o.bySample.get(ids[i]) ?? []).map((r) => {
      const attrs = o.attributes[r] === null ? {} : (JSON.parse(o.attributes[r]!) as Record<string, unknown>);
      const extra = OBJECT_ATTRIBUTES.filter((a) => attrs[a] !== undefined).map((a) => `\t\t<${a}>${escapeXml(String(attrs[a]))}</${a}>\n`).join("");
      return `\t<object>\n\t\t<name>${escapeXml(o.label[r])}</name>\n${extra}\t\t<bndbox>\n` +
        `\t\t\t<xmin>${o.x[r]}</xmin>\n\t\t\t<ymin>${o.y[r]}</ymin>\n\t\t\t<xmax>${o.x[r] + o.w[r]}</xmax>\n\t\t\t<ymax>${o.y[r] + o.h[r]}</ymax>\n\t\t</bndbox>\n\t</object>\n`;
    });
    const xml = `<annotation>\n\t<filename>${escapeXml(filepaths[i])}</filename>\n\t<size>\n\t\t<width>${widths[i] ?? ""}</width>\n\t\t<height>${heights[i] ?? ""}</height>\n\t\t<depth>3</depth>\n\t</size>\n${objects.join("")}</annotation>\n`;
    writeFileAtomic(path.join(out, "Annotations", `${name}.xml`), xml);
    const split = splits[i];
    if (split === null) continue;
    const list = bySplit.get(split);
    if (list) list.push(name);
    else bySplit.set(split, [name]);
  }
  for (const [split, names] of bySplit) writeFileAtomic(path.join(out, "ImageSets", "Main", `${split}.txt`), names.join("\n") + "\n");
  return { files: ids.length + bySplit.size, dropped: [] };
}
