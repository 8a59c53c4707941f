import * as aq from "arquero";
import type { Overconfidence } from "../../src/analyze/overconfidence";
import { values } from "../../src/dataset/columns";
import { Dataset } from "../../src/dataset/dataset";
import type { MimeData } from "../display/display";
import { linkGroup } from "../linkGroup";
import { metric } from "../plot/metric";
import { chartOutput } from "./chart";
import { gridOutput } from "./grid";
import { tableOutput } from "./table";

type Output = { data: MimeData; group: string };

export function isOverconfidence(x: unknown): x is Overconfidence {
  if (typeof x !== "object" || x === null) return false;
  const r = x as Partial<Overconfidence>;
  return (
    r.dataset instanceof Dataset && !!r.errors && !!r.calibration && typeof r.summary?.confidentErrors === "number"
  );
}

/**
 * Overconfidence as outputs: the confident errors ranked under a headline (click a row: its
 * sample), the calibration per window when there are several (click a bar: the window's samples),
 * the reliability of each score bin, and the grid of the samples behind the errors, in rank order.
 */
export async function overconfidenceOutputs(result: Overconfidence): Promise<Output[]> {
  const { summary, dataset: ds } = result;
  const group = linkGroup(ds);
  const outputs: Output[] = [tableOutput(result.errors, { group, title: headline(result), idColumn: "sample_id" })];
  const windows = result.windows.filter((d: { scored: number }) => d.scored > 0);
  const named = summary.kind === "detection" ? "D-ECE (precision against score)" : "ECE";
  if (windows.numRows() > 1) {
    const bars = aq.table({
      window: Array.from(values<string>(windows, "window")),
      model: Array.from(values<number>(windows, "window"), () => "model"),
      samples: Array.from(values<number>(windows, "scored")),
      ece: Array.from(values<number>(windows, "ece")),
    });
    const plot = metric(bars, {
      by: "window",
      metric: "ece",
      dataset: ds,
      members: {
        ids: Array.from(values<string>(result.members, "id")),
        slices: Array.from(values<string>(result.members, "window")),
      },
      group,
      title: `${named} per window (0: scores mean what they say); click a window for its samples`,
    });
    outputs.push(await chartOutput(plot, { group }));
  }
  const c = result.calibration;
  if (c.numRows()) {
    const lower = Array.from(values<number>(c, "lower")),
      upper = Array.from(values<number>(c, "upper"));
    const bins = aq.table({
      score: lower.map((l, i) => `${l.toFixed(2)}-${upper[i].toFixed(2)}`),
      model: Array.from(values<string>(c, "window")),
      samples: Array.from(values<number>(c, "count")),
      right_share: Array.from(values<number>(c, "right_share")),
    });
    const right = summary.kind === "detection" ? "precision" : "accuracy";
    const plot = metric(bins.orderby("score"), {
      by: "score",
      metric: "right_share",
      group,
      title: `Reliability: the ${right} of each score bin, per window (calibrated: the ${right} equals the bin's score)`,
    });
    outputs.push(await chartOutput(plot, { group }));
  }
  const sampleIds = [...new Set(values<string>(result.errors, "sample_id"))];
  if (sampleIds.length)
    outputs.push(
      await gridOutput(ds.view().ids(sampleIds), {
        group,
        title: `${ds.name}: the ${sampleIds.length} samples behind the confident errors`,
      }),
    );
  return outputs;
}

function headline({ summary }: Overconfidence): string {
  const what = summary.kind === "detection" ? "predicted boxes" : "predictions";
  const head =
    `${summary.confidentErrors} confident errors (score >= ${summary.threshold}) of ${summary.confident} confident ` +
    `${what} (${summary.scored} in all)`;
  const opinion =
    summary.modelErrors === null
      ? ""
      : `: ${summary.modelErrors} look like the model's error, ${summary.labelSuspected} like a label's (review those labels)`;
  const worst = summary.worstWindow
    ? `; worst window ${summary.worstWindow.window} (${summary.worstWindow.ece.toFixed(3)})`
    : "";
  return `${head}${opinion}. ${summary.kind === "detection" ? "D-ECE" : "ECE"} ${summary.ece.toFixed(3)}${worst}`;
}
