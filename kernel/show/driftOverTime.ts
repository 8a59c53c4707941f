import * as aq from "arquero";
import type { DriftOverTime } from "../../src/analyze/drift/overTime";
import { values } from "../../src/dataset/columns";
import { Dataset } from "../../src/dataset/dataset";
import type { MimeData } from "../display/display";
import { linkGroup } from "../linkGroup";
import { metric } from "../plot/metric";
import { chartOutput } from "./chart";
import { gridOutput } from "./grid";
import { tableOutput } from "./table";

type Output = { data: MimeData; group: string };

export function isDriftOverTime(x: unknown): x is DriftOverTime {
  if (typeof x !== "object" || x === null) return false;
  const r = x as Partial<DriftOverTime>;
  return r.dataset instanceof Dataset && !!r.windows && !!r.members && typeof r.summary?.compared === "number";
}

/**
 * Drift over time as outputs: the windows under a headline naming those that drifted, a bar per
 * window of its share of drifted fields (click: the window's samples), and the grid captioned by
 * the time field.
 */
export async function driftOverTimeOutputs(result: DriftOverTime): Promise<Output[]> {
  const { summary, dataset: ds } = result;
  const group = linkGroup(ds);
  const outputs: Output[] = [
    tableOutput(result.windows.select(shownColumns(result)), {
      group,
      title: headline(result),
      idColumn: null,
    }),
  ];
  const withSamples = result.windows.filter((d: { samples: number }) => d.samples > 0);
  if (withSamples.numRows()) {
    const status = Array.from(values<string>(withSamples, "status"));
    const drifted = Array.from(values<boolean | null>(withSamples, "dataset_drift"));
    const bars = aq.table({
      window: Array.from(values<string>(withSamples, "window")),
      model: status.map((s, i) => (s !== "compared" ? s : drifted[i] ? "drifted" : "not drifted")),
      samples: Array.from(values<number>(withSamples, "samples")),
      share: Array.from(values<number | null>(withSamples, "share"), (v) => v ?? 0),
    });
    const plot = metric(bars, {
      by: "window",
      metric: "share",
      dataset: ds,
      members: {
        ids: Array.from(values<string>(result.members, "id")),
        slices: Array.from(values<string>(result.members, "window")),
      },
      group,
      title: `Share of drifted fields per ${String(summary.window)} (the dataset drifts at 0.5); click a window for its samples`,
    });
    outputs.push(await chartOutput(plot, { group }));
  }
  outputs.push(
    await gridOutput(ds.view(), {
      group,
      caption: [summary.time],
      title: `${ds.name}: pick a window above to see its samples`,
    }),
  );
  return outputs;
}

/** The windows' columns worth reading, with the images' verdict when embeddings were compared. */
function shownColumns(result: DriftOverTime): string[] {
  const base = ["window", "samples", "status", "drifted_fields", "share", "dataset_drift"];
  return result.summary.imagesDrifted ? [...base, "images_auc", "images_p", "images_drift"] : base;
}

function headline({ summary }: DriftOverTime): string {
  const head =
    `Drift per ${String(summary.window)} of ${summary.time} against ` +
    `${summary.reference === "given" ? "the given reference" : `the first full window (${summary.reference})`}: ` +
    `${summary.compared} of ${summary.windows} windows compared`;
  const without =
    (summary.imagesDrifted ? `; images drifted: ${summary.imagesDrifted.join(", ") || "none"}` : "") +
    (summary.withoutTime ? `; ${summary.withoutTime} samples have no time` : "");
  return summary.drifted.length
    ? `${head}; drifted: ${summary.drifted.slice(0, 6).join(", ")}${summary.drifted.length > 6 ? ", ..." : ""}${without}`
    : `${head}; no window drifted${without}`;
}
