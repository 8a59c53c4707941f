import { describe, expect, test } from "vitest";
import { MIME, type ChartBundle, type GridBundle, type TableBundle } from "../../kernel/protocol";
import { show } from "../../kernel/show";
import { audit } from "../../src/analyze/audit";
import { captureOutputs, demoDataset, readArrow } from "./helpers";

/** `show(audit(ds))`: the ranked findings, a bar per finding that selects its samples, the grid, the skipped checks. */
describe("show(audit(ds))", () => {
  test("the demo's audit: findings under a headline naming the first, bars that select each finding's samples", async () => {
    const ds = await demoDataset();
    const result = await audit(ds, { groups: "sequence", images: false });
    const { outputs: all, notebookDir } = captureOutputs("audit-view");
    await show(result);
    const outputs = all.filter((o) => Object.keys(o.data).some((m) => m.startsWith("application/vnd.blindspot")));
    const kinds = outputs.map((o) => Object.keys(o.data).find((m) => m.startsWith("application/vnd.blindspot")));
    expect(kinds).toEqual([MIME.table, MIME.chart, MIME.grid, MIME.table]);
    const table = outputs[0].data[MIME.table] as TableBundle;
    expect(table.title).toBe(
      `Audit of ${ds.name}: ${result.findings.length} findings, most costly first. 1. ${result.findings[0].statement}`,
    );
    expect(table.rows!.length).toBe(result.findings.length);
    const chart = outputs[1].data[MIME.chart] as ChartBundle;
    expect(chart.title).toMatch(/^Mean eval_model_fp \+ eval_model_fn inside each finding/);
    const rows = readArrow(notebookDir, chart.link!.rows);
    const ids = Array.from(rows.getChild("id").toArray() as string[]);
    const bar = Array.from(rows.getChild("slice").toArray() as string[]);
    for (const f of result.findings) {
      const label = bar.find((b) => b.startsWith(`${f.rank}. `))!;
      expect(new Set(ids.filter((_, i) => bar[i] === label)), f.id).toEqual(new Set(f.samples));
    }
    expect((outputs[2].data[MIME.grid] as GridBundle).title).toBe(
      `${ds.name}: pick a finding above to see its samples`,
    );
    expect((outputs[3].data[MIME.table] as TableBundle).title).toBe("Checks not run, and why");
  });
});
