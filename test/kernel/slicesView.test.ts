import { describe, expect, test } from "vitest";
import { MIME, type ChartBundle, type GridBundle, type TableBundle } from "../../kernel/protocol";
import { show } from "../../kernel/show";
import { findSlices } from "../../src/analyze/slices";
import { values } from "../../src/dataset/columns";
import { evaluateDetections } from "../../src/eval/detection";
import { captureOutputs, demoDataset, readArrow } from "./helpers";

/** `show(findSlices(...))`: the slices under a headline, a bar per slice linked to its samples, the grid. */
describe("show(findSlices(...))", () => {
  test("a headline naming the worst slice, bars that select each slice's samples (overlapping), the grid", async () => {
    const ds = await demoDataset();
    const result = findSlices(evaluateDetections(ds, "model"), {
      fields: ["camera", "time_of_day", "weather"],
      k: 4,
      minSupport: 8,
      bootstrap: 20,
    });
    expect(result.slices.numRows()).toBeGreaterThanOrEqual(4);
    const { outputs: all, notebookDir } = captureOutputs("slices-view");
    await show(result);
    const outputs = all.filter((o) => Object.keys(o.data).some((m) => m.startsWith("application/vnd.blindspot")));
    const kinds = outputs.map((o) => Object.keys(o.data).find((m) => m.startsWith("application/vnd.blindspot")));
    expect(kinds).toEqual([MIME.table, MIME.chart, MIME.grid]);

    const table = outputs[0].data[MIME.table] as TableBundle;
    expect(table.title).toContain(`Worst: ${result.summary.top!.slice} (${result.summary.top!.size} samples)`);
    expect(table.rows!.length).toBe(result.slices.numRows());

    const chart = outputs[1].data[MIME.chart] as ChartBundle;
    expect(chart.title).toMatch(/^Mean eval_model_fp \+ eval_model_fn per slice, in rank order/);
    expect(chart.link).toMatchObject({ param: "pick", type: "point", fields: { slice: "slice" } });
    const rows = readArrow(notebookDir, chart.link!.rows);
    const ids = Array.from(rows.getChild("id").toArray() as string[]);
    const slice = Array.from(rows.getChild("slice").toArray() as string[]);
    // Each bar's rows are exactly its slice's members, whichever other slices they are in.
    const members = Array.from(values<number>(result.members, "rank"));
    const memberIds = Array.from(values<string>(result.members, "id"));
    Array.from(values<string>(result.slices, "slice")).forEach((name, r) => {
      const want = new Set(memberIds.filter((_, i) => members[i] === r + 1));
      expect(new Set(ids.filter((_, i) => slice[i] === name)), name).toEqual(want);
    });
    expect(ids.length).toBeGreaterThan(new Set(ids).size); // slices overlap: some samples in several bars

    const grid = outputs[2].data[MIME.grid] as GridBundle;
    expect(grid.caption).toEqual(expect.arrayContaining(["camera"]));
  });
});
