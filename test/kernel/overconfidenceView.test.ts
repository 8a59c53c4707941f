import { describe, expect, test } from "vitest";
import { MIME, type ChartBundle, type GridBundle, type TableBundle } from "../../kernel/protocol";
import { show } from "../../kernel/show";
import { overconfidence } from "../../src/analyze/overconfidence";
import { values } from "../../src/dataset/columns";
import { evaluateDetections } from "../../src/eval/detection";
import { TEST_CACHE } from "../helpers/data";
import { captureOutputs, demoDataset, readArrow } from "./helpers";

/** `show(overconfidence(...))`: the confident errors ranked, ECE per window, reliability per score bin, their samples. */
describe("show(overconfidence(...))", () => {
  test("the demo's detector by year: the errors under a headline, windows that select their samples", async () => {
    const ds = await demoDataset();
    const result = await overconfidence(evaluateDetections(ds, "model"), {
      time: "capture_time",
      window: "year",
      embed: { cacheRoot: TEST_CACHE },
    });
    const { outputs: all, notebookDir } = captureOutputs("overconfidence-view");
    await show(result);
    const outputs = all.filter((o) => Object.keys(o.data).some((m) => m.startsWith("application/vnd.blindspot")));
    const kinds = outputs.map((o) => Object.keys(o.data).find((m) => m.startsWith("application/vnd.blindspot")));
    expect(kinds).toEqual([MIME.table, MIME.chart, MIME.chart, MIME.grid]);
    const { summary } = result;
    const table = outputs[0].data[MIME.table] as TableBundle;
    expect(table.title).toBe(
      `${summary.confidentErrors} confident errors (score >= 0.9) of ${summary.confident} confident predicted boxes ` +
        `(${summary.scored} in all): ${summary.modelErrors} look like the model's error, ${summary.labelSuspected} like a ` +
        `label's (review those labels). D-ECE ${summary.ece.toFixed(3)}; worst window ${summary.worstWindow!.window} ` +
        `(${summary.worstWindow!.ece.toFixed(3)})`,
    );
    expect(table.rows!.length).toBe(summary.confidentErrors);
    const perWindow = outputs[1].data[MIME.chart] as ChartBundle;
    expect(perWindow.title).toMatch(/^D-ECE \(precision against score\) per window/);
    const rows = readArrow(notebookDir, perWindow.link!.rows);
    const ids = Array.from(rows.getChild("id").toArray() as string[]);
    const window = Array.from(rows.getChild("slice").toArray() as string[]);
    const times = values<string>(ds.samples, "capture_time");
    const in2024 = new Set(Array.from(values<string>(ds.samples, "id")).filter((_, r) => times[r] >= "2024"));
    expect(new Set(ids.filter((_, i) => window[i] === "2024"))).toEqual(in2024);
    expect((outputs[2].data[MIME.chart] as ChartBundle).title).toMatch(/^Reliability: the precision of each score bin/);
    const grid = outputs[3].data[MIME.grid] as GridBundle;
    expect(grid.title).toBe(
      `${ds.name}: the ${new Set(values(result.errors, "sample_id")).size} samples behind the confident errors`,
    );
  });
});
