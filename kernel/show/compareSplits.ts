import * as aq from "arquero";
import type { CompareSplits } from "../../src/analyze/compareSplits";
import { Dataset } from "../../src/dataset/dataset";
import type { MimeData } from "../display/display";
import { linkGroup } from "../linkGroup";
import { metric } from "../plot/metric";
import { chartOutput } from "./chart";
import { gridOutput } from "./grid";
import { tableOutput } from "./table";

type Output = { data: MimeData; group: string };

export function isCompareSplits(x: unknown): x is CompareSplits {
  if (typeof x !== "object" || x === null) return false;
  const r = x as Partial<CompareSplits>;
  return r.dataset instanceof Dataset && !!r.splits && !!r.gaps && typeof r.summary?.headline === "string";
}

/**
 * Over- and underfitting as outputs: the gaps to the training split under a title that says what
 * was flagged, the headline metric per split with its interval (click a bar: that split's
 * samples), the per-split table, and the grid captioned by the split field.
 */
export async function compareSplitsOutputs(result: CompareSplits): Promise<Output[]> {
  const { summary, dataset: ds } = result;
  const group = linkGroup(ds);
  const verdict = summary.overfit.length
    ? `overfitting: ${summary.headline} clearly better on ${summary.train} than on ${summary.overfit.join(", ")}`
    : `no split's ${summary.headline} falls clearly below ${summary.train}'s`;
  const title = `${result.model} by ${summary.field}: ${verdict}${summary.underfit ? `; underfitting: ${summary.train}'s ${summary.headline} below the minimum` : ""}`;
  const m = summary.headline;
  const bars = result.splits
    .select("split", "samples", m, `${m}_low`, `${m}_high`)
    .rename({ split: summary.field })
    .derive({ model: aq.escape(() => result.model) });
  return [
    tableOutput(result.gaps, { group, title, idColumn: null }),
    await chartOutput(
      metric(bars, {
        by: summary.field,
        metric: m,
        dataset: ds,
        group,
        title: `${m} by ${summary.field}, ${summary.train} first (bars: bootstrap interval); click a bar for its samples`,
      }),
      { group },
    ),
    tableOutput(result.splits, { group, title: `Every metric by ${summary.field}, with its interval`, idColumn: null }),
    await gridOutput(ds.view(), { group, caption: [summary.field], title: `${ds.name} by ${summary.field}` }),
  ];
}
