import * as fs from "node:fs";
import * as path from "node:path";
import { DatasetBuilder } from "../dataset/builder";
import { values } from "../dataset/columns";
import { WritePlans } from "./common/plans";
import type { Dataset } from "../dataset/dataset";
import { GROUND_TRUTH } from "../dataset/schema";
import { BlindspotError, fail } from "../errors";
import { joinOutput } from "../io/paths";
import { finishImport } from "./common/finish";
import { IMAGE_EXTENSIONS, isDir, listFiles, refuseSharedOutputs } from "./common/files";
import { fieldToWrite } from "./common/labels";
import type { Format, ReadOptions, WriteOptions, WriteReport } from "./format";

/**
 * Image folder for classification: one sub-folder per class (`root/<class>/<image>`), or one
 * per split first (`root/<split>/<class>/<image>` when the top folders are train/val/test).
 * Sizes are read from the image headers. Writing copies (or hard-links) each image into the
 * folder of its label; splits and labels are folder names, checked like every name from the
 * data. Images without a label have no folder: a write leaves them out only when lossy.
 */
const SPLIT_NAMES = new Set(["train", "val", "valid", "validation", "test"]);

export const imageFolder: Format = {
  name: "image-folder",
  description: "classification image folder: <root>/[<split>/]<class>/<image>",
  holds: { boxes: false, polygons: false, rle: false, crowd: false, confidence: false, classification: true, metadata: false, attributes: false, multipleFields: false, splits: true, sampleTags: false, objectTags: false, area: false, ids: false },
  detect: (input) => isDir(input) && fs.readdirSync(input, { withFileTypes: true }).some((e) => e.isDirectory()),
  read: readImageFolder,
  plan: (ds, output, options) => plans.get(ds, output, options).lost,
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

/** Where each labelled image goes, found before anything is written. */
interface ImageFolderPlan {
  /** Sample rows written, with their source image and destination. */
  rows: number[];
  sources: string[];
  targets: string[];
  lost: string[];
}

const plans = new WritePlans<ImageFolderPlan>(planImageFolder);

function planImageFolder(ds: Dataset, out: string, options: WriteOptions): ImageFolderPlan {
  const field = fieldToWrite(ds, options, "classification");
  if (!ds.samples.columnNames().includes(field)) fail(out, field, `no classification field ${field}`, "pick a classification field with --field");
  const labels = values<string | null>(ds.samples, field);
  const ids = values<string>(ds.samples, "id"), filepaths = values<string>(ds.samples, "filepath");
  const splits = values<string | null>(ds.samples, "split");
  const plan: ImageFolderPlan = { rows: [], sources: [], targets: [], lost: [] };
  let unlabeled = 0;
  for (let i = 0; i < filepaths.length; i++) {
    const label = labels[i];
    if (label === null || label === undefined) {
      unlabeled++;
      continue;
    }
    const parts = [...(splits[i] !== null ? [{ name: splits[i]!, what: "split" }] : []), { name: String(label), what: "class" }];
    const dest = joinOutput(out, parts, filepaths[i].split(/[\\/]/).pop()!);
    const src = ds.imagePath(filepaths[i]);
    if (!isFile(src)) {
      throw new BlindspotError({ file: src, place: `sample ${ids[i]}`, message: "image not found, so nothing was written", hint: "put the image back in the images folder, or remove the sample from the dataset before writing" });
    }
    plan.rows.push(i);
    plan.sources.push(src);
    plan.targets.push(dest);
  }
  refuseSharedOutputs(out, plan.targets, plan.rows.map((i) => filepaths[i]), "an image folder keeps each image's file name in its class folder; give these images distinct file names");
  if (unlabeled) plan.lost.push(`${unlabeled} images without a ${field} label (an image folder has no place for them)`);
  return plan;
}

function isFile(p: string): boolean {
  try {
    return fs.statSync(p).isFile();
  } catch {
    return false;
  }
}

async function writeImageFolder(ds: Dataset, out: string, options: WriteOptions): Promise<WriteReport> {
  const { rows, sources, targets, lost } = plans.take(ds, out, options);
  const ids = values<string>(ds.samples, "id");
  for (let k = 0; k < targets.length; k++) {
    const src = sources[k], dest = targets[k];
    fs.mkdirSync(path.dirname(dest), { recursive: true });
    try {
      fs.linkSync(src, dest);
    } catch {
      try {
        fs.copyFileSync(src, dest, fs.constants.COPYFILE_EXCL);
      } catch (err) {
        throw new BlindspotError({ file: src, place: `sample ${ids[rows[k]]}`, message: `the image cannot be copied to ${dest} (${(err as Error).message})`, hint: "check that the image is still there and the output folder can be written" });
      }
    }
  }
  return { files: targets.length, dropped: lost };
}
