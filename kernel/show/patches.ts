import * as aq from "arquero";
import * as fs from "node:fs";
import * as path from "node:path";
import type { ColumnTable } from "arquero";
import { boxAreas, type PatchesView } from "../../src/dataset/patches";
import {
  dictionaryColumn,
  encodeArrow,
  stringListColumn,
  typedColumn,
  utf8Column,
  type Categories,
} from "../artifacts/arrow";
import { writeViewFiles } from "../artifacts/contentFiles";
import { CropServer } from "../artifacts/cropRequests";
import { cropFile, cropRect, imageKey, type CropJob } from "../artifacts/crops";
import { artifactFile, bundlePath } from "../artifacts/location";
import { values } from "../../src/dataset/columns";
import type { MimeData } from "../display/display";
import { formatCount } from "../../src/report/escape";
import { gridHtml, PREVIEW_TILES, type PreviewTile } from "../fallback/gridHtml";
import { MIME, patchId, type GridBundle, type PatchesBundle } from "../protocol";
import { countValues, topValues } from "../values";
import { checkFieldNames, checkPositiveInteger } from "./checks";
import { describeField, TOP_VALUES } from "./fields";
import { gridOutput, type GridOptions } from "./grid";
import { gridImages } from "./gridImages";
import { encodePatchBoxes } from "./gridObjects";
import { linkGroup } from "../linkGroup";

/** Crops made before the output appears: the first screens of tiles. */
const EAGER_CROPS = 150;
/** Longest side of a crop by default: sharp on a 160-pixel tile, and on a 2x screen at 80. */
const DEFAULT_CROP_SIZE = 192;
/** Size of the samples' thumbnails the large view shows (the image grid's default). */
const SAMPLE_THUMB_SIZE = 256;
/** Object columns that are the patch's geometry, ids or raw source data, not fields to filter by. */
const NOT_FIELDS = new Set([
  "id",
  "sample_id",
  "x",
  "y",
  "w",
  "h",
  "segmentation",
  "source_id",
  "attributes",
  "tags",
  "area",
]);

/** The link group of a dataset's patches grids: their selections are boxes, not samples. */
export function patchesGroup(datasetGroup: string): string {
  return `${datasetGroup}/patches`;
}

/**
 * The patches grid of a patches view: one tile per box, its crop made by the kernel (the first
 * ones now, the rest while the grid scrolls, see CropServer); a click opens the box's sample.
 */
export async function patchesOutput(p: PatchesView, options: GridOptions): Promise<{ data: MimeData; group: string }> {
  const ds = p.dataset;
  const rows = p.rows();
  const n = rows.length;
  const objects = ds.objects;
  const size = checkPositiveInteger(options.thumbSize ?? DEFAULT_CROP_SIZE, "thumbSize");
  const maxThumbs = checkPositiveInteger(options.maxThumbs ?? 20_000, "maxThumbs");
  const datasetKey = linkGroup(ds);
  const group = options.group ?? patchesGroup(datasetKey);
  const evalKey = objects.columnNames().includes(p.evalKey) ? p.evalKey : null;
  const outcomes = p.options.outcome === undefined ? "" : ` ${[p.options.outcome].flat().join(", ")}`;
  const title = options.title ?? `${ds.name}: ${p.field}${outcomes} patches`;

  // The images of the patches' samples: their facts (content hash, size) come with the thumbnails.
  const sampleOf = values<string>(objects, "sample_id");
  const sampleIds = Array.from(rows, (r) => sampleOf[r]);
  const fileOf = sampleFiles(ds.samples, new Set(sampleIds));
  const images = await gridImages(
    ds,
    sampleIds.map((id) => fileOf.get(id)!),
    { size: SAMPLE_THUMB_SIZE, maxThumbs },
  );
  const geometry = cropGeometry(objects, rows, images);
  // Only images with a content hash resolved (a path that escapes the folder has none).
  const imagePaths = images.files.map((file, k) => (images.thumbs[k].contentHash ? ds.imagePath(file) : ""));
  const jobOf = (row: number): CropJob | null => {
    const code = geometry.image.codes[row];
    return code < 0
      ? null
      : { path: imagePaths[images.imageOfRow[row]], image: geometry.image.names[code], crop: geometry.crop(row) };
  };

  const objectIds = values<number>(objects, "id");
  const ids = Array.from(rows, (r, i) => patchId(sampleIds[i], objectIds[r]));
  const fieldNames = objects.columnNames().filter((c) => !NOT_FIELDS.has(c));
  const fields = [
    ...fieldNames.map((name) => describeField(name, gather(values(objects, name), rows))),
    describeField("area", gather(boxAreas(objects), rows)),
  ];
  const names = fields.map((f) => f.summary.name);
  const caption =
    options.caption ??
    [
      "label",
      ...(ds.fields.find((f) => f.name === p.field)?.predicted ? ["confidence"] : []),
      ...(evalKey ? [evalKey] : []),
    ].filter((c) => names.includes(c));
  checkFieldNames(caption, names, "caption");
  const tags = gather(values<string[] | null>(objects, "tags"), rows) as (string[] | null)[];
  const boxes = encodePatchBoxes(patchBoxes(objects, rows, geometry, evalKey), {
    widths: geometry.width,
    heights: geometry.height,
  });
  const written = writeViewFiles(
    encodeArrow({
      id: utf8Column(ids),
      image: dictionaryColumn(geometry.image),
      thumb_missing: dictionaryColumn(geometry.missing),
      file: dictionaryColumn({ codes: images.imageOfRow, names: images.files }),
      crop_x: typedColumn(geometry.x),
      crop_y: typedColumn(geometry.y),
      width: typedColumn(geometry.width),
      height: typedColumn(geometry.height),
      tags: stringListColumn(tags),
      ...Object.fromEntries(fields.map((f) => [f.summary.name, f.column])),
    }),
    boxes.files,
  );

  // The patches' samples as an image grid's files, for the large view.
  const sampleGrid = (
    await gridOutput(ds.ids(new Set(sampleIds)), {
      thumbSize: SAMPLE_THUMB_SIZE,
      maxThumbs,
      ...(evalKey && { outcome: evalKey }),
    })
  ).data[MIME.grid] as GridBundle;
  const key = path.basename(path.dirname(written.samples));
  const requests = artifactFile("patches", "requests", `${key}.json`);
  const server = new CropServer(requests, n, jobOf, size, EAGER_CROPS);
  await server.makeRows(0, EAGER_CROPS);
  server.start();

  const missingThumbs = geometry.image.codes.reduce((m, code) => m + (code < 0 ? 1 : 0), 0);
  const bundle: PatchesBundle = {
    version: 1,
    kind: "patches",
    group,
    dataset: datasetKey,
    title,
    total: n,
    samples: written.samples,
    objects: n ? { files: written.objects, rowsPerFile: boxes.rowsPerFile, count: boxes.count } : null,
    fields: [
      { name: "tags", kind: "tags", values: topValues(countValues(tags.flatMap((t) => t ?? [])), TOP_VALUES) },
      ...fields.map((f) => f.summary),
    ],
    labelFields: ds.fields.map((f) => ({ name: f.name, role: f.predicted ? "prediction" : "ground_truth" })),
    caption,
    thumbSize: size,
    missingThumbs,
    patches: {
      field: p.field,
      evalKey,
      size,
      requests: bundlePath(requests),
      samples: { samples: sampleGrid.samples, objects: sampleGrid.objects },
    },
  };
  const text =
    `blindspot patches "${title}": ${formatCount(n)} boxes of field "${p.field}" ` +
    `in ${formatCount(new Set(sampleIds).size)} samples of dataset "${ds.name}" (link group "${group}"); ` +
    `${formatCount(missingThumbs)} boxes without crop. The interactive grid needs the blindspot JupyterLab extension.`;
  const preview = await previewTiles(ids, rows, objects, geometry, caption, fields, size);
  return {
    data: {
      [MIME.patches]: bundle,
      "text/html": await gridHtml({ title, total: n, tiles: preview }),
      "text/plain": text,
    },
    group,
  };
}

/** Filepath of each sample id wanted. */
function sampleFiles(samples: ColumnTable, wanted: Set<string>): Map<string, string> {
  const ids = values<string>(samples, "id"),
    files = values<string>(samples, "filepath");
  const out = new Map<string, string>();
  for (let i = 0; i < ids.length; i++) if (wanted.has(ids[i])) out.set(ids[i], files[i]);
  return out;
}

/** Values of a column at the given rows (typed arrays stay typed). */
function gather<T>(column: ArrayLike<T>, rows: Int32Array): ArrayLike<T> {
  if (column instanceof Float64Array || column instanceof Float32Array || column instanceof Int32Array) {
    const out = new (column.constructor as Float64ArrayConstructor)(rows.length);
    for (let i = 0; i < rows.length; i++) out[i] = column[rows[i]];
    return out as unknown as ArrayLike<T>;
  }
  return Array.from(rows, (r) => column[r]);
}

/** Crop rectangle of each patch (in its image's pixels) and its image's key, or why there is none. */
interface Geometry {
  x: Int32Array;
  y: Int32Array;
  width: Int32Array;
  height: Int32Array;
  image: Categories;
  missing: Categories;
  crop(row: number): [number, number, number, number];
}

function cropGeometry(
  objects: ColumnTable,
  rows: Int32Array,
  images: Awaited<ReturnType<typeof gridImages>>,
): Geometry {
  const n = rows.length;
  const [bx, by, bw, bh] = ["x", "y", "w", "h"].map((c) => values<number>(objects, c));
  const g: Geometry = {
    x: new Int32Array(n),
    y: new Int32Array(n),
    width: new Int32Array(n),
    height: new Int32Array(n),
    image: {
      codes: new Int32Array(n).fill(-1),
      names: images.thumbs.map((t) => (t.contentHash ? imageKey(t.contentHash) : "")),
    },
    missing: {
      codes: new Int32Array(n).fill(-1),
      names: [...images.thumbs.map((t) => t.missing ?? ""), "the box lies outside its image"],
    },
    crop: (i) => [g.x[i], g.y[i], g.width[i], g.height[i]],
  };
  const outside = g.missing.names.length - 1;
  for (let i = 0; i < n; i++) {
    const k = images.imageOfRow[i];
    const thumb = images.thumbs[k];
    if (!thumb.contentHash) {
      g.missing.codes[i] = k;
      continue;
    }
    const r = rows[i];
    const crop = cropRect(bx[r], by[r], bw[r], bh[r], thumb.width!, thumb.height!);
    if (!crop) {
      g.missing.codes[i] = outside;
      continue;
    }
    [g.x[i], g.y[i], g.width[i], g.height[i]] = crop;
    g.image.codes[i] = k;
  }
  return g;
}

/** Each patch's box, moved into its crop's frame, with the outcome under the name the renderer reads. */
function patchBoxes(objects: ColumnTable, rows: Int32Array, g: Geometry, evalKey: string | null): ColumnTable {
  const shift = (column: string, origin: Int32Array) => {
    const v = values<number>(objects, column);
    return Float64Array.from(rows, (r, i) => v[r] - origin[i]);
  };
  const columns: Record<string, ArrayLike<unknown>> = {
    sample_id: new Array(rows.length).fill(""),
    x: shift("x", g.x),
    y: shift("y", g.y),
    ...Object.fromEntries(
      ["field", "label", "w", "h", "confidence", "iscrowd", "id"]
        .filter((c) => objects.columnNames().includes(c))
        .map((c) => [c, gather(values(objects, c), rows)]),
    ),
    ...(evalKey && { outcome: gather(values(objects, evalKey), rows) }),
  };
  return aq.table(columns);
}

/** The first tiles for the static fallback: crops made already, with their box. */
async function previewTiles(
  ids: string[],
  rows: Int32Array,
  objects: ColumnTable,
  g: Geometry,
  caption: string[],
  fields: ReturnType<typeof describeField>[],
  size: number,
): Promise<PreviewTile[]> {
  const tiles: PreviewTile[] = [];
  for (let i = 0; i < Math.min(PREVIEW_TILES, rows.length); i++) {
    const r = rows[i];
    const code = g.image.codes[i];
    const file = code >= 0 ? cropFile(g.image.names[code], g.crop(i), size) : null;
    const made = file !== null && fs.existsSync(file);
    const confidence = objects.get("confidence", r) as number | null;
    tiles.push({
      id: ids[i],
      thumb: made ? file : null,
      missing: made ? null : (g.missing.names[g.missing.codes[i]] ?? "crop not made yet"),
      caption: caption.map((c) => `${c}: ${String(fields.find((f) => f.summary.name === c)!.column.at(i))}`),
      boxes: made
        ? [
            {
              x: ((objects.get("x", r) as number) - g.x[i]) / g.width[i],
              y: ((objects.get("y", r) as number) - g.y[i]) / g.height[i],
              w: (objects.get("w", r) as number) / g.width[i],
              h: (objects.get("h", r) as number) / g.height[i],
              label: String(objects.get("label", r)),
              prediction: confidence !== null,
              confidence: confidence ?? null,
            },
          ]
        : [],
    });
  }
  return tiles;
}
