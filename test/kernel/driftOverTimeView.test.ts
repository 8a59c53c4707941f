import { describe, expect, test } from "vitest";
import { MIME, type ChartBundle, type GridBundle, type TableBundle } from "../../kernel/protocol";
import { show } from "../../kernel/show";
import { driftOverTime } from "../../src/analyze/drift/overTime";
import { values } from "../../src/dataset/columns";
import { captureOutputs, demoDataset, readArrow } from "./helpers";

/** `show(driftOverTime(...))`: the windows under a headline, a bar per window linked to its samples, the grid. */
describe("show(driftOverTime(...))", () => {
  test("the demo by quarter against its training split: the drifted quarter named, bars that select each window", async () => {
    const ds = await demoDataset();
    const result = await driftOverTime(ds, {
      time: "capture_time",
      window: "quarter",
      reference: ds.where("split", "train"),
      fields: ["camera", "time_of_day", "weather", "location"],
      minSamples: 20,
    });
    const { outputs: all, notebookDir } = captureOutputs("drift-over-time-view");
    await show(result);
    const outputs = all.filter((o) => Object.keys(o.data).some((m) => m.startsWith("application/vnd.blindspot")));
    const kinds = outputs.map((o) => Object.keys(o.data).find((m) => m.startsWith("application/vnd.blindspot")));
    expect(kinds).toEqual([MIME.table, MIME.chart, MIME.grid]);
    const table = outputs[0].data[MIME.table] as TableBundle;
    expect(table.title).toMatch(
      /^Drift per quarter of capture_time against the given reference: \d+ of 6 windows compared; drifted: 2024-Q2$/,
    );
    const chart = outputs[1].data[MIME.chart] as ChartBundle;
    expect(chart.link).toMatchObject({ param: "pick", type: "point" });
    const rows = readArrow(notebookDir, chart.link!.rows);
    const ids = Array.from(rows.getChild("id").toArray() as string[]);
    const window = Array.from(rows.getChild("slice").toArray() as string[]);
    // The drifted quarter's bar holds exactly the samples captured in it.
    const times = values<string>(ds.samples, "capture_time");
    const inQ2 = new Set(
      Array.from(values<string>(ds.samples, "id")).filter((_, r) => times[r] >= "2024-04" && times[r] < "2024-07"),
    );
    expect(new Set(ids.filter((_, i) => window[i] === "2024-Q2"))).toEqual(inQ2);
    expect(inQ2.size).toBeGreaterThan(0);
    const grid = outputs[2].data[MIME.grid] as GridBundle;
    expect(grid.caption).toEqual(["capture_time"]);
  });
});
