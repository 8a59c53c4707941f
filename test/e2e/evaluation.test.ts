/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { selectionOf, shownCount } from "./notebookPage";
import { notebookSession } from "./notebookSession";

/**
 * The evaluation notebook in a real JupyterLab with the real tslab kernel, in headless
 * Chromium: every part of `show(evaluation)` draws, a click on the confusion matrix's miss
 * cell leaves the samples with those misses in the grid, and a click on the weakest camera's
 * bar leaves that camera's samples. Screenshots go to SCREENSHOTS.
 */
const SCREENSHOTS = path.resolve(__dirname, "../.tmp/screenshots/evaluation");
const SHOW_EV = "await bs.show(ev, {";

describe("evaluation notebook in JupyterLab", () => {
  const session = notebookSession("evaluation.ipynb", SCREENSHOTS);
  const shot = (name: string) => session.shot(name);
  const cellOf = (text: string) => session.nb.cellOf(text);
  const kernelNumber = (code: string) => session.nb.kernelNumber(code);

  it("runs every cell and draws the summary, curves, matrix, per-class table, slice bars and grid", async () => {
    await session.nb.runAll();
    const errors = await session.page
      .locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']")
      .allInnerTexts();
    expect(errors.join("\n")).not.toMatch(/Error|error TS/);
    const cell = cellOf(SHOW_EV);
    expect(await cell.locator('[data-blindspot="table"]').count()).toBe(2);
    expect(await cell.locator('[data-blindspot="chart"]').count()).toBe(5);
    const grid = cell.locator('[data-blindspot="grid"]');
    await grid.locator("[data-id] img").first().waitFor();
    expect(await shownCount(grid)).toBe(2000);
    const charts = cell.locator('[data-blindspot="chart"]');
    for (let i = 0; i < 5; i++) {
      await charts.nth(i).scrollIntoViewIfNeeded();
      await charts.nth(i).locator("canvas, svg.marks").first().waitFor();
      await shot(`0${i + 1}-chart-${i + 1}`);
    }
    await cell.locator('[data-blindspot="table"]').nth(1).scrollIntoViewIfNeeded();
    await shot("06-per-class-table");
    await cellOf("bs.bySlice(ev,").scrollIntoViewIfNeeded();
    await shot("07-slice-table");
    expect(session.pageErrors).toEqual([]);
  }, 600_000);

  it("a click on the cell (truth car, predicted background) leaves the samples with missed cars", async () => {
    const cell = cellOf(SHOW_EV);
    const matrix = cell.locator('[data-blindspot="chart"]').nth(1);
    await matrix.scrollIntoViewIfNeeded();
    // Vega's SVG names each cell by its encoded values ("predicted: (background); truth: car; ...").
    const cells = matrix.locator("path[aria-label]");
    const labels = await cells.evaluateAll((els) => els.map((e) => e.getAttribute("aria-label") ?? ""));
    const index = labels.findIndex((l) => l.includes("predicted: (background)") && /truth: car(;|$)/.test(l));
    if (index < 0) throw new Error(`no cell (car, (background)) among ${JSON.stringify(labels.slice(0, 6))}`);
    const box = (await cells.nth(index).boundingBox())!;
    // A corner of the cell, away from the count printed in its middle.
    await session.page.mouse.click(box.x + 3, box.y + 3);
    const picked = await selectionOf<{ x: string[]; y: string[] }>(matrix);
    expect(picked).toMatchObject({ x: ["(background)"], y: ["car"] });
    await shot("08-matrix-click");
    const expected = await kernelNumber(
      `new Set(ev.matchTable().filter("d => d.truth === 'car' && d.predicted === ` +
        `'(background)'").array("sample_id")).size`,
    );
    expect(expected).toBeGreaterThan(0);
    const grid = cell.locator('[data-blindspot="grid"]');
    await grid.scrollIntoViewIfNeeded();
    await expect.poll(() => shownCount(grid)).toBe(expected);
    await shot("09-grid-of-missed-cars");
    // The planted misses of the weak camera are all there (as samples of the grid's filter).
    const plantedShown = await kernelNumber(
      `const missedCars = new Set(JSON.parse(require("fs").readFileSync("demo-data/demo2000/truth.json", ` +
        `"utf8")).subgroup.missed.filter((m: any) => m.label === "car").map((m: any) => m.sampleId));
       const fnCars = new Set(ev.matchTable().filter("d => d.truth === 'car' && d.predicted === ` +
        `'(background)'").array("sample_id"));
       console.log([...missedCars].filter((s) => !fnCars.has(s)).length);`,
    );
    expect(plantedShown).toBe(0);
  });

  it("a click on the first (worst) camera bar leaves that camera's samples", async () => {
    const cell = cellOf(SHOW_EV);
    const bars = cell.locator('[data-blindspot="chart"]').nth(2);
    await bars.scrollIntoViewIfNeeded();
    const first = (await bars.locator('path[aria-roledescription="bar"]').first().boundingBox())!;
    await session.page.mouse.click(first.x + first.width / 2, first.y + first.height - 3);
    const picked = await selectionOf<{ slice: string[] }>(bars);
    expect(picked.slice).toEqual(["cam_e"]);
    const grid = cell.locator('[data-blindspot="grid"]');
    await grid.scrollIntoViewIfNeeded();
    await expect.poll(() => shownCount(grid)).toBe(await kernelNumber(`ds.where("camera", "cam_e").count()`));
    await shot("10-grid-of-worst-camera");
  });

  it("a click on a PR curve's legend entry leaves the samples with objects of that class", async () => {
    const cell = cellOf(SHOW_EV);
    const curves = cell.locator('[data-blindspot="chart"]').first();
    await curves.scrollIntoViewIfNeeded();
    await curves.locator(".role-legend-label text", { hasText: /^car$/ }).click();
    const picked = await selectionOf<{ color: string[] }>(curves);
    expect(picked.color).toEqual(["car"]);
    const grid = cell.locator('[data-blindspot="grid"]');
    const expected = await kernelNumber(`new Set(ds.objects.filter("d => d.label === 'car'").array("sample_id")).size`);
    await grid.scrollIntoViewIfNeeded();
    await expect.poll(() => shownCount(grid)).toBe(expected);
    await shot("11-grid-of-car-curve");
  });
});
