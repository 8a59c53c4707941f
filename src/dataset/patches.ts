import type { ColumnTable } from "arquero";
import { BlindspotError } from "../errors";
import { defaultParams } from "../eval/detection/params";
import { values } from "./columns";
import type { Dataset } from "./dataset";
import type { Expr, View } from "./view";

export type Outcome = "tp" | "fp" | "fn";

export type SizeRange = "small" | "medium" | "large";

export interface PatchesOptions {
  /**
   * Evaluation outcomes to keep (FiftyOne's evaluation patches): "tp" and "fp" are boxes of
   * the prediction field, "fn" the ground-truth boxes the predictions missed.
   */
  outcome?: Outcome | Outcome[];
  /** Object column of the outcomes (default `eval_<field>`, what evaluateDetections writes). */
  evalKey?: string;
  /** Class name(s) to keep. */
  label?: string | string[];
  /** A COCO area range, or [min, max] area in square pixels (the `area` column, else w * h; ends inclusive). */
  size?: SizeRange | [number, number];
  /** Scores to keep, inclusive (boxes without a score pass only without these options). */
  minScore?: number;
  maxScore?: number;
  /** Any arquero expression over the objects table, e.g. `"d => d.eval_model_iou < 0.7"`. */
  where?: Expr;
  /** Object column to sort by, or "area" (the default). */
  sortBy?: string;
  /** Default true: largest, most confident, last in the alphabet first. */
  descending?: boolean;
  /** Keeps the first n patches of that order. */
  limit?: number;
}

const OUTCOMES: readonly Outcome[] = ["tp", "fp", "fn"];

/**
 * One row per box of a label field (FiftyOne's patches view): the object rows of the
 * dataset's objects table that pass the filters, in the requested order, as row positions.
 * Computed from the columns in typed-array loops (10^6 boxes), again whenever the dataset's
 * tables were replaced (tags, evaluations).
 */
export class PatchesView {
  private memo: { objects: ColumnTable; rows: Int32Array } | null = null;
  readonly evalKey: string;

  constructor(
    readonly dataset: Dataset,
    readonly field: string,
    readonly options: PatchesOptions = {},
    private readonly view: View | null = null,
  ) {
    checkOptions(dataset, field, options);
    this.evalKey = options.evalKey ?? `eval_${field}`;
  }

  /** Row positions in `dataset.objects` of the patches, in display order. */
  rows(): Int32Array {
    const objects = this.dataset.objects;
    if (this.memo?.objects === objects) return this.memo.rows;
    const sorted = sortRows(objects, selectRows(this, objects), this.options);
    const rows = this.options.limit === undefined ? sorted : sorted.slice(0, this.options.limit);
    this.memo = { objects, rows };
    return rows;
  }

  count(): number {
    return this.rows().length;
  }

  /** Object ids of the patches, in order. */
  objectIds(): Int32Array {
    const ids = values<number>(this.dataset.objects, "id");
    return Int32Array.from(this.rows(), (r) => ids[r]);
  }

  /** Sample id of each patch, in order. */
  sampleIds(): string[] {
    const ids = values<string>(this.dataset.objects, "sample_id");
    return Array.from(this.rows(), (r) => ids[r]);
  }

  /** The patches' objects as a table, in order (shares nothing the dataset could change). */
  table(): ColumnTable {
    const objects = this.dataset.objects;
    return objects.reify(Array.from(this.rows()));
  }

  /** Counts per value of an object column over the patches. */
  countBy(column: string): Record<string, number> {
    checkColumn(this.dataset.objects, column, "countBy");
    const v = values<unknown>(this.dataset.objects, column);
    const out: Record<string, number> = Object.create(null);
    for (const r of this.rows()) out[String(v[r])] = (out[String(v[r])] ?? 0) + 1;
    return out;
  }

  /** Samples the patches are restricted to, or null for every sample. */
  sampleFilter(): Set<string> | null {
    return this.view && new Set(values<string>(this.view.samples(), "id"));
  }
}

function checkOptions(ds: Dataset, field: string, o: PatchesOptions): void {
  const fields = ds.fieldsOf("detections").map((f) => f.name);
  if (!fields.includes(field)) {
    throw new BlindspotError({
      place: "patches",
      message: `no detection field ${JSON.stringify(field)}`,
      hint: fields.length ? `detection fields are: ${fields.join(", ")}` : "the dataset has no boxes",
    });
  }
  if (typeof o !== "object" || o === null) {
    throw new BlindspotError({
      place: "patches",
      message: "the options must be an object",
      hint: 'pass e.g. ds.patches("model", { outcome: "fp" })',
    });
  }
  const objects = ds.objects;
  if (o.outcome !== undefined) {
    for (const v of asList(o.outcome)) {
      if (!OUTCOMES.includes(v))
        throw new BlindspotError({
          place: "outcome",
          message: `unknown outcome ${JSON.stringify(v)}`,
          hint: 'outcomes are "tp", "fp" and "fn"',
        });
    }
    const key = o.evalKey ?? `eval_${field}`;
    if (!objects.columnNames().includes(key)) {
      throw new BlindspotError({
        place: "outcome",
        message: `the objects have no outcome column ${JSON.stringify(key)}`,
        hint: `run evaluateDetections(ds, ${JSON.stringify(field)}) first, or name its key with { evalKey }`,
      });
    }
  }
  if (typeof o.size === "string" && !["small", "medium", "large"].includes(o.size)) {
    throw new BlindspotError({
      place: "size",
      message: `unknown size ${JSON.stringify(o.size)}`,
      hint: 'sizes are "small", "medium", "large" or [minArea, maxArea]',
    });
  }
  if (o.sortBy !== undefined && o.sortBy !== "area") checkColumn(objects, o.sortBy, "sortBy");
  if (o.limit !== undefined && !(Number.isInteger(o.limit) && o.limit >= 0)) {
    throw new BlindspotError({
      place: "limit",
      message: `limit must be a whole number of patches, got ${JSON.stringify(o.limit)}`,
      hint: "pass e.g. { limit: 1000 }",
    });
  }
}

function checkColumn(objects: ColumnTable, column: string, option: string): void {
  const names = objects.columnNames();
  if (!names.includes(column)) {
    throw new BlindspotError({
      place: option,
      message: `no object field ${JSON.stringify(column)}`,
      hint: `object fields are: ${names.join(", ")}`,
    });
  }
}

function asList<T>(v: T | T[]): T[] {
  return Array.isArray(v) ? v : [v];
}

/** Rows that pass every filter, in table order. */
function selectRows(p: PatchesView, objects: ColumnTable): Int32Array {
  const o = p.options;
  const n = objects.numRows();
  const fieldOf = values<string>(objects, "field");
  const labels = o.label === undefined ? null : new Set(asList(o.label));
  const labelOf = values<string>(objects, "label");
  const wanted = o.outcome === undefined ? null : new Set(asList(o.outcome));
  const outcomeOf = wanted ? values<string | null>(objects, p.evalKey) : null;
  const [minArea, maxArea] = areaRange(o.size);
  const area = o.size === undefined ? null : boxAreas(objects);
  const scored = o.minScore !== undefined || o.maxScore !== undefined;
  const minScore = o.minScore ?? -Infinity,
    maxScore = o.maxScore ?? Infinity;
  const score = scored ? values<number | null>(objects, "confidence") : null;
  const samples = p.sampleFilter();
  const sampleOf = samples ? values<string>(objects, "sample_id") : null;
  const passes = o.where === undefined ? null : whereMask(objects, o.where);
  const out = new Int32Array(n);
  let k = 0;
  for (let i = 0; i < n; i++) {
    if (outcomeOf) {
      // Outcomes of the evaluation: tp / fp on its predictions, fn on the ground truth it missed.
      const v = outcomeOf[i] as Outcome | null;
      if (v === null || !wanted!.has(v) || (v === "fn") === (fieldOf[i] === p.field)) continue;
    } else if (fieldOf[i] !== p.field) continue;
    if (labels && !labels.has(labelOf[i])) continue;
    if (area && !(area[i] >= minArea && area[i] <= maxArea)) continue;
    if (score) {
      const s = score[i];
      if (s === null || !(s >= minScore && s <= maxScore)) continue;
    }
    if (sampleOf && !samples!.has(sampleOf[i])) continue;
    if (passes && !passes[i]) continue;
    out[k++] = i;
  }
  return out.slice(0, k);
}

/** Pycocotools' range of a size name (both ends inclusive), or the range given. */
function areaRange(size: PatchesOptions["size"]): [number, number] {
  if (size === undefined) return [-Infinity, Infinity];
  if (typeof size !== "string") return size;
  const range = defaultParams().areaRanges.find((r) => r.name === size)!;
  return [range.min, range.max];
}

/** COCO's area of each box: the `area` column where given, else w * h. */
export function boxAreas(objects: ColumnTable): Float64Array {
  const w = values<number>(objects, "w"),
    h = values<number>(objects, "h");
  const given = objects.columnNames().includes("area") ? values<number | null>(objects, "area") : null;
  const out = new Float64Array(objects.numRows());
  for (let i = 0; i < out.length; i++) {
    const a = given?.[i];
    out[i] = a != null && Number.isFinite(a) ? a : w[i] * h[i];
  }
  return out;
}

function whereMask(objects: ColumnTable, expr: Expr): Uint8Array {
  const mask = new Uint8Array(objects.numRows());
  for (const i of objects.filter(expr as never).indices()) mask[i] = 1;
  return mask;
}

/** Rows ordered by a column (nulls last, ties in table order). */
function sortRows(objects: ColumnTable, rows: Int32Array, o: PatchesOptions): Int32Array {
  const by = o.sortBy ?? "area";
  const sign = (o.descending ?? true) ? -1 : 1;
  const key = by === "area" ? boxAreas(objects) : sortKey(values<unknown>(objects, by));
  const order = rows.slice();
  order.sort((a, b) => {
    const ka = key[a],
      kb = key[b];
    const na = Number.isNaN(ka),
      nb = Number.isNaN(kb);
    if (na || nb) return na === nb ? a - b : na ? 1 : -1;
    return ka === kb ? a - b : ka < kb ? -sign : sign;
  });
  return order;
}

/** Numbers as they are; text as its rank among the distinct values; null as NaN. */
function sortKey(column: ArrayLike<unknown>): Float64Array {
  const key = new Float64Array(column.length);
  const text = new Set<string>();
  for (let i = 0; i < column.length; i++) {
    const v = column[i];
    if (v != null && typeof v !== "number" && typeof v !== "boolean") text.add(String(v));
  }
  const rank = new Map([...text].sort().map((t, r) => [t, r]));
  for (let i = 0; i < column.length; i++) {
    const v = column[i];
    key[i] = v == null ? NaN : typeof v === "number" ? v : typeof v === "boolean" ? Number(v) : rank.get(String(v))!;
  }
  return key;
}
