import { describe, expect, test } from "vitest";
import { MIME, type ChartBundle, type TableBundle } from "../../kernel/protocol";
import { show } from "../../kernel/show";
import { split } from "../../src/analyze/split";
import { values } from "../../src/dataset/columns";
import { captureOutputs, demoDataset, readArrow } from "./helpers";

/** `show(split(...))`: the parts, the class mix per part as a linked chart, the per-class table and a grid. */
describe("show(split result)", () => {
  test("demo, stratified 70/15/15: the chart's bars select the samples of their split", async () => {
    const ds = await demoDataset();
    const result = split(ds, { stratify: true, seed: 1, field: "new_split" });
    const { outputs: all, notebookDir } = captureOutputs("split-view");
    await show(result);
    const outputs = all.filter((o) => Object.keys(o.data).some((m) => m.startsWith("application/vnd.blindspot")));
    const kinds = outputs.map((o) => Object.keys(o.data).find((m) => m.startsWith("application/vnd.blindspot")));
    expect(kinds).toEqual([MIME.table, MIME.chart, MIME.table, MIME.grid]);

    const parts = outputs[0].data[MIME.table] as TableBundle;
    expect(parts.title).toContain("iterative-stratified-ratio into new_split");
    expect(parts.rows!.map((r) => r[0])).toEqual(["train", "val", "test"]);
    const chart = outputs[1].data[MIME.chart] as ChartBundle;
    expect(chart.title).toContain("Class mix per new_split (ground_truth boxes)");
    expect((outputs[1].data["image/svg+xml"] as string).startsWith("<svg")).toBe(true);
    // One linked row per ground-truth box, carrying its sample's split.
    const rows = readArrow(notebookDir, chart.link!.rows);
    const splitOf = new Map(
      Array.from(values<string>(ds.samples, "id"), (id, i) => [id, ds.samples.get("new_split", i) as string]),
    );
    expect(rows.numRows).toBe(ds.objectCount("ground_truth"));
    for (let r = 0; r < rows.numRows; r += 97)
      expect(rows.getChild("x")!.get(r)).toBe(splitOf.get(rows.getChild("id")!.get(r)));
    const classes = outputs[2].data[MIME.table] as TableBundle;
    expect(classes.columns.map((c) => c.name)).toEqual([
      "part",
      "label",
      "count",
      "proportion",
      "overall",
      "ideal",
      "gap",
    ]);
  });
});
