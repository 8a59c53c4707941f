import * as path from "node:path";
import { DatasetBuilder } from "../dataset/builder";
import type { Dataset } from "../dataset/dataset";
import { GROUND_TRUTH } from "../dataset/schema";
import { BlindspotError, fail } from "../errors";
import { evaluateClassification, type ClassificationEvaluation } from "../eval/classification";
import { parseCsv } from "../formats/common/csv";
import { finiteNumber, parseJson, readText } from "../formats/common/files";
import { checkOptions, stringOption, type ParsedArgs } from "./args";

/**
 * `blindspot eval classification FILE --truth COLUMN (--probs COLUMNS | --pred COLUMN)
 * [--classes LIST] [--json]`: one sample per row of a CSV or JSON Lines table. The table
 * becomes a dataset (one sample per row) so the command reports what the library does.
 */
export async function evalClassification(args: ParsedArgs): Promise<number> {
  checkOptions(args, ["truth", "probs", "pred", "classes", "json"], "eval classification");
  const file = args.positional[0],
    truth = stringOption(args, "truth"),
    pred = stringOption(args, "pred");
  const probs = listOption(args, "probs"),
    classes = listOption(args, "classes") ?? probs;
  if (!file || !truth || (!probs && !pred)) {
    throw new BlindspotError({
      message: "eval classification needs FILE, --truth and --probs (or --pred)",
      hint: "blindspot eval classification preds.csv --truth label --probs cat,dog,bird [--json]",
    });
  }
  if (classes && classes.length !== probs?.length) {
    throw new BlindspotError({
      message:
        `--classes names the classes of the --probs columns, one each: ${classes.length} classes for ` +
        `${probs?.length ?? 0} columns`,
      hint: "give --probs the probability columns and --classes their class names, in the same order",
    });
  }
  const table = readTable(file);
  requireColumns(table, [truth], "truth");
  if (pred) requireColumns(table, [pred], "pred");
  if (probs) requireColumns(table, probs, "probs");
  const { ds, decimals } = toDataset(table, { truth, pred, probs, classes });
  // Probabilities written with d decimals may each be off by half a unit in the last place.
  const sumTolerance = probs ? probs.length * 0.5 * 10 ** -decimals : undefined;
  const ev = evaluateClassification(ds, PREDICTION, { sumTolerance });
  warn(file, ev, { decimals, unused: numericColumns(table, [truth, pred, ...(probs ?? [])]) });
  console.log(
    args.options.has("json") ? JSON.stringify({ file, ...(ev.toJSON() as object) }, null, 2) : describe(file, ev),
  );
  return 0;
}

/** The predictions' field in the dataset the table becomes. */
const PREDICTION = "prediction";

function listOption(args: ParsedArgs, key: string): string[] | undefined {
  return stringOption(args, key)
    ?.split(",")
    .map((s) => s.trim())
    .filter(Boolean);
}

interface Row {
  place: string;
  cells: Map<string, unknown>;
}

interface Table {
  file: string;
  columns: Set<string>;
  rows: Row[];
}

function readTable(file: string): Table {
  const ext = path.extname(file).toLowerCase();
  if (ext === ".csv") {
    const { header, rows, lines } = parseCsv(readText(file), { file });
    return {
      file,
      columns: new Set(header),
      rows: rows.map((r, i) => ({ place: `line ${lines[i]}`, cells: new Map(header.map((h, c) => [h, r[c]])) })),
    };
  }
  if (ext === ".jsonl" || ext === ".ndjson") return readJsonLines(file);
  fail(
    file,
    undefined,
    `cannot tell the table's format from its extension ${JSON.stringify(ext)}`,
    "name it .csv (a header, then one row per sample) or .jsonl (one JSON object per sample)",
  );
}

function readJsonLines(file: string): Table {
  const rows: Row[] = [];
  readText(file)
    .split("\n")
    .forEach((text, k) => {
      if (!text.trim()) return;
      const place = `line ${k + 1}`;
      const row = parseJson(`${file} ${place}`, text);
      if (row === null || typeof row !== "object" || Array.isArray(row))
        fail(
          file,
          place,
          "each line must be a JSON object",
          'write one object per sample, e.g. {"label": "cat", "cat": 0.9, "dog": 0.1}',
        );
      rows.push({ place, cells: new Map(Object.entries(row)) });
    });
  return { file, columns: new Set(rows.flatMap((r) => [...r.cells.keys()])), rows };
}

function requireColumns(t: Table, wanted: string[], option: string): void {
  const missing = wanted.filter((c) => !t.columns.has(c));
  if (missing.length) {
    fail(
      t.file,
      undefined,
      `no column ${missing.map((c) => JSON.stringify(c)).join(", ")} (named by --${option}); the columns are ` +
        `${[...t.columns].join(", ") || "none"}`,
      `name existing columns with --${option}`,
    );
  }
}

interface Columns {
  truth: string;
  pred?: string;
  probs?: string[];
  classes?: string[];
}

/**
 * One sample per row; fails on a probability that is not a number and on labels outside the
 * classes. `decimals`: the most digits after the point a probability was written with.
 */
function toDataset(t: Table, c: Columns): { ds: Dataset; decimals: number } {
  let decimals = 0;
  const b = new DatasetBuilder(path.basename(t.file), null);
  b.declareField({ name: GROUND_TRUTH, kind: "classification", predicted: false });
  b.declareField({
    name: PREDICTION,
    kind: "classification",
    predicted: true,
    ...(c.classes ? { classes: c.classes } : {}),
  });
  for (const { place, cells } of t.rows) {
    const label = (column: string | undefined, role: string) => {
      const v = column === undefined ? null : cells.get(column);
      if (v == null || v === "") return null;
      if (c.classes && !c.classes.includes(String(v))) {
        fail(
          t.file,
          `${place}, column ${column}`,
          `${role} label ${JSON.stringify(String(v))} is not one of the classes (${c.classes.join(", ")})`,
          "correct the label, or add its probability column to --probs (and its name to --classes)",
        );
      }
      return String(v);
    };
    const probs = c.probs?.map((column) => {
      const p = finiteNumber(cells.get(column));
      if (p === null)
        fail(
          t.file,
          `${place}, column ${column}`,
          `probability ${JSON.stringify(cells.get(column) ?? null)} is not a number`,
          "write every class probability as a number (no empty cells, NaN or text)",
        );
      decimals = Math.max(decimals, decimalsOf(cells.get(column)));
      return p;
    });
    b.addSample({
      id: place,
      filepath: place,
      fields: {
        [GROUND_TRUTH]: label(c.truth, "true"),
        [PREDICTION]: label(c.pred, "predicted"),
        [`${PREDICTION}_probs`]: probs ?? null,
      },
    });
  }
  return { ds: b.build(), decimals };
}

/** Digits after the decimal point a number was written with: "0.333333" 6, "1.5e-7" 8, "1" 0. */
function decimalsOf(v: unknown): number {
  const m = /^[+-]?\d*(?:\.(\d*))?(?:e([+-]?\d+))?$/i.exec(String(v).trim());
  return m ? Math.max(0, (m[1]?.length ?? 0) - Number(m[2] ?? 0)) : 0;
}

/** The table's columns other than `used` whose every value is a number: probability columns left out? */
function numericColumns(t: Table, used: (string | undefined)[]): string[] {
  return [...t.columns].filter((c) => !used.includes(c) && t.rows.every((r) => finiteNumber(r.cells.get(c)) !== null));
}

/** What the warning about rows that do not sum to 1 names as the cause. */
interface SumContext {
  /** Digits the probabilities were written with. */
  decimals: number;
  /** Numeric columns not passed: left-out probability columns, when there are any. */
  unused: string[];
}

/**
 * Rows left out and probabilities that do not sum to 1, on stderr: the results stand, but the input deserves a look.
 */
function warn(file: string, ev: ClassificationEvaluation, sums: SumContext): void {
  const { total, byReason } = ev.skipped;
  if (total)
    console.error(
      `warning: ${file}: ${total} of ${ev.samples} rows not evaluated (${Object.entries(byReason)
        .map(([k, v]) => `${k} ${v}`)
        .join(", ")})\n  fix: give each row a true label and a prediction`,
    );
  const off = ev.probabilistic?.unnormalizedRows ?? 0;
  if (!off) return;
  const rounding = sums.decimals < 15 ? `rounding to ${sums.decimals} decimals` : "floating-point error";
  const fix = sums.unused.length
    ? `pass every class's probability column to --probs; the table has other numeric columns: ${sums.unused.join(", ")}`
    : "every numeric column of the table is passed, so these scores are not one distribution over the classes " +
      "(independent per-class scores, e.g. sigmoid outputs?): normalise each row, " +
      "or read log loss as that of rescaled rows";
  console.error(
    `warning: ${file}: ${off} of ${ev.evaluated} rows' probabilities do not sum to 1, ` +
      `by more than ${rounding} explains; log loss rescales each row to sum to 1 (as scikit-learn did before 1.5)` +
      `\n  fix: ${fix}`,
  );
}

const num = (x: number | undefined) => (x !== undefined && Number.isFinite(x) ? x.toFixed(4) : "n/a");

/** Human-readable summary: headline metrics, the per-class table and the confusion matrix. */
function describe(file: string, ev: ClassificationEvaluation): string {
  const p = ev.probabilistic,
    avg = ev.averages;
  const skipped = ev.skipped.total
    ? ` (${Object.entries(ev.skipped.byReason)
        .map(([k, v]) => `${k} ${v}`)
        .join(", ")})`
    : "";
  const lines = [
    `${file}: ${ev.samples} rows, ${ev.evaluated} evaluated, ${ev.skipped.total} skipped${skipped}`,
    `accuracy ${num(ev.accuracy)}  balanced accuracy ${num(ev.balancedAccuracy)}  macro F1 ${num(avg.macro.f1)}  ` +
      `weighted F1 ${num(avg.weighted.f1)}  kappa ${num(ev.kappa)}  MCC ${num(ev.mcc)}`,
  ];
  if (p) {
    const auc = p.binary
      ? `ROC AUC ${num(p.binary.rocAuc)} (positive class ${p.binary.positive})  Brier ${num(p.binary.brier)}`
      : `ROC AUC ${num(p.rocAuc.ovrMacro)} (one-vs-rest macro; one-vs-one ${num(p.rocAuc.ovo)})`;
    lines.push(
      `log loss ${num(p.logLoss)}  top-${p.topK.k} accuracy ${num(p.topK.accuracy)}  ${auc}  ECE ` +
        `${num(p.calibration.ece)}  MCE ${num(p.calibration.mce)}`,
    );
    const b = p.sweep.best;
    lines.push(
      `best F1 on the ${p.sweep.score}: threshold ${num(b.threshold)} (precision ${num(b.precision)}, recall ` +
        `${num(b.recall)}, F1 ${num(b.f1)})`,
    );
  }
  const width = Math.max(5, ...ev.classes.map((c) => c.length));
  const head = ["precision", "recall", "F1", "support", ...(p ? ["AP", "AUC"] : [])];
  lines.push("", `${"class".padEnd(width)}  ${head.map((h) => h.padStart(9)).join(" ")}`);
  for (const r of ev.perClass) {
    const cells = [
      num(r.precision),
      num(r.recall),
      num(r.f1),
      String(r.support),
      ...(p ? [num(r.averagePrecision), num(r.rocAuc)] : []),
    ];
    lines.push(`${r.class.padEnd(width)}  ${cells.map((s) => s.padStart(9)).join(" ")}`);
  }
  lines.push("", "confusion matrix (rows: true class, columns: predicted, in the order above):");
  ev.confusion.matrix.forEach((row, t) =>
    lines.push(`${ev.classes[t].padEnd(width)}  ${row.map((v) => String(v).padStart(6)).join(" ")}`),
  );
  return lines.join("\n");
}
