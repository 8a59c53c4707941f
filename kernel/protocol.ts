/**
 * The contract between the kernel and the JupyterLab extension, version 1.
 *
 * The kernel writes MIME bundles into the notebook and artifact files into a folder beside it;
 * the extension renders the bundles and reads the files through the Jupyter server. Both sides
 * compile against this file. A change that an older reader cannot understand gets a new MIME
 * type (`...v2+json`); the renderer of v1 then simply is not chosen, and the fallbacks show.
 *
 * Paths in bundles are relative to the notebook's folder (the kernel's working directory) and
 * always use `/`. Everything an untrusted notebook carries (labels, field names, file names,
 * titles) is data: renderers insert it as text, never as HTML.
 */

export const PROTOCOL_VERSION = 1;

export const MIME = {
  /** A grid of samples (one tile per image) with filters, sort, selection and a large view. */
  grid: "application/vnd.blindspot.grid.v1+json",
  /** A Vega-Lite 6 chart linked to samples. */
  chart: "application/vnd.blindspot.chart.v1+json",
  /** A sortable table. */
  table: "application/vnd.blindspot.table.v1+json",
  /** A grid of object patches (one tile per box, cropped from its image); see PatchesBundle. */
  patches: "application/vnd.blindspot.patches.v1+json",
  /** Something changed in the kernel that rendered outputs should reflect (tags). */
  event: "application/vnd.blindspot.event.v1+json",
} as const;

export type MimeType = (typeof MIME)[keyof typeof MIME];

/**
 * Folder beside the notebook that holds thumbnails, view data and selections. It must not start
 * with a dot: the Jupyter server refuses hidden paths by default.
 *
 *   blindspot-artifacts/thumbs/<2 hex>/<sha256 of image bytes + size>.webp   thumbnails, shared by every view
 *   blindspot-artifacts/views/<key>/samples.arrow                           one grid's rows
 *   blindspot-artifacts/views/<key>/objects-<n>.arrow                        its boxes, in chunks of rows
 *   blindspot-artifacts/charts/<key>.arrow                                    a chart's data
 *   blindspot-artifacts/tables/<key>.arrow                                    a large table's rows
 *   blindspot-artifacts/selections/<group file name>.json                    the selection of a link group
 *   blindspot-artifacts/patches/<2 hex>/<image key>-<x>-<y>-<w>-<h>-<size>.webp  crops of patches (patchCropPath)
 *   blindspot-artifacts/patches/requests/<key>.json                         rows of a patches grid on screen
 *   blindspot-artifacts/thumbs/index.json                                    the kernel's cache index (not read
 *                                                                            by renderers)
 *   blindspot-artifacts/image-roots.json                                     image folders of the datasets shown
 *                                                                            (added, still v1)
 *
 * `<key>` is a hash of the file's content: a re-run with the same data names the same files.
 * Every file is written under a temporary name and renamed into place; a view's `samples.arrow`
 * is written after its objects files, so a renderer that can read it can read them all.
 */
export const ARTIFACTS_DIR = "blindspot-artifacts";

/**
 * (Added, still v1.) `{ "version": 1, "roots": ["/absolute/image/folder", ...] }` in the artifacts
 * folder: the image folders of the datasets this folder's kernels have shown. The server extension
 * of the extension's Python package serves full-resolution images from these folders only, at
 *   <base url>/blindspot/image?artifacts=<server path of the artifacts folder>&root=<folder>&file=<path in it>
 * (query values URL-encoded), under Jupyter's authentication; any other path is refused.
 */
export const IMAGE_ROOTS_FILE = "image-roots.json";
export const IMAGE_ENDPOINT = "blindspot/image";

export interface ImageRootsFile {
  version: 1;
  roots: string[];
}

/** Fields every bundle has. */
export interface BundleBase {
  version: 1;
  /**
   * Outputs of the same link group share their selection, across cells. (Clarified, still v1:
   * a dataset's default group is its key, below, so it is never shared with another notebook.)
   */
  group: string;
  /**
   * The dataset the output shows (null for a free-standing table or chart). (Clarified, still
   * v1: its key, the name plus a digest of its content, location and notebook, e.g.
   * "blindspot-demo-3fa2c1d04e": tag events name the dataset by the same key.)
   */
  dataset: string | null;
  title: string;
}

/** How a field of a view looks to the side panel and the tile captions. */
export interface FieldSummary {
  name: string;
  kind: "number" | "category" | "boolean" | "tags" | "text" | "time";
  /**
   * number: smallest and largest finite value. time (added, still v1: an older renderer shows no
   * filter for it): earliest and latest, in milliseconds since 1970; the column holds ISO 8601 text.
   */
  range?: [number, number];
  /** category, boolean, tags: the most frequent values with their counts (at most 200). */
  values?: { value: string; count: number }[];
}

/** A label field drawn over the thumbnails. */
export interface LabelField {
  name: string;
  /** Ground truth draws solid outlines, predictions dashed ones with their score. */
  role: "ground_truth" | "prediction";
}

/**
 * A grid of samples. The rows live in Arrow IPC files:
 *
 * `samples` (one row per sample of the view, in the view's order):
 *   id string, thumb string|null (path of the thumbnail, relative to the notebook), file string
 *   (image path as the dataset names it), width int32|null, height int32|null, tags list<string>,
 *   then one column per entry of `fields` (numbers as float64, the rest as strings).
 *   Also (added, still v1): thumb_missing string|null, why a row has no thumbnail (over the
 *   limit, unreadable image: a sentence for the tile), null when it has one. Any string column
 *   may be dictionary-encoded (read columns by name, values as strings). Fields of kind "tags"
 *   are list<string> columns. `fields` may have an entry named "tags": it summarises the fixed
 *   tags column (there is no second column of that name).
 *
 * `objects.files[k]` holds the boxes of sample rows [k * rowsPerFile, (k + 1) * rowsPerFile):
 *   row int32 (index into `samples`), field string, label string, x, y, w, h float32 (fractions
 *   of the image's width and height, top-left origin), confidence float32 (NaN for none),
 *   outcome string|null ("tp", "fp", "fn" when evaluated), crowd bool.
 *   (Added, still v1.) issue string|null (the label issue found on the box: "overlooked", "swap",
 *   "badloc", "loose") and fix int32 (the id of the prediction suggested as its correction, -1 for none),
 *   when the dataset has label-issue fields; an older renderer ignores them.
 *   (Added, still v1: id int32, the object's id in the dataset, when the dataset has one.)
 *   x, y, w, h are NaN when the image size is unknown (such boxes cannot be drawn). Within a
 *   file, rows are in ascending order and each row's boxes keep the dataset's order.
 */
export interface GridBundle extends BundleBase {
  kind: "grid";
  dataset: string;
  /** Samples in the view. */
  total: number;
  samples: string;
  objects: {
    files: string[];
    rowsPerFile: number;
    count: number;
    /** (Added, still v1.) Labels of the boxes with their counts, most frequent first (at most 1000). */
    classes?: { value: string; count: number }[];
  } | null;
  fields: FieldSummary[];
  labelFields: LabelField[];
  /** Fields shown under each tile. */
  caption: string[];
  /** Longest side of the thumbnails, in pixels. */
  thumbSize: number;
  /** Samples whose thumbnail was not made (over the limit or unreadable); their tiles say why. */
  missingThumbs: number;
  /**
   * (Added, still v1.) The rows are in groups of equal value of `field` (one of `fields`), each
   * group's rows next to each other in `samples`, largest group first, and only rows that have
   * a value. A renderer shows each group under a header and keeps a group's rows together when
   * it sorts or filters; an older one shows the rows in this order without headers.
   */
  groupBy?: { field: string; groups: number };
  /**
   * (Added, still v1.) The absolute folder that the `file` column's paths are relative to,
   * registered in IMAGE_ROOTS_FILE: the large view loads the full image through IMAGE_ENDPOINT.
   * Absent when the dataset has no images folder (the large view then shows the thumbnail).
   */
  imageRoot?: string;
}

/**
 * How a chart's marks map to samples. `rows` is an Arrow IPC file with one row per sample:
 * `id` plus the columns named in `fields`. When the Vega-Lite parameter `param` changes, the
 * renderer selects the ids of the rows that pass it:
 *   interval: the signal's value is { <param field>: [lo, hi] } (numbers, inclusive) or a list
 *             of values for a discrete axis; a row passes when every named column is inside;
 *   point:    the signal's value is { <param field>: [v1, v2, ...] }; a row passes when every
 *             named column equals one of the listed values.
 * (Clarified, still v1: a chart that counts boxes has one row per box, so an id can repeat; the
 * selection is the set of ids of the rows that pass. `rows` may be the same file as one of the
 * chart's `data` files, and hold more columns than `fields` names.)
 */
export interface ChartLink {
  rows: string;
  param: string;
  type: "interval" | "point";
  /** Vega-Lite field name used in the parameter -> column of `rows`. */
  fields: Record<string, string>;
  /**
   * Name of a dataset in the spec that the renderer fills with the rows (all columns of `rows`)
   * of the group's current selection, so a highlight layer can draw them; null for none.
   */
  highlight: string | null;
}

/** A Vega-Lite 6 chart. */
export interface ChartBundle extends BundleBase {
  kind: "chart";
  /** The spec; datasets named in `data` are empty in it and filled by the renderer. */
  spec: Record<string, unknown>;
  /** Named datasets too large to inline, as Arrow IPC files. */
  data: Record<string, { path: string; rows: number }>;
  link: ChartLink | null;
}

export interface TableColumn {
  name: string;
  type: "number" | "string" | "boolean";
}

/** A sortable table; rows inline when small, otherwise in an Arrow IPC file. */
export interface TableBundle extends BundleBase {
  kind: "table";
  columns: TableColumn[];
  total: number;
  /** Row-major values (null for a missing value); null when the rows are in `path`. */
  rows: (string | number | boolean | null)[][] | null;
  path: string | null;
  /** Column holding sample ids: clicking a row then selects that sample in the group. */
  idColumn: string | null;
}

/** Tags were added to or removed from samples in the kernel; grids of the dataset update. */
export interface TagEvent {
  version: 1;
  kind: "tags";
  dataset: string;
  tag: string;
  action: "add" | "remove";
  ids: string[];
}

/**
 * A grid of object patches (FiftyOne's patches and evaluation-patches views): one row per box,
 * its tile a crop of the box with some context cut from the full image. The rows are a grid's
 * `samples` file, with these differences:
 *   id        `<sample id>#<object id>` (the object id is an integer: split at the last `#`);
 *             the selection file of the group holds these ids
 *   sample_id the sample's id; file, its image
 *   image     string|null: the image's key for `patchCropPath` (null: no crop, see thumb_missing)
 *   crop_x, crop_y, width, height  int32: the crop's rectangle in the image's pixels (EXIF
 *             rotation applied); `objects` hold the row's box in fractions of this rectangle
 *   the object's fields (label, confidence, outcome, area, ...) as the grid's `fields`.
 * There is no `thumb` column: a row's tile is `patchCropPath(image, crop, patches.size)`.
 * Crops are made lazily by the kernel that showed the grid: the first rows before the output
 * appears, later ones when the renderer writes the rows on screen to `patches.requests`
 * (a PatchRequest); a crop not there yet is asked for again until it is.
 */
export interface PatchesBundle extends Omit<GridBundle, "kind"> {
  kind: "patches";
  patches: {
    /** Label field of the boxes (and, with outcome "fn", the ground truth it was evaluated against). */
    field: string;
    /** Object column of the evaluation outcomes (colours the boxes), null when not evaluated. */
    evalKey: string | null;
    /** Longest side of a crop, in pixels. */
    size: number;
    /** Path of the request file the renderer writes (PatchRequest). */
    requests: string;
    /**
     * The patches' samples as a grid's files (thumbnails, every box of every label field, with
     * object ids in `objects`' `id` column), for the large view: a click opens the sample with
     * the patch's box highlighted.
     */
    samples: { samples: string; objects: GridBundle["objects"] };
  };
}

/** Rows of a patches grid whose crops the renderer wants now (on screen first). */
export interface PatchRequest {
  version: 1;
  rows: number[];
}

/** Path (relative to the notebook) of a patch's crop: the image's key, the crop rectangle, the size. */
export function patchCropPath(image: string, crop: readonly [number, number, number, number], size: number): string {
  return `${ARTIFACTS_DIR}/patches/${image.slice(0, 2)}/${image}-${crop.join("-")}-${size}.webp`;
}

/** A patch's id: `<sample id>#<object id>`. */
export function patchId(sampleId: string, objectId: number): string {
  return `${sampleId}#${objectId}`;
}

/** The sample and object of a patch id, or null when it is not one. */
export function parsePatchId(id: string): { sample: string; object: number } | null {
  const at = id.lastIndexOf("#");
  const object = Number(id.slice(at + 1));
  return at > 0 && Number.isInteger(object) && id.slice(at + 1) !== "" ? { sample: id.slice(0, at), object } : null;
}

export type Bundle = GridBundle | ChartBundle | TableBundle | PatchesBundle;

/**
 * The selection of a link group, written by the extension through the Jupyter contents API and
 * read by the kernel's `selection(group)`.
 * `filter` comes from a chart (brush or click) and narrows the grids of the group; `picked` are
 * the tiles or points the user chose one by one. `selection()` returns `picked` when there are
 * any, otherwise the ids of `filter`.
 */
export interface SelectionFile {
  version: 1;
  group: string;
  dataset: string | null;
  picked: string[];
  filter: { ids: string[]; description: string } | null;
  /** ISO time of the change. */
  updated: string;
}

/** A selection file's text as read: the file, or what is wrong with it. */
export type SelectionRead = { file: SelectionFile; problem?: undefined } | { file?: undefined; problem: string };

/**
 * Reads a selection file: the one check of this contract, for both sides (the kernel reports the
 * problem, the extension treats the group as having no selection).
 */
export function readSelectionFile(text: string): SelectionRead {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (err) {
    return { problem: `is not valid JSON (${(err as Error).message})` };
  }
  const f = (typeof v === "object" && v !== null ? v : {}) as { [key in keyof SelectionFile]?: unknown };
  if (f.version !== 1) {
    return { problem: `is not a selection file of version 1 (version ${JSON.stringify(f.version)})` };
  }
  if (typeof f.group !== "string") return { problem: '"group" is not a text' };
  if (!isTextList(f.picked)) return { problem: '"picked" is not a list of sample ids' };
  const filter = f.filter as { ids?: unknown; description?: unknown } | null | undefined;
  if (filter !== null) {
    if (typeof filter !== "object" || !isTextList(filter.ids)) {
      return { problem: '"filter.ids" is not a list of sample ids' };
    }
    if (typeof filter.description !== "string") return { problem: '"filter.description" is not a text' };
  }
  const file: SelectionFile = {
    version: 1,
    group: f.group,
    dataset: typeof f.dataset === "string" ? f.dataset : null,
    picked: f.picked,
    filter: filter && { ids: filter.ids as string[], description: filter.description as string },
    updated: typeof f.updated === "string" ? f.updated : "",
  };
  return { file };
}

function isTextList(v: unknown): v is string[] {
  return Array.isArray(v) && v.every((e) => typeof e === "string");
}

/** File name (without folder) of a group's selection: safe on every file system and in URLs. */
export function selectionFileName(group: string): string {
  const safe = group.replace(/[^A-Za-z0-9_-]/g, (c) => "~" + c.codePointAt(0)!.toString(16));
  return `${safe.slice(0, 120)}.json`;
}

/** Path of a group's selection file, relative to the notebook. */
export function selectionPath(group: string): string {
  return `${ARTIFACTS_DIR}/selections/${selectionFileName(group)}`;
}

/**
 * A person's decisions on suggested label corrections, made in the large view of a grid and
 * written by the extension through the Jupyter contents API (which replaces the file whole, so a
 * crash leaves the old or the new one); read by the kernel's `reviewDecisions`. One entry per
 * reviewed thing, the latest decision: `object:<id>` for a flagged box (the prediction's id for an
 * overlooked one), `sample:<id>` for a sample's flagged class.
 */
export interface ReviewFile {
  version: 1;
  group: string;
  dataset: string | null;
  decisions: Record<string, ReviewEntry>;
}

export interface ReviewEntry {
  decision: "accept" | "reject";
  /** The issue as the large view showed it: overlooked, swap, badloc (boxes) or label (a sample's class). */
  issue: string;
  /** ISO time of the decision. */
  at: string;
}

export const REVIEW_DECISIONS = ["accept", "reject"] as const;

/** A review file's text as read: the file, or what is wrong with it. */
export type ReviewRead = { file: ReviewFile; problem?: undefined } | { file?: undefined; problem: string };

/** Reads a review file: the one check of this contract, for both sides. */
export function readReviewFile(text: string): ReviewRead {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (err) {
    return { problem: `is not valid JSON (${(err as Error).message})` };
  }
  const f = (typeof v === "object" && v !== null ? v : {}) as { [key in keyof ReviewFile]?: unknown };
  if (f.version !== 1) return { problem: `is not a review file of version 1 (version ${JSON.stringify(f.version)})` };
  if (typeof f.group !== "string") return { problem: '"group" is not a text' };
  if (typeof f.decisions !== "object" || f.decisions === null || Array.isArray(f.decisions)) {
    return { problem: '"decisions" is not an object of entries' };
  }
  for (const [key, e] of Object.entries(f.decisions as Record<string, unknown>)) {
    const entry = (typeof e === "object" && e !== null ? e : {}) as { [k in keyof ReviewEntry]?: unknown };
    if (!/^(object|sample):./.test(key))
      return { problem: `decision key ${JSON.stringify(key)} is not object:<id> or sample:<id>` };
    if (!REVIEW_DECISIONS.includes(entry.decision as ReviewEntry["decision"])) {
      return { problem: `the decision on ${key} is ${JSON.stringify(entry.decision)}, not "accept" or "reject"` };
    }
    if (typeof entry.issue !== "string" || typeof entry.at !== "string") {
      return { problem: `the decision on ${key} lacks its issue or time` };
    }
  }
  const file: ReviewFile = {
    version: 1,
    group: f.group,
    dataset: typeof f.dataset === "string" ? f.dataset : null,
    decisions: f.decisions as Record<string, ReviewEntry>,
  };
  return { file };
}

/** Path of a group's review file, relative to the notebook. */
export function reviewPath(group: string): string {
  return `${ARTIFACTS_DIR}/reviews/${selectionFileName(group)}`;
}

/** A bundle's JSON as the renderer receives it; anything else is refused with this message. */
export function checkBundle(value: unknown, kind: Bundle["kind"]): string | null {
  if (typeof value !== "object" || value === null) return "the output holds no blindspot data";
  const v = value as { version?: unknown; kind?: unknown };
  if (v.version !== PROTOCOL_VERSION) {
    return (
      `this output was written by blindspot protocol version ${String(v.version)}; this extension reads version ` +
      `${PROTOCOL_VERSION}. Re-run the cell with the installed blindspot.`
    );
  }
  if (v.kind !== kind) return `expected a ${kind} output, got ${String(v.kind)}`;
  return null;
}
