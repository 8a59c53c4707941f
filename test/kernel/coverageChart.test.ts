import { describe, expect, test } from "vitest";
import { coverage } from "../../src/analyze/coverage";
import { plot } from "../../kernel/plot";
import { MIME, type ChartBundle } from "../../kernel/protocol";
import { show } from "../../kernel/show";
import { linkGroup } from "../../kernel/linkGroup";
import { BlindspotError } from "../../src/errors";
import { captureOutputs, demoDataset, readArrow } from "./helpers";

/**
 * plot.coverage: the class x context heatmap of a coverage result, linked to the dataset's
 * grids: its cells count the boxes, are coloured by their share of the class, and a cell's
 * link rows are exactly the boxes behind it (the planted night trucks' samples).
 */
describe("plot.coverage", () => {
  test("the strongest dependence by default: class x time_of_day, each cell's samples in the link", async () => {
    const ds = await demoDataset();
    const cov = coverage(ds);
    const { outputs, notebookDir } = captureOutputs("coverage-heat");
    await show(plot.coverage(cov));
    const out = outputs[outputs.length - 1].data;
    const chart = out[MIME.chart] as ChartBundle;
    expect(chart.group).toBe(linkGroup(ds));
    expect(chart.title).toMatch(/^ground_truth by time_of_day: Cramer's V 0\.\d\d, p \d\.\de-\d+$/);
    const cells = (chart.spec.datasets as Record<string, { x: string; y: string; count: number; share: number }[]>)
      .cells;
    expect(cells.reduce((n, c) => n + c.count, 0)).toBe(cov.summary.labels);
    // Each class's shares sum to 1; the truck's night cell holds all its boxes.
    for (const cls of new Set(cells.map((c) => c.y))) {
      const sum = cells.filter((c) => c.y === cls).reduce((s, c) => s + c.share, 0);
      expect(sum).toBeCloseTo(1, 12);
    }
    expect(cells.find((c) => c.y === "truck" && c.x === "night")!.share).toBe(1);
    expect(chart.link).toMatchObject({ param: "pick", type: "point", fields: { x: "x", y: "y" } });
    const rows = readArrow(notebookDir, chart.link!.rows);
    const ids = rows.getChild("id")!.toArray() as string[];
    const xs = rows.getChild("x")!.toArray() as string[],
      ys = rows.getChild("y")!.toArray() as string[];
    const nightTrucks = new Set(ids.filter((_, i) => xs[i] === "night" && ys[i] === "truck"));
    const expected = new Set(
      ds.objects.filter("d => d.field === 'ground_truth' && d.label === 'truck'").array("sample_id") as string[],
    );
    expect(nightTrucks).toEqual(expected);
    expect(out["image/svg+xml"] as string).toContain("<svg");
  });

  test("another field by name; refuses what is not a coverage and unknown fields", async () => {
    const ds = await demoDataset();
    const cov = coverage(ds);
    expect(plot.coverage(cov, { field: "object_size" }).title).toBe("ground_truth by object_size");
    expect(() => plot.coverage({} as never)).toThrow(BlindspotError);
    expect(() => plot.coverage(cov, { field: "wether" })).toThrow(/no field "wether"; did you mean "weather"\?/);
  });
});
