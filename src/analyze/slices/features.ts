/**
 * The features slices are made of, from a dataset's sample fields: categories as they are,
 * numbers and times cut into quantile bins, and each tag as present or absent. Values are coded
 * in the order the sliceline package's one-hot encoder gives them (sorted strings), so that the
 * coded features are the package's input as well.
 */

import { values } from "../../dataset/columns";
import type { Dataset } from "../../dataset/dataset";
import { BlindspotError } from "../../errors";

export interface SliceFeature {
  /** The field (for a tag, "tag:<name>"). */
  name: string;
  kind: "category" | "number" | "time" | "tag";
  /** The feature's values, in code order. */
  values: string[];
  /** Per sample, the code of its value. */
  codes: Int32Array;
}

export interface FeatureOptions {
  /** Quantile bins of a number or time field (default 4); fields with no more distinct values stay as they are. */
  bins?: number;
  /** Most distinct values of a text field used without naming it (default 30). */
  maxCategories?: number;
}

export const FEATURE_DEFAULTS = { bins: 4, maxCategories: 30 } as const;

export const MISSING = "(missing)";
/** Fields that identify a sample or its file: never a slice. */
const NOT_FEATURES = new Set(["id", "filepath", "tags", "problems", "width", "height"]);
const ISO_TIME = /^\d{4}-\d\d-\d\d([T ]\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:?\d\d)?)?$/;

/**
 * The features of `fields` (default: every sample field with a few values, every number and time,
 * every tag), leaving out `exclude`.
 */
export function sliceFeatures(
  ds: Dataset,
  fields: readonly string[] | undefined,
  exclude: ReadonlySet<string>,
  options: FeatureOptions = {},
): SliceFeature[] {
  const o = { ...FEATURE_DEFAULTS, ...options };
  if (!(Number.isInteger(o.bins) && o.bins >= 2))
    throw new BlindspotError({
      place: "findSlices.bins",
      message: `bins must be a whole number >= 2, got ${o.bins}`,
      hint: "e.g. bins: 4 (quartiles)",
    });
  const named = fields !== undefined;
  const names = fields ?? ds.samples.columnNames().filter((c) => !NOT_FEATURES.has(c) && !exclude.has(c));
  const out: SliceFeature[] = [];
  for (const name of names) {
    if (name === "tags") {
      out.push(...tagFeatures(ds));
      continue;
    }
    if (!ds.samples.columnNames().includes(name))
      throw new BlindspotError({
        place: "findSlices.fields",
        message: `no sample field "${name}"`,
        hint: `sample fields are: ${ds.samples.columnNames().join(", ")}`,
      });
    const feature = featureOf(name, Array.from(values<unknown>(ds.samples, name)), o.bins);
    // Unnamed fields with a value per sample (names, hashes) or nothing to tell apart are no slices.
    if (
      !named &&
      (feature.values.length < 2 || (feature.kind === "category" && feature.values.length > o.maxCategories))
    )
      continue;
    out.push(feature);
  }
  if (!named) out.push(...tagFeatures(ds));
  return out;
}

function featureOf(name: string, column: unknown[], bins: number): SliceFeature {
  const present = column.filter((v) => v !== null && v !== undefined && !(typeof v === "number" && Number.isNaN(v)));
  if (present.length && present.every((v) => typeof v === "number"))
    return binned(name, "number", column as (number | null)[], bins, formatNumber);
  if (present.length && present.every((v) => v instanceof Date || (typeof v === "string" && ISO_TIME.test(v)))) {
    const ms = column.map((v) => (v === null || v === undefined ? null : new Date(v as string | Date).getTime()));
    const span =
      Math.max(...(ms.filter((v) => v !== null) as number[])) - Math.min(...(ms.filter((v) => v !== null) as number[]));
    return binned(name, "time", ms, bins, (v) => formatTime(v, span));
  }
  return coded(
    name,
    "category",
    column.map((v) => (v === null || v === undefined ? MISSING : String(v))),
  );
}

/** Each tag as a feature: "yes" on the samples that carry it, "no" on the others. */
function tagFeatures(ds: Dataset): SliceFeature[] {
  if (!ds.samples.columnNames().includes("tags")) return [];
  const tags = Array.from(values<string[] | null>(ds.samples, "tags"), (t) => t ?? []);
  const names = [...new Set(tags.flat())].sort(byCodePoint);
  return names.map((tag) =>
    coded(
      `tag:${tag}`,
      "tag",
      tags.map((t) => (t.includes(tag) ? "yes" : "no")),
    ),
  );
}

/** Codes of string values, the values sorted as Python sorts strings (by code point). */
export function coded(name: string, kind: SliceFeature["kind"], strings: readonly string[]): SliceFeature {
  const sorted = [...new Set(strings)].sort(byCodePoint);
  const codeOf = new Map(sorted.map((v, i) => [v, i]));
  return { name, kind, values: sorted, codes: Int32Array.from(strings, (v) => codeOf.get(v)!) };
}

/**
 * Quantile bins (numpy's linear quantiles; equal edges merged), labelled "q1: a to b" so that
 * their labels sort in order; a field with no more distinct values than bins keeps its values.
 */
function binned(
  name: string,
  kind: "number" | "time",
  column: (number | null)[],
  bins: number,
  format: (v: number) => string,
): SliceFeature {
  const present = Float64Array.from(column.filter((v): v is number => v !== null && !Number.isNaN(v))).sort();
  const distinct = [...new Set(present)];
  if (distinct.length <= bins) {
    const label = new Map(distinct.map((v, i) => [v, `${binName(i, distinct.length)}: ${format(v)}`]));
    return coded(
      name,
      kind,
      column.map((v) => (v === null || Number.isNaN(v) ? MISSING : label.get(v)!)),
    );
  }
  const edges = [...new Set(Array.from({ length: bins + 1 }, (_, i) => quantileOf(present, i / bins)))];
  const labels = edges.slice(1).map((hi, i) => `${binName(i, edges.length - 1)}: ${format(edges[i])} to ${format(hi)}`);
  return coded(
    name,
    kind,
    column.map((v) => {
      if (v === null || Number.isNaN(v)) return MISSING;
      let b = 0;
      while (b < labels.length - 1 && v >= edges[b + 1]) b++;
      return labels[b];
    }),
  );
}

/** "q1".."q4", or "q01".."q12": names that sort in the bins' order. */
function binName(i: number, count: number): string {
  return `q${String(i + 1).padStart(String(count).length, "0")}`;
}

function quantileOf(sorted: Float64Array, q: number): number {
  const at = q * (sorted.length - 1),
    lo = Math.floor(at);
  return lo + 1 < sorted.length ? sorted[lo] + (at - lo) * (sorted[lo + 1] - sorted[lo]) : sorted[lo];
}

function formatNumber(v: number): string {
  return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(3)));
}

/** A date, with the time of day when the field spans less than a few days. */
function formatTime(ms: number, span: number): string {
  const iso = new Date(ms).toISOString();
  return span < 3 * 86_400_000 ? iso.slice(0, 16).replace("T", " ") : iso.slice(0, 10);
}

export function byCodePoint(a: string, b: string): number {
  const x = [...a],
    y = [...b];
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const d = x[i].codePointAt(0)! - y[i].codePointAt(0)!;
    if (d) return d;
  }
  return x.length - y.length;
}
