import * as aq from "arquero";
import type { SplitResult } from "../../src/analyze/split";
import { Dataset } from "../../src/dataset/dataset";
import type { MimeData } from "../display/display";
import { linkGroup } from "../linkGroup";
import { bar } from "../plot/bar";
import { chartOutput } from "./chart";
import { gridOutput } from "./grid";
import { tableOutput } from "./table";

type Output = { data: MimeData; group: string };

export function isSplitResult(x: unknown): x is SplitResult {
  if (typeof x !== "object" || x === null) return false;
  const r = x as Partial<SplitResult>;
  return r.dataset instanceof Dataset && typeof r.summary?.method === "string" && !!r.counts && !!r.classes;
}

/**
 * A split as outputs: its parts (samples, units, shares), a bar per part of the class mix (the
 * ground truth's classes, or its boxes' labels for detection; click a bar for its samples), the
 * per-class table (counts, ideal counts and gaps), and the grid of the dataset captioned by the
 * new field, linked to the chart.
 */
export async function splitOutputs(result: SplitResult): Promise<Output[]> {
  const { summary, dataset: ds } = result;
  const group = linkGroup(ds);
  const title =
    `${summary.method} into ${summary.field} (seed ${summary.seed}${summary.shuffle ? ", shuffled" : ""}): ` +
    `${summary.units} units kept whole, ${summary.duplicateSets} duplicate sets` +
    (summary.groups ? `, groups ${summary.groups}` : "") +
    (summary.largestGap === null ? "" : `; largest gap from the ideal class count ${+summary.largestGap.toFixed(2)}`) +
    (summary.unreadableTimes.count
      ? `; ${summary.unreadableTimes.count} samples without a readable time left out`
      : "");
  const outputs: Output[] = [tableOutput(result.counts, { group, title, idColumn: null })];
  const truth = ds.fields.find((f) => f.name === summary.stratifiedBy) ?? ds.fields.find((f) => !f.predicted);
  if (truth) {
    const boxes = truth.kind === "detections";
    const chart = bar(ds, summary.field, {
      stack: boxes ? "label" : truth.name,
      ...(boxes && { labelField: truth.name }),
      normalize: true,
      order: summary.parts,
      group,
      title: `Class mix per ${summary.field} (${boxes ? `${truth.name} boxes` : truth.name}); click a bar for its samples`,
    });
    outputs.push(await chartOutput(chart, { group }));
    const round = (v: number) => Math.round(v * 100) / 100;
    const classes = result.classes.derive({
      ideal: aq.escape((d: { ideal: number }) => round(d.ideal)),
      gap: aq.escape((d: { gap: number }) => round(d.gap)),
    });
    outputs.push(
      tableOutput(classes, { group, title: "Per part and class: count, ideal count and gap", idColumn: null }),
    );
  }
  outputs.push(
    await gridOutput(ds.view(), { group, caption: [summary.field], title: `${ds.name} by ${summary.field}` }),
  );
  return outputs;
}
