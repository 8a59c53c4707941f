import * as aq from "arquero";
import type { FoundSlices } from "../../src/analyze/slices";
import { values } from "../../src/dataset/columns";
import { Dataset } from "../../src/dataset/dataset";
import type { MimeData } from "../display/display";
import { linkGroup } from "../linkGroup";
import { metric } from "../plot/metric";
import { chartOutput } from "./chart";
import { gridOutput } from "./grid";
import { tableOutput } from "./table";

type Output = { data: MimeData; group: string };

export function isFoundSlices(x: unknown): x is FoundSlices {
  if (typeof x !== "object" || x === null) return false;
  const r = x as Partial<FoundSlices>;
  return r.dataset instanceof Dataset && !!r.slices && !!r.members && typeof r.summary?.averageError === "number";
}

/**
 * Found slices as outputs: the slices table under a headline that names the worst one, a bar per
 * slice of its mean error with its bootstrap interval, in rank order (click a bar: the slice's
 * samples; a sample can lie in several slices), and the dataset's grid captioned by the fields
 * the slices use and the error, linked to the chart.
 */
export async function slicesOutputs(result: FoundSlices): Promise<Output[]> {
  const { summary, dataset: ds } = result;
  const group = linkGroup(ds);
  const shown = result.slices.select(
    "rank",
    "slice",
    "size",
    "errors",
    "average_error",
    "average_error_low",
    "average_error_high",
    "score",
  );
  const outputs: Output[] = [tableOutput(shown, { group, title: headline(result), idColumn: null })];
  if (result.slices.numRows()) {
    const slices = Array.from(values<string>(result.slices, "slice"));
    const bars = aq.table({
      slice: slices,
      model: slices.map(() => summary.errors),
      samples: Array.from(values<number>(result.slices, "size")),
      average_error: Array.from(values<number>(result.slices, "average_error")),
      average_error_low: Array.from(values<number | null>(result.slices, "average_error_low")),
      average_error_high: Array.from(values<number | null>(result.slices, "average_error_high")),
    });
    const rankOf = Array.from(values<number>(result.members, "rank"));
    const plot = metric(bars, {
      by: "slice",
      metric: "average_error",
      dataset: ds,
      members: { ids: Array.from(values<string>(result.members, "id")), slices: rankOf.map((r) => slices[r - 1]) },
      group,
      title:
        `Mean ${summary.errors} per slice, in rank order (the average is ${summary.averageError.toFixed(3)}; ` +
        `bars: bootstrap interval); click a bar for its samples`,
    });
    outputs.push(await chartOutput(plot, { group }));
  }
  const used = summary.features
    .map((f) => f.name)
    .filter((f) => ds.samples.columnNames().includes(f) && result.slices.columnNames().includes(f))
    .filter((f) => Array.from(values(result.slices, f)).some((v) => v !== null));
  const errorField = ds.samples.columnNames().includes(summary.errors) ? [summary.errors] : [];
  outputs.push(
    await gridOutput(ds.view(), {
      group,
      caption: [...used, ...errorField],
      title: `${ds.name}: pick a slice above to see its samples`,
    }),
  );
  return outputs;
}

/** "Worst slice: camera = cam_e & boxes = q4: 6 to 8 (36 samples), mean error 5.36, 2.7x the average 2.02". */
function headline(result: FoundSlices): string {
  const { summary } = result;
  const head = `Slices where ${summary.errors} is highest (${summary.samples} samples, at least ${summary.minSupport} per slice)`;
  if (!summary.top) return `${head}: none scores above 0; try a lower minSupport or more fields`;
  const t = summary.top;
  return (
    `${head}. Worst: ${t.slice} (${t.size} samples), mean ${t.averageError.toFixed(3)}, ` +
    `${t.ratio.toFixed(1)}x the average ${summary.averageError.toFixed(3)}`
  );
}
