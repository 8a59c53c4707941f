import * as aq from "arquero";
import type { ErrorClusters } from "../../src/analyze/slices/clusters";
import { values } from "../../src/dataset/columns";
import { Dataset } from "../../src/dataset/dataset";
import type { MimeData } from "../display/display";
import { linkGroup } from "../linkGroup";
import { embeddings as embeddingsMap } from "../plot/embeddings";
import { metric } from "../plot/metric";
import { chartOutput } from "./chart";
import { gridOutput } from "./grid";
import { tableOutput } from "./table";

type Output = { data: MimeData; group: string };

export function isErrorClusters(x: unknown): x is ErrorClusters {
  if (typeof x !== "object" || x === null) return false;
  const r = x as Partial<ErrorClusters>;
  return r.dataset instanceof Dataset && !!r.clusters && !!r.embeddings && typeof r.summary?.k === "number";
}

/**
 * Error clusters as outputs: the clusters table under a headline naming the worst, a bar per
 * cluster of its mean error with its bootstrap interval, worst first (click a bar: the cluster's
 * samples), the embeddings map coloured by cluster (brush it: the samples), and the grid.
 */
export async function errorClustersOutputs(result: ErrorClusters): Promise<Output[]> {
  const { summary, dataset: ds } = result;
  const group = linkGroup(ds);
  const name = (c: number) => `cluster ${c}`;
  const outputs: Output[] = [tableOutput(result.clusters, { group, title: headline(result), idColumn: null })];
  const clusters = Array.from(values<number>(result.clusters, "cluster"));
  const bars = aq.table({
    cluster: clusters.map(name),
    model: clusters.map(() => summary.errors),
    samples: Array.from(values<number>(result.clusters, "size")),
    average_error: Array.from(values<number>(result.clusters, "average_error")),
    average_error_low: Array.from(values<number | null>(result.clusters, "average_error_low")),
    average_error_high: Array.from(values<number | null>(result.clusters, "average_error_high")),
  });
  const plot = metric(bars, {
    by: "cluster",
    metric: "average_error",
    dataset: ds,
    members: {
      ids: Array.from(values<string>(result.members, "id")),
      slices: Array.from(values<number>(result.members, "cluster"), name),
    },
    group,
    title:
      `Mean ${summary.errors} per cluster of look-alike images, worst first (the average is ` +
      `${summary.averageError.toFixed(3)}; bars: bootstrap interval); click a bar for its samples`,
  });
  outputs.push(await chartOutput(plot, { group }));
  if (result.field) {
    const map = await embeddingsMap(ds.view(), result.embeddings, { color: result.field, group });
    outputs.push(await chartOutput(map, { group }));
  }
  const errorField = ds.samples.columnNames().includes(summary.errors) ? [summary.errors] : [];
  outputs.push(
    await gridOutput(ds.view(), {
      group,
      caption: [...(result.field ? [result.field] : []), ...errorField],
      title: `${ds.name}: pick a cluster above to see its samples`,
    }),
  );
  return outputs;
}

function headline(result: ErrorClusters): string {
  const { summary: s } = result;
  return (
    `Error clusters in embedding space (${s.samples - s.leftOut} samples, k = ${s.k} by silhouette): worst, ` +
    `cluster ${s.worst.cluster} (${s.worst.size} samples), mean ${s.worst.averageError.toFixed(3)}, ` +
    `${s.worst.ratio.toFixed(1)}x the average ${s.averageError.toFixed(3)}`
  );
}
