import * as aq from "arquero";
import type { ColumnTable } from "arquero";
import type { Dataset } from "../dataset/dataset";
import { values } from "../dataset/columns";
import { checkField } from "../dataset/fieldCheck";
import { SAMPLE_CORE_COLUMNS } from "../dataset/schema";
import { BlindspotError } from "../errors";
import { definedOnly } from "../options";
import { classLabels, type ClassLabels } from "./classLabels";
import { fieldCodes, namedFieldCodes, type FieldCodes } from "./fieldCodes";
import { checkCount, samplesPerCode } from "./checks";
import { chiSquareTest, cramersV } from "./stats/chiSquare";

export interface CoverageOptions {
  /** Sample fields to count by (default: every metadata field and `split` with at most maxCategories values). */
  fields?: string[];
  /** Label field whose classes are counted (default: ground_truth, else the only ground-truth field). */
  labelField?: string;
  /** A cell with fewer samples (field x field) or labels (class x field) than this is thin (default 10). */
  minCount?: number;
  /** Numeric fields with more distinct values than this are cut into quantile bins (default 12). */
  maxValues?: number;
  /** Number of quantile bins of such fields (default 5). */
  bins?: number;
  /** Default fields with more distinct text values than this are left out (an id, a time stamp; default 50). */
  maxCategories?: number;
  /** Called after each field's tables: (done, total). */
  onProgress?: (done: number, total: number) => void;
}

export const COVERAGE_DEFAULTS = { minCount: 10, maxValues: 12, bins: 5, maxCategories: 50 };

/** The field of COCO's object size buckets in the tables. */
export const OBJECT_SIZE = "object_size";
/**
 * COCO's area buckets as a partition (COCO's documentation: small < 32^2 <= medium < 96^2 <=
 * large; pycocotools' ranges share their ends, which a count cannot).
 */
const SIZES = ["small", "medium", "large"];
const SIZE_EDGES = [32 ** 2, 96 ** 2];

/** One class x context table with its chi-square test. */
export interface CrossTab {
  field: string;
  classes: string[];
  values: string[];
  /** Edges of the values when a number field was cut into bins (see FieldCodes), else null. */
  edges: number[] | null;
  /** Labels (boxes or samples) per class and value, row-major: counts[class * values.length + value]. */
  counts: Float64Array;
  /** The table the test ran on: classes and values without any label dropped (scipy refuses zero margins). */
  tested: { classes: string[]; values: string[]; counts: Float64Array };
  chi2: number;
  pValue: number;
  dof: number;
  /** Yates' correction applied (a 2 x 2 table, scipy's default). */
  corrected: boolean;
  expected: Float64Array;
  cramersV: number;
}

/** A dependence between a class and a context, in words and numbers. */
export interface CoverageFinding {
  field: string;
  cramersV: number;
  chi2: number;
  pValue: number;
  dof: number;
  /** The cell that contributes most to chi2 with more labels than expected. */
  class: string;
  value: string;
  count: number;
  expected: number;
  /** Share of the class's labels that have this value, and the value's share of all labels. */
  classShare: number;
  valueShare: number;
  /** "truck: 100 % of its boxes at time_of_day night, night is 22 % of all boxes". */
  sentence: string;
}

export interface CoverageSummary {
  samples: number;
  labelField: string;
  /** What a label is: boxes of a detection field, or samples of a classification field. */
  unit: "objects" | "samples";
  labels: number;
  fields: string[];
  /** Default fields left out, with the reason. */
  skipped: { field: string; reason: string }[];
  binned: string[];
  minCount: number;
  classes: { name: string; count: number; share: number }[];
  /** Largest class count over smallest non-zero one. */
  imbalanceRatio: number;
  /** Thin cells (fewer than minCount), and empty ones among them. */
  thinCells: { fieldByField: number; classByField: number; empty: number };
  /** Class x context dependences, strongest (Cramer's V) first. */
  findings: CoverageFinding[];
}

export interface Coverage {
  /** The dataset counted (its grids are what the cells' samples link to). */
  dataset: Dataset;
  /** field, value, samples, sample_share, labels, label_share: per value of each field and object size. */
  values: ColumnTable;
  /** class, labels, share, samples (samples holding the class). */
  classes: ColumnTable;
  /** class, field, value, count, expected, class_share, value_share, residual (Pearson's), for every cell. */
  cells: ColumnTable;
  /** kind ("field x field" or "class x field"), field_a, value_a, field_b, value_b, count: the thin cells, emptiest first. */
  thin: ColumnTable;
  /** field, labels, classes, values, chi2, p_value, dof, yates, cramers_v, finding: strongest first. */
  dependence: ColumnTable;
  tables: CrossTab[];
  summary: CoverageSummary;
  /** One row per label: sample_id, class, and the field's value (binned as counted): the cells' samples. */
  rows(field: string): ColumnTable;
}

/**
 * Coverage of a dataset (the paper's "insufficient data" and "hidden imbalance"): samples and
 * labels per value of each sample field and per COCO object size; thin and empty cells of every
 * field x field table (samples) and class x field table (labels); and for each class x field
 * table the chi-square test of independence and Cramer's V (scipy's chi2_contingency and
 * association), strongest dependence first, each with the cell behind it in a sentence.
 * Object size is counted and checked for thin cells but not ranked: a class's size is its own.
 */
export function coverage(ds: Dataset, options: CoverageOptions = {}): Coverage {
  const o = { ...COVERAGE_DEFAULTS, ...definedOnly(options) };
  checkCount(o.minCount, "coverage: minCount", 1);
  checkCount(o.maxValues, "coverage: maxValues", 1);
  checkCount(o.bins, "coverage: bins", 2);
  checkCount(o.maxCategories, "coverage: maxCategories", 1);
  const labels = classLabels(ds, options.labelField, "coverage");
  const { codes: fields, skipped } = contextFields(ds, labels, options.fields, o);
  const sizes = labels.unit === "objects" ? sizeCodes(ds, labels) : null;
  const n = ds.samples.numRows();
  const total = fields.length * 2 + 1;
  let done = 0;
  const tick = () => options.onProgress?.(++done, total);

  const tables = classByField(fields, labels).map((counts, k) => {
    tick();
    return crossTab(fields[k], labels, counts);
  });
  const sizeTable = sizes ? crossTab(sizes, labels, classByField([sizes], labels, true)[0]) : null;

  const valueRows = new Rows(["field", "value", "samples", "sample_share", "labels", "label_share"]);
  fields.forEach((f, k) => countValues(f, tables[k], labels, n, valueRows));
  if (sizes) countValues(sizes, sizeTable!, labels, n, valueRows);

  const thin = new Rows(["kind", "field_a", "value_a", "field_b", "value_b", "count"]);
  const pairs = fieldByField(fields);
  for (let a = 0, p = 0; a < fields.length; a++) {
    for (let b = a + 1; b < fields.length; b++) addThinPairs(fields[a], fields[b], pairs[p++], o.minCount, thin);
    tick();
  }
  tick();

  const cells = new Rows(["class", "field", "value", "count", "expected", "class_share", "value_share", "residual"]);
  for (const t of sizeTable ? [...tables, sizeTable] : tables) {
    addCells(t, cells);
    addThin(t, labels.field.name, o.minCount, thin);
  }
  tables.sort((a, b) => b.cramersV - a.cramersV || a.pValue - b.pValue);
  const findings = tables.filter((t) => t.dof > 0).map((t) => finding(t, labels.unit));

  const classCounts = new Float64Array(labels.classes.length);
  for (let i = 0; i < labels.codes.length; i++) classCounts[labels.codes[i]]++;
  const present = Array.from(classCounts).filter((c) => c > 0);
  const thinTable = thin.table().orderby("count");
  const summary: CoverageSummary = {
    samples: n,
    labelField: labels.field.name,
    unit: labels.unit,
    labels: labels.codes.length,
    fields: fields.map((f) => f.field),
    skipped,
    binned: fields.filter((f) => f.binned).map((f) => f.field),
    minCount: o.minCount,
    classes: labels.classes.map((name, c) => ({
      name,
      count: classCounts[c],
      share: classCounts[c] / labels.codes.length,
    })),
    imbalanceRatio: Math.max(...present) / Math.min(...present),
    thinCells: {
      fieldByField: thin.count((r) => r[0] === "field x field"),
      classByField: thin.count((r) => r[0] === "class x field"),
      empty: thin.count((r) => r[5] === 0),
    },
    findings,
  };
  const byField = new Map(fields.map((f) => [f.field, f]));
  if (sizes) byField.set(OBJECT_SIZE, sizes);
  return {
    dataset: ds,
    values: valueRows.table(),
    classes: classTable(labels, classCounts, n),
    cells: cells.table(),
    thin: thinTable,
    dependence: dependenceTable(tables, findings),
    tables,
    summary,
    rows: (field) => labelRows(ds, labels, byField, field),
  };
}

/** The fields to count by, as codes; the default leaves out fields of too many text values. */
function contextFields(
  ds: Dataset,
  labels: ClassLabels,
  named: string[] | undefined,
  o: typeof COVERAGE_DEFAULTS,
): { codes: FieldCodes[]; skipped: { field: string; reason: string }[] } {
  const columns = ds.samples.columnNames();
  const labelColumns = new Set(
    ds.fields.flatMap((f) => (f.kind === "classification" ? [f.name, `${f.name}_confidence`, `${f.name}_probs`] : [])),
  );
  // The source's image id is an identity, not a context.
  const core = new Set<string>([...SAMPLE_CORE_COLUMNS.filter((c) => c !== "split"), "source_id"]);
  const candidates = columns.filter((c) => !core.has(c) && !labelColumns.has(c));
  const codeOptions = { maxValues: o.maxValues, bins: o.bins, maxCategories: o.maxCategories };
  if (named !== undefined) {
    if (!Array.isArray(named) || named.length === 0) {
      throw new BlindspotError({
        place: "coverage: fields",
        message: "fields must be a non-empty list of sample field names",
        hint: `leave it out to count by every metadata field, or name some of: ${candidates.join(", ")}`,
      });
    }
    const codes = named.map((f) => {
      const name = checkField(f, columns, "coverage: fields");
      if (labelColumns.has(name) || name === labels.field.name) {
        throw new BlindspotError({
          place: `coverage: fields: ${name}`,
          message: `${JSON.stringify(name)} is a label column, not a context`,
          hint: "the classes are counted against the fields; name metadata fields",
        });
      }
      return namedFieldCodes(name, values<unknown>(ds.samples, name), codeOptions, "coverage: fields");
    });
    return { codes, skipped: [] };
  }
  const codes: FieldCodes[] = [];
  const skipped: { field: string; reason: string }[] = [];
  for (const name of candidates) {
    const c = fieldCodes(name, values<unknown>(ds.samples, name), codeOptions);
    if (c === null) skipped.push({ field: name, reason: `more than ${o.maxCategories} distinct values` });
    else if (c.labels.length < 2) skipped.push({ field: name, reason: "a single value" });
    else codes.push(c);
  }
  if (!codes.length) {
    throw new BlindspotError({
      place: "coverage",
      message: `the dataset ${JSON.stringify(ds.name)} has no metadata field to count by`,
      hint: skipped.length
        ? `fields left out: ${skipped.map((s) => `${s.field} (${s.reason})`).join(", ")}; name them with { fields }`
        : "add metadata fields with ds.setFields(table) (weather, camera, ...)",
    });
  }
  return { codes, skipped };
}

/** COCO's size bucket of each box (its `area` where given, else w x h), as codes over the boxes' rows in `labels`. */
function sizeCodes(ds: Dataset, labels: ClassLabels): FieldCodes {
  const w = values<number>(ds.objects, "w"),
    h = values<number>(ds.objects, "h");
  const given = ds.objects.columnNames().includes("area") ? values<number | null>(ds.objects, "area") : null;
  const codes = new Int32Array(labels.tableRows.length);
  for (let i = 0; i < codes.length; i++) {
    const r = labels.tableRows[i];
    const g = given?.[r];
    const a = g != null && Number.isFinite(g) ? g : w[r] * h[r];
    codes[i] = a < SIZE_EDGES[0] ? 0 : a < SIZE_EDGES[1] ? 1 : 2;
  }
  return { field: OBJECT_SIZE, labels: SIZES, codes, binned: false, edges: null };
}

/**
 * Samples and labels per value; labels are the class x field table's column sums. Object
 * size's codes are per label, and a sample counts once for each size it holds.
 */
function countValues(f: FieldCodes, t: CrossTab, labels: ClassLabels, n: number, out: Rows): void {
  const k = f.labels.length;
  const { colSums: counts } = margins(t.counts, t.classes.length, k);
  let samples: Float64Array;
  if (f.field === OBJECT_SIZE) samples = samplesPerCode(labels.sampleRows, f.codes, k, n);
  else {
    samples = new Float64Array(k);
    for (let i = 0; i < n; i++) samples[f.codes[i]]++;
  }
  const m = labels.codes.length;
  for (let v = 0; v < k; v++) out.push([f.field, f.labels[v], samples[v], samples[v] / n, counts[v], counts[v] / m]);
}

/** The samples of every field x field table, pairs a < b in order; one tight pass per pair (measured faster than one pass for all). */
function fieldByField(fields: FieldCodes[]): Float64Array[] {
  const tables: Float64Array[] = [];
  for (let a = 0; a < fields.length; a++) {
    for (let b = a + 1; b < fields.length; b++) tables.push(pairCounts(fields[a], fields[b]));
  }
  return tables;
}

function pairCounts(a: FieldCodes, b: FieldCodes): Float64Array {
  const kb = b.labels.length;
  const ca = a.codes,
    cb = b.codes;
  const counts = new Float64Array(a.labels.length * kb);
  for (let i = 0; i < ca.length; i++) counts[ca[i] * kb + cb[i]]++;
  return counts;
}

/** The thin cells (empty ones included) of one field x field table. */
function addThinPairs(a: FieldCodes, b: FieldCodes, counts: Float64Array, minCount: number, out: Rows): void {
  const kb = b.labels.length;
  for (let i = 0; i < a.labels.length; i++) {
    for (let j = 0; j < kb; j++) {
      const c = counts[i * kb + j];
      if (c < minCount) out.push(["field x field", a.field, a.labels[i], b.field, b.labels[j], c]);
    }
  }
}

/** Labels per class and value of each field. A field's codes are per sample, or per label (`perLabel`, object size). */
function classByField(fields: FieldCodes[], labels: ClassLabels, perLabel = false): Float64Array[] {
  const K = labels.classes.length;
  return fields.map((f) =>
    perLabel
      ? countPerLabel(labels.codes, f.codes, f.labels.length, K)
      : countPerSample(labels.codes, labels.sampleRows, f.codes, f.labels.length, K),
  );
}

// The hot loops live in functions of their own: inside the closure above V8 ran them 2x slower.
function countPerSample(classes: Int32Array, rows: Int32Array, codes: Int32Array, k: number, K: number): Float64Array {
  const counts = new Float64Array(K * k);
  for (let i = 0; i < classes.length; i++) counts[classes[i] * k + codes[rows[i]]]++;
  return counts;
}

function countPerLabel(classes: Int32Array, codes: Int32Array, k: number, K: number): Float64Array {
  const counts = new Float64Array(K * k);
  for (let i = 0; i < classes.length; i++) counts[classes[i] * k + codes[i]]++;
  return counts;
}

/** The class x field table of labels and its test. */
function crossTab(f: FieldCodes, labels: ClassLabels, counts: Float64Array): CrossTab {
  const tested = dropEmpty(labels.classes, f.labels, counts);
  const table = { rows: tested.classes.length, cols: tested.values.length, counts: tested.counts };
  const test = chiSquareTest(table);
  const uncorrected = test.corrected ? chiSquareTest(table, { correction: false }).chi2 : test.chi2;
  return {
    field: f.field,
    classes: labels.classes,
    values: f.labels,
    edges: f.edges,
    counts,
    tested,
    chi2: test.chi2,
    pValue: test.pValue,
    dof: test.dof,
    corrected: test.corrected,
    expected: test.expected,
    cramersV: cramersV(table, uncorrected),
  };
}

/** The table without rows and columns that hold no label. */
function dropEmpty(classes: string[], vals: string[], counts: Float64Array): CrossTab["tested"] {
  const k = vals.length;
  const rowSum = (i: number) => counts.subarray(i * k, (i + 1) * k).reduce((s, v) => s + v, 0);
  const colSum = (j: number) => classes.reduce((s, _, i) => s + counts[i * k + j], 0);
  const rows = classes.map((_, i) => i).filter((i) => rowSum(i) > 0);
  const cols = vals.map((_, j) => j).filter((j) => colSum(j) > 0);
  const kept = new Float64Array(rows.length * cols.length);
  rows.forEach((i, r) => cols.forEach((j, c) => (kept[r * cols.length + c] = counts[i * k + j])));
  return { classes: rows.map((i) => classes[i]), values: cols.map((j) => vals[j]), counts: kept };
}

/** Every cell of a class x field table, with its expected count and Pearson residual. */
function addCells(t: CrossTab, out: Rows): void {
  const k = t.values.length;
  const { rowSums, colSums, total } = margins(t.counts, t.classes.length, k);
  for (let i = 0; i < t.classes.length; i++) {
    for (let j = 0; j < k; j++) {
      const count = t.counts[i * k + j];
      const expected = (rowSums[i] * colSums[j]) / total;
      out.push([
        t.classes[i],
        t.field,
        t.values[j],
        count,
        expected,
        rowSums[i] ? count / rowSums[i] : null,
        colSums[j] / total,
        expected > 0 ? (count - expected) / Math.sqrt(expected) : null,
      ]);
    }
  }
}

/** Class x field cells with fewer labels than minCount, for classes that have labels at all. */
function addThin(t: CrossTab, labelField: string, minCount: number, out: Rows): void {
  const k = t.values.length;
  const { rowSums } = margins(t.counts, t.classes.length, k);
  for (let i = 0; i < t.classes.length; i++) {
    if (!rowSums[i]) continue;
    for (let j = 0; j < k; j++) {
      const c = t.counts[i * k + j];
      if (c < minCount) out.push(["class x field", labelField, t.classes[i], t.field, t.values[j], c]);
    }
  }
}

function margins(counts: Float64Array, rows: number, cols: number) {
  const rowSums = new Float64Array(rows),
    colSums = new Float64Array(cols);
  let total = 0;
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      const v = counts[i * cols + j];
      rowSums[i] += v;
      colSums[j] += v;
      total += v;
    }
  }
  return { rowSums, colSums, total };
}

/** The tested table's cell with the largest contribution to chi2 among those above their expectation. */
function finding(t: CrossTab, unit: "objects" | "samples"): CoverageFinding {
  const { classes, values: vals, counts } = t.tested;
  const k = vals.length;
  const { rowSums, colSums, total } = margins(counts, classes.length, k);
  let best = -1,
    bestContribution = -1;
  for (let c = 0; c < counts.length; c++) {
    const e = t.expected[c];
    const d = counts[c] - e;
    if (d > 0 && (d * d) / e > bestContribution) {
      bestContribution = (d * d) / e;
      best = c;
    }
  }
  const i = Math.floor(best / k),
    j = best % k;
  const classShare = counts[best] / rowSums[i],
    valueShare = colSums[j] / total;
  const what = unit === "objects" ? "boxes" : "samples";
  return {
    field: t.field,
    cramersV: t.cramersV,
    chi2: t.chi2,
    pValue: t.pValue,
    dof: t.dof,
    class: classes[i],
    value: vals[j],
    count: counts[best],
    expected: t.expected[best],
    classShare,
    valueShare,
    sentence:
      `${classes[i]}: ${percent(classShare)} % of its ${what} at ${t.field} ${vals[j]}, ` +
      `${vals[j]} is ${percent(valueShare)} % of all ${what}`,
  };
}

/** A share as a percentage: whole numbers, except that 0 and 100 are only said when exact. */
export function percent(share: number): string {
  const p = share * 100;
  const whole = Math.round(p);
  if (whole === 100 && share < 1) return (Math.floor(p * 10) / 10).toFixed(1);
  if (whole === 0 && share > 0) return p.toPrecision(1);
  return String(whole);
}

function dependenceTable(tables: CrossTab[], findings: CoverageFinding[]): ColumnTable {
  const rows = new Rows([
    "field",
    "labels",
    "classes",
    "values",
    "chi2",
    "p_value",
    "dof",
    "yates",
    "cramers_v",
    "finding",
  ]);
  for (const t of tables) {
    const f = findings.find((x) => x.field === t.field);
    const n = t.tested.counts.reduce((s, v) => s + v, 0);
    rows.push([
      t.field,
      n,
      t.tested.classes.length,
      t.tested.values.length,
      t.chi2,
      t.pValue,
      t.dof,
      t.corrected,
      t.cramersV,
      f?.sentence ?? null,
    ]);
  }
  return rows.table();
}

function classTable(labels: ClassLabels, counts: Float64Array, n: number): ColumnTable {
  const m = labels.codes.length;
  return aq.table({
    class: labels.classes,
    labels: counts,
    share: Float64Array.from(counts, (c) => c / m),
    samples: samplesPerCode(labels.sampleRows, labels.codes, labels.classes.length, n),
  });
}

function labelRows(ds: Dataset, labels: ClassLabels, byField: Map<string, FieldCodes>, field: string): ColumnTable {
  const f = byField.get(checkField(field, [...byField.keys()], "coverage rows"))!;
  const ids = values<string>(ds.samples, "id");
  const perLabel = f.field === OBJECT_SIZE;
  return aq.table({
    sample_id: Array.from(labels.sampleRows, (r) => ids[r]),
    class: Array.from(labels.codes, (c) => labels.classes[c]),
    [field]: Array.from(labels.codes, (_, i) => f.labels[f.codes[perLabel ? i : labels.sampleRows[i]]]),
  });
}

/** Rows of a result table, collected column by column. */
class Rows {
  private readonly columns: unknown[][];
  constructor(private readonly names: string[]) {
    this.columns = names.map(() => []);
  }
  push(row: unknown[]): void {
    row.forEach((v, i) => this.columns[i].push(v));
  }
  count(test: (row: unknown[]) => boolean): number {
    let n = 0;
    for (let r = 0; r < (this.columns[0]?.length ?? 0); r++) if (test(this.columns.map((c) => c[r]))) n++;
    return n;
  }
  table(): ColumnTable {
    return aq.table(Object.fromEntries(this.names.map((n, i) => [n, this.columns[i]])));
  }
}
