/**
 * Fairness across groups, as Fairlearn 0.15 measures it (the definitions; nothing is copied): a
 * MetricFrame's overall value, value by group (the intersections of several sensitive fields,
 * within the groups of control fields), lowest and highest group, difference and ratio between
 * groups or to the overall value; and demographic parity, equalized odds (worst case and mean) and
 * equal opportunity. Each group's value comes with its sample count and a percentile bootstrap
 * interval over its rows, so that a gap between groups of a dozen images is not over-read.
 *
 * Input: a dataset with true and predicted label fields (binary, or each class against the rest),
 * or a detection evaluation, whose objects' outcomes make the rows (rows.ts).
 */

import * as aq from "arquero";
import type { ColumnTable } from "arquero";
import type { Dataset } from "../../dataset/dataset";
import { mulberry32 } from "../../dataset/view";
import { BlindspotError } from "../../errors";
import { DetectionEvaluation } from "../../eval/detection";
import { percentile } from "../stats/percentile";
import { disparity, type Disparity } from "./disparity";
import { groupRows, type Grouping } from "./groups";
import { confusionByGroup, rate, RATE_NAMES, type Counts, type RateName } from "./rates";
import { classificationRows, detectionRows, type BinaryProblem, type FairnessRows } from "./rows";

export interface FairnessOptions {
  /** Fields whose groups are compared (sample fields; for a detection evaluation also "label"); several: their intersections. */
  sensitive: string | string[];
  /** Fields within whose groups the comparison is made (Fairlearn's control features). */
  control?: string | string[];
  /** Classification: the true and the predicted label field. */
  truth?: string;
  prediction?: string;
  /** The class counted positive: default "1" or "true" for binary labels, else each class against the rest. */
  positive?: string | string[];
  /** Metrics per group (default: selection rate, true and false positive rate, accuracy; detection: recall and precision). */
  metrics?: RateName[];
  /** Bootstrap resamples per group for the intervals (default 200; 0 for none). */
  bootstrap?: number;
  /** Confidence level of the intervals (default 0.95). */
  confidence?: number;
  /** Seed of the resampling (default 0). */
  seed?: number;
}

export const FAIRNESS_DEFAULTS = {
  metrics: ["selection_rate", "true_positive_rate", "false_positive_rate", "accuracy"] as RateName[],
  detectionMetrics: ["true_positive_rate", "precision"] as RateName[],
  bootstrap: 200,
  confidence: 0.95,
  seed: 0,
};

/** A disparity measured both of Fairlearn's ways. */
export interface Gap {
  difference: number;
  ratio: number;
  differenceToOverall: number;
  ratioToOverall: number;
}

/** Fairlearn's fairness metrics of one positive class (over the sensitive groups, control fields aside). */
export interface FairnessScores {
  demographicParity: Gap;
  equalOpportunity: Gap;
  /** agg "worst_case" (the larger difference, the smaller ratio of true and false positive rates) and agg "mean". */
  equalizedOdds: Gap & { mean: Gap };
}

export interface FairnessSummary {
  kind: "classification" | "detection";
  rows: number;
  sensitive: string[];
  control: string[];
  metrics: RateName[];
  /** Groups of the sensitive fields (within control groups when there are any). */
  groups: number;
  /** Per sensitive or control field: rows without a value, kept as the group "(missing)". */
  missing: Record<string, number>;
  /** By positive class. */
  scores: Record<string, FairnessScores>;
}

export interface Fairness {
  /** The dataset the rows come from (an evaluation's dataset for detection). */
  dataset: Dataset;
  /** positive, control fields, sensitive fields, rows, positives, and each metric with its _low and _high. */
  groups: ColumnTable;
  /** positive, control fields, rows, and each metric over all rows (of the control group). */
  overall: ColumnTable;
  /** positive, control fields, metric, group_min, group_max, difference, difference_to_overall, ratio, ratio_to_overall, lowest, highest. */
  disparities: ColumnTable;
  summary: FairnessSummary;
}

const PLACE = "fairness";

export function fairness(input: Dataset | DetectionEvaluation, options: FairnessOptions): Fairness {
  const sensitive = fieldList(options.sensitive, "sensitive");
  const control = options.control === undefined ? [] : fieldList(options.control, "control");
  const source = rowsOf(input, options);
  const metrics = checkMetrics(
    options.metrics ?? (source.kind === "detection" ? FAIRNESS_DEFAULTS.detectionMetrics : FAIRNESS_DEFAULTS.metrics),
  );
  const B = options.bootstrap ?? FAIRNESS_DEFAULTS.bootstrap;
  const level = options.confidence ?? FAIRNESS_DEFAULTS.confidence;
  const columns = (fields: string[], what: string) => fields.map((f) => source.column(f, `${PLACE}: ${what}`));
  const sensitiveColumns = columns(sensitive, "sensitive"),
    controlColumns = columns(control, "control");
  const all = groupRows([...control, ...sensitive], [...controlColumns, ...sensitiveColumns], source.rows);
  const controls = groupRows(control, controlColumns, source.rows);
  const bySensitive = control.length ? groupRows(sensitive, sensitiveColumns, source.rows) : all;
  // The control group of each (control, sensitive) group.
  const controlOf = new Int32Array(all.keys.length);
  for (let r = 0; r < source.rows; r++) controlOf[all.code[r]] = controls.code[r];

  const tables = {
    groups: [] as Record<string, unknown>[],
    overall: [] as Record<string, unknown>[],
    gaps: [] as Record<string, unknown>[],
  };
  const scores: Record<string, FairnessScores> = {};
  const rand = mulberry32(options.seed ?? FAIRNESS_DEFAULTS.seed);
  for (const problem of source.problems) {
    const counts = confusionByGroup(problem.truth, problem.predicted, all.code, all.keys.length);
    const overallCounts = confusionByGroup(problem.truth, problem.predicted, controls.code, controls.keys.length);
    const intervals = metrics.map((m) => bootstrapIntervals(m, counts, all.keys.length, B, level, rand));
    all.keys.forEach((key, g) => {
      const row: Record<string, unknown> = { positive: problem.positive };
      key.forEach((v, f) => (row[all.fields[f]] = v));
      row.rows = counts[4 * g] + counts[4 * g + 1] + counts[4 * g + 2] + counts[4 * g + 3];
      row.positives = counts[4 * g] + counts[4 * g + 2];
      metrics.forEach((m, j) => {
        row[m] = rate(m, counts, g);
        row[`${m}_low`] = intervals[j].low[g];
        row[`${m}_high`] = intervals[j].high[g];
      });
      tables.groups.push(row);
    });
    controls.keys.forEach((key, c) => {
      const head: Record<string, unknown> = { positive: problem.positive };
      key.forEach((v, f) => (head[control[f]] = v));
      const members = all.keys.flatMap((_, g) => (controlOf[g] === c ? [g] : []));
      tables.overall.push({
        ...head,
        rows: rate("count", overallCounts, c),
        ...Object.fromEntries(metrics.map((m) => [m, rate(m, overallCounts, c)])),
      });
      for (const m of metrics) {
        const v = members.map((g) => rate(m, counts, g));
        const d = disparity(v, rate(m, overallCounts, c));
        const name = (at: number) => (members.length ? all.keys[members[at]].slice(control.length).join(" & ") : null);
        tables.gaps.push({
          ...head,
          metric: m,
          group_min: d.groupMin,
          group_max: d.groupMax,
          difference: d.difference,
          difference_to_overall: d.differenceToOverall,
          ratio: d.ratio,
          ratio_to_overall: d.ratioToOverall,
          lowest: name(v.indexOf(d.groupMin)),
          highest: name(v.indexOf(d.groupMax)),
        });
      }
    });
    scores[problem.positive] = fairnessScores(problem, bySensitive);
  }
  // NaN (a ratio of 0 to 0, an interval without resamples) is written as null.
  const ordered = (rows: Record<string, unknown>[], names: string[]) =>
    aq.table(Object.fromEntries(names.map((n) => [n, rows.map((r) => (Number.isNaN(r[n]) ? null : (r[n] ?? null)))])));
  const metricColumns = metrics.flatMap((m) => [m, `${m}_low`, `${m}_high`]);
  return {
    dataset: input instanceof DetectionEvaluation ? input.dataset : input,
    groups: ordered(tables.groups, ["positive", ...control, ...sensitive, "rows", "positives", ...metricColumns]),
    overall: ordered(tables.overall, ["positive", ...control, "rows", ...metrics]),
    disparities: ordered(tables.gaps, [
      "positive",
      ...control,
      "metric",
      "group_min",
      "group_max",
      "difference",
      "difference_to_overall",
      "ratio",
      "ratio_to_overall",
      "lowest",
      "highest",
    ]),
    summary: {
      kind: source.kind,
      rows: source.rows,
      sensitive,
      control,
      metrics,
      groups: all.keys.length,
      missing: Object.fromEntries([
        ...control.map((f, i) => [f, controls.missing[i]]),
        ...sensitive.map((f, i) => [f, bySensitive.missing[i]]),
      ]),
      scores,
    },
  };
}

/** Demographic parity, equal opportunity and equalized odds of one problem over the sensitive groups. */
function fairnessScores(problem: BinaryProblem, groups: Grouping): FairnessScores {
  const counts = confusionByGroup(problem.truth, problem.predicted, groups.code, groups.keys.length);
  const overall = confusionByGroup(problem.truth, problem.predicted, new Int32Array(problem.truth.length), 1);
  const gap = (m: RateName): Disparity =>
    disparity(
      Array.from(groups.keys, (_, g) => rate(m, counts, g)),
      rate(m, overall, 0),
    );
  const asGap = (d: Disparity): Gap => ({
    difference: d.difference,
    ratio: d.ratio,
    differenceToOverall: d.differenceToOverall,
    ratioToOverall: d.ratioToOverall,
  });
  const tpr = gap("true_positive_rate"),
    fpr = gap("false_positive_rate");
  // Fairlearn takes Python's max() and min() of the two (the first kept unless the second compares
  // above or below it: a NaN first stays) and pandas' mean() (NaN skipped).
  const larger = (a: number, b: number) => (b > a ? b : a);
  const smaller = (a: number, b: number) => (b < a ? b : a);
  const mean = (a: number, b: number) => (Number.isNaN(a) ? b : Number.isNaN(b) ? a : (a + b) / 2);
  return {
    demographicParity: asGap(gap("selection_rate")),
    equalOpportunity: asGap(tpr),
    equalizedOdds: {
      difference: larger(tpr.difference, fpr.difference),
      ratio: smaller(tpr.ratio, fpr.ratio),
      differenceToOverall: larger(tpr.differenceToOverall, fpr.differenceToOverall),
      ratioToOverall: smaller(tpr.ratioToOverall, fpr.ratioToOverall),
      mean: {
        difference: mean(tpr.difference, fpr.difference),
        ratio: mean(tpr.ratio, fpr.ratio),
        differenceToOverall: mean(tpr.differenceToOverall, fpr.differenceToOverall),
        ratioToOverall: mean(tpr.ratioToOverall, fpr.ratioToOverall),
      },
    },
  };
}

/**
 * Percentile intervals of a rate per group: each group's rows drawn again with replacement (its
 * confusion cells drawn from their shares), B times. NaN for none (B = 0).
 */
function bootstrapIntervals(
  m: RateName,
  counts: Counts,
  groups: number,
  B: number,
  level: number,
  rand: () => number,
): { low: Float64Array; high: Float64Array } {
  const low = new Float64Array(groups).fill(NaN),
    high = new Float64Array(groups).fill(NaN);
  if (B <= 0) return { low, high };
  const draw = new Float64Array(4),
    values = new Float64Array(B);
  for (let g = 0; g < groups; g++) {
    const n = counts[4 * g] + counts[4 * g + 1] + counts[4 * g + 2] + counts[4 * g + 3];
    const c0 = counts[4 * g] / n,
      c1 = c0 + counts[4 * g + 1] / n,
      c2 = c1 + counts[4 * g + 2] / n;
    for (let b = 0; b < B; b++) {
      draw.fill(0);
      for (let i = 0; i < n; i++) {
        const u = rand();
        draw[u < c0 ? 0 : u < c1 ? 1 : u < c2 ? 2 : 3]++;
      }
      values[b] = rate(m, draw, 0);
    }
    values.sort();
    low[g] = percentile(values, ((1 - level) / 2) * 100);
    high[g] = percentile(values, ((1 + level) / 2) * 100);
  }
  return { low, high };
}

function rowsOf(input: Dataset | DetectionEvaluation, options: FairnessOptions): FairnessRows {
  if (input instanceof DetectionEvaluation) return detectionRows(input);
  if (options.truth === undefined || options.prediction === undefined)
    throw new BlindspotError({
      place: `${PLACE}: ${options.truth === undefined ? "truth" : "prediction"}`,
      message: "a dataset needs its true and predicted label fields",
      hint: 'e.g. fairness(ds, { truth: "label", prediction: "predicted", sensitive: "camera" }), or pass a detection evaluation',
    });
  return classificationRows(input, options.truth, options.prediction, options.positive);
}

function fieldList(value: string | string[], what: string): string[] {
  const list = [value].flat();
  if (!list.length || list.some((f) => typeof f !== "string"))
    throw new BlindspotError({
      place: `${PLACE}: ${what}`,
      message: `${what} must name one field or several, got ${JSON.stringify(value)}`,
      hint: 'e.g. "camera" or ["camera", "time_of_day"]',
    });
  return list;
}

function checkMetrics(metrics: RateName[]): RateName[] {
  for (const m of metrics)
    if (!RATE_NAMES.includes(m))
      throw new BlindspotError({
        place: `${PLACE}: metrics`,
        message: `unknown metric ${JSON.stringify(m)}`,
        hint: `choose from ${RATE_NAMES.join(", ")}`,
      });
  return metrics;
}
