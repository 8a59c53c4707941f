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
import { classNames, fieldLabels, fieldObjects, fieldToWrite, imagesDirFor } from "./common/labels";
import type { Format, ReadOptions, WriteOptions, WriteReport } from "./format";

/**
 * Plain text box files, one per image, named after it: `class [confidence] a b c d` per line,
 * the layout most detection-metric tools read. The class is a name, or an index into the
 * class list (`--classes`, or `classes.txt` in the folder, which the writer puts there).
 * Three box layouts:
 *   abs-xywh     absolute top-left corner and size
 *   abs-xyxy     absolute corners
 *   rel-cxcywh   centre and size normalised to the image (sizes read from image headers)
 * Five values per line is ground truth; six carries a confidence after the class.
 */
type Layout = "abs-xywh" | "abs-xyxy" | "rel-cxcywh";
const CLASSES_FILE = "classes.txt";

function textBoxes(layout: Layout): Format {
  return {
    name: `txt-${layout}`,
    description: `text file per image: class [confidence] ${layout === "abs-xyxy" ? "x1 y1 x2 y2" : layout === "abs-xywh" ? "x y w h" : "cx cy w h (normalised)"}`,
    holds: { boxes: true, polygons: false, rle: false, crowd: false, confidence: true, classification: false, metadata: false, attributes: false, multipleFields: false, splits: false, sampleTags: false, objectTags: false },
    read: (input, options) => readTextBoxes(layout, input, options),
    write: (ds, out, options) => writeTextBoxes(layout, ds, out, options),
  };
}

export const txtAbsXywh = textBoxes("abs-xywh");
export const txtAbsXyxy = textBoxes("abs-xyxy");
export const txtRelCxcywh = textBoxes("rel-cxcywh");

async function readTextBoxes(layout: Layout, dir: string, options: ReadOptions): Promise<Dataset> {
  if (!isDir(dir)) fail(dir, undefined, "expected a folder of .txt files, one per image", "pass the folder that holds the box files");
  const files = listFiles(dir, (f) => f.endsWith(".txt") && f !== CLASSES_FILE);
  const imagesDir = imagesDirFor(options);
  if (layout === "rel-cxcywh" && imagesDir === null) fail(dir, undefined, "normalised boxes need image sizes, and no images folder was given", "pass --images with the folder that holds the images");
  const imageByStem = new Map<string, string>();
  if (imagesDir !== null) for (const rel of listFiles(imagesDir, (f) => IMAGE_EXTENSIONS.test(f))) if (!imageByStem.has(stem(rel))) imageByStem.set(stem(rel), rel);
  const classesFile = path.join(dir, CLASSES_FILE);
  const classes = options.classes ?? (fs.existsSync(classesFile) ? readText(classesFile).split(/\r?\n/).filter((l) => l !== "") : undefined);
  const b = new DatasetBuilder(options.name ?? path.basename(path.resolve(dir)), imagesDir);
  classes?.forEach((n, i) => b.categories.push({ id: i, name: n }));
  const field = options.field ?? GROUND_TRUTH;
  let scored = false;
  for (const rel of files) {
    const file = path.join(dir, rel);
    const id = b.addSample({ filepath: imageByStem.get(stem(rel)) ?? `${rel.slice(0, -4)}.jpg` });
    readText(file).split(/\r?\n/).forEach((line, k) => {
      const parts = line.trim().split(/\s+/);
      if (parts.length === 1 && parts[0] === "") return;
      const place = `line ${k + 1}`;
      if (parts.length !== 5 && parts.length !== 6) fail(file, place, `expected "class [confidence] a b c d", got ${parts.length} values`, "one box per line: a class and four numbers, with a confidence after the class for predictions");
      const nums = parts.slice(1).map(Number);
      if (nums.some((v) => !Number.isFinite(v))) fail(file, place, `not a number in "${line.trim()}"`, "the values after the class must be numbers");
      let label = parts[0];
      if (classes) {
        const name = /^\d+$/.test(label) ? classes[Number(label)] : undefined;
        if (name === undefined) fail(file, place, `class ${label} is not an index into the ${classes.length} class names`, "fix the class index or the --classes list");
        label = name;
      }
      const confidence = parts.length === 6 ? nums.shift()! : null;
      if (confidence !== null) scored = true;
      const [a, bb, c, d] = nums;
      const box = layout === "abs-xyxy" ? [a, bb, c - a, d - bb] : [a, bb, c, d];
      b.addObject({ sampleId: id, field, label, x: box[0], y: box[1], w: box[2], h: box[3], confidence });
    });
  }
  b.declareField({ name: field, kind: "detections", predicted: scored });
  if (layout !== "rel-cxcywh") return finishImport(b, dir, options);
  return finishImport(b, dir, { ...options, checkImages: "header" }, (bb) => denormaliseCentreBoxes(bb, dir));
}

async function writeTextBoxes(layout: Layout, ds: Dataset, out: string, options: WriteOptions): Promise<WriteReport> {
  const field = fieldToWrite(ds, options, "detections");
  const o = fieldObjects(ds, field);
  const s = ds.samples;
  const ids = values<string>(s, "id"), filepaths = values<string>(s, "filepath");
  const widths = values<number | null>(s, "width"), heights = values<number | null>(s, "height");
  const names = classNames(ds, fieldLabels(o));
  if (names.some((n) => /[\r\n]/.test(n))) fail(out, CLASSES_FILE, "a class name contains a line break", "rename the class");
  const classIndex = new Map(names.map((n, i) => [n, i]));
  writeFileAtomic(path.join(out, CLASSES_FILE), names.join("\n") + "\n");
  for (let i = 0; i < ids.length; i++) {
    const rows = o.bySample.get(ids[i]) ?? [];
    const { W, H } = layout === "rel-cxcywh" && rows.length ? await sizeOf(ds, ids[i], filepaths[i], widths[i], heights[i]) : { W: 0, H: 0 };
    const lines = rows.map((r) => {
      const x = o.x[r], y = o.y[r], w = o.w[r], h = o.h[r];
      const box = layout === "abs-xywh" ? [x, y, w, h] : layout === "abs-xyxy" ? [x, y, x + w, y + h] : [(x + w / 2) / W, (y + h / 2) / H, w / W, h / H];
      return [classIndex.get(o.label[r]), ...(o.confidence[r] !== null ? [o.confidence[r]] : []), ...box].join(" ");
    });
    writeFileAtomic(path.join(out, `${stem(filepaths[i])}.txt`), lines.length ? lines.join("\n") + "\n" : "");
  }
  return { files: ids.length + 1, dropped: [] };
}
