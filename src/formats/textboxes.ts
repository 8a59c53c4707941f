import * as fs from "node:fs";
import * as path from "node:path";
import { DatasetBuilder } from "../dataset/builder";
import { values } from "../dataset/columns";
import type { Dataset } from "../dataset/dataset";
import { GROUND_TRUTH } from "../dataset/schema";
import { BlindspotError, fail } from "../errors";
import { writeFileAtomic } from "../io/atomic";
import { joinOutput, safeName } from "../io/paths";
import { denormaliseCentreBoxes, sizeOf } from "./common/boxes";
import { finishImport } from "./common/finish";
import { ImageIndex, isDir, listFiles, readText, refuseSharedOutputs, stem } from "./common/files";
import { classNames, fieldLabels, fieldObjects, fieldToWrite, imagesDirFor } from "./common/labels";
import { cornerSize, exactCorner } from "./common/shapes";
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
 *
 * YOLO label files are the same thing with the confidence last (see `yolo.ts`): both read and
 * write through `readBoxFiles` / `writeBoxFiles` below, with a `BoxLineLayout`.
 */
export type BoxLayout = "abs-xywh" | "abs-xyxy" | "rel-cxcywh";
const CLASSES_FILE = "classes.txt";

/** How one line of a per-image box text file is laid out. */
export interface BoxLineLayout {
  box: BoxLayout;
  /** Where the optional confidence goes: after the class (detection-metric tools) or last (YOLO). */
  confidence: "after-class" | "last";
}

const BOX_VALUES: Record<BoxLayout, string> = {
  "abs-xywh": "x y w h",
  "abs-xyxy": "x1 y1 x2 y2",
  "rel-cxcywh": "cx cy w h",
};

/** The line a layout expects, for messages: `class [confidence] x y w h`, `class cx cy w h [confidence]`. */
function lineFormat(layout: BoxLineLayout): string {
  return layout.confidence === "last"
    ? `class ${BOX_VALUES[layout.box]} [confidence]`
    : `class [confidence] ${BOX_VALUES[layout.box]}`;
}

function textBoxes(box: BoxLayout): Format {
  const layout: BoxLineLayout = { box, confidence: "after-class" };
  return {
    name: `txt-${box}`,
    description:
      `text file per image: class [confidence] ` + `${BOX_VALUES[box]}${box === "rel-cxcywh" ? " (normalised)" : ""}`,
    reads: "folder",
    holds: {
      boxes: true,
      polygons: false,
      rle: false,
      crowd: false,
      confidence: true,
      classification: false,
      metadata: false,
      attributes: false,
      multipleFields: false,
      splits: false,
      sampleTags: false,
      objectTags: false,
      area: false,
      ids: false,
      categoryKeys: false,
    },
    read: (input, options) => readTextBoxes(layout, input, options),
    plan: (ds, out, options) => {
      const { files, target } = textTarget(layout, ds, out, options);
      refuseExtraClash(out, files, values<string>(ds.samples, "filepath"), target.extra);
      return [];
    },
    write: (ds, out, options) => writeTextBoxes(layout, ds, out, options),
  };
}

export const txtAbsXywh = textBoxes("abs-xywh");
export const txtAbsXyxy = textBoxes("abs-xyxy");
export const txtRelCxcywh = textBoxes("rel-cxcywh");

async function readTextBoxes(layout: BoxLineLayout, dir: string, options: ReadOptions): Promise<Dataset> {
  if (!isDir(dir))
    fail(dir, undefined, "expected a folder of .txt files, one per image", "pass the folder that holds the box files");
  const imagesDir = imagesDirFor(options);
  if (layout.box === "rel-cxcywh" && imagesDir === null)
    fail(
      dir,
      undefined,
      "normalised boxes need image sizes, and no images folder was given",
      "pass --images with the folder that holds the images",
    );
  const classesFile = path.join(dir, CLASSES_FILE);
  const classes =
    options.classes ??
    (fs.existsSync(classesFile)
      ? readText(classesFile)
          .split(/\r?\n/)
          .filter((l) => l !== "")
      : undefined);
  return readBoxFiles(
    {
      layout,
      dir,
      imagesDir,
      classes,
      files: listFiles(dir, (f) => f.endsWith(".txt") && f !== CLASSES_FILE),
      name: options.name ?? path.basename(path.resolve(dir)),
      classHint: "fix the class index or the --classes list",
      countHint: "one box per line: a class and four numbers, with a confidence after the class for predictions",
    },
    options,
  );
}

/** The label field and where each file of a txt-* write goes (`files[i]`: sample i's box file). */
function textTarget(
  layout: BoxLineLayout,
  ds: Dataset,
  out: string,
  options: WriteOptions,
): { field: string; files: string[]; target: BoxFilesTarget } {
  const field = fieldToWrite(ds, options, "detections");
  const names = classNames(ds, fieldLabels(fieldObjects(ds, field)));
  const filepaths = values<string>(ds.samples, "filepath");
  const fileOf = (i: number) => joinOutput(out, [], `${safeName(stem(filepaths[i]), "image file name", out)}.txt`);
  return {
    field,
    files: Array.from(filepaths, (_, i) => fileOf(i)),
    target: {
      layout,
      names,
      fileOf,
      extra: [[path.join(out, CLASSES_FILE), names.join("\n") + "\n"]],
      hint:
        "text box files are named after the image's file name without its folders; give the images distinct file " +
        "names, or write to a format that keeps folders (coco, jsonl, yolo with splits)",
    },
  };
}

async function writeTextBoxes(
  layout: BoxLineLayout,
  ds: Dataset,
  out: string,
  options: WriteOptions,
): Promise<WriteReport> {
  const { field, target } = textTarget(layout, ds, out, options);
  return { files: await writeBoxFiles(ds, field, out, target), dropped: [] };
}

// ---------------------------------------------------------------------------------------------
// One implementation for every per-image box text file (txt-* and YOLO).

/** Where the label files of a folder are and how to read them. */
export interface BoxFiles {
  layout: BoxLineLayout;
  /** Folder the label files are in. */
  dir: string;
  /** Label files, relative to `dir`; the path without `.txt` is the key of the image. */
  files: string[];
  /** Folder of the images (their paths become the samples' file paths), or null. */
  imagesDir: string | null;
  /** Class names by index; undefined: the class on each line is the name itself. */
  classes: string[] | undefined;
  /** Dataset name. */
  name: string;
  /** The split of a label file or image (YOLO: its first folder under `labels/`, `images/`); none when omitted. */
  split?: (rel: string) => string | null;
  /** Images without a label file are samples without objects (YOLO's background images). */
  backgrounds?: boolean;
  /** The fix for a class index that is not in the class list. */
  classHint: string;
  /** The fix for a line with the wrong number of values. */
  countHint: string;
}

/**
 * Reads per-image box text files. Each label file is matched to an image by its relative path
 * (`labels/val/a.txt` to `images/val/a.jpg`), else by its bare name when one image alone has
 * it; a name several images share becomes an `ambiguous-image` problem on the sample.
 * Normalised boxes are made absolute once the image sizes are read. A label file without an
 * image is a `missing-image` problem on its sample.
 */
export async function readBoxFiles(src: BoxFiles, options: ReadOptions): Promise<Dataset> {
  const { layout, dir, imagesDir, classes } = src;
  const index = imagesDir === null ? null : ImageIndex.of(imagesDir);
  const b = new DatasetBuilder(src.name, imagesDir);
  classes?.forEach((n, i) => b.categories.push({ id: i, name: n }));
  const field = options.field ?? GROUND_TRUTH;
  const format = lineFormat(layout);
  let scored = false;
  const labelled = new Set<string>();
  for (const rel of src.files) {
    const file = path.join(dir, rel);
    const key = rel.slice(0, -".txt".length);
    const match = index?.match(key);
    const id = b.addSample({ filepath: match?.file ?? `${key}.jpg`, split: src.split?.(rel) ?? null });
    if (match?.file) labelled.add(match.file);
    if (match && match.file === null && match.candidates.length === 0) {
      b.addProblem({
        kind: "missing-image",
        sampleId: id,
        file,
        message: `label file without an image: no image ${key}.* in ${imagesDir}`,
        hint:
          "put the image there (the label file's path under the labels folder, with an image extension), " +
          "or delete the label file",
      });
    }
    if (match && match.file === null && match.candidates.length > 1) {
      b.addProblem({
        kind: "ambiguous-image",
        sampleId: id,
        file,
        message:
          `no image at ${key}.*, and ${match.candidates.length} images have its name ` +
          `(${match.candidates.slice(0, 5).join(", ")}${match.candidates.length > 5 ? ", ..." : ""}): none was chosen`,
        hint:
          "put the label file at the same relative path as its image (labels/<split>/a.txt for " +
          "images/<split>/a.jpg), or give the images distinct names",
      });
    }
    readText(file)
      .split(/\r?\n/)
      .forEach((line, k) => {
        const t = line.trim();
        if (t === "") return;
        const parts = t.split(/\s+/);
        const place = `line ${k + 1}`;
        if (parts.length !== 5 && parts.length !== 6)
          fail(file, place, `expected "${format}", got ${parts.length} values`, src.countHint);
        const scoreAt = parts.length === 6 ? (layout.confidence === "last" ? 5 : 1) : -1;
        const nums = parts.map((p, j) => (j === 0 ? 0 : Number(p)));
        if (nums.some((v) => !Number.isFinite(v)))
          fail(file, place, `not a number in "${t}"`, `the values after the class must be numbers ("${format}")`);
        const label = classes ? classAt(classes, parts[0]) : parts[0];
        if (label === undefined)
          fail(file, place, `class ${parts[0]} is not an index into the ${classes!.length} class names`, src.classHint);
        const confidence = scoreAt < 0 ? null : nums[scoreAt];
        if (confidence !== null) scored = true;
        const [a, c, e, g] = nums.filter((_, j) => j !== 0 && j !== scoreAt);
        // rel-cxcywh stays normalised centre/size until the image sizes are known.
        const [w, h] = layout.box === "abs-xyxy" ? [cornerSize(a, e), cornerSize(c, g)] : [e, g];
        b.addObject({ sampleId: id, field, label, x: a, y: c, w, h, confidence });
      });
  }
  if (src.backgrounds && index) {
    for (const rel of index.files) {
      if (!labelled.has(rel)) b.addSample({ filepath: rel, split: src.split?.(rel) ?? null });
    }
  }
  b.declareField({ name: field, kind: "detections", predicted: scored });
  if (layout.box !== "rel-cxcywh") return finishImport(b, dir, options);
  return finishImport(b, dir, { ...options, checkImages: "header" }, (bb) => denormaliseCentreBoxes(bb, dir));
}

/** The class name of an index token (`3`, also `3.0`), or undefined. */
function classAt(classes: string[], token: string): string | undefined {
  const n = Number(token);
  return Number.isInteger(n) && n >= 0 && /^\d/.test(token) ? classes[n] : undefined;
}

/** Where and how a writer puts per-image box text files. */
export interface BoxFilesTarget {
  layout: BoxLineLayout;
  /** Class names in index order (the label of each box is written as its index). */
  names: string[];
  /** The file of sample `i` (each name from the data checked with `joinOutput` / `safeName`). */
  fileOf: (i: number) => string;
  /** Other files to write with the label files (class lists), as [path, text]. */
  extra: [string, string][];
  /** The fix when two samples would write the same file. */
  hint: string;
}

/**
 * Fails, before anything is written, when a sample's box file would be one of the other files
 * of the write (an image named `classes.jpg` and the class list `classes.txt`), compared
 * without case like `refuseSharedOutputs`.
 */
function refuseExtraClash(
  out: string,
  files: readonly string[],
  filepaths: ArrayLike<string>,
  extra: [string, string][],
): void {
  const taken = new Map(extra.map(([file]) => [file.toLowerCase(), file]));
  const clashes = files.flatMap((f, i) => (taken.has(f.toLowerCase()) ? [i] : []));
  if (!clashes.length) return;
  const file = path.relative(out, taken.get(files[clashes[0]].toLowerCase())!);
  const named =
    clashes
      .slice(0, 3)
      .map((i) => JSON.stringify(filepaths[i]))
      .join(", ") + (clashes.length > 3 ? ", ..." : "");
  throw new BlindspotError({
    file: out,
    message:
      `${clashes.length === 1 ? "an image" : `${clashes.length} images`} (${named}) would write ` +
      `${clashes.length === 1 ? "its" : "their"} boxes to ${file}, which holds the class list, so nothing was written`,
    hint:
      `rename the image${clashes.length === 1 ? "" : "s"} (box files are named after the image), or write to a ` +
      `format that keeps the class list apart (yolo, coco, jsonl)`,
  });
}

/**
 * Writes one box text file per sample (empty for samples without boxes). Every file name is
 * checked, samples that would share a file are refused, and image sizes are read (for
 * normalised boxes) before anything is written. Returns the number of files written.
 */
export async function writeBoxFiles(ds: Dataset, field: string, out: string, t: BoxFilesTarget): Promise<number> {
  const { layout } = t;
  const o = fieldObjects(ds, field);
  const s = ds.samples;
  const ids = values<string>(s, "id"),
    filepaths = values<string>(s, "filepath");
  const widths = values<number | null>(s, "width"),
    heights = values<number | null>(s, "height");
  const empty = t.names.findIndex((n) => n === "" || /[\r\n]/.test(n));
  if (empty >= 0)
    fail(
      out,
      `class ${empty}`,
      `class name ${JSON.stringify(t.names[empty])} is empty or holds a line break`,
      "rename the class: class lists hold one name per line",
    );
  const index = new Map(t.names.map((n, i) => [n, i]));
  const files = Array.from(ids, (_, i) => t.fileOf(i));
  refuseSharedOutputs(out, files, filepaths, t.hint);
  refuseExtraClash(out, files, filepaths, t.extra);

  const texts: string[] = [];
  for (let i = 0; i < ids.length; i++) {
    const rows = o.bySample.get(ids[i]) ?? [];
    const { W, H } =
      layout.box === "rel-cxcywh" && rows.length
        ? await sizeOf(ds, ids[i], filepaths[i], widths[i], heights[i])
        : { W: 0, H: 0 };
    const lines = rows.map((r) => {
      const x = o.x[r],
        y = o.y[r],
        w = o.w[r],
        h = o.h[r],
        score = o.confidence[r];
      const box =
        layout.box === "abs-xywh"
          ? [x, y, w, h]
          : layout.box === "abs-xyxy"
            ? [x, y, exactCorner(x, w), exactCorner(y, h)]
            : [(x + w / 2) / W, (y + h / 2) / H, w / W, h / H];
      const v: number[] = [index.get(o.label[r])!];
      if (score !== null && layout.confidence === "after-class") v.push(score);
      v.push(...box);
      if (score !== null && layout.confidence === "last") v.push(score);
      return v.join(" ");
    });
    texts.push(lines.length ? lines.join("\n") + "\n" : "");
  }
  for (const [file, text] of t.extra) writeFileAtomic(file, text);
  for (let i = 0; i < files.length; i++) writeFileAtomic(files[i], texts[i]);
  return files.length + t.extra.length;
}
