import { describe, expect, test } from "vitest";
import { MIME, type ChartBundle, type TableBundle } from "../../kernel/protocol";
import { show } from "../../kernel/show";
import { drift } from "../../src/analyze/drift";
import { captureOutputs, demoDataset } from "./helpers";

/** `show(drift(...))`: the fields under the verdict, a PSI bar per field. */
describe("show(drift(...))", () => {
  test("the demo's train split against its production split: the verdict, the fields drifted first, PSI bars", async () => {
    const ds = await demoDataset();
    const result = drift(ds.where("split", "train"), ds.where("split", "production"), {
      fields: ["camera", "time_of_day", "weather", "location"],
    });
    const { outputs: all } = captureOutputs("drift-view");
    await show(result);
    const outputs = all.filter((o) => Object.keys(o.data).some((m) => m.startsWith("application/vnd.blindspot")));
    const kinds = outputs.map((o) => Object.keys(o.data).find((m) => m.startsWith("application/vnd.blindspot")));
    expect(kinds).toEqual([MIME.table, MIME.chart]);
    const table = outputs[0].data[MIME.table] as TableBundle;
    expect(table.title).toMatch(
      new RegExp(`^Drift from ${result.summary.reference} reference to ${result.summary.current} current samples: `),
    );
    expect(table.rows!.length).toBe(4);
    const chart = outputs[1].data[MIME.chart] as ChartBundle;
    expect(chart.title).toMatch(/^PSI per field/);
    expect(chart.link).toBeNull();
  });
});
