import * as path from "node:path";
import { DatasetBuilder } from "../dataset/builder";
import { values } from "../dataset/columns";
import type { Dataset } from "../dataset/dataset";
import { GROUND_TRUTH } from "../dataset/schema";
import { fail, type Problem } from "../errors";
import { writeFileAtomic } from "../io/atomic";
import { formatCsv, parseCsv, type CsvValue } from "./common/csv";
import { finishImport } from "./common/finish";
import { ImageIndex, readText } from "./common/files";
import { dict, imagesDirFor, lossError, metadataColumns } from "./common/labels";
import type { Format, ReadOptions, WriteOptions, WriteReport } from "./format";

/**
 * CSV manifest, one sample per row: `filepath` (or path, image, file, file_name), optional
 * `id`, `width`, `height`, `split`, `tags` (separated by `;`), any metadata columns, and
 * classification labels. A column named `label` or after the label field (`ground_truth`) is
 * the ground truth; a column X with a companion `X_confidence` is a predicted label field, and
 * columns `X_prob_<class>` are its class probabilities.
 * A column whose every value is a number written canonically (`12`, `0.5`, not `007`) is read
 * as numbers; the rest stay text. So a CSV cell does not say its type: text that looks like a
 * number comes back as a number, booleans, lists and objects come back as text. Before
 * writing, `plan` lists every column whose values would not read back as they are, and the
 * write is refused unless lossy. Boxes do not fit in one row per sample: use jsonl or coco.
 */
const PATH_COLUMNS = ["filepath", "path", "image", "file", "file_name", "filename"];

export const csvManifest: Format = {
  name: "csv",
  description: "CSV manifest: one sample per row with metadata and classification labels",
  reads: "file",
  holds: {
    boxes: false,
    polygons: false,
    rle: false,
    crowd: false,
    confidence: true,
    classification: true,
    metadata: true,
    attributes: false,
    multipleFields: true,
    splits: true,
    sampleTags: true,
    objectTags: false,
    area: false,
    ids: false,
    categoryKeys: false,
  },
  detect: (input) => input.endsWith(".csv"),
  read: readCsvManifest,
  write: writeCsvManifest,
  plan: (ds, output) => manifestTable(ds, output).lost,
};

async function readCsvManifest(file: string, options: ReadOptions): Promise<Dataset> {
  const { header, rows, lines } = parseCsv(readText(file), { file });
  const pathCol = header.findIndex((h) => PATH_COLUMNS.includes(h.toLowerCase()));
  if (pathCol < 0)
    fail(
      file,
      "header",
      `no image path column (one of ${PATH_COLUMNS.join(", ")})`,
      "add a filepath column with each image's path relative to the images folder",
    );
  const field = options.field ?? GROUND_TRUTH;
  const b = new DatasetBuilder(
    options.name ?? path.basename(file, ".csv"),
    imagesDirFor(options) ?? path.dirname(path.resolve(file)),
  );
  const withExtension = extensionFinder(b.imagesDir!, header[pathCol]);
  const col = (name: string) => header.indexOf(name);
  const typed = header.map((_, c) => typedColumn(rows.map((r) => r[c] ?? "")));
  // Label fields: the ground-truth column, and every X with an X_confidence companion.
  const labelFields = new Map<number, { name: string; confidence: number }>();
  header.forEach((h, c) => {
    if (h === field || h === "label") labelFields.set(c, { name: field, confidence: col(`${h}_confidence`) });
    else if (col(`${h}_confidence`) >= 0) labelFields.set(c, { name: h, confidence: col(`${h}_confidence`) });
  });
  const probCols = new Map<string, { column: number; cls: string }[]>();
  for (const [c, f] of labelFields) {
    const prefix = `${header[c]}_prob_`;
    const cols = header.flatMap((h, k) => (h.startsWith(prefix) ? [{ column: k, cls: h.slice(prefix.length) }] : []));
    if (cols.length) probCols.set(f.name, cols);
    const classes = cols.length ? { classes: cols.map((p) => p.cls) } : {};
    b.declareField({
      name: f.name,
      kind: "classification",
      predicted: (f.confidence >= 0 || cols.length > 0) && f.name !== field,
      ...classes,
    });
  }
  const skip = new Set([
    pathCol,
    col("id"),
    col("width"),
    col("height"),
    col("split"),
    col("tags"),
    ...[...labelFields.values()].map((f) => f.confidence),
    ...[...probCols.values()].flat().map((p) => p.column),
  ]);
  rows.forEach((r, i) => {
    const fp = r[pathCol];
    if (!fp) fail(file, `line ${lines[i]}`, "empty image path", "every row needs the image's path");
    const fields = dict();
    header.forEach((h, c) => {
      if (skip.has(c)) return;
      const f = labelFields.get(c);
      if (f) {
        fields[f.name] = r[c] || null;
        if (f.confidence >= 0) fields[`${f.name}_confidence`] = typed[f.confidence][i];
        const probs = probCols.get(f.name);
        if (probs) fields[`${f.name}_probs`] = probs.map((p) => typed[p.column][i]);
      } else fields[h] = typed[c][i];
    });
    const num = (name: string) => {
      const raw = col(name) >= 0 ? (r[col(name)] ?? "") : "";
      if (raw.trim() === "") return null;
      const n = Number(raw);
      if (!Number.isFinite(n))
        fail(
          file,
          `line ${lines[i]}, column ${name}`,
          `${name} ${JSON.stringify(raw)} is not a number`,
          `write the image ${name} in pixels as a number (640), or leave the cell empty to read it from the image`,
        );
      return n;
    };
    const found = withExtension(fp);
    const id = b.addSample({
      id: col("id") >= 0 && r[col("id")] ? r[col("id")] : undefined,
      filepath: found.filepath,
      width: num("width"),
      height: num("height"),
      split: col("split") >= 0 && r[col("split")] ? r[col("split")] : null,
      tags: col("tags") >= 0 && r[col("tags")] ? r[col("tags")].split(";") : [],
      fields,
    });
    if (found.problem) b.addProblem({ ...found.problem, sampleId: id, place: `line ${lines[i]}` });
  });
  for (const c of labelFields.keys()) for (const r of rows) if (r[c]) b.category(r[c]);
  return finishImport(b, file, options);
}

/** An image path from the manifest, with the extension found on disk, or why none was found. */
interface FoundImage {
  filepath: string;
  problem?: Omit<Problem, "sampleId">;
}

/**
 * Image paths written without their extension (`1a2b3c` for `1a2b3c.jpg`, common in Kaggle
 * manifests) get the extension of the one image of that name in the images folder (listed
 * once, on the first such path). A path with an extension is taken as it is.
 */
function extensionFinder(imagesDir: string, column: string): (filepath: string) => FoundImage {
  let index: ImageIndex | undefined;
  return (filepath) => {
    if (path.extname(filepath) !== "") return { filepath };
    index ??= ImageIndex.of(imagesDir);
    const match = index.match(filepath.replace(/\\/g, "/"));
    if (match.file !== null) return { filepath: match.file };
    const several = match.candidates.length > 1 ? ` (${match.candidates.slice(0, 3).join(", ")} fit)` : "";
    const named = `column ${column} names ${JSON.stringify(filepath)} without an extension`;
    return {
      filepath,
      problem: {
        kind: "missing-image",
        file: path.join(imagesDir, filepath),
        message: `${named}, and no single image ${filepath}.* is in ${imagesDir}${several}`,
        hint: "pass --images with the folder that holds the images, or write each path with its extension (1a2b3c.jpg)",
      },
    };
  };
}

/** A column's values as numbers when every non-empty value is a canonically written number. */
function typedColumn(raw: string[]): (string | number | null)[] {
  const numeric = raw.every((v) => v === "" || String(Number(v)) === v);
  return raw.map((v) => (v === "" ? null : numeric ? Number(v) : v));
}

interface ManifestTable {
  rows: CsvValue[][];
  /** What would not read back as written, one line each. */
  lost: string[];
}

/** The manifest's rows (header first), and the columns whose values would not come back as they are. */
function manifestTable(ds: Dataset, file: string): ManifestTable {
  const s = ds.samples;
  const has = (c: string) => s.columnNames().includes(c);
  const meta = metadataColumns(ds);
  const plain = ["id", "filepath", "width", "height", "split", "tags", ...meta];
  const labelCols: string[] = [];
  const probSets: { field: string; classes: string[]; values: ArrayLike<ArrayLike<number> | null> }[] = [];
  const classification = ds.fields.filter((k) => k.kind === "classification");
  for (const f of classification) {
    labelCols.push(...[f.name, `${f.name}_confidence`].filter(has));
    if (f.classes && has(`${f.name}_probs`))
      probSets.push({ field: f.name, classes: f.classes, values: values(s, `${f.name}_probs`) });
  }
  const columns = [...plain, ...labelCols];
  const data = columns.map((c) => values<unknown>(s, c));
  const header = [...columns, ...probSets.flatMap((p) => p.classes.map((c) => `${p.field}_prob_${c}`))];
  const ids = values<string>(s, "id");
  const rows: CsvValue[][] = [header];
  for (let i = 0; i < s.numRows(); i++) {
    const row = data.map((col, k) => cell(col[i], columns[k], file, ids[i]));
    for (const p of probSets) for (let k = 0; k < p.classes.length; k++) row.push(p.values[i]?.[k] ?? null);
    rows.push(row);
  }

  // What reading the file back would make of each column, against what it holds now.
  const lost: string[] = [];
  const labelNames = new Set(classification.map((f) => f.name));
  columns.forEach((c, k) => {
    if (["id", "filepath", "width", "height"].includes(c)) return;
    const text = rows.slice(1).map((r) => csvText(r[k]));
    const back: unknown[] =
      c === "split" || labelNames.has(c)
        ? text.map((t) => t || null)
        : c === "tags"
          ? text.map((t) => (t ? t.split(";") : []))
          : typedColumn(text);
    const changed = changes(data[k], back);
    if (changed)
      lost.push(
        `${changed.count} values of column ${JSON.stringify(c)} (csv cells have no type: ${changed.example} ` +
          `when read back)`,
      );
  });
  // Columns reading would take for label columns, or miss as one.
  const labelish = columns.filter((c) => c === "label" || c === GROUND_TRUTH || columns.includes(`${c}_confidence`));
  const reread = (c: string) => labelish.some((l) => c === l || c === `${l}_confidence` || c.startsWith(`${l}_prob_`));
  const taken = meta.filter(reread);
  if (taken.length)
    lost.push(
      `metadata columns ${taken.map((c) => JSON.stringify(c)).join(", ")} (csv reads a column named label or ` +
        `${GROUND_TRUTH}, one with a _confidence companion, or X_prob_Y as label columns)`,
    );
  const missed = classification
    .filter((f) => f.name !== GROUND_TRUTH && !has(`${f.name}_confidence`))
    .map((f) => f.name);
  if (missed.length)
    lost.push(
      `classification fields ${missed.map((c) => JSON.stringify(c)).join(", ")} (csv reads a column as a label field ` +
        `only when it is named ${GROUND_TRUTH} or has a _confidence column; these read back as metadata)`,
    );
  return { rows, lost };
}

/** A cell's text in the file, as the CSV reader gives it back. */
function csvText(v: CsvValue): string {
  return v === null || v === undefined ? "" : String(v);
}

/** How many values differ from what is read back, with one example; null when none. */
function changes(before: ArrayLike<unknown>, after: unknown[]): { count: number; example: string } | null {
  let count = 0,
    example = "";
  for (let i = 0; i < after.length; i++) {
    const a = before[i] ?? null,
      b = after[i];
    const same =
      a === b ||
      (typeof a === "number" && typeof b === "number" && Number.isNaN(a) && Number.isNaN(b)) ||
      (Array.isArray(b) && isList(a) && b.length === a.length && b.every((t, k) => t === a[k]));
    if (same) continue;
    if (count++ === 0) example = `${show(a)} would be ${show(b)}`;
  }
  return count ? { count, example } : null;
}

function isList(v: unknown): v is ArrayLike<unknown> {
  return Array.isArray(v) || ArrayBuffer.isView(v);
}

function show(v: unknown): string {
  if (v === null) return "empty";
  if (typeof v === "string") return `the text ${JSON.stringify(v)}`;
  if (typeof v === "number" || typeof v === "boolean") return `the ${typeof v} ${String(v)}`;
  return `the ${isList(v) ? "list" : typeof v} ${JSON.stringify(isList(v) ? Array.from(v) : v)}`;
}

async function writeCsvManifest(ds: Dataset, file: string, options: WriteOptions): Promise<WriteReport> {
  const { rows, lost } = manifestTable(ds, file);
  if (lost.length && !options.lossy) throw lossError(file, "csv", lost);
  writeFileAtomic(file, formatCsv(rows));
  return { files: 1, dropped: lost };
}

function cell(v: unknown, column: string, file: string, sampleId: string): CsvValue {
  if (v === null || v === undefined) return null;
  if (column === "tags") {
    const tags = Array.from(v as ArrayLike<string>);
    if (tags.some((t) => t.includes(";")))
      fail(
        file,
        `sample ${JSON.stringify(sampleId)}, column tags`,
        `a tag contains ';', the CSV manifest's tag separator (tags ${JSON.stringify(tags)})`,
        "rename the tag, or write to jsonl",
      );
    return tags.join(";");
  }
  if (typeof v === "object")
    return JSON.stringify(ArrayBuffer.isView(v) ? Array.from(v as unknown as ArrayLike<number>) : v);
  return v as CsvValue;
}
