import * as fs from "node:fs";
import type { Dataset } from "../dataset/dataset";
import { mergeLabels } from "../dataset/merge";
import { BlindspotError } from "../errors";
import { fieldToWrite, lossError, losses } from "./common/labels";
import type { Format, ReadOptions, WriteOptions, WriteReport } from "./format";
import { isDir, oneFileIn } from "./common/files";
import { detectFormat, FORMATS, formatByName } from "./registry";
import { phaseLabel, withProgress } from "../progress";

export { detectFormat } from "./registry";

export interface LoadOptions extends ReadOptions {
  /** Format name (see `FORMATS`); guessed from the path when omitted. */
  format?: string;
}

/** Loads a dataset from labels in any format, or from a saved blindspot folder. */
export async function load(input: string, options: LoadOptions = {}): Promise<Dataset> {
  if (!fs.existsSync(input))
    throw new BlindspotError({ file: input, message: "path not found", hint: "check the path" });
  const format = options.format ? formatByName(options.format) : detectFormat(input);
  if (!format.read)
    throw new BlindspotError({
      file: input,
      message: `format ${format.name} cannot be read`,
      hint: "pick another --format",
    });
  const read = format.read;
  const path = labelsPath(input, format);
  return withProgress(phaseLabel("loading"), options, true, (o) => read(path, o));
}

/**
 * The path a format reads: a folder given for a one-file format stands for the one file in it
 * that the format recognises (`info annotations/ --format cvat`).
 */
function labelsPath(input: string, format: Format): string {
  if (format.reads !== "file" || !format.detect || !isDir(input) || format.detect(input)) return input;
  return oneFileIn(input, format.detect, `${format.name} file`, format.description);
}

/**
 * Reads labels (typically a model's predictions) and adds them to `ds` as new label fields,
 * matching images by id, path or file name. Returns `ds`.
 */
export async function importLabels(ds: Dataset, input: string, options: LoadOptions = {}): Promise<Dataset> {
  const labels = await load(input, { ...options, images: options.images ?? ds.imagesDir ?? undefined, reference: ds });
  mergeLabels(ds, labels, input);
  return ds;
}

export interface ExportOptions extends WriteOptions {
  format: string;
}

/**
 * Writes a dataset in a format. When the format cannot hold something the dataset has
 * (polygons in YOLO, crowd flags in VOC, ...), nothing is written and the error lists it,
 * unless `lossy` is set; then the report lists what was left out.
 */
export async function exportDataset(ds: Dataset, output: string, options: ExportOptions): Promise<WriteReport> {
  const format = formatByName(options.format);
  if (!format.write)
    throw new BlindspotError({
      message: `format ${format.name} cannot be written`,
      hint: `writable formats: ${FORMATS.filter((f) => f.write)
        .map((f) => f.name)
        .join(", ")}`,
    });
  refuseUsedFolder(output, format);
  const field = format.holds.multipleFields ? undefined : fieldToWrite(ds, options, writtenKind(ds, format));
  const written = field === undefined ? ds.fields.filter((f) => f.kind === "detections").map((f) => f.name) : [field];
  // A default field the dataset lacks (no labels at all) is not a choice to pass on.
  const writeOptions = { ...options, field: ds.fields.some((f) => f.name === field) ? field : undefined };
  const lost = [
    ...losses(ds, written, format.holds, format.name, options.field !== undefined),
    ...((await format.plan?.(ds, output, writeOptions)) ?? []),
  ];
  if (lost.length && !options.lossy) throw lossError(output, format.name, lost);
  const report = await writeExplained(format, ds, output, writeOptions);
  const objects = format.holds.boxes ? written.reduce((n, f) => n + ds.objectCount(f), 0) : 0;
  return { ...report, objects, dropped: [...new Set([...lost, ...report.dropped])] };
}

/** Runs a writer, turning "that path is a file/folder" errors from the file system into clear ones. */
async function writeExplained(
  format: Format,
  ds: Dataset,
  output: string,
  options: WriteOptions,
): Promise<WriteReport> {
  try {
    return await format.write!(ds, output, options);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "EISDIR")
      throw new BlindspotError({
        file: output,
        message: `is a folder, and ${format.name} writes one file`,
        hint: "give a file path as the output",
        cause: err,
      });
    if (code === "ENOTDIR" || code === "EEXIST")
      throw new BlindspotError({
        file: output,
        message: `is a file (or lies under one), and ${format.name} writes a folder`,
        hint: "give a new folder path as the output",
        cause: err,
      });
    throw err;
  }
}

/** The kind of label field a single-field format writes: its classification or its boxes. */
function writtenKind(ds: Dataset, format: Format): "detections" | "classification" | undefined {
  const hasDetections = ds.fields.some((f) => f.kind === "detections");
  if (format.holds.classification && !hasDetections) return "classification";
  if (format.holds.boxes && hasDetections) return "detections";
  return undefined;
}

/**
 * Files left in an output folder by an earlier export would be read back with the new ones,
 * so a folder that holds anything is refused; a saved blindspot dataset is updated in place.
 */
function refuseUsedFolder(output: string, format: Format): void {
  if (!fs.existsSync(output) || !fs.statSync(output).isDirectory() || fs.readdirSync(output).length === 0) return;
  if (format.name === "blindspot" && format.detect?.(output)) return;
  throw new BlindspotError({
    file: output,
    message: "the output folder is not empty",
    hint: "write to a new or empty folder (files of an earlier export would mix with the new ones)",
  });
}
