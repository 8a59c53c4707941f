/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { selectionOf, shownCount } from "./notebookPage";
import { notebookSession } from "./notebookSession";

/**
 * The data-failures notebook in a real JupyterLab in headless Chromium with the real tslab kernel:
 * every cell runs and none writes to stderr, the planted "truck only at night" is the first
 * finding printed, the coverage heatmap draws, a click on the (truck, night)
 * cell leaves exactly the samples with trucks in the grid below it, and the class weights and
 * resampling tables show. Screenshots go to SCREENSHOTS.
 */
const NOTEBOOK = "data-failures.ipynb";
const SCREENSHOTS = path.resolve(__dirname, "../.tmp/screenshots/data-failures");
const HEATMAP = "bs.plot.coverage(cov";

describe("data-failures notebook in JupyterLab", () => {
  const session = notebookSession(NOTEBOOK, SCREENSHOTS);
  const shot = (name: string) => session.shot(name);
  const cellOf = (text: string) => session.nb.cellOf(text);
  const kernelNumber = (code: string) => session.nb.kernelNumber(code);

  it("runs every cell: findings, dependence table, heatmap, grid, weights and plan", async () => {
    await session.nb.runAll(600_000);
    const stream = (name: string) =>
      session.page.locator(`.jp-OutputArea-output[data-mime-type='application/vnd.jupyter.${name}']`).allTextContents();
    expect(await stream("stderr")).toEqual([]);
    const printed = await stream("stdout");
    expect(printed.find((t) => t.includes("Cramer's V"))).toMatch(
      /^truck: 100 % of its boxes at time_of_day night, night is \d+ % of all boxes/,
    );
    expect(printed.some((t) => t.includes('"format": "blindspot.class-weights"'))).toBe(true);
    await cellOf("const cov = bs.coverage(").scrollIntoViewIfNeeded();
    await shot("01-findings");
    const dependence = cellOf("cov.dependence").locator('[data-blindspot="table"]');
    await dependence.evaluate((e) => e.scrollIntoView({ block: "start" }));
    await shot("02-dependence-table");
    const chart = cellOf(HEATMAP).locator('[data-blindspot="chart"]');
    await chart.scrollIntoViewIfNeeded();
    await chart.locator("canvas, svg.marks").first().waitFor();
    await shot("03-heatmap");
    const grid = cellOf(HEATMAP).locator('[data-blindspot="grid"]');
    await grid.scrollIntoViewIfNeeded();
    await grid.locator("[data-id] img").first().waitFor();
    expect(await shownCount(grid)).toBe(2000);
    await cellOf("cov.thin").scrollIntoViewIfNeeded();
    await shot("04-thin-cells");
    await cellOf("bs.classWeights(").scrollIntoViewIfNeeded();
    await shot("05-class-weights");
    await cellOf("bs.resamplePlan(").scrollIntoViewIfNeeded();
    await shot("06-resample-plan");
    expect(session.pageErrors).toEqual([]);
  }, 900_000);

  it("a click on the (truck, night) cell leaves the samples with trucks in the grid", async () => {
    const chart = cellOf(HEATMAP).locator('[data-blindspot="chart"]');
    await chart.scrollIntoViewIfNeeded();
    // Vega's SVG names each cell by its encoded values ("time_of_day: night; class: truck; ...").
    const cells = chart.locator("path[aria-label]");
    const labels = await cells.evaluateAll((els) => els.map((e) => e.getAttribute("aria-label") ?? ""));
    const index = labels.findIndex((l) => /time_of_day: night(;|$)/.test(l) && /class: truck(;|$)/.test(l));
    if (index < 0) throw new Error(`no cell (night, truck) among ${JSON.stringify(labels.slice(0, 6))}`);
    const box = (await cells.nth(index).boundingBox())!;
    // A corner of the cell, away from the count printed in its middle.
    await session.page.mouse.click(box.x + 3, box.y + 3);
    const picked = await selectionOf<{ x: string[]; y: string[] }>(chart);
    expect(picked).toMatchObject({ x: ["night"], y: ["truck"] });
    await shot("07-heatmap-click");
    const expected = await kernelNumber(
      `new Set(ds.objects.filter("d => d.field === 'ground_truth' && d.label === 'truck'").array("sample_id")).size`,
    );
    expect(expected).toBeGreaterThan(0);
    const grid = cellOf(HEATMAP).locator('[data-blindspot="grid"]');
    await grid.scrollIntoViewIfNeeded();
    await expect.poll(() => shownCount(grid)).toBe(expected);
    await shot("08-grid-of-night-trucks");
  });
});
