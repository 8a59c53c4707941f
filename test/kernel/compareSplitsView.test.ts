import { describe, expect, test } from "vitest";
import { MIME, type ChartBundle, type TableBundle } from "../../kernel/protocol";
import { show } from "../../kernel/show";
import { compareSplits } from "../../src/analyze/compareSplits";
import { values } from "../../src/dataset/columns";
import { evaluateDetections } from "../../src/eval/detection";
import { captureOutputs, demoDataset, readArrow } from "./helpers";

/** `show(compareSplits(...))`: the gaps, the headline metric per split linked to its samples, every metric, the grid. */
describe("show(compareSplits(...))", () => {
  test("the gaps under a verdict, a bar per split that selects the split's samples, the table and the grid", async () => {
    const ds = await demoDataset();
    const result = compareSplits(evaluateDetections(ds, "model"), { bootstrap: 20 });
    const { outputs: all, notebookDir } = captureOutputs("compare-splits-view");
    await show(result);
    const outputs = all.filter((o) => Object.keys(o.data).some((m) => m.startsWith("application/vnd.blindspot")));
    const kinds = outputs.map((o) => Object.keys(o.data).find((m) => m.startsWith("application/vnd.blindspot")));
    expect(kinds).toEqual([MIME.table, MIME.chart, MIME.table, MIME.grid]);

    const gaps = outputs[0].data[MIME.table] as TableBundle;
    expect(gaps.title).toMatch(/^model by split: (overfitting|no split's mAP falls)/);
    expect(gaps.rows!.length).toBe(result.gaps.numRows());

    const chart = outputs[1].data[MIME.chart] as ChartBundle;
    expect(chart.title).toMatch(/^mAP by split, train first/);
    expect(chart.link).toMatchObject({ param: "pick", type: "point", fields: { slice: "slice" } });
    const rows = readArrow(notebookDir, chart.link!.rows);
    const ids = Array.from(rows.getChild("id").toArray() as string[]);
    const slice = Array.from(rows.getChild("slice").toArray() as string[]);
    const split = values<string>(ds.samples, "split");
    const sampleIds = values<string>(ds.samples, "id");
    const trainIds = new Set(Array.from(sampleIds).filter((_, r) => split[r] === "train"));
    expect(new Set(ids.filter((_, i) => slice[i] === "train"))).toEqual(trainIds);
  });
});
