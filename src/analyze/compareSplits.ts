/**
 * Over- and underfitting: an evaluation's metrics on each split side by side (training, validation,
 * test), with percentile bootstrap intervals, and each split's gap to the training split with an
 * interval of its own (both splits resampled, each on its own). A model is flagged as overfitting a
 * split when the gap's whole interval lies on the training split's side: better on the data it was
 * fitted to by more than chance explains. Underfitting shows as a training split that is no better
 * than the rest, or poor: `underfit` flags a headline metric on the training split whose interval
 * lies wholly below `minimum`, when one is given.
 */

import * as aq from "arquero";
import type { ColumnTable } from "arquero";
import { values } from "../dataset/columns";
import type { Dataset } from "../dataset/dataset";
import { mulberry32 } from "../dataset/view";
import { checkField } from "../dataset/fieldCheck";
import { BlindspotError } from "../errors";
import type { Sliceable } from "../eval/sliceable";
import { bootstrapDraws, percentileInterval } from "../eval/slices";

export interface CompareSplitsOptions {
  /** The sample field holding the split (default "split"). */
  field?: string;
  /** The split the model was trained on (default "train"). */
  train?: string;
  /** Bootstrap resamples for the intervals (default 200). */
  bootstrap?: number;
  /** Confidence level of the intervals (default 0.95). */
  confidence?: number;
  seed?: number;
  /** The headline metric's least acceptable value on the training split (no underfitting check without it). */
  minimum?: number;
}

export const COMPARE_SPLITS_DEFAULTS = { field: "split", train: "train", bootstrap: 200, confidence: 0.95, seed: 0 };

/** Metrics where a lower value is better; every other metric of an evaluation is better higher. */
const LOWER_IS_BETTER = /loss|brier|ece|error/;

export interface CompareSplitsSummary {
  field: string;
  train: string;
  headline: string;
  /** The splits whose gap to the training split's headline metric lies wholly on the training side. */
  overfit: string[];
  /** The training split's headline interval lies below `minimum`. */
  underfit: boolean;
}

export interface CompareSplits {
  /** The evaluation's dataset. */
  dataset: Dataset;
  /** The evaluation's prediction field (a model's name). */
  model: string;
  /** split, samples, and each metric with its _low and _high, the training split first. */
  splits: ColumnTable;
  /** split, metric, train, value, gap (train minus split, sign-adjusted so that positive favours train), gap_low, gap_high, overfit. */
  gaps: ColumnTable;
  summary: CompareSplitsSummary;
}

export function compareSplits(ev: Sliceable, options: CompareSplitsOptions = {}): CompareSplits {
  const o = { ...COMPARE_SPLITS_DEFAULTS, ...options };
  const ds = ev.dataset;
  const field = checkField(o.field, ds.samples.columnNames(), "compareSplits: field");
  const splitOf = values<unknown>(ds.samples, field);
  const rowsOf = new Map<string, number[]>();
  for (let r = 0; r < ds.samples.numRows(); r++) {
    if (splitOf[r] === null || splitOf[r] === undefined) continue;
    const s = String(splitOf[r]);
    const rows = rowsOf.get(s);
    if (rows) rows.push(r);
    else rowsOf.set(s, [r]);
  }
  if (!rowsOf.has(o.train))
    throw new BlindspotError({
      place: `compareSplits: train`,
      message: `no sample has ${field} = ${JSON.stringify(o.train)}`,
      hint: `its values: ${[...rowsOf.keys()].sort().join(", ")}; name the training split with { train }`,
    });
  const order = [o.train, ...[...rowsOf.keys()].filter((s) => s !== o.train).sort()];
  const rand = mulberry32(o.seed);
  const per = order.map((split) => {
    const rows = Int32Array.from(rowsOf.get(split)!);
    const draws = bootstrapDraws(ev, rows, o.bootstrap, rand);
    return { split, rows, value: ev.metricsOf(rows), draws, ...percentileInterval(draws, o.confidence) };
  });
  const metrics = ev.metrics;
  const nullIfNaN = (v: number) => (Number.isNaN(v) ? null : v);
  const splits = aq.table({
    split: order,
    samples: per.map((p) => p.rows.length),
    ...Object.fromEntries(
      metrics.flatMap((m, j) => [
        [m, per.map((p) => nullIfNaN(p.value[j]))],
        [`${m}_low`, per.map((p) => nullIfNaN(p.low[j]))],
        [`${m}_high`, per.map((p) => nullIfNaN(p.high[j]))],
      ]),
    ),
  });
  const train = per[0];
  const gapRows: Record<string, unknown>[] = [];
  for (const p of per.slice(1)) {
    metrics.forEach((m, j) => {
      const sign = LOWER_IS_BETTER.test(m) ? -1 : 1;
      const diff = Float64Array.from(train.draws[j], (t, b) => sign * (t - p.draws[j][b]));
      const { low, high } = percentileInterval([diff], o.confidence);
      gapRows.push({
        split: p.split,
        metric: m,
        train: nullIfNaN(train.value[j]),
        value: nullIfNaN(p.value[j]),
        gap: nullIfNaN(sign * (train.value[j] - p.value[j])),
        gap_low: nullIfNaN(low[0]),
        gap_high: nullIfNaN(high[0]),
        overfit: low[0] > 0,
      });
    });
  }
  const headline = metrics[0];
  const headlineLow = train.low[0],
    headlineHigh = train.high[0];
  const lowerBetter = LOWER_IS_BETTER.test(headline);
  return {
    dataset: ds,
    model: ev.field,
    splits,
    gaps: aq.from(gapRows, ["split", "metric", "train", "value", "gap", "gap_low", "gap_high", "overfit"]),
    summary: {
      field,
      train: o.train,
      headline,
      overfit: gapRows.filter((g) => g.metric === headline && g.overfit).map((g) => g.split as string),
      underfit: o.minimum !== undefined && (lowerBetter ? headlineLow > o.minimum : headlineHigh < o.minimum),
    },
  };
}
