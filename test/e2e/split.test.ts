/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { shownCount } from "./notebookPage";
import { notebookSession } from "./notebookSession";

/**
 * `show(split(...))` in a real JupyterLab with the tslab kernel in headless Chromium, on a
 * 300-sample demo: the parts table, the class-mix chart and the grid appear, and a click on a
 * bar's segment (a part and a class) shows in the grid the samples of that part with that class,
 * as many as the result's per-class table counts. Screenshots go to SCREENSHOTS.
 */
const SCREENSHOTS = path.resolve(__dirname, "../.tmp/screenshots/split");
const SAMPLES = 300;
const SHOW = "await bs.show(fresh);";
const CELLS = [
  [
    'import * as bs from "blindspot";',
    `const { dataset: sds } = await bs.generateDemo({ samples: ${SAMPLES}, out: "split-demo" });`,
    'const fresh = bs.split(sds, { stratify: true, seed: 0, field: "new_split" });',
  ].join("\n"),
  SHOW,
];

describe("the split view in JupyterLab", () => {
  const session = notebookSession("split.ipynb", SCREENSHOTS, CELLS);

  it("draws the parts, the class mix per part and a grid; a segment selects its samples", async () => {
    const { nb, page } = session;
    await nb.runAll(600_000);
    const errors = await page
      .locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']")
      .allInnerTexts();
    expect(errors.join("\n")).not.toMatch(/Error|error TS/);
    const cell = nb.cellOf(SHOW);
    const chart = cell.locator('[data-blindspot="chart"]').first();
    const grid = cell.locator('[data-blindspot="grid"]').first();
    await chart.locator("svg.marks").waitFor();
    await grid.locator("[data-id] img").first().waitFor();
    expect(await cell.locator('[data-blindspot="table"]').count()).toBe(2);
    expect(await shownCount(grid)).toBe(SAMPLES);
    await chart.screenshot({ path: path.join(SCREENSHOTS, "01-class-mix.png") });

    const expected = await nb.kernelNumber(
      "console.log(fresh.classes.filter((d) => d.part === 'val' && d.label === 'truck').get('count', 0))",
    );
    expect(expected).toBeGreaterThan(0);
    const segment = chart
      .locator('g.mark-rect.role-mark.layer_0_marks path[aria-label*="new_split: val"][aria-label*="label: truck"]')
      .first();
    await segment.scrollIntoViewIfNeeded();
    await segment.click();
    await expect.poll(() => shownCount(grid), { timeout: 10_000 }).toBe(expected);
    await grid.scrollIntoViewIfNeeded();
    await session.shot("02-segment-selected");
    expect(session.pageErrors).toEqual([]);
  }, 900_000);
});
