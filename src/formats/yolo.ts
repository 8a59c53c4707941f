import * as fs from "node:fs";
import * as path from "node:path";
import { values } from "../dataset/columns";
import type { Dataset } from "../dataset/dataset";
import { fail } from "../errors";
import { joinOutput, safeName } from "../io/paths";
import { IMAGE_EXTENSIONS, isDir, listFiles, readHead, readText, stem } from "./common/files";
import { classNames, fieldLabels, fieldObjects, fieldToWrite } from "./common/labels";
import type { Format, ReadOptions, WriteOptions, WriteReport } from "./format";
import { readBoxFiles, writeBoxFiles, type BoxLineLayout } from "./textboxes";

/**
 * YOLO: a text file per image, one line `class cx cy w h [confidence]` per box, normalised to
 * the image size; class names from an Ultralytics YAML with a `names:` key (`data.yaml`, or
 * any other name: `coco128.yaml`), `obj.names` (Darknet) or `classes.txt`. Two layouts are
 * read: Ultralytics (`labels/<split>/*.txt` beside `images/<split>/`) and Darknet
 * (`obj_train_data/*.txt` listed in `train.txt`). Sizes come from the image headers, so the
 * images must be reachable (`--images`, or `images/` inside). An image without a label file is
 * a background sample (no objects), as Ultralytics reads it.
 */
const YAML_FILES = ["data.yaml", "dataset.yaml"];
const LIST_NAME_FILES = ["obj.names", "classes.txt"];
/**
 * Image lists and class lists at the dataset root (Darknet's `train.txt`, LabelImg's
 * `classes.txt`). Only there: under `labels/` or `obj_train_data/` a `train.txt` is the label
 * file of an image named `train.jpg`.
 */
const LIST_FILES = new Set(["train.txt", "val.txt", "valid.txt", "test.txt", "classes.txt"]);
/** A YOLO line is a normalised centre box with the confidence last. */
const YOLO_LINES: BoxLineLayout = { box: "rel-cxcywh", confidence: "last" };

export const yolo: Format = {
  name: "yolo",
  description: "YOLO txt per image + data.yaml / obj.names (normalised boxes, optional confidence)",
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
    splits: true,
    sampleTags: false,
    objectTags: false,
    area: false,
    ids: false,
    categoryKeys: false,
  },
  detect: looksLikeYolo,
  read: readYolo,
  write: writeYolo,
};

/**
 * A YOLO folder: data.yaml / dataset.yaml / obj.names, or label files under `labels/`, or
 * `classes.txt` with the Darknet layout (`obj_train_data/`, or a `train.txt` image list).
 * A folder of text box files with a `classes.txt` (what the txt-* formats write) is not one.
 */
function looksLikeYolo(input: string): boolean {
  if (!isDir(input)) return false;
  if (fs.existsSync(path.join(input, "obj.names")) || namesYamls(input).length) return true;
  if (holdsTxt(path.join(input, "labels"), 2)) return true;
  if (!fs.existsSync(path.join(input, "classes.txt"))) return false;
  return (
    isDir(path.join(input, "obj_train_data")) ||
    ["train.txt", "val.txt", "valid.txt", "test.txt"].some((f) => isImageList(path.join(input, f)))
  );
}

/** Whether a folder holds a .txt file, directly or up to `depth` folders down. */
function holdsTxt(dir: string, depth: number): boolean {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return false;
  }
  if (entries.some((e) => e.isFile() && e.name.endsWith(".txt"))) return true;
  return depth > 1 && entries.some((e) => e.isDirectory() && holdsTxt(path.join(dir, e.name), depth - 1));
}

/** A Darknet image list: its first line names an image file (a box line is numbers). */
function isImageList(file: string): boolean {
  const first = (readHead(file, 1024) ?? "").split(/\r?\n/).find((l) => l.trim() !== "");
  return first !== undefined && IMAGE_EXTENSIONS.test(first.trim());
}

async function readYolo(root: string, options: ReadOptions): Promise<Dataset> {
  if (!isDir(root))
    fail(
      root,
      undefined,
      "expected a YOLO folder",
      "pass the folder holding data.yaml or obj.names and the label .txt files",
    );
  const names = options.classes ?? readClassNames(root);
  const imagesDir = options.images
    ? path.resolve(options.images)
    : isDir(path.join(root, "images"))
      ? path.join(root, "images")
      : null;
  if (imagesDir === null)
    fail(
      root,
      undefined,
      "YOLO boxes are normalised, so image sizes are needed and no images folder was found",
      "pass --images with the folder that holds the images",
    );
  const labelsRoot = isDir(path.join(root, "labels")) ? path.join(root, "labels") : root;
  return readBoxFiles(
    {
      layout: YOLO_LINES,
      dir: labelsRoot,
      imagesDir,
      classes: names,
      // List files only at the root: labels/train.txt and obj_train_data/test.txt are label files.
      files: listFiles(labelsRoot, (f) => f.endsWith(".txt") && !(labelsRoot === root && LIST_FILES.has(f))),
      name: options.name ?? path.basename(path.resolve(root)),
      // Ultralytics: labels/<split>/a.txt beside images/<split>/a.jpg.
      split: (rel) => (labelsRoot !== root && rel.includes("/") ? rel.split("/")[0] : null),
      backgrounds: true,
      classHint: "add the class to data.yaml / obj.names, or fix the index",
      countHint: "YOLO segmentation lines are not read; give boxes as 5 or 6 values",
    },
    options,
  );
}

export function readClassNames(root: string): string[] {
  const yamls = namesYamls(root);
  if (yamls.length > 1) {
    const names = yamls.map((f) => path.basename(f)).join(", ");
    fail(root, undefined, `${yamls.length} YAML files name classes (${names})`, "keep one, or pass --classes FILE");
  }
  const file = yamls[0] ?? LIST_NAME_FILES.map((f) => path.join(root, f)).find((f) => fs.existsSync(f));
  if (file === undefined) {
    const message = "no class names found (a YAML file with names:, obj.names or classes.txt)";
    fail(root, undefined, message, "add one of those files, or pass --classes");
  }
  return readClassList(file);
}

/**
 * Class names from a file: an Ultralytics YAML's `names:` (a `.yaml`/`.yml` file, or any file
 * with a `names:` line), else one name per line (`obj.names`, `classes.txt`).
 */
export function readClassList(file: string): string[] {
  const text = readText(file);
  if (/\.ya?ml$/i.test(file) || NAMES_KEY.test(text)) return yamlNames(file, text);
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean);
}

/** A YAML `names:` key at the start of a line. */
const NAMES_KEY = /^names\s*:/m;

/**
 * The YAML files of a folder that may name the classes: `data.yaml` or `dataset.yaml`, else
 * every `.yaml`/`.yml` file with a `names:` key (Ultralytics names it after the dataset:
 * `coco128.yaml`). More than one cannot be told apart.
 */
function namesYamls(root: string): string[] {
  const standard = YAML_FILES.map((f) => path.join(root, f)).find((f) => fs.existsSync(f));
  if (standard !== undefined) return [standard];
  let entries: string[];
  try {
    entries = fs.readdirSync(root);
  } catch {
    return [];
  }
  const yamls = entries
    .filter((f) => /\.ya?ml$/i.test(f))
    .sort()
    .map((f) => path.join(root, f));
  return yamls.filter((f) => NAMES_KEY.test(readHead(f, 1 << 16) ?? ""));
}

/**
 * The `names` entry of an Ultralytics data.yaml: a flow list (`[a, b]`, also over several
 * lines), a flow map (`{0: a, 1: b}`), a block list (`- a`) or an index map (`0: a`). Comments
 * (`# ...` outside quotes) are left out; quoted names are unquoted.
 */
function yamlNames(file: string, text: string): string[] {
  const lines = text.split(/\r?\n/).map(stripComment);
  const at = lines.findIndex((l) => /^names\s*:/.test(l));
  if (at < 0) fail(file, undefined, "no `names:` entry", "list the class names under names:");
  const inline = lines[at].replace(/^names\s*:/, "").trim();
  const flow = inline.startsWith("[") || inline.startsWith("{");
  const names = flow ? flowNames(file, lines, at, inline) : blockNames(lines.slice(at + 1));
  if (!names.length) {
    fail(file, `line ${at + 1}`, "names: lists no classes", "list the class names under names: (- car, or 0: car)");
  }
  return names;
}

/** `names: [a, b]` or `names: {0: a, 1: b}`, also over several lines. */
function flowNames(file: string, lines: string[], at: number, inline: string): string[] {
  for (let k = at + 1; !scanFlow(inline).closed && k < lines.length; k++) inline += " " + lines[k].trim();
  const { items, closed } = scanFlow(inline);
  if (!closed)
    fail(file, `line ${at + 1}`, "the names list is not closed", `close it with ${inline.startsWith("[") ? "]" : "}"}`);
  if (inline.startsWith("[")) return items.map(unquote);
  const out: string[] = [];
  for (const item of items) {
    const m = /^(\d+)\s*:\s*(.*)$/.exec(item);
    if (!m)
      fail(
        file,
        `line ${at + 1}`,
        `names entry ${JSON.stringify(item)} is not "index: name"`,
        "write names as {0: first, 1: second}",
      );
    out[Number(m[1])] = unquote(m[2]);
  }
  return out;
}

/** The lines under `names:`: a block list (`- a`, indented or not, as YAML allows) or an index map (`  0: a`). */
function blockNames(lines: string[]): string[] {
  const out: string[] = [];
  for (const l of lines) {
    if (!l.trim()) continue;
    const item = /^\s*-\s+(.*)$|^\s*-$/.exec(l);
    const keyed = /^\s+(\d+)\s*:\s*(.*)$/.exec(l);
    if (item) out.push(unquote(item[1] ?? ""));
    else if (keyed) out[Number(keyed[1])] = unquote(keyed[2]);
    else break;
  }
  return out;
}

/** Where a quoted scalar may start: at the line start or after `- : [ { , ?`. */
function opensScalar(line: string, k: number): boolean {
  for (let j = k - 1; j >= 0; j--) if (!/\s/.test(line[j])) return "-:[{,?".includes(line[j]);
  return true;
}

/** A YAML line without its `# comment` (a `#` at the start or after a space, outside quotes). */
export function stripComment(line: string): string {
  let q = "";
  for (let k = 0; k < line.length; k++) {
    const c = line[k];
    if (q === '"') {
      if (c === "\\") k++;
      else if (c === '"') q = "";
    } else if (q === "'") {
      if (c === "'") q = "";
    } else if ((c === '"' || c === "'") && opensScalar(line, k)) q = c;
    else if (c === "#" && (k === 0 || /\s/.test(line[k - 1]))) return line.slice(0, k).trimEnd();
  }
  return line;
}

/**
 * A flow collection (`[a, 'b, c']`, `{0: a}`) from its opening bracket: its items, split at
 * commas outside quotes and inner brackets, and whether it is closed.
 */
function scanFlow(text: string): { items: string[]; closed: boolean } {
  const items: string[] = [];
  const push = (s: string) => {
    if (s.trim()) items.push(s.trim());
  };
  let q = "",
    depth = 0,
    from = 0;
  for (let k = 0; k < text.length; k++) {
    const c = text[k];
    if (q === '"') {
      if (c === "\\") k++;
      else if (c === '"') q = "";
      continue;
    }
    if (q === "'") {
      if (c === "'") q = "";
      continue;
    }
    if ((c === '"' || c === "'") && opensScalar(text, k)) q = c;
    else if (c === "[" || c === "{") {
      if (++depth === 1) from = k + 1;
    } else if (c === "]" || c === "}") {
      if (depth === 1) push(text.slice(from, k));
      if (--depth === 0) return { items, closed: true };
    } else if (c === "," && depth === 1) {
      push(text.slice(from, k));
      from = k + 1;
    }
  }
  return { items, closed: false };
}

/** A YAML scalar's text: double-quoted (with escapes), single-quoted ('' is ') or plain. */
function unquote(s: string): string {
  const t = s.trim();
  if (t.length >= 2 && t.startsWith('"') && t.endsWith('"')) {
    try {
      return JSON.parse(t) as string;
    } catch {
      return t.slice(1, -1);
    }
  }
  if (t.length >= 2 && t.startsWith("'") && t.endsWith("'")) return t.slice(1, -1).replace(/''/g, "'");
  return t;
}

async function writeYolo(ds: Dataset, out: string, options: WriteOptions): Promise<WriteReport> {
  const field = fieldToWrite(ds, options, "detections");
  const names = classNames(ds, fieldLabels(fieldObjects(ds, field)));
  const filepaths = values<string>(ds.samples, "filepath"),
    splits = values<string | null>(ds.samples, "split");
  const yaml =
    `# class names in index ` + `order\nnames:\n${names.map((n, i) => `  ${i}: ${JSON.stringify(n)}`).join("\n")}\n`;
  const files = await writeBoxFiles(ds, field, out, {
    layout: YOLO_LINES,
    names,
    // labels/<split>/<image name>.txt, the layout Ultralytics reads beside images/<split>/.
    fileOf: (i) =>
      joinOutput(
        out,
        [{ name: "labels", what: "folder" }, ...(splits[i] === null ? [] : [{ name: splits[i]!, what: "split" }])],
        `${safeName(stem(filepaths[i]), "image file name", out)}.txt`,
      ),
    extra: [[path.join(out, "data.yaml"), yaml]],
    hint:
      "YOLO names each label file after its image's file name (without folders) in its split's folder; give " +
      "these images distinct file names or different splits",
  });
  return { files, dropped: [] };
}
