import * as aq from "arquero";
import type { ColumnTable } from "arquero";
import type { View } from "../../src/dataset/view";
import {
  dictionaryColumn,
  encodeArrow,
  int32Column,
  stringListColumn,
  utf8Column,
  type Categories,
} from "../artifacts/arrow";
import { writeViewFiles } from "../artifacts/contentFiles";
import { registerImageRoot } from "../artifacts/imageRoots";
import { bundlePath } from "../artifacts/location";
import { values } from "../../src/dataset/columns";
import { linkGroup } from "../linkGroup";
import { BlindspotError } from "../../src/errors";
import type { MimeData } from "../display/display";
import { formatCount } from "../../src/report/escape";
import { gridHtml, PREVIEW_TILES, type PreviewBox, type PreviewTile } from "../fallback/gridHtml";
import { MIME, type GridBundle, type LabelField } from "../protocol";
import { countValues, topValues } from "../values";
import { checkFieldName, checkFieldNames, checkPositiveInteger } from "./checks";
import { describeField, TOP_VALUES } from "./fields";
import { gridImages, type GridImages } from "./gridImages";
import { checkGroupBy, groupSamples } from "./groups";
import { encodeObjects, type ObjectFiles } from "./gridObjects";

export interface GridOptions {
  /** Link group (default: the dataset's key in this notebook, see linkGroup). */
  group?: string;
  /** Fields shown under each tile. */
  caption?: string[];
  title?: string;
  /** Longest side of the thumbnails in pixels (default 256). */
  thumbSize?: number;
  /** Distinct images that get a thumbnail (default 20000); tiles beyond show why they have none. */
  maxThumbs?: number;
  /** Object column of tp / fp / fn outcomes that colours the boxes, e.g. an evaluation's key (default `outcome`). */
  outcome?: string;
  /**
   * Show the samples in groups of equal value of this sample field, each group under a header
   * with its size: e.g. `quality_near_duplicate_group` (after computeQuality) shows each set of
   * near duplicates side by side. Samples without a value are left out; largest groups first.
   */
  groupBy?: string;
  /** With `groupBy`: groups with fewer samples are left out (default 1). */
  minGroupSize?: number;
}

/** Columns of `samples.arrow` that every grid has; a dataset field of the same name is left out. */
const FIXED_COLUMNS = new Set(["id", "thumb", "thumb_missing", "file", "width", "height", "tags"]);
/** Sample columns that are the fixed columns under another name. */
const CORE_COLUMNS = new Set(["id", "filepath", "width", "height", "tags"]);

/** The grid output of a view: its data files written, the bundle with its fallbacks. */
export async function gridOutput(view: View, options: GridOptions): Promise<{ data: MimeData; group: string }> {
  const ds = view.dataset;
  let samples = view.samples();
  const columns = samples.columnNames();
  const fieldNames = columns.filter((c) => !CORE_COLUMNS.has(c) && !FIXED_COLUMNS.has(c));
  let grouping: { field: string; groups: number } | null = null;
  if (options.groupBy !== undefined) {
    const field = checkGroupBy(options.groupBy, fieldNames);
    const grouped = groupSamples(samples, field, checkPositiveInteger(options.minGroupSize ?? 1, "minGroupSize"));
    samples = grouped.samples;
    grouping = { field, groups: grouped.groups };
  } else if (options.minGroupSize !== undefined) {
    throw new BlindspotError({
      place: "minGroupSize",
      message: "minGroupSize needs groupBy",
      hint: 'pass e.g. { groupBy: "quality_near_duplicate_group", minGroupSize: 3 }',
    });
  }
  const caption =
    options.caption ??
    ds.fields.filter((f) => f.kind === "classification" && columns.includes(f.name)).map((f) => f.name);
  checkFieldNames(caption, fieldNames, "caption");
  const thumbSize = checkPositiveInteger(options.thumbSize ?? 256, "thumbSize");
  const maxThumbs = checkPositiveInteger(options.maxThumbs ?? 20_000, "maxThumbs");
  const key = linkGroup(ds);
  const group = options.group ?? key;
  const title = options.title ?? (grouping ? `${ds.name} grouped by ${grouping.field}` : ds.name);

  const ids = values<string>(samples, "id");
  const files = values<string>(samples, "filepath");
  const images = await gridImages(ds, files, { size: thumbSize, maxThumbs });
  const rows = sampleRows(samples, images);
  const fields = fieldNames.map((name) => describeField(name, values(samples, name)));
  const rowOf = new Map<string, number>();
  for (let i = 0; i < ids.length; i++) rowOf.set(ids[i], i);
  const viewObjects = outcomeColumn(view.objects(), options.outcome);
  const objects = encodeObjects(viewObjects, rowOf, rows);
  const written = writeViewFiles(
    encodeArrow({
      id: utf8Column(ids),
      thumb: dictionaryColumn(rows.thumbs),
      thumb_missing: dictionaryColumn(rows.missing),
      file: dictionaryColumn({ codes: images.imageOfRow, names: images.files }),
      width: int32Column(rows.widths),
      height: int32Column(rows.heights),
      tags: stringListColumn(rows.tags),
      ...Object.fromEntries(fields.map((f) => [f.summary.name, f.column])),
    }),
    objects?.files ?? [],
  );

  // The large view's full-resolution images come through the server extension, from registered folders only.
  const imageRoot = ds.imagesDir === null ? null : await registerImageRoot(ds.imagesDir);
  const labelFields: LabelField[] = ds.fields.map((f) => ({
    name: f.name,
    role: f.predicted ? "prediction" : "ground_truth",
  }));
  const missingThumbs = rows.missing.codes.reduce((n, code) => n + (code >= 0 ? 1 : 0), 0);
  const bundle: GridBundle = {
    version: 1,
    kind: "grid",
    group,
    dataset: key,
    title,
    total: ids.length,
    samples: written.samples,
    objects: objects && {
      files: written.objects,
      rowsPerFile: objects.rowsPerFile,
      count: objects.count,
      classes: objects.classes,
    },
    fields: [
      { name: "tags", kind: "tags", values: topValues(countValues(rows.tags.flat()), TOP_VALUES) },
      ...fields.map((f) => f.summary),
    ],
    labelFields,
    caption,
    thumbSize,
    missingThumbs,
    ...(grouping && { groupBy: grouping }),
    ...(imageRoot !== null && { imageRoot }),
  };
  const labels = labelFields.length ? `; label fields ${labelFields.map((f) => f.name).join(", ")}` : "";
  const groups = grouping ? ` in ${formatCount(grouping.groups)} groups of ${grouping.field}` : "";
  const text =
    `blindspot grid "${title}": ${formatCount(ids.length)} samples${groups} of dataset "${ds.name}" (link group ` +
    `"${group}")${labels}; ` +
    `${formatCount(objects?.count ?? 0)} boxes; ${formatCount(missingThumbs)} samples without thumbnail. ` +
    `The interactive grid needs the blindspot JupyterLab extension.`;
  const tiles = previewTiles(
    view,
    samples,
    viewObjects,
    images,
    rows,
    objects,
    grouping ? [grouping.field, ...caption.filter((c) => c !== grouping!.field)] : caption,
  );
  return {
    data: { [MIME.grid]: bundle, "text/html": await gridHtml({ title, total: ids.length, tiles }), "text/plain": text },
    group,
  };
}

/**
 * Per row: its thumbnail path or why it has none (as codes into the distinct images, which
 * the dictionary columns store once), image size (the dataset's, else the image's) and tags.
 */
function sampleRows(samples: ColumnTable, images: GridImages) {
  const n = samples.numRows();
  const has = new Set(samples.columnNames());
  const widths = has.has("width") ? values<number | null>(samples, "width") : null;
  const heights = has.has("height") ? values<number | null>(samples, "height") : null;
  const tags = has.has("tags") ? values<string[] | null>(samples, "tags") : null;
  const thumbs: Categories = {
    codes: new Int32Array(n),
    names: images.thumbs.map((t) => (t.file === null ? "" : bundlePath(t.file))),
  };
  const missing: Categories = { codes: new Int32Array(n), names: images.thumbs.map((t) => t.missing ?? "") };
  const rows = {
    thumbs,
    missing,
    widths: new Array<number | null>(n),
    heights: new Array<number | null>(n),
    tags: new Array<string[]>(n),
  };
  for (let i = 0; i < n; i++) {
    const k = images.imageOfRow[i];
    const thumb = images.thumbs[k];
    thumbs.codes[i] = thumb.file === null ? -1 : k;
    missing.codes[i] = thumb.missing === null ? -1 : k;
    rows.widths[i] = widths?.[i] ?? thumb.width;
    rows.heights[i] = heights?.[i] ?? thumb.height;
    rows.tags[i] = tags?.[i] ?? [];
  }
  return rows;
}

/** The first tiles, for the static preview: thumbnail, caption lines and boxes. */
function previewTiles(
  view: View,
  samples: ColumnTable,
  objectTable: ColumnTable,
  images: GridImages,
  rows: ReturnType<typeof sampleRows>,
  objects: ObjectFiles | null,
  caption: string[],
): PreviewTile[] {
  const predicted = new Set(view.dataset.fields.filter((f) => f.predicted).map((f) => f.name));
  const tiles: PreviewTile[] = [];
  for (let r = 0; r < Math.min(PREVIEW_TILES, samples.numRows()); r++) {
    const thumb = images.thumbs[images.imageOfRow[r]];
    tiles.push({
      id: String(samples.get("id", r)),
      thumb: thumb.file,
      missing: thumb.missing,
      caption: caption.map((c) => `${c}: ${String(samples.get(c, r))}`),
      boxes: objects ? previewBoxes(objectTable, objects.objectsOf(r), rows.widths[r], rows.heights[r], predicted) : [],
    });
  }
  return tiles;
}

/** Boxes of one sample (rows of the objects table), for the static preview. */
function previewBoxes(
  objects: ColumnTable,
  rows: Int32Array,
  width: number | null,
  height: number | null,
  predicted: Set<string>,
): PreviewBox[] {
  const iw = width || NaN,
    ih = height || NaN;
  const hasConfidence = objects.columnNames().includes("confidence");
  return Array.from(rows, (i) => {
    const confidence = hasConfidence ? (objects.get("confidence", i) as number | null) : null;
    return {
      x: (objects.get("x", i) as number) / iw,
      y: (objects.get("y", i) as number) / ih,
      w: (objects.get("w", i) as number) / iw,
      h: (objects.get("h", i) as number) / ih,
      label: String(objects.get("label", i)),
      prediction: predicted.has(objects.get("field", i) as string),
      confidence: confidence !== null && Number.isFinite(confidence) ? confidence : null,
    };
  });
}

/** The objects with the chosen outcome column under the name the renderer reads. */
function outcomeColumn(objects: ColumnTable, outcome: string | undefined): ColumnTable {
  if (outcome === undefined || outcome === "outcome") return objects;
  const names = objects.columnNames();
  checkFieldName(outcome, names, "outcome");
  return (names.includes("outcome") ? objects.select(aq.not("outcome")) : objects).rename({ [outcome]: "outcome" });
}
