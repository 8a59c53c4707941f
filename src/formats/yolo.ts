import * as fs from "node:fs";
import * as path from "node:path";
import { DatasetBuilder } from "../dataset/builder";
import { values } from "../dataset/columns";
import type { Dataset } from "../dataset/dataset";
import { GROUND_TRUTH } from "../dataset/schema";
import { fail } from "../errors";
import { writeFileAtomic } from "../io/atomic";
import { denormaliseCentreBoxes, sizeOf } from "./common/boxes";
import { finishImport } from "./common/finish";
import { IMAGE_EXTENSIONS, isDir, listFiles, readText, stem } from "./common/files";
import { classNames, fieldLabels, fieldObjects, fieldToWrite } from "./common/labels";
import type { Format, ReadOptions, WriteOptions, WriteReport } from "./format";

/**
 * YOLO: a text file per image, one line `class cx cy w h [confidence]` per box, normalised to
 * the image size; class names from `data.yaml` (Ultralytics), `obj.names` (Darknet) or
 * `classes.txt`. Two layouts are read: Ultralytics (`labels/<split>/*.txt` beside
 * `images/<split>/`) and Darknet (`obj_train_data/*.txt` listed in `train.txt`). Sizes come
 * from the image headers, so the images must be reachable (`--images`, or `images/` inside).
 */
const NAME_FILES = ["data.yaml", "dataset.yaml", "obj.names", "classes.txt"];
const LIST_FILES = new Set(["train.txt", "val.txt", "valid.txt", "test.txt", "classes.txt", "obj.names"]);

export const yolo: Format = {
  name: "yolo",
  description: "YOLO txt per image + data.yaml / obj.names (normalised boxes, optional confidence)",
  holds: { boxes: true, polygons: false, rle: false, crowd: false, confidence: true, classification: false, metadata: false, attributes: false, multipleFields: false, splits: true, sampleTags: false, objectTags: false },
  detect: (input) => isDir(input) && NAME_FILES.some((f) => fs.existsSync(path.join(input, f))),
  read: readYolo,
  write: writeYolo,
};

async function readYolo(root: string, options: ReadOptions): Promise<Dataset> {
  if (!isDir(root)) fail(root, undefined, "expected a YOLO folder", "pass the folder holding data.yaml or obj.names and the label .txt files");
  const names = options.classes ?? readClassNames(root);
  const imagesDir = options.images ? path.resolve(options.images) : isDir(path.join(root, "images")) ? path.join(root, "images") : null;
  if (imagesDir === null) fail(root, undefined, "YOLO boxes are normalised, so image sizes are needed and no images folder was found", "pass --images with the folder that holds the images");
  const imageByStem = new Map<string, string>();
  for (const rel of listFiles(imagesDir, (f) => IMAGE_EXTENSIONS.test(f))) {
    const key = stem(rel);
    if (!imageByStem.has(key)) imageByStem.set(key, rel);
  }
  const labelsRoot = isDir(path.join(root, "labels")) ? path.join(root, "labels") : root;
  const labelFiles = listFiles(labelsRoot, (f) => f.endsWith(".txt") && !LIST_FILES.has(path.basename(f)));

  const b = new DatasetBuilder(options.name ?? path.basename(path.resolve(root)), imagesDir);
  const field = options.field ?? GROUND_TRUTH;
  let scored = false;
  names.forEach((n, i) => b.categories.push({ id: i, name: n }));

  for (const rel of labelFiles) {
    const file = path.join(labelsRoot, rel);
    const image = imageByStem.get(stem(rel)) ?? `${rel.slice(0, -4)}.jpg`;
    const split = labelsRoot !== root && rel.includes("/") ? rel.split("/")[0] : null;
    const id = b.addSample({ filepath: image, split });
    readText(file).split(/\r?\n/).forEach((line, k) => {
      const t = line.trim();
      if (!t) return;
      const parts = t.split(/\s+/);
      const place = `line ${k + 1}`;
      if (parts.length !== 5 && parts.length !== 6) fail(file, place, `expected "class cx cy w h [confidence]", got ${parts.length} values`, "YOLO segmentation lines are not read; give boxes as 5 or 6 values");
      const nums = parts.map(Number);
      if (nums.some((v) => !Number.isFinite(v))) fail(file, place, `not a number in "${t}"`, "every value on a YOLO line is a number");
      const cls = nums[0];
      const label = names[cls];
      if (!Number.isInteger(cls) || label === undefined) fail(file, place, `class index ${parts[0]} is not in the class list (${names.length} names)`, "add the class to data.yaml / obj.names, or fix the index");
      if (parts.length === 6) scored = true;
      // Normalised centre/size; made absolute once sizes are known.
      b.addObject({ sampleId: id, field, label, x: nums[1], y: nums[2], w: nums[3], h: nums[4], confidence: parts.length === 6 ? nums[5] : null });
    });
  }
  b.declareField({ name: field, kind: "detections", predicted: scored });
  return finishImport(b, root, { ...options, checkImages: "header" }, (bb) => denormaliseCentreBoxes(bb, root));
}

export function readClassNames(root: string): string[] {
  for (const f of NAME_FILES) {
    const file = path.join(root, f);
    if (!fs.existsSync(file)) continue;
    const text = readText(file);
    if (f.endsWith(".yaml")) return yamlNames(file, text);
    return text.split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
  }
  fail(root, undefined, "no class names found (data.yaml, obj.names or classes.txt)", "add one of those files, or pass --classes");
}

/** The `names` entry of an Ultralytics data.yaml: inline list, block list or index map. */
function yamlNames(file: string, text: string): string[] {
  const lines = text.split(/\r?\n/);
  const at = lines.findIndex((l) => /^names\s*:/.test(l));
  if (at < 0) fail(file, undefined, "no `names:` entry", "list the class names under names:");
  const inline = lines[at].replace(/^names\s*:/, "").trim();
  const unquote = (s: string) => {
    const t = s.trim();
    return t.startsWith('"') ? (JSON.parse(t) as string) : t.replace(/^'(.*)'$/, "$1");
  };
  if (inline.startsWith("[")) return inline.replace(/^\[|\]$/g, "").split(",").map(unquote).filter(Boolean);
  const out: string[] = [];
  for (const l of lines.slice(at + 1)) {
    if (!/^\s+/.test(l) || !l.trim()) break;
    const item = /^\s+-\s*(.*)$/.exec(l);
    const keyed = /^\s+(\d+)\s*:\s*(.*)$/.exec(l);
    if (item) out.push(unquote(item[1]));
    else if (keyed) out[Number(keyed[1])] = unquote(keyed[2]);
  }
  return out;
}

async function writeYolo(ds: Dataset, out: string, options: WriteOptions): Promise<WriteReport> {
  const field = fieldToWrite(ds, options, "detections");
  const o = fieldObjects(ds, field);
  const s = ds.samples;
  const ids = values<string>(s, "id"), filepaths = values<string>(s, "filepath"), splits = values<string | null>(s, "split");
  const widths = values<number | null>(s, "width"), heights = values<number | null>(s, "height");
  const names = classNames(ds, fieldLabels(o));
  const index = new Map(names.map((n, i) => [n, i]));
  let files = 0;
  for (let i = 0; i < ids.length; i++) {
    const rows = o.bySample.get(ids[i]) ?? [];
    const { W, H } = rows.length ? await sizeOf(ds, ids[i], filepaths[i], widths[i], heights[i]) : { W: 0, H: 0 };
    const lines = rows.map((r) => {
      const v = [index.get(o.label[r])!, (o.x[r] + o.w[r] / 2) / W, (o.y[r] + o.h[r] / 2) / H, o.w[r] / W, o.h[r] / H];
      if (o.confidence[r] !== null) v.push(o.confidence[r]!);
      return v.join(" ");
    });
    const sub = splits[i] ?? "";
    writeFileAtomic(path.join(out, "labels", sub, `${stem(filepaths[i])}.txt`), lines.length ? lines.join("\n") + "\n" : "");
    files++;
  }
  const yaml = `# class names in index order\nnames:\n${names.map((n, i) => `  ${i}: ${JSON.stringify(n)}`).join("\n")}\n`;
  writeFileAtomic(path.join(out, "data.yaml"), yaml);
  return { files: files + 1, dropped: [] };
}
