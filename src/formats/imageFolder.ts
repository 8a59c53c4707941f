import * as fs from "node:fs";
import * as path from "node:path";
import { DatasetBuilder } from "../dataset/builder";
import { values } from "../dataset/columns";
import type { Dataset } from "../dataset/dataset";
import { GROUND_TRUTH } from "../dataset/schema";
import { fail } from "../errors";
import { finishImport } from "./common/finish";
import { IMAGE_EXTENSIONS, isDir, listFiles } from "./common/files";
import { fieldToWrite } from "./common/labels";
import type { Format, ReadOptions, WriteOptions, WriteReport } from "./format";

/**
 * Image folder for classification: one sub-folder per class (`root/<class>/<image>`), or one
 * per split first (`root/<split>/<class>/<image>` when the top folders are train/val/test).
 * Sizes are read from the image headers. Writing copies (or hard-links) each image into the
 * folder of its label.
 */
const SPLIT_NAMES = new Set(["train", "val", "valid", "validation", "test"]);

export const imageFolder: Format = {
  name: "image-folder",
  description: "classification image folder: <root>/[<split>/]<class>/<image>",
  holds: { boxes: false, polygons: false, rle: false, crowd: false, confidence: false, classification: true, metadata: false, attributes: false, multipleFields: false, splits: true, sampleTags: false, objectTags: false },
  detect: (input) => isDir(input) && fs.readdirSync(input, { withFileTypes: true }).some((e) => e.isDirectory()),
  read: readImageFolder,
  write: writeImageFolder,
};

async function readImageFolder(root: string, options: ReadOptions): Promise<Dataset> {
  if (!isDir(root)) fail(root, undefined, "expected a folder with one sub-folder per class", "pass the folder that holds the class folders");
  const files = listFiles(root, (f) => IMAGE_EXTENSIONS.test(f));
  if (!files.length) fail(root, undefined, "no images found", "images go in <root>/<class>/ (jpg, png, webp, ...)");
  const top = new Set(files.map((f) => f.split("/")[0]));
  const splitLayout = [...top].every((t) => SPLIT_NAMES.has(t.toLowerCase()));
  const field = options.field ?? GROUND_TRUTH;
  const b = new DatasetBuilder(options.name ?? path.basename(path.resolve(root)), path.resolve(root));
  b.declareField({ name: field, kind: "classification", predicted: false });
  for (const rel of files) {
    const parts = rel.split("/");
    const split = splitLayout ? parts[0] : null;
    const classParts = parts.slice(splitLayout ? 1 : 0, -1);
    const label = classParts.length ? classParts.join("/") : null;
    if (label !== null) b.category(label);
    b.addSample({ filepath: rel, split, fields: { [field]: label } });
  }
  b.categories.sort((a, c) => (a.name < c.name ? -1 : a.name > c.name ? 1 : 0)).forEach((c, i) => (c.id = i));
  return finishImport(b, root, { ...options, checkImages: "header" });
}

async function writeImageFolder(ds: Dataset, out: string, options: WriteOptions): Promise<WriteReport> {
  const field = fieldToWrite(ds, options, "classification");
  if (!ds.samples.columnNames().includes(field)) fail(out, field, `no classification field ${field}`, "pick a classification field with --field");
  const labels = values<string | null>(ds.samples, field);
  const filepaths = values<string>(ds.samples, "filepath");
  const splits = values<string | null>(ds.samples, "split");
  let files = 0, unlabeled = 0;
  for (let i = 0; i < filepaths.length; i++) {
    if (labels[i] === null) {
      unlabeled++;
      continue;
    }
    if (/[\\/]/.test(labels[i]!) || labels[i] === "." || labels[i] === "..") fail(out, filepaths[i], `label ${JSON.stringify(labels[i])} cannot be a folder name`, "rename the class (no slashes, not . or ..)");
    const src = ds.imagePath(filepaths[i]);
    const dest = path.join(out, ...(splits[i] !== null ? [splits[i]!] : []), labels[i]!, path.basename(filepaths[i]));
    fs.mkdirSync(path.dirname(dest), { recursive: true });
    if (fs.existsSync(dest)) fail(dest, filepaths[i], "two images would land on the same file", "image names must be unique within a class folder");
    try {
      fs.linkSync(src, dest);
    } catch {
      fs.copyFileSync(src, dest);
    }
    files++;
  }
  return { files, dropped: unlabeled ? [`${unlabeled} images without a ${field} label (an image folder has no place for them)`] : [] };
}
