import * as aq from "arquero";
import type { ColumnTable } from "arquero";
import type { Dataset } from "./dataset";
import { values } from "./columns";
import { PatchesView, type PatchesOptions } from "./patches";
import { checkField } from "./fieldCheck";
import { BlindspotError } from "../errors";

/** An arquero table expression: a string such as `d => d.width > 640`, or a function. */
export type Expr = string | ((d: any, $?: any) => unknown);

type Stage =
  | { kind: "filter"; expr: Expr }
  | { kind: "where"; field: string; values: unknown[] }
  | { kind: "tagged"; tag: string }
  | { kind: "ids"; ids: string[] }
  | { kind: "sort"; field: string; descending: boolean }
  | { kind: "skip"; n: number }
  | { kind: "limit"; n: number }
  | { kind: "take"; n: number; seed: number }
  | { kind: "select"; fields: string[] }
  | { kind: "matchObjects"; expr: Expr; field?: string }
  | { kind: "filterObjects"; expr: Expr; field?: string };

export interface CountOptions {
  /** Count over the view's samples (default when the field is a sample column) or its objects. */
  of?: "samples" | "objects";
}

/**
 * A view is a dataset plus a list of stages (filter, sort, limit, ...). It copies no data:
 * its tables are computed from the dataset's current tables when asked for, through arquero's
 * filtered and ordered tables, which share the dataset's columns. Because stages are replayed,
 * a view sees tags added after it was made.
 */
export class View {
  /** The last computed samples, valid while the dataset's tables are the same objects. */
  private memo: { base: ColumnTable; objects: ColumnTable; samples: ColumnTable } | null = null;

  constructor(
    readonly dataset: Dataset,
    private readonly stages: readonly Stage[] = [],
  ) {}

  private with(stage: Stage): View {
    return new View(this.dataset, [...this.stages, stage]);
  }

  /** Samples matching an arquero expression, e.g. `"d => d.weather === 'rain'"`. */
  filter(expr: Expr): View {
    checkExpression(expr, this.dataset.samples, "filter", "sample field");
    return this.with({ kind: "filter", expr });
  }

  /** Samples whose `field` equals `value` (or one of the values). */
  where(field: string, value: unknown): View {
    this.sampleField(field, "where");
    return this.with({ kind: "where", field, values: Array.isArray(value) ? value : [value] });
  }

  /** Samples carrying a tag. */
  tagged(tag: string): View {
    return this.with({ kind: "tagged", tag });
  }

  /** Samples with these ids (in the view's order). */
  ids(ids: Iterable<string>): View {
    return this.with({ kind: "ids", ids: [...ids] });
  }

  sort(field: string, options: { descending?: boolean } = {}): View {
    this.sampleField(field, "sort");
    return this.with({ kind: "sort", field, descending: options.descending ?? false });
  }

  skip(n: number): View {
    return this.with({ kind: "skip", n });
  }

  limit(n: number): View {
    return this.with({ kind: "limit", n });
  }

  /** A random subset of n samples, the same for the same seed. */
  take(n: number, seed = 0): View {
    return this.with({ kind: "take", n, seed });
  }

  /** Keeps only these sample columns (id and filepath always stay). */
  select(...fields: string[]): View {
    for (const f of fields) this.sampleField(f, "select");
    return this.with({ kind: "select", fields });
  }

  /**
   * Samples having at least one object matching an expression over the objects table,
   * e.g. `matchObjects("d => d.label === 'bicycle' && d.w * d.h < 32 * 32")`.
   */
  matchObjects(expr: Expr, options: { field?: string } = {}): View {
    this.objectExpression(expr, options.field, "matchObjects");
    return this.with({ kind: "matchObjects", expr, field: options.field });
  }

  /** Keeps only the objects matching an expression (samples are unchanged). */
  filterObjects(expr: Expr, options: { field?: string } = {}): View {
    this.objectExpression(expr, options.field, "filterObjects");
    return this.with({ kind: "filterObjects", expr, field: options.field });
  }

  /** One row per box of a label field of the view's samples, filtered and sorted (see PatchesView). */
  patches(field: string, options?: PatchesOptions): PatchesView {
    return new PatchesView(this.dataset, field, options, this);
  }

  /** The view's samples as an arquero table (shares the dataset's columns). */
  samples(): ColumnTable {
    const ds = this.dataset;
    const m = this.memo;
    if (m && m.base === ds.samples && m.objects === ds.objects) return m.samples;
    let t = ds.samples;
    for (const s of this.stages) t = applySampleStage(ds, t, s);
    this.memo = { base: ds.samples, objects: ds.objects, samples: t };
    return t;
  }

  /** The objects of the view's samples, with the view's object filters applied. */
  objects(): ColumnTable {
    let objects = this.dataset.objects;
    for (const s of this.stages) {
      if (s.kind === "filterObjects") objects = matchingObjects(objects, s.expr, s.field);
    }
    if (this.stages.every((s) => s.kind === "filterObjects" || s.kind === "select" || s.kind === "sort"))
      return objects;
    const ids = new Set(values<string>(this.samples(), "id"));
    return objects.filter(aq.escape((d: { sample_id: string }) => ids.has(d.sample_id)));
  }

  count(): number {
    return this.samples().numRows();
  }

  /** Counts per value of a field, largest first. List columns (tags) count each element. */
  countBy(field: string, options: CountOptions = {}): Record<string, number> {
    let t = this.tableFor(field, options, "countBy");
    if (isListColumn(t, field)) t = t.unroll(field);
    const counts = t.groupby(field).count().orderby(aq.desc("count"));
    // No prototype: a label named `__proto__` or `constructor` is counted like any other.
    const out: Record<string, number> = Object.create(null);
    const keys = counts.array(field) as ArrayLike<unknown>;
    const ns = counts.array("count") as ArrayLike<number>;
    for (let i = 0; i < ns.length; i++) out[String(keys[i])] = ns[i];
    return out;
  }

  /** Distinct non-null values of a field, sorted (numbers numerically). List columns give their elements. */
  distinct(field: string, options: CountOptions = {}): unknown[] {
    let t = this.tableFor(field, options, "distinct");
    if (isListColumn(t, field)) t = t.unroll(field);
    const keys = Array.from(values<unknown>(t.groupby(field).count(), field)).filter(
      (k) => k !== null && k !== undefined,
    );
    return keys.sort((a, b) =>
      typeof a === "number" && typeof b === "number"
        ? a - b
        : String(a) < String(b)
          ? -1
          : String(a) > String(b)
            ? 1
            : 0,
    );
  }

  private tableFor(field: string, options: CountOptions, method: string): ColumnTable {
    const of = options.of ?? (this.dataset.samples.columnNames().includes(field) ? "samples" : "objects");
    const t = of === "samples" ? this.samples() : this.objects();
    if (options.of === undefined && !t.columnNames().includes(field)) {
      const fields = [...new Set([...this.dataset.samples.columnNames(), ...t.columnNames()])];
      checkField(field, fields, method, "sample or object field");
    }
    checkField(field, t.columnNames(), method, of === "samples" ? "sample field" : "object field");
    return t;
  }

  /** A sample field named to a view method must exist: a typo would otherwise match nothing. */
  private sampleField(field: string, method: string): void {
    checkField(field, this.dataset.samples.columnNames(), method, "sample field");
  }

  private objectExpression(expr: Expr, field: string | undefined, method: string): void {
    if (field !== undefined)
      checkField(
        field,
        this.dataset.fields.map((f) => f.name),
        method,
        "label field",
      );
    checkExpression(expr, this.dataset.objects, method, "object field");
  }
}

/**
 * arquero checks an expression's columns only when it runs, and its error names no fields:
 * running it on no rows finds a mistyped column now, and says which ones there are.
 */
function checkExpression(expr: Expr, table: ColumnTable, method: string, what: string): void {
  if (typeof expr !== "string") return;
  try {
    table.slice(0, 0).filter(expr as any);
  } catch (err) {
    const column = /Invalid column reference: "[^".]*\.([^"]+)"/.exec((err as Error).message)?.[1];
    if (column !== undefined) checkField(column, table.columnNames(), method, what);
    throw new BlindspotError({
      place: method,
      message: `the expression ${JSON.stringify(expr)} is not valid: ${(err as Error).message}`,
      hint: 'write it as arquero expects, e.g. "d => d.width > 640"',
      cause: err,
    });
  }
}

function applySampleStage(ds: Dataset, t: ColumnTable, s: Stage): ColumnTable {
  switch (s.kind) {
    case "filter":
      return t.filter(s.expr as any);
    case "where": {
      const values = new Set(s.values);
      const field = s.field;
      return t.filter(aq.escape((d: Record<string, unknown>) => values.has(d[field])));
    }
    case "tagged": {
      const tag = s.tag;
      return t.filter(aq.escape((d: { tags: string[] | null }) => !!d.tags && d.tags.includes(tag)));
    }
    case "ids": {
      const ids = new Set(s.ids);
      return t.filter(aq.escape((d: { id: string }) => ids.has(d.id)));
    }
    case "sort":
      return t.orderby(s.descending ? aq.desc(s.field) : s.field);
    case "skip":
      return t.slice(s.n);
    case "limit":
      return t.slice(0, s.n);
    case "take":
      return takeSeeded(t, s.n, s.seed);
    case "select":
      return t.select([...new Set(["id", "filepath", ...s.fields])]);
    case "matchObjects": {
      const ids = new Set(values<string>(matchingObjects(ds.objects, s.expr, s.field), "sample_id"));
      return t.filter(aq.escape((d: { id: string }) => ids.has(d.id)));
    }
    case "filterObjects":
      return t;
  }
}

function matchingObjects(objects: ColumnTable, expr: Expr, field: string | undefined): ColumnTable {
  let t = objects;
  if (field !== undefined) t = t.filter(aq.escape((d: { field: string }) => d.field === field));
  return t.filter(expr as any);
}

/** Seeded reservoir-free sampling: a seeded shuffle of row positions, first n kept, order kept. */
function takeSeeded(t: ColumnTable, n: number, seed: number): ColumnTable {
  const rows = t.numRows();
  if (n >= rows) return t;
  const rand = mulberry32(seed);
  const pick = new Uint8Array(rows);
  // Floyd's algorithm: n distinct positions in O(n).
  for (let j = rows - n; j < rows; j++) {
    const r = Math.floor(rand() * (j + 1));
    if (pick[r]) pick[j] = 1;
    else pick[r] = 1;
  }
  let i = 0;
  return t.filter(aq.escape(() => pick[i++] === 1));
}

export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let z = a;
    z = Math.imul(z ^ (z >>> 15), z | 1);
    z ^= z + Math.imul(z ^ (z >>> 7), z | 61);
    return ((z ^ (z >>> 14)) >>> 0) / 4294967296;
  };
}

function isListColumn(t: ColumnTable, field: string): boolean {
  const n = t.numRows();
  for (let i = 0; i < Math.min(n, 100); i++) {
    const v = t.get(field, i);
    if (v != null) return Array.isArray(v);
  }
  return false;
}
