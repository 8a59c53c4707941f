/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { tmpDir } from "../helpers/data";
import { executeNotebooks } from "./nbconvert";
import { selectionOf, shownCount } from "./notebookPage";
import { notebookSession } from "./notebookSession";

/**
 * The data-failures notebook: executed by nbconvert with the real tslab kernel (no cell writes
 * to stderr, the planted "truck only at night" is the first finding printed), then in a real
 * JupyterLab in headless Chromium: the coverage heatmap draws, a click on the (truck, night)
 * cell leaves exactly the samples with trucks in the grid below it, and the class weights and
 * resampling tables show. Screenshots go to SCREENSHOTS.
 */
const NOTEBOOK = "data-failures.ipynb";
const SCREENSHOTS = path.resolve(__dirname, "../.tmp/screenshots/data-failures");
const HEATMAP = "bs.plot.coverage(cov";

interface Output {
  output_type: string;
  name?: string;
  text?: string | string[];
}

describe("data-failures notebook executed by nbconvert", () => {
  it("runs every cell without stderr; the first finding is the planted truck at night", () => {
    const dir = tmpDir("nbconvert-data-failures");
    fs.copyFileSync(path.resolve(__dirname, "../../notebooks", NOTEBOOK), path.join(dir, NOTEBOOK));
    const [ran] = executeNotebooks<{ cells: { cell_type: string; outputs?: Output[] }[] }>(dir, ["data-failures"]);
    const outputs = ran.cells.flatMap((c) => c.outputs ?? []);
    const text = (o: Output) => (Array.isArray(o.text) ? o.text.join("") : (o.text ?? ""));
    expect(outputs.filter((o) => o.output_type === "error")).toEqual([]);
    expect(outputs.filter((o) => o.name === "stderr").map(text)).toEqual([]);
    const printed = outputs.filter((o) => o.name === "stdout").map(text);
    expect(printed.find((t) => t.includes("Cramer's V"))).toMatch(
      /^truck: 100 % of its boxes at time_of_day night, night is \d+ % of all boxes/,
    );
    expect(printed.some((t) => t.includes('"format": "blindspot.class-weights"'))).toBe(true);
  }, 600_000);
});

describe("data-failures notebook in JupyterLab", () => {
  const session = notebookSession(NOTEBOOK, SCREENSHOTS);
  const shot = (name: string) => session.shot(name);
  const cellOf = (text: string) => session.nb.cellOf(text);
  const kernelNumber = (code: string) => session.nb.kernelNumber(code);

  it("runs every cell: findings, dependence table, heatmap, grid, weights and plan", async () => {
    await session.nb.runAll(600_000);
    const errors = await session.page
      .locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']")
      .allInnerTexts();
    expect(errors.join("\n")).not.toMatch(/Error|error TS/);
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
