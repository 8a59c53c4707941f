import { describe, expect, test } from "vitest";
import { MIME, type ChartBundle, type GridBundle, type TableBundle } from "../../kernel/protocol";
import { show } from "../../kernel/show";
import { errorClusters } from "../../src/analyze/slices/clusters";
import { values } from "../../src/dataset/columns";
import { mulberry32 } from "../../src/dataset/view";
import type { Embeddings } from "../../src/embed/embed";
import { gaussian } from "../../src/embed/project/random";
import { evaluateDetections } from "../../src/eval/detection";
import { captureOutputs, demoDataset, readArrow } from "./helpers";

/** `show(errorClusters(...))`: the clusters, a bar per cluster linked to its samples, the map by cluster, the grid. */
describe("show(errorClusters(...))", () => {
  test("a headline naming the worst cluster, bars that select each cluster's samples, the map, the grid", async () => {
    const ds = await demoDataset();
    // Stand-in embeddings: the demo's cameras as three blobs, so that clusters follow them.
    const ids = Array.from(values<string>(ds.samples, "id"));
    const camera = Array.from(values<string>(ds.samples, "camera"));
    const normal = gaussian(mulberry32(3));
    const dim = 8;
    const vectors = new Float32Array(ids.length * dim);
    ids.forEach((_, i) => {
      for (let d = 0; d < dim; d++)
        vectors[i * dim + d] = (camera[i] === "cam_e" ? 4 : 0) * (d === 0 ? 1 : 0) + normal() * 0.5;
    });
    const embeddings = {
      ids,
      vectors,
      dim,
      model: { card: { name: "stand-in" } },
      provider: "ts",
    } as unknown as Embeddings;
    const result = await errorClusters(evaluateDetections(ds, "model"), embeddings, { k: [2, 4], bootstrap: 20 });
    const { outputs: all, notebookDir } = captureOutputs("error-clusters-view");
    await show(result);
    const outputs = all.filter((o) => Object.keys(o.data).some((m) => m.startsWith("application/vnd.blindspot")));
    const kinds = outputs.map((o) => Object.keys(o.data).find((m) => m.startsWith("application/vnd.blindspot")));
    expect(kinds).toEqual([MIME.table, MIME.chart, MIME.chart, MIME.grid]);

    const table = outputs[0].data[MIME.table] as TableBundle;
    expect(table.title).toMatch(
      /^Error clusters in embedding space \(\d+ samples, k = \d by silhouette\): worst, cluster \d/,
    );

    const bars = outputs[1].data[MIME.chart] as ChartBundle;
    const rows = readArrow(notebookDir, bars.link!.rows);
    const linked = Array.from(rows.getChild("id").toArray() as string[]);
    const slice = Array.from(rows.getChild("slice").toArray() as string[]);
    const cluster = Array.from(values<number | null>(ds.samples, "error_cluster"));
    const worst = result.summary.worst.cluster;
    expect(new Set(linked.filter((_, i) => slice[i] === `cluster ${worst}`))).toEqual(
      new Set(ids.filter((_, i) => cluster[i] === worst)),
    );
    const map = outputs[2].data[MIME.chart] as ChartBundle;
    expect(map.title).toMatch(/error_cluster/);
    const grid = outputs[3].data[MIME.grid] as GridBundle;
    expect(grid.caption).toEqual(["error_cluster"]);
  });
});
