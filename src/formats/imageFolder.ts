import * as fs from "node:fs";
import * as path from "node:path";
import { DatasetBuilder } from "../dataset/builder";
import { values } from "../dataset/columns";
import { WritePlans } from "./common/plans";
import type { Dataset } from "../dataset/dataset";
import { GROUND_TRUTH } from "../dataset/schema";
import { BlindspotError, fail } from "../errors";
import { joinOutput, safeName } from "../io/paths";
import { finishImport } from "./common/finish";
import { IMAGE_EXTENSIONS, isDir, listFiles, refuseSharedOutputs } from "./common/files";
import { fieldToWrite } from "./common/labels";
import type { Format, ReadOptions, WriteOptions, WriteReport } from "./format";

/**
 * Image folder for classification: one sub-folder per class (`root/<class>/<image>`), or one
 * per split first (`root/<split>/<class>/<image>` when the top folders are all split names:
 * train/val/valid/validation/test). Nested folders are one class (`animals/cat`). Sizes are
 * read from the image headers. Writing copies (or hard-links) each image into the folder of its
 * label (a `/` in a label is a sub-folder); splits and labels are folder names, checked like
 * every name from the data. What the reader could not get back is refused unless lossy: images
 * without a label (left out), and splits other than those names or on only some images
 * (written without split folders). A flat folder of images is an unlabelled image set.
 */
const SPLIT_NAMES = new Set(["train", "val", "valid", "validation", "test"]);

export const imageFolder: Format = {
  name: "image-folder",
  description: "classification image folder: <root>/[<split>/]<class>/<image>",
  reads: "folder",
  holds: {
    boxes: false,
    polygons: false,
    rle: false,
    crowd: false,
    confidence: false,
    classification: true,
    metadata: false,
    attributes: false,
    multipleFields: false,
    splits: true,
    sampleTags: false,
    objectTags: false,
    area: false,
    ids: false,
    categoryKeys: false,
  },
  detect: holdsImagesOrFolders,
  read: readImageFolder,
  plan: (ds, output, options) => plans.get(ds, output, options).lost,
  write: writeImageFolder,
};

/** A folder of class folders, or a flat folder of images (an unlabelled image set). */
function holdsImagesOrFolders(input: string): boolean {
  if (!isDir(input)) return false;
  return fs.readdirSync(input, { withFileTypes: true }).some((e) => e.isDirectory() || IMAGE_EXTENSIONS.test(e.name));
}

async function readImageFolder(root: string, options: ReadOptions): Promise<Dataset> {
  if (!isDir(root))
    fail(
      root,
      undefined,
      "expected a folder with one sub-folder per class",
      "pass the folder that holds the class folders",
    );
  const files = listFiles(root, (f) => IMAGE_EXTENSIONS.test(f));
  if (!files.length) fail(root, undefined, "no images found", "images go in <root>/<class>/ (jpg, png, webp, ...)");
  const top = new Set(files.map((f) => f.split("/")[0]));
  const splitLayout = [...top].every((t) => SPLIT_NAMES.has(t.toLowerCase()));
  const field = options.field ?? GROUND_TRUTH;
  const b = new DatasetBuilder(options.name ?? path.basename(path.resolve(root)), path.resolve(root));
  // Images straight in the root (or in split folders) are an unlabelled image set: no label field.
  const labelled = files.some((rel) => rel.split("/").length > (splitLayout ? 2 : 1));
  if (labelled) b.declareField({ name: field, kind: "classification", predicted: false });
  for (const rel of files) {
    const parts = rel.split("/");
    const split = splitLayout ? parts[0] : null;
    const classParts = parts.slice(splitLayout ? 1 : 0, -1);
    const label = classParts.length ? classParts.join("/") : null;
    if (label !== null) b.category(label);
    b.addSample({ filepath: rel, split, fields: labelled ? { [field]: label } : {} });
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
  const field = classificationField(ds, out, options);
  const labels = values<string | null>(ds.samples, field);
  const ids = values<string>(ds.samples, "id"),
    filepaths = values<string>(ds.samples, "filepath");
  const splits = values<string | null>(ds.samples, "split");
  const plan: ImageFolderPlan = { rows: [], sources: [], targets: [], lost: [] };
  const written: number[] = [];
  let unlabeled = 0;
  for (let i = 0; i < filepaths.length; i++) {
    if (labels[i] === null || labels[i] === undefined) unlabeled++;
    else written.push(i);
  }
  const withSplits = splitFolders(written, splits, plan.lost);
  for (const i of written) {
    const label = String(labels[i]);
    const parts = [...(withSplits ? [{ name: splits[i]!, what: "split" }] : []), ...classFolders(label, out)];
    const dest = joinOutput(out, parts, filepaths[i].split(/[\\/]/).pop()!);
    const src = ds.imagePath(filepaths[i]);
    if (!isFile(src)) {
      throw new BlindspotError({
        file: src,
        place: `sample ${ids[i]}`,
        message: "image not found, so nothing was written",
        hint: "put the image back in the images folder, or remove the sample from the dataset before writing",
      });
    }
    plan.rows.push(i);
    plan.sources.push(src);
    plan.targets.push(dest);
  }
  if (!withSplits) {
    // Without split folders the reader takes the top folders for splits when every one is a split name.
    const tops = new Set(written.map((i) => String(labels[i]).split("/")[0]));
    if (tops.size && [...tops].every((t) => SPLIT_NAMES.has(t.toLowerCase()))) {
      plan.lost.push(
        `the classes of ${written.length} images (${[...tops].sort().join(", ")}): every top class folder is a split ` +
          `name, so an image folder reads them back as splits without classes (rename a class, e.g. add one that is ` +
          `not train, val, valid, validation or test)`,
      );
    }
  }
  refuseSharedOutputs(
    out,
    plan.targets,
    plan.rows.map((i) => filepaths[i]),
    "an image folder keeps each image's file name in its class folder; give these images distinct file names",
  );
  if (unlabeled) plan.lost.push(`${unlabeled} images without a ${field} label (an image folder has no place for them)`);
  return plan;
}

/**
 * The classification field to write, or an error that says why there is none: the dataset
 * has no classification labels (detections only), or the field chosen holds boxes.
 */
function classificationField(ds: Dataset, out: string, options: WriteOptions): string {
  const field = fieldToWrite(ds, options, "classification");
  const kind = ds.fields.find((f) => f.name === field)?.kind;
  if (kind === "classification" && ds.samples.columnNames().includes(field)) return field;
  const classified = ds.fields.filter((f) => f.kind === "classification").map((f) => f.name);
  if (classified.length)
    fail(
      out,
      field,
      `label field ${field} ` +
        `${
          kind !== undefined && kind !== "classification"
            ? `holds ${kind}, not classification labels`
            : "has no classification labels"
        }, so nothing was written`,
      `pick a classification field with --field: ${classified.join(", ")}`,
    );
  const fields = ds.fields.length
    ? `its label fields: ${ds.fields.map((f) => `${f.name} (${f.kind})`).join(", ")}`
    : "it has no label fields";
  fail(
    out,
    undefined,
    `the dataset has no classification labels (${fields}), and an image folder holds only one class per image, so ` +
      `nothing was written`,
    ds.fields.some((f) => f.kind === "detections")
      ? `write the boxes to a detection format instead, e.g. --to coco ${out.replace(/[\\/]+$/, "")}.json, or --to ` +
          `yolo or voc with the folder ${out}`
      : "give the samples a classification field first, or write to a format that needs none, e.g. --to jsonl",
  );
}

/**
 * Whether the written images go under split folders: only when the reader gets the splits back,
 * that is every written image has a split and each is a split name it knows. Otherwise the
 * splits are left out (listed in `lost`), and `<split>/<class>` never reads back as a class.
 */
function splitFolders(rows: number[], splits: ArrayLike<string | null>, lost: string[]): boolean {
  const named = rows.filter((i) => splits[i] !== null && splits[i] !== undefined);
  if (!named.length) return false;
  const unknown = [...new Set(named.map((i) => splits[i]!).filter((s) => !SPLIT_NAMES.has(s.toLowerCase())))];
  if (unknown.length) {
    const shown =
      unknown
        .slice(0, 5)
        .map((s) => JSON.stringify(s))
        .join(", ") + (unknown.length > 5 ? ", ..." : "");
    lost.push(
      `the splits of ${named.length} images (written without split folders): an image folder reads back only train, ` +
        `val, valid, validation and test as splits, not ${shown}`,
    );
    return false;
  }
  if (named.length < rows.length) {
    lost.push(
      `the splits of ${named.length} images (written without split folders): ${rows.length - named.length} other ` +
        `images have no split, and an image folder has split folders for all images or for none`,
    );
    return false;
  }
  return true;
}

/** A label's class folders: `animals/cat` is `animals/cat/`, each part a folder name. */
function classFolders(label: string, out: string): { name: string; what: string }[] {
  if (!label.includes("/")) return [{ name: label, what: "class" }];
  return label.split("/").map((part) => {
    try {
      return { name: safeName(part, "class", out), what: "class" };
    } catch {
      throw new BlindspotError({
        file: out,
        place: "class",
        message:
          `class ${JSON.stringify(label)} cannot be written as nested class folders: ${JSON.stringify(part)} ` +
          `cannot be a folder name`,
        hint:
          'an image folder writes each "/" of a class as a sub-folder; rename the class so that every part is a ' +
          "folder name (not empty, not . or .., no backslash), or write to a single-file format such as jsonl or coco",
      });
    }
  });
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
    const src = sources[k],
      dest = targets[k];
    fs.mkdirSync(path.dirname(dest), { recursive: true });
    try {
      fs.linkSync(src, dest);
    } catch {
      try {
        fs.copyFileSync(src, dest, fs.constants.COPYFILE_EXCL);
      } catch (err) {
        throw new BlindspotError({
          file: src,
          place: `sample ${ids[rows[k]]}`,
          message: `the image cannot be copied to ${dest} (${(err as Error).message})`,
          hint: "check that the image is still there and the output folder can be written",
        });
      }
    }
  }
  return { files: targets.length, dropped: lost };
}
