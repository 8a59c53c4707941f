/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
import * as path from "node:path";
import type { Locator } from "playwright-core";
import { describe, expect, it } from "vitest";
import { selectionOf, shownCount } from "./notebookPage";
import { notebookSession } from "./notebookSession";

/**
 * Linked charts, the grid's chip, side panel and keys, in a real JupyterLab with the tslab kernel
 * in headless Chromium, on a 300-sample demo: a brush in one chart highlights its samples in the
 * other charts of the group, clearing the chip clears the brush, the panel counts the view, the
 * keys move and pick, charts follow a theme switch, and the confusion matrix is readable.
 * Screenshots go to SCREENSHOTS.
 */
const SCREENSHOTS = path.resolve(__dirname, "../.tmp/screenshots/charts");
const SAMPLES = 300;

const SETUP = `import * as bs from "blindspot";
const { dataset: cds } = await bs.generateDemo({ samples: ${SAMPLES}, out: "charts-demo" });
cds.setFields(cds.objects.groupby("sample_id").rollup({
  box_size: "d => op.mean(d.field === 'ground_truth' ? op.sqrt(d.w * d.h) : undefined)",
  confidence_mean: "d => op.mean(d.confidence)",
}).rename({ sample_id: "id" }));
cds.count();`;
const GRID = `await bs.show(cds, { caption: ["camera"] });`;
const MAP_A = `await bs.show(bs.plot.scatter(cds, { x: "box_size", y: "confidence_mean", title: "map A" }));`;
const MAP_B = `await bs.show(bs.plot.scatter(cds, { x: "confidence_mean", y: "box_size", title: "map B" }));`;
const BARS = `await bs.show(bs.plot.bar(cds, "camera", { title: "cameras" }));`;

/** Vega's marks of a layer of a chart's SVG: layer 0 is the chart, layer 1 the group's selection. */
function layerMarks(chart: Locator, type: "symbol" | "rect", layer: 0 | 1): Locator {
  return chart.locator(`g.mark-${type}.role-mark.layer_${layer}_marks path`);
}

/** Opacity of each point of a scatter plot's main layer. */
async function opacities(chart: Locator): Promise<number[]> {
  return layerMarks(chart, "symbol", 0).evaluateAll((els) => els.map((e) => Number(e.getAttribute("opacity") ?? 1)));
}

describe("linked charts, chip, side panel and keys in JupyterLab", () => {
  const session = notebookSession("quickstart.ipynb", SCREENSHOTS);
  const output = (code: string, kind: string) =>
    session.nb.cellOf(code.slice(0, 60)).locator(`[data-blindspot="${kind}"]`).first();
  const grid = () => output(GRID, "grid");
  const status = (chart: Locator) => chart.locator(".bs-status").innerText();

  /** Drags a brush over a share of a chart's plot area. */
  async function brush(chart: Locator, [x0, y0, x1, y1]: [number, number, number, number]): Promise<void> {
    await chart.scrollIntoViewIfNeeded();
    const box = (await chart.locator("svg.marks").first().boundingBox())!;
    const { mouse } = session.page;
    await mouse.move(box.x + box.width * x0, box.y + box.height * y0);
    await mouse.down();
    await mouse.move(box.x + box.width * x1, box.y + box.height * y1, { steps: 8 });
    await mouse.up();
  }

  it("draws a grid and three charts of one link group", async () => {
    await session.nb.runNewCell(SETUP, 300_000);
    for (const code of [GRID, MAP_A, MAP_B, BARS]) await session.nb.runNewCell(code);
    await grid().locator("[data-id] img").first().waitFor();
    expect(await shownCount(grid())).toBe(SAMPLES);
    for (const code of [MAP_A, MAP_B, BARS]) await output(code, "chart").locator("svg.marks").waitFor();
    expect(session.pageErrors).toEqual([]);
  }, 600_000);

  it("a brush in one map emphasises its points; the other map and the bars highlight its samples", async () => {
    const a = output(MAP_A, "chart"),
      b = output(MAP_B, "chart"),
      bars = output(BARS, "chart");
    await brush(a, [0.25, 0.2, 0.65, 0.7]);
    await selectionOf(a);
    await expect.poll(() => shownCount(grid())).toBeLessThan(SAMPLES);
    const n = await shownCount(grid());
    expect(n).toBeGreaterThan(0);
    // Inside the brush the points stay, outside they fade.
    await expect.poll(async () => (await opacities(a)).filter((o) => o > 0.5).length).toBe(n);
    expect((await opacities(a)).filter((o) => o < 0.5).length).toBeGreaterThan(0);
    // The other map draws every brushed sample over its points; the bars count them per camera.
    await expect.poll(() => layerMarks(b, "symbol", 1).count()).toBe(n);
    const perCamera = await layerMarks(bars, "rect", 1).evaluateAll((els) =>
      els.map((e) => Number(/\bcount: (\d+)/.exec(e.getAttribute("aria-label") ?? "")?.[1] ?? NaN)),
    );
    expect(perCamera.reduce((s, c) => s + c, 0)).toBe(n);
    await a.screenshot({ path: path.join(SCREENSHOTS, "01-map-a-brushed.png") });
    await b.screenshot({ path: path.join(SCREENSHOTS, "02-map-b-highlighted.png") });
    await bars.screenshot({ path: path.join(SCREENSHOTS, "03-bars-highlighted.png") });
  });

  it("a brush in the other map replaces the first: its brush, emphasis and caption go", async () => {
    const a = output(MAP_A, "chart"),
      b = output(MAP_B, "chart");
    expect(await status(a)).toMatch(/selected: box_size/);
    await brush(b, [0.35, 0.25, 0.8, 0.75]);
    await expect.poll(() => status(b)).toMatch(/selected: confidence_mean/);
    await expect.poll(() => a.getAttribute("data-selection")).toMatch(/^(\{\}|null)$/);
    expect(await status(a)).toBe("");
    expect((await opacities(a)).every((o) => o > 0.5)).toBe(true);
    const n = await shownCount(grid());
    await expect.poll(() => layerMarks(a, "symbol", 1).count()).toBe(n);
  });

  it("a long chip keeps its × visible; clearing it clears the chart's brush and caption", async () => {
    const b = output(MAP_B, "chart");
    const chip = grid().locator(".bs-chip");
    await grid().scrollIntoViewIfNeeded();
    const text = chip.locator(".bs-chip-text");
    expect(await text.innerText()).toMatch(/^filtered by chart: confidence_mean/);
    // The description is longer than the chip: cut, with the whole of it on hover.
    expect(await text.evaluate((e) => e.scrollWidth > e.clientWidth)).toBe(true);
    expect(await text.getAttribute("title")).toMatch(/box_size \d/);
    const chipBox = (await chip.boundingBox())!;
    const clear = chip.locator(".bs-chip-clear");
    const clearBox = (await clear.boundingBox())!;
    expect(clearBox.width).toBeGreaterThan(4);
    expect(clearBox.x + clearBox.width).toBeLessThanOrEqual(chipBox.x + chipBox.width + 0.5);
    await grid()
      .locator(".bs-toolbar")
      .screenshot({ path: path.join(SCREENSHOTS, "04-long-chip.png") });
    await clear.click();
    await expect.poll(() => shownCount(grid())).toBe(SAMPLES);
    await expect.poll(() => b.getAttribute("data-selection")).toMatch(/^(\{\}|null)$/);
    expect(await status(b)).toBe("");
    expect((await opacities(b)).every((o) => o > 0.5)).toBe(true);
    expect(await chip.isHidden()).toBe(true);
    await b.screenshot({ path: path.join(SCREENSHOTS, "05-map-b-after-chip-cleared.png") });
  });

  it("after a chart filter the side panel counts the view beside the totals; times are a range", async () => {
    const bars = output(BARS, "chart");
    await bars.scrollIntoViewIfNeeded();
    const first = (await layerMarks(bars, "rect", 0).first().boundingBox())!;
    await session.page.mouse.click(first.x + first.width / 2, first.y + 3);
    const camera = (await selectionOf<{ x: string[] }>(bars)).x[0];
    await expect.poll(() => shownCount(grid())).toBeLessThan(SAMPLES);
    const n = await shownCount(grid());
    const section = (name: string) =>
      grid().locator(".bs-panel details", { has: session.page.locator(`summary:text-is("${name}")`) });
    const cameras = section("camera").locator(".bs-check");
    await expect.poll(() => cameras.filter({ hasText: camera }).locator(".bs-n").innerText()).toBe(`${n} / ${n}`);
    const others = await cameras.filter({ hasNotText: camera }).locator(".bs-n").allInnerTexts();
    expect(others.length).toBeGreaterThan(0);
    for (const t of others) expect(t).toMatch(/^0 \/ \d+$/);
    // Capture times: two time inputs and the span of the view, not a checkbox per timestamp.
    const times = section("capture_time");
    expect(await times.locator('input[type="datetime-local"]').count()).toBe(2);
    expect(await times.locator(".bs-check").count()).toBe(0);
    // The panel fills its counts field by field in idle time: the span may come after the cameras.
    await expect
      .poll(() => times.locator(".bs-span").innerText())
      .toMatch(/^in view: \d{4}-\d\d-\d\d.* to \d{4}-\d\d-\d\d/);
    // Number ranges read as a person writes them.
    for (const v of await section("box_size")
      .locator('input[type="number"]')
      .evaluateAll((els) => els.map((e) => (e as HTMLInputElement).value))) {
      expect(v).toMatch(/^-?\d+(\.\d{1,4})?$/);
    }
    await grid().scrollIntoViewIfNeeded();
    await grid().screenshot({ path: path.join(SCREENSHOTS, "06-panel-after-chart-filter.png") });
    await times.scrollIntoViewIfNeeded();
    await grid()
      .locator(".bs-panel")
      .screenshot({ path: path.join(SCREENSHOTS, "07-panel-ranges.png") });
    await grid().locator(".bs-chip-clear").click();
    await expect.poll(() => shownCount(grid())).toBe(SAMPLES);
  });

  it("arrows move the focus tile, Space picks it, Enter opens it; shift-click keeps ctrl-picked tiles", async () => {
    const tile = (i: number) => grid().locator(`.bs-tile[data-index="${i}"]`);
    const count = () => grid().locator('[data-blindspot="count"]').innerText();
    await grid().scrollIntoViewIfNeeded();
    await tile(0).click();
    await expect.poll(() => tile(0).getAttribute("class")).toMatch(/bs-focus/);
    await session.page.keyboard.press("ArrowRight");
    await expect.poll(() => tile(1).getAttribute("class")).toMatch(/bs-focus/);
    await session.page.keyboard.press("ArrowDown");
    const focused = grid().locator(".bs-tile.bs-focus");
    const [one, below] = [(await tile(1).boundingBox())!, (await focused.boundingBox())!];
    expect(below.x).toBeCloseTo(one.x, 0);
    expect(below.y).toBeGreaterThan(one.y + one.height);
    await session.page.keyboard.press(" ");
    await expect.poll(count).toMatch(/· 2 selected/);
    expect(await focused.getAttribute("class")).toMatch(/bs-selected/);
    await session.page.keyboard.press("Enter");
    const modal = session.page.locator(".bs-modal");
    await modal.waitFor();
    expect(await modal.innerText()).toContain((await focused.getAttribute("data-id"))!);
    await session.page.keyboard.press("Escape");
    await modal.waitFor({ state: "detached" });

    await tile(0).click();
    await tile(3).click({ modifiers: ["Control"] });
    await tile(5).click({ modifiers: ["Shift"] });
    await expect.poll(count).toMatch(/· 4 selected/);
    for (const i of [0, 3, 4, 5]) expect(await tile(i).getAttribute("class")).toMatch(/bs-selected/);
    await grid().screenshot({ path: path.join(SCREENSHOTS, "08-keys-and-picks.png") });
  });

  it("charts redraw in the dark theme, the highlight in a light colour", async () => {
    const bars = output(BARS, "chart");
    // Four tiles are picked (previous step): the bars highlight them.
    await expect.poll(() => layerMarks(bars, "rect", 1).count()).toBeGreaterThan(0);
    const fill = () => layerMarks(bars, "rect", 1).first().getAttribute("fill");
    expect(await fill()).toBe("#1b1b1b");
    const { page } = session;
    await page.locator(".lm-MenuBar-itemLabel", { hasText: /^Settings$/ }).click();
    await page.locator(".lm-Menu-itemLabel", { hasText: /^Theme$/ }).hover();
    await page.locator(".lm-Menu-itemLabel", { hasText: /^JupyterLab Dark$/ }).click();
    await page.waitForFunction(() => document.body.dataset.jpThemeLight === "false", undefined, { timeout: 30_000 });
    await expect.poll(fill, { timeout: 15_000 }).toBe("#f2f2f2");
    await bars.scrollIntoViewIfNeeded();
    await bars.screenshot({ path: path.join(SCREENSHOTS, "09-bars-dark-theme.png") });
    await page.locator(".lm-MenuBar-itemLabel", { hasText: /^Settings$/ }).click();
    await page.locator(".lm-Menu-itemLabel", { hasText: /^Theme$/ }).hover();
    await page.locator(".lm-Menu-itemLabel", { hasText: /^JupyterLab Light$/ }).click();
    await expect.poll(fill, { timeout: 15_000 }).toBe("#1b1b1b");
  });

  it("the evaluation's confusion matrix prints counts at the body font size, labels not turned 90°", async () => {
    const code = `const cev = bs.evaluateDetections(cds, "model");\nawait bs.show(cev);`;
    await session.nb.runNewCell(code, 300_000);
    const matrix = session.nb.cellOf("const cev = bs.evaluateDetections").locator('[data-blindspot="chart"]').nth(1);
    await matrix.locator("svg.marks").waitFor();
    await matrix.scrollIntoViewIfNeeded();
    const sizes = await matrix
      .locator("g.mark-text.role-mark text")
      .evaluateAll((els) => els.map((e) => e.getAttribute("font-size")));
    expect(sizes.length).toBeGreaterThan(4);
    expect(new Set(sizes)).toEqual(new Set(["13px"]));
    const turned = await matrix
      .locator("g.role-axis-label text")
      .evaluateAll((els) => els.filter((e) => /rotate\((270|-90|90)\)/.test(e.getAttribute("transform") ?? "")).length);
    expect(turned).toBe(0);
    const cell = (await matrix.locator("g.mark-rect.role-mark path").first().boundingBox())!;
    expect(Math.min(cell.width, cell.height)).toBeGreaterThanOrEqual(36);
    await matrix.screenshot({ path: path.join(SCREENSHOTS, "10-confusion-matrix.png") });
    expect(session.pageErrors).toEqual([]);
  }, 300_000);
});
