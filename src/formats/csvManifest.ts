import * as path from "node:path";
import { DatasetBuilder } from "../dataset/builder";
import { values } from "../dataset/columns";
import type { Dataset } from "../dataset/dataset";
import { GROUND_TRUTH } from "../dataset/schema";
import { fail } from "../errors";
import { writeFileAtomic } from "../io/atomic";
import { formatCsv, parseCsv, type CsvValue } from "./common/csv";
import { finishImport } from "./common/finish";
import { readText } from "./common/files";
import { imagesDirFor, metadataColumns } from "./common/labels";
import type { Format, ReadOptions, WriteOptions, WriteReport } from "./format";

/**
 * CSV manifest, one sample per row: `filepath` (or path, image, file, file_name), optional
 * `id`, `width`, `height`, `split`, `tags` (separated by `;`), any metadata columns, and
 * classification labels. A column named `label` or after the label field (`ground_truth`) is
 * the ground truth; a column X with a companion `X_confidence` is a predicted label field, and
 * columns `X_prob_<class>` are its class probabilities.
 * A column whose every value is a number written canonically (`12`, `0.5`, not `007`) is read
 * as numbers; the rest stay text. Boxes do not fit in one row per sample: use jsonl or coco.
 */
const PATH_COLUMNS = ["filepath", "path", "image", "file", "file_name", "filename"];

export const csvManifest: Format = {
  name: "csv",
  description: "CSV manifest: one sample per row with metadata and classification labels",
  holds: { boxes: false, polygons: false, rle: false, crowd: false, confidence: true, classification: true, metadata: true, attributes: false, multipleFields: true, splits: true, sampleTags: true, objectTags: false },
  detect: (input) => input.endsWith(".csv"),
  read: readCsvManifest,
  write: writeCsvManifest,
};

async function readCsvManifest(file: string, options: ReadOptions): Promise<Dataset> {
  const { header, rows, lines } = parseCsv(readText(file), { file });
  const pathCol = header.findIndex((h) => PATH_COLUMNS.includes(h.toLowerCase()));
  if (pathCol < 0) fail(file, "header", `no image path column (one of ${PATH_COLUMNS.join(", ")})`, "add a filepath column with each image's path relative to the images folder");
  const field = options.field ?? GROUND_TRUTH;
  const b = new DatasetBuilder(options.name ?? path.basename(file, ".csv"), imagesDirFor(options) ?? path.dirname(path.resolve(file)));
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
    b.declareField({ name: f.name, kind: "classification", predicted: (f.confidence >= 0 || cols.length > 0) && f.name !== field, ...classes });
  }
  const skip = new Set([
    pathCol, col("id"), col("width"), col("height"), col("split"), col("tags"),
    ...[...labelFields.values()].map((f) => f.confidence), ...[...probCols.values()].flat().map((p) => p.column),
  ]);
  rows.forEach((r, i) => {
    const fp = r[pathCol];
    if (!fp) fail(file, `line ${lines[i]}`, "empty image path", "every row needs the image's path");
    const fields: Record<string, unknown> = {};
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
    const num = (name: string) => (col(name) >= 0 ? (typed[col(name)][i] as number | null) : null);
    b.addSample({
      id: col("id") >= 0 && r[col("id")] ? r[col("id")] : undefined, filepath: fp,
      width: num("width"), height: num("height"),
      split: col("split") >= 0 && r[col("split")] ? r[col("split")] : null,
      tags: col("tags") >= 0 && r[col("tags")] ? r[col("tags")].split(";") : [], fields,
    });
  });
  for (const c of labelFields.keys()) for (const r of rows) if (r[c]) b.category(r[c]);
  return finishImport(b, file, options);
}

/** A column's values as numbers when every non-empty value is a canonically written number. */
function typedColumn(raw: string[]): (string | number | null)[] {
  const numeric = raw.every((v) => v === "" || String(Number(v)) === v);
  return raw.map((v) => (v === "" ? null : numeric ? Number(v) : v));
}

async function writeCsvManifest(ds: Dataset, file: string, _options: WriteOptions): Promise<WriteReport> {
  const s = ds.samples;
  const has = (c: string) => s.columnNames().includes(c);
  const plain = ["id", "filepath", "width", "height", "split", "tags", ...metadataColumns(ds)];
  const labelCols: string[] = [];
  const probSets: { field: string; classes: string[]; values: ArrayLike<ArrayLike<number> | null> }[] = [];
  for (const f of ds.fields.filter((k) => k.kind === "classification")) {
    labelCols.push(...[f.name, `${f.name}_confidence`].filter(has));
    if (f.classes && has(`${f.name}_probs`)) probSets.push({ field: f.name, classes: f.classes, values: values(s, `${f.name}_probs`) });
  }
  const columns = [...plain, ...labelCols];
  const data = columns.map((c) => values<unknown>(s, c));
  const header = [...columns, ...probSets.flatMap((p) => p.classes.map((c) => `${p.field}_prob_${c}`))];
  const rows: CsvValue[][] = [header];
  for (let i = 0; i < s.numRows(); i++) {
    const row = data.map((col, k) => cell(col[i], columns[k]));
    for (const p of probSets) for (let k = 0; k < p.classes.length; k++) row.push(p.values[i]?.[k] ?? null);
    rows.push(row);
  }
  writeFileAtomic(file, formatCsv(rows));
  return { files: 1, dropped: [] };
}

function cell(v: unknown, column: string): CsvValue {
  if (v === null || v === undefined) return null;
  if (column === "tags") {
    const tags = v as string[];
    if (tags.some((t) => t.includes(";"))) fail("tags", JSON.stringify(tags), "a tag contains ';', the CSV manifest's tag separator", "rename the tag, or write to jsonl");
    return tags.join(";");
  }
  if (typeof v === "object") return JSON.stringify(v);
  return v as CsvValue;
}
