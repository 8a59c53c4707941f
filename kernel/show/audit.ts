import * as aq from "arquero";
import type { Audit } from "../../src/analyze/audit";
import { Dataset } from "../../src/dataset/dataset";
import type { MimeData } from "../display/display";
import { linkGroup } from "../linkGroup";
import { metric } from "../plot/metric";
import { chartOutput } from "./chart";
import { gridOutput } from "./grid";
import { tableOutput } from "./table";

type Output = { data: MimeData; group: string };

export function isAudit(x: unknown): x is Audit {
  if (typeof x !== "object" || x === null) return false;
  const a = x as Partial<Audit>;
  return a.dataset instanceof Dataset && Array.isArray(a.findings) && Array.isArray(a.skipped) && !!a.members;
}

/**
 * An audit as a dashboard: the ranked findings with their fixes under a headline naming the first;
 * a bar per finding in rank order (the model's mean error inside it, with its interval, when there
 * are predictions; else its share of the samples), a click on a bar filling the grid with the
 * finding's samples; the grid; and the checks skipped, with why.
 */
export async function auditOutputs(a: Audit): Promise<Output[]> {
  const ds = a.dataset;
  const group = linkGroup(ds);
  const s = a.summary;
  const title = s.top
    ? `Audit of ${ds.name}: ${s.findings} findings, most costly first. 1. ${s.top}`
    : `Audit of ${ds.name}: nothing found by the ${s.checks.ran.length} checks that ran`;
  const outputs: Output[] = [
    tableOutput(a.table.select("rank", "kind", "statement", "samples", "effect", "fix"), {
      group,
      title,
      idColumn: null,
    }),
  ];
  if (a.findings.length) {
    const measured = a.findings.every((f) => f.effect);
    const name = measured ? "mean errors per image inside" : "share of the samples";
    const label = (f: Audit["findings"][number]) => `${f.rank}. ${f.kind}: ${f.statement.slice(0, 48)}`;
    const bars = aq.table({
      finding: a.findings.map(label),
      model: a.findings.map(() => s.predictions ?? "samples"),
      samples: a.findings.map((f) => f.samples.length),
      // The column's name is the chart's axis title.
      [name]: a.findings.map((f) => (measured ? f.effect!.inside : f.size)),
      [`${name}_low`]: a.findings.map((f) => (measured ? f.effect!.insideLow : null)),
      [`${name}_high`]: a.findings.map((f) => (measured ? f.effect!.insideHigh : null)),
    });
    const labelOf = new Map(a.findings.map((f) => [f.id, label(f)]));
    const what = measured
      ? `Mean ${s.errors} inside each finding (bars: bootstrap interval), in rank order`
      : "Share of the samples each finding names, in rank order";
    const plot = metric(bars, {
      by: "finding",
      metric: name,
      dataset: ds,
      members: {
        ids: a.members.array("id") as string[],
        slices: (a.members.array("finding") as string[]).map((id) => labelOf.get(id)!),
      },
      group,
      title: `${what}; click a bar for its samples`,
    });
    outputs.push(await chartOutput(plot, { group }));
  }
  outputs.push(await gridOutput(ds.view(), { group, title: `${ds.name}: pick a finding above to see its samples` }));
  if (a.skipped.length)
    outputs.push(tableOutput(aq.from(a.skipped), { title: "Checks not run, and why", idColumn: null }));
  return outputs;
}
