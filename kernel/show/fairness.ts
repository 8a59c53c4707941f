import * as aq from "arquero";
import type { Fairness } from "../../src/analyze/fairness";
import { MISSING } from "../../src/analyze/fairness/groups";
import type { RateName } from "../../src/analyze/fairness/rates";
import { values } from "../../src/dataset/columns";
import { Dataset } from "../../src/dataset/dataset";
import type { MimeData } from "../display/display";
import { linkGroup } from "../linkGroup";
import { metric } from "../plot/metric";
import { chartOutput } from "./chart";
import { gridOutput } from "./grid";
import { tableOutput } from "./table";

type Output = { data: MimeData; group: string };

/** Rates where a lower value is the worse one (the others, false positive and negative rates, the reverse). */
const HIGHER_IS_BETTER = new Set<RateName>([
  "true_positive_rate",
  "true_negative_rate",
  "accuracy",
  "precision",
  "selection_rate",
  "count",
]);

export function isFairness(x: unknown): x is Fairness {
  if (typeof x !== "object" || x === null) return false;
  const r = x as Partial<Fairness>;
  return r.dataset instanceof Dataset && !!r.groups && !!r.disparities && Array.isArray(r.summary?.sensitive);
}

/**
 * Fairness as outputs: the disparities table under a title that names the fairness metrics, a bar
 * chart per metric with one bar per group, worst first, its bootstrap interval as an error bar
 * (click a bar: that group's samples), the groups table, and the dataset's grid captioned by the
 * compared fields, linked to the charts.
 */
export async function fairnessOutputs(result: Fairness): Promise<Output[]> {
  const { summary, dataset: ds } = result;
  const group = linkGroup(ds);
  const fields = [...summary.control, ...summary.sensitive];
  const name = (row: Record<string, unknown>) => fields.map((f) => String(row[f] ?? MISSING)).join(" & ");
  const outputs: Output[] = [tableOutput(result.disparities, { group, title: headline(result), idColumn: null })];
  // Bars link to samples through the fields of each sample (the object's class of a detection is not one).
  const perSample = fields.every((f) => ds.samples.columnNames().includes(f));
  const sampleSlices = perSample
    ? (() => {
        const columns = fields.map((f) => values<unknown>(ds.samples, f));
        return Array.from({ length: ds.count() }, (_, r) => columns.map((c) => String(c[r] ?? MISSING)).join(" & "));
      })()
    : undefined;
  const by = fields.join(" & ");
  for (const m of summary.metrics) {
    const rows = (result.groups.objects() as Record<string, unknown>[])
      .map((g) => ({
        [by]: name(g),
        model: String(g.positive),
        samples: g.rows,
        [m]: g[m],
        [`${m}_low`]: g[`${m}_low`],
        [`${m}_high`]: g[`${m}_high`],
      }))
      .sort((a, b) => ((a[m] as number) - (b[m] as number)) * (HIGHER_IS_BETTER.has(m) ? 1 : -1));
    const table = aq.from(rows);
    const plot = metric(table, {
      by,
      metric: m,
      dataset: perSample ? ds : undefined,
      sampleSlices,
      group,
      title: `${m} by ${by}, worst first (bars: ${summary.kind === "detection" ? "objects'" : "samples'"} bootstrap interval); click a bar for its samples`,
    });
    outputs.push(await chartOutput(plot, { group }));
  }
  outputs.push(
    tableOutput(result.groups, {
      group,
      title: `By ${by}: rows, positives and each metric with its interval`,
      idColumn: null,
    }),
  );
  outputs.push(
    await gridOutput(ds.view(), {
      group,
      caption: fields.filter((f) => ds.samples.columnNames().includes(f)),
      title: `${ds.name} by ${by}`,
    }),
  );
  return outputs;
}

/**
 * Classification: "equalized odds difference 0.44, demographic parity difference 0.34, equal
 * opportunity ratio 0.44" per positive class. Detection (where every unmatched prediction is a
 * negative predicted positive, so parity and false positive rates say nothing): recall's gap.
 */
function headline(result: Fairness): string {
  const { summary } = result;
  const f = (v: number) => (Number.isNaN(v) ? "undefined" : v.toFixed(3));
  const parts = Object.entries(summary.scores).map(([positive, s]) => {
    if (summary.kind === "detection")
      return (
        `recall difference ${f(s.equalOpportunity.difference)}, ratio ${f(s.equalOpportunity.ratio)}` +
        ` (lowest group: ${String(result.disparities.filter((d: { metric: string }) => d.metric === "true_positive_rate").get("lowest", 0) ?? "none")})`
      );
    const head = Object.keys(summary.scores).length > 1 ? `${positive}: ` : "";
    return (
      `${head}equalized odds difference ${f(s.equalizedOdds.difference)}, ` +
      `demographic parity difference ${f(s.demographicParity.difference)}, ` +
      `equal opportunity ratio ${f(s.equalOpportunity.ratio)}`
    );
  });
  return `Fairness by ${summary.sensitive.join(" & ")}${summary.control.length ? ` within ${summary.control.join(" & ")}` : ""} (${summary.rows} ${summary.kind === "detection" ? "objects" : "samples"}): ${parts.slice(0, 3).join("; ")}${parts.length > 3 ? "; ..." : ""}`;
}
