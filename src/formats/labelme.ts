import * as fs from "node:fs";
import * as path from "node:path";
import { DatasetBuilder } from "../dataset/builder";
import { values } from "../dataset/columns";
import { parsedOnce, WritePlans } from "./common/plans";
import type { Dataset } from "../dataset/dataset";
import { GROUND_TRUTH, type Category } from "../dataset/schema";
import { fail } from "../errors";
import { writeFileAtomic } from "../io/atomic";
import { cornerSize, exactCorner, extent, polygonsDroppedLine, writablePolygon } from "./common/shapes";
import { finishImport } from "./common/finish";
import { finiteNumber, isDir, listFiles, readJson, refuseSharedOutputs, stem } from "./common/files";
import {
  categoryIds,
  dict,
  fieldLabels,
  fieldObjects,
  fieldToWrite,
  imagesDirFor,
  metadataColumns,
  type FieldObjects,
} from "./common/labels";
import type { Format, ReadOptions, WriteOptions, WriteReport } from "./format";

/**
 * LabelMe: a folder of JSON files, one per image (`imagePath`, `imageWidth`, `imageHeight`,
 * optional base64 `imageData`, `shapes`).
 *
 * - `imagePath` is relative to the JSON file. With `options.images`, the sample's filepath is
 *   that path resolved against the JSON's folder when it lands inside the images folder; else
 *   the same path under the images folder (the labels folder mirroring the images folder);
 *   else its file name. When the filepath is not `imagePath` itself, the original is kept in
 *   the sample metadata column `labelme_image_path`.
 * - `imageData` is dropped as soon as a file is parsed (it is the image again, in base64).
 * - `rectangle` shapes: the extent of their points (two corners, any order). `polygon`: a COCO
 *   polygon [[x1,y1,...]] and its extent. Other shape types (circle, line, point, linestrip,
 *   mask) are not loaded: an `unsupported-shape` problem says how many.
 * - `flags.iscrowd === true` is the crowd flag; other flags, `group_id`, a non-empty
 *   `description` and any other shape keys are the object's attributes (an attribute that is
 *   an object, such as the `attributes` CVAT's COCO export nests, is written as it is). Top-level
 *   `flags` becomes the metadata column `labelme_flags`, other unknown top-level keys metadata
 *   columns (`source_id`, the COCO image id results files refer to, among them).
 * - Top-level `categories` ([{id, name}], which blindspot writes in every file) gives the
 *   category ids, so that ids from COCO stay as they were; files that disagree on an id get a
 *   `category-mismatch` problem and the first file's id is kept.
 */

const TOP_KEYS = new Set(["version", "flags", "shapes", "imagePath", "imageData", "imageHeight", "imageWidth"]);
/** The top-level key of the category list blindspot writes in each file. */
const CATEGORIES_KEY = "categories";
const SHAPE_KEYS = new Set(["label", "points", "shape_type", "flags", "group_id", "description", "mask"]);
/** Sample metadata columns this reader makes, which the writer turns back into LabelMe fields. */
const OWN_COLUMNS = new Set(["labelme_image_path", "labelme_flags"]);
export const LABELME_VERSION = "5.2.1";

export const labelme: Format = {
  name: "labelme",
  description: "LabelMe JSON, one file per image (rectangles, polygons, flags, group ids)",
  reads: "folder",
  holds: {
    boxes: true,
    polygons: true,
    rle: false,
    crowd: true,
    confidence: false,
    classification: false,
    metadata: true,
    attributes: true,
    multipleFields: false,
    splits: false,
    sampleTags: false,
    objectTags: false,
    area: false,
    ids: true,
    categoryKeys: false,
  },
  detect: detectLabelme,
  read: readLabelme,
  plan: (ds, output, options) => plans.get(ds, output, options).lost,
  write: writeLabelme,
};

function detectLabelme(input: string): boolean {
  if (!isDir(input)) return false;
  let files: string[];
  try {
    files = listFiles(input, (rel) => /\.json$/i.test(rel));
  } catch {
    return false;
  }
  for (const rel of files.slice(0, 5)) {
    try {
      const d = JSON.parse(fs.readFileSync(path.join(input, rel), "utf8")) as Record<string, unknown>;
      if (d && typeof d === "object" && Array.isArray(d.shapes) && "imagePath" in d) return true;
    } catch {
      // not this file; look at the next one
    }
  }
  return false;
}

async function readLabelme(input: string, options: ReadOptions): Promise<Dataset> {
  let root: string, files: string[];
  if (isDir(input)) {
    root = input;
    files = listFiles(input, (rel) => /\.json$/i.test(rel));
    if (files.length === 0)
      fail(
        input,
        undefined,
        "no .json files in this folder",
        "LabelMe writes one .json file per image; give the folder that holds them",
      );
  } else if (fs.existsSync(input)) {
    root = path.dirname(input);
    files = [path.basename(input)];
  } else {
    fail(input, undefined, "folder not found", "give the folder of LabelMe .json files");
  }

  const b = new DatasetBuilder(
    options.name ?? path.basename(path.resolve(input), path.extname(input)),
    imagesDirFor(options),
  );
  const field = options.field ?? GROUND_TRUTH;
  b.declareField({ name: field, kind: "detections", predicted: false });
  for (const c of options.classes ?? []) b.category(c);
  const check = b.imagesDir !== null && options.checkImages !== "none";
  let loaded = 0;
  const mismatches = new Set<string>();

  files.forEach((rel, n) => {
    options.onProgress?.("labels", n + 1, files.length);
    const file = path.join(root, rel);
    let data = readJson(file) as Record<string, unknown> | null;
    if (
      data === null ||
      typeof data !== "object" ||
      Array.isArray(data) ||
      (!("shapes" in data) && !("imagePath" in data))
    ) {
      b.addProblem({
        kind: "skipped-file",
        file,
        message: "not a LabelMe file (no shapes, no imagePath); skipped",
        hint: "keep only LabelMe .json files in the labels folder, or ignore this message",
      });
      return;
    }
    const imagePath = data.imagePath;
    if (typeof imagePath !== "string" || imagePath === "")
      fail(
        file,
        "imagePath",
        "missing or empty image path",
        "set imagePath to the image's path relative to this .json file",
      );
    if (!Array.isArray(data.shapes))
      fail(
        file,
        "shapes",
        "shapes is missing or not a list",
        "a LabelMe file has a shapes list (empty when the image has no labels)",
      );
    const shapes = data.shapes as unknown[];
    const fields = dict();
    for (const [k, v] of Object.entries(data)) {
      if (k === "flags") {
        if (v && typeof v === "object" && Object.keys(v).length > 0) fields.labelme_flags = v;
      } else if (k === CATEGORIES_KEY && isCategoryList(v)) {
        addCategories(b, v, file, mismatches);
      } else if (!TOP_KEYS.has(k)) fields[k] = v;
    }
    const width = finiteNumber(data.imageWidth, true),
      height = finiteNumber(data.imageHeight, true);
    data = null; // the parsed file, imageData included, is not kept

    const { filepath, rewritten } = imageFilepath(imagePath, rel, root, b.imagesDir, check);
    if (rewritten) fields.labelme_image_path = imagePath;
    const sampleId = b.addSample({ filepath, width, height, fields });
    loaded++;

    const unsupported = new Map<string, number>();
    shapes.forEach((s, k) => {
      const place = `shapes[${k}]`;
      if (s === null || typeof s !== "object" || Array.isArray(s))
        fail(file, place, "a shape must be an object", "fix this entry of shapes");
      const shape = s as Record<string, unknown>;
      const label = shape.label;
      if (typeof label !== "string") fail(file, `${place}.label`, "shape has no label", "give every shape a label");
      const type = shape.shape_type ?? "polygon"; // LabelMe's default when the key is missing
      if (type !== "rectangle" && type !== "polygon") {
        const t = String(type);
        unsupported.set(t, (unsupported.get(t) ?? 0) + 1);
        return;
      }
      const flat = flatPoints(shape.points, file, `${place}.points`);
      if (flat.length < (type === "rectangle" ? 4 : 2))
        fail(
          file,
          `${place}.points`,
          `a ${type} needs ${type === "rectangle" ? "two corner points" : "points"}`,
          "fix the points of this shape",
        );
      const [x, y, ew, eh] = extent(flat);
      // A rectangle's size comes from two corners: cleaned of rounding like CVAT's boxes.
      const w = type === "rectangle" ? cornerSize(x, maxOf(flat, 0)) : ew,
        h = type === "rectangle" ? cornerSize(y, maxOf(flat, 1)) : eh;
      const attributes = dict();
      let crowd = false;
      const flags = shape.flags;
      if (flags !== null && flags !== undefined) {
        if (typeof flags !== "object" || Array.isArray(flags))
          fail(
            file,
            `${place}.flags`,
            "flags must be an object",
            'flags is an object of booleans, e.g. {"iscrowd": true}',
          );
        for (const [fk, fv] of Object.entries(flags)) {
          if (fk === "iscrowd") crowd = fv === true || fv === 1;
          else attributes[fk] = fv;
        }
      }
      if (shape.group_id !== null && shape.group_id !== undefined) attributes.group_id = shape.group_id;
      if (typeof shape.description === "string" ? shape.description !== "" : shape.description != null)
        attributes.description = shape.description;
      for (const [sk, sv] of Object.entries(shape)) if (!SHAPE_KEYS.has(sk)) attributes[sk] = sv;
      b.addObject({
        sampleId,
        field,
        label,
        x,
        y,
        w,
        h,
        iscrowd: crowd,
        segmentation: type === "polygon" ? [flat] : null,
        attributes,
      });
    });
    if (unsupported.size > 0) {
      const what = [...unsupported].map(([t, c]) => `${c} ${t}`).join(", ");
      b.addProblem({
        kind: "unsupported-shape",
        sampleId,
        file,
        place: "shapes",
        message: `${what} shape(s) not loaded: blindspot reads rectangles and polygons`,
        hint: "redraw these shapes as rectangles or polygons in LabelMe if they are needed",
      });
    }
  });
  if (loaded === 0)
    fail(
      input,
      undefined,
      "no LabelMe files here (no .json file has shapes and imagePath)",
      "give the folder of LabelMe .json files",
    );
  return finishImport(b, input, options);
}

/** Whether a top-level `categories` value is a category list as blindspot writes it. */
function isCategoryList(v: unknown): v is Category[] {
  return (
    Array.isArray(v) &&
    v.every(
      (c) =>
        c !== null &&
        typeof c === "object" &&
        Number.isSafeInteger((c as Category).id) &&
        typeof (c as Category).name === "string",
    )
  );
}

/**
 * Adds a file's categories: new names and ids are taken; a name with another id, or an id with
 * another name, than an earlier file gave keeps the earlier one, with a problem (once each).
 */
function addCategories(b: DatasetBuilder, list: Category[], file: string, mismatches: Set<string>): void {
  for (const c of list) {
    const byName = b.categories.find((k) => k.name === c.name);
    const byId = b.categories.find((k) => k.id === c.id);
    if (byName === undefined && byId === undefined) {
      b.categories.push({
        id: c.id,
        name: c.name,
        ...(typeof c.supercategory === "string" && c.supercategory !== "" ? { supercategory: c.supercategory } : {}),
      });
      continue;
    }
    if (byName !== undefined && byName === byId) continue;
    const key = `${c.id}:${c.name}`;
    if (mismatches.has(key)) continue;
    mismatches.add(key);
    const was =
      byName !== undefined
        ? `${JSON.stringify(c.name)} has id ${byName.id}`
        : `id ${c.id} is ${JSON.stringify(byId!.name)}`;
    b.addProblem({
      kind: "category-mismatch",
      file,
      place: CATEGORIES_KEY,
      message:
        `category ${JSON.stringify(c.name)} has id ${c.id} here, but in an earlier file ${was}; the ` +
        `earlier id is kept`,
      hint: "give every file the same categories list (or remove the lists: ids are then numbered in order)",
    });
  }
}

/** Largest x (axis 0) or y (axis 1) of flat points. */
function maxOf(flat: number[], axis: 0 | 1): number {
  let m = -Infinity;
  for (let k = axis; k < flat.length; k += 2) if (flat[k] > m) m = flat[k];
  return m;
}

function flatPoints(points: unknown, file: string, place: string): number[] {
  if (!Array.isArray(points)) fail(file, place, "points must be a list of [x, y]", "fix the points of this shape");
  const flat: number[] = [];
  points.forEach((p, i) => {
    if (
      !Array.isArray(p) ||
      p.length !== 2 ||
      typeof p[0] !== "number" ||
      typeof p[1] !== "number" ||
      !Number.isFinite(p[0] + p[1])
    ) {
      fail(
        file,
        `${place}[${i}]`,
        `point ${JSON.stringify(p)} is not [x, y]`,
        "each point is a pair of numbers [x, y]",
      );
    }
    flat.push(p[0], p[1]);
  });
  return flat;
}

const posix = (p: string) => p.split(path.sep).join("/");

/** Top-level LabelMe flags from the `labelme_flags` column (an object, or its JSON once saved). */
function flagsOf(v: unknown): unknown {
  if (typeof v === "string") {
    try {
      v = JSON.parse(v);
    } catch {
      return {};
    }
  }
  return v !== null && typeof v === "object" && !Array.isArray(v) ? v : {};
}

/**
 * The sample filepath of an imagePath found in labels file `rel` of the labels folder `root`.
 * Candidates, in order: the path resolved against the JSON file's folder on disk, when it lands
 * inside the images folder; the path under the images folder as seen from the JSON file's place
 * in the labels folder (the labels tree mirroring the images tree); these two are what LabelMe
 * means by the path. Then, as fallbacks: the path as written, relative to the images folder;
 * the file name alone. The first whose file exists wins (when images are checked), else the
 * first candidate. `rewritten` is true when the result is a fallback or backslashes were turned
 * into slashes: the caller then keeps the original path.
 */
function imageFilepath(
  imagePath: string,
  rel: string,
  root: string,
  imagesDir: string | null,
  check: boolean,
): { filepath: string; rewritten: boolean } {
  const p = imagePath.replace(/\\/g, "/"); // LabelMe on Windows writes backslashes
  const slashes = p !== imagePath;
  const relDir = path.posix.dirname(rel.replace(/\\/g, "/"));
  const isAbs = path.posix.isAbsolute(p) || /^[A-Za-z]:\//.test(p);
  const mirrored = isAbs ? p : path.posix.normalize(relDir === "." ? p : `${relDir}/${p}`);
  if (imagesDir === null) return { filepath: mirrored, rewritten: slashes };

  const inside = (q: string) =>
    q !== "" && q !== "." && !q.startsWith("../") && q !== ".." && !path.posix.isAbsolute(q) && !/^[A-Za-z]:\//.test(q);
  const candidates: { filepath: string; faithful: boolean }[] = [];
  const add = (filepath: string, faithful: boolean) => {
    if (inside(filepath) && !candidates.some((c) => c.filepath === filepath)) candidates.push({ filepath, faithful });
  };
  add(posix(path.relative(imagesDir, path.resolve(root, relDir, p))), true);
  if (!isAbs) add(mirrored, true);
  if (!isAbs) add(path.posix.normalize(p), false);
  add(path.posix.basename(p), false);
  if (candidates.length === 0) return { filepath: p, rewritten: slashes }; // the import checks flag it
  let chosen = candidates[0];
  if (check && candidates.length > 1)
    chosen = candidates.find((c) => fs.existsSync(path.join(imagesDir, c.filepath))) ?? chosen;
  return { filepath: chosen.filepath, rewritten: !chosen.faithful || slashes };
}

/** An object's attributes as LabelMe holds them: shape flags, group id, description, extra keys. */
interface ShapeAttributes {
  flags: Record<string, unknown>;
  extra: Record<string, unknown>;
  groupId: number | null;
  description: string;
  /** The `iscrowd` attribute, which the crowd column overrides; undefined when absent. */
  iscrowd: unknown;
  /** Values LabelMe cannot hold: a group_id that is not an integer, a non-text description, a reserved name. */
  lost: number;
}

function shapeAttributes(json: string): ShapeAttributes {
  const out: ShapeAttributes = {
    flags: dict(),
    extra: dict(),
    groupId: null,
    description: "",
    iscrowd: undefined,
    lost: 0,
  };
  // Parsed as they are: a nested `attributes` object is a shape key of its own, written unchanged.
  for (const [key, v] of Object.entries(JSON.parse(json) as Record<string, unknown>)) {
    if (key === "iscrowd") out.iscrowd = v;
    else if (key === "group_id" && typeof v === "number" && Number.isInteger(v)) out.groupId = v;
    else if (key === "description" && typeof v === "string") out.description = v;
    else if (typeof v === "boolean") out.flags[key] = v;
    else if (SHAPE_KEYS.has(key) || v === undefined) out.lost++;
    else out.extra[key] = v;
  }
  return out;
}

const NO_ATTRIBUTES: ShapeAttributes = {
  flags: {},
  extra: {},
  groupId: null,
  description: "",
  iscrowd: undefined,
  lost: 0,
};

/** What a LabelMe write needs and loses, found before anything is written. */
interface LabelmePlan {
  o: FieldObjects;
  /** Each sample's .json file, and the imagePath written in it. */
  target: string[];
  imagePath: string[];
  /** Objects whose mask is written as a box (by object row). */
  dropped: Uint8Array;
  attrsOf: (json: string) => ShapeAttributes;
  meta: string[];
  /** The category list written in each file (none when the dataset has no categories). */
  categories: Category[] | null;
  lost: string[];
}

const plans = new WritePlans<LabelmePlan>(planLabelme);

function planLabelme(ds: Dataset, output: string, options: WriteOptions): LabelmePlan {
  const field = fieldToWrite(ds, options, "detections");
  const o = fieldObjects(ds, field);
  const s = ds.samples;
  const ids = values<string>(s, "id"),
    filepaths = values<string>(s, "filepath");
  const meta = metadataColumns(ds).filter((c) => !OWN_COLUMNS.has(c));
  const attrsOf = parsedOnce(shapeAttributes);
  const dropped = new Uint8Array(ds.objects.numRows());
  const target: string[] = [],
    imagePath: string[] = [];
  let polyDropped = 0,
    attrLost = 0,
    metaLost = 0;

  // One pass: each sample's file, and what LabelMe cannot hold.
  for (let k = 0; k < ids.length; k++) {
    const fp = filepaths[k];
    const fpPosix = fp.replace(/\\/g, "/");
    const clean =
      !path.posix.isAbsolute(fpPosix) &&
      !/^[A-Za-z]:\//.test(fpPosix) &&
      !path.posix.normalize(fpPosix).startsWith("../");
    const dir = clean ? path.posix.dirname(path.posix.normalize(fpPosix)) : ".";
    const jsonRel = dir === "." ? `${stem(fp)}.json` : `${dir}/${stem(fp)}.json`;
    const t = path.join(output, ...jsonRel.split("/"));
    target.push(t);
    if (ds.imagesDir !== null && !path.isAbsolute(fp))
      imagePath.push(posix(path.relative(path.dirname(path.resolve(t)), path.resolve(ds.imagesDir, fp))));
    else if (clean) imagePath.push(path.posix.relative(dir, path.posix.normalize(fpPosix)));
    else imagePath.push(fp);
    for (const i of o.bySample.get(ids[k]) ?? []) {
      if (o.attributes[i] !== null) {
        const a = attrsOf(o.attributes[i]!);
        attrLost += a.lost + (a.iscrowd !== undefined && Boolean(a.iscrowd) !== Boolean(o.iscrowd[i]) ? 1 : 0);
      }
      if (
        o.segmentation[i] !== null &&
        writablePolygon(o.segmentation[i], o.x[i], o.y[i], o.w[i], o.h[i]) === "dropped"
      ) {
        dropped[i] = 1;
        polyDropped++;
      }
    }
  }
  refuseSharedOutputs(
    output,
    target,
    filepaths,
    "LabelMe keeps one .json per image, named after the image without its extension; rename one of the images",
  );
  // Category ids as given (COCO results files name them), with the labels the list lacks.
  const categories =
    ds.categories.length === 0
      ? null
      : [...categoryIds(ds.categories, fieldLabels(o))].map(([name, id]): Category => {
          const sup = ds.categories.find((c) => c.id === id && c.name === name)?.supercategory;
          return sup === undefined ? { id, name } : { id, name, supercategory: sup };
        });
  for (const col of meta)
    if (reserved(col, categories !== null))
      metaLost += countWhere(values<unknown>(s, col), (v) => v !== null && v !== undefined);

  // Only what this writer finds; `exportDataset` adds what the capabilities cannot hold.
  const lost: string[] = [];
  if (polyDropped) lost.push(polygonsDroppedLine(polyDropped, "labelme"));
  if (attrLost)
    lost.push(
      `${attrLost} object attributes that labelme cannot hold (a group_id that is not an integer, a non-text ` +
        `description, or a name labelme reserves)`,
    );
  if (metaLost) lost.push(`${metaLost} metadata values named like LabelMe's own keys (labelme cannot hold them)`);
  return { o, target, imagePath, dropped, attrsOf, meta, categories, lost };
}

/** Whether a metadata column is named like a top-level key the writer fills itself. */
function reserved(col: string, withCategories: boolean): boolean {
  return TOP_KEYS.has(col) || (withCategories && col === CATEGORIES_KEY);
}

function countWhere(list: ArrayLike<unknown>, test: (v: unknown) => boolean): number {
  let n = 0;
  for (let i = 0; i < list.length; i++) if (test(list[i])) n++;
  return n;
}

async function writeLabelme(ds: Dataset, output: string, options: WriteOptions): Promise<WriteReport> {
  const { o, target, imagePath, dropped, attrsOf, meta, categories, lost } = plans.take(ds, output, options);
  const s = ds.samples;
  const ids = values<string>(s, "id");
  const widths = values<number | null>(s, "width"),
    heights = values<number | null>(s, "height");
  const flagCol = s.columnNames().includes("labelme_flags") ? values<unknown>(s, "labelme_flags") : null;
  const metaValues = meta.map((c) => values<unknown>(s, c));

  fs.mkdirSync(output, { recursive: true });
  for (let k = 0; k < ids.length; k++) {
    const shapes: Record<string, unknown>[] = [];
    for (const i of o.bySample.get(ids[k]) ?? []) {
      const a = o.attributes[i] === null ? NO_ATTRIBUTES : attrsOf(o.attributes[i]!);
      const flags = o.iscrowd[i] ? Object.assign(dict(), a.flags, { iscrowd: true }) : a.flags;
      const poly =
        dropped[i] || o.segmentation[i] === null
          ? null
          : (writablePolygon(o.segmentation[i], o.x[i], o.y[i], o.w[i], o.h[i]) as number[] | null);
      let points: number[][];
      if (poly) {
        points = [];
        for (let t = 0; t + 1 < poly.length; t += 2) points.push([poly[t], poly[t + 1]]);
      } else {
        const x = o.x[i],
          y = o.y[i];
        points = [
          [x, y],
          [exactCorner(x, o.w[i]), exactCorner(y, o.h[i])],
        ];
      }
      shapes.push({
        label: o.label[i],
        points,
        group_id: a.groupId,
        description: a.description,
        shape_type: poly ? "polygon" : "rectangle",
        flags,
        ...a.extra,
      });
    }
    const doc = Object.assign(dict(), {
      version: LABELME_VERSION,
      flags: flagsOf(flagCol?.[k]),
      shapes,
      imagePath: imagePath[k],
      imageData: null,
      imageHeight: heights[k] ?? null,
      imageWidth: widths[k] ?? null,
    });
    if (categories !== null) doc[CATEGORIES_KEY] = categories;
    meta.forEach((col, m) => {
      const v = metaValues[m][k];
      if (v !== null && v !== undefined && !reserved(col, categories !== null)) doc[col] = v;
    });
    writeFileAtomic(target[k], JSON.stringify(doc, null, 2) + "\n");
  }
  return { files: ids.length, dropped: lost };
}
