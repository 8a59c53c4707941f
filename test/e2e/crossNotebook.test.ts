/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
import * as fs from "node:fs";
import * as path from "node:path";
import type { Browser, Locator, Page } from "playwright-core";
import { afterAll, beforeAll, beforeEach, describe, expect, it, onTestFailed } from "vitest";
import { tmpDir } from "../helpers/data";
import { launchChromium } from "./browser";
import { startLab, type Lab } from "./lab";
import { codeNotebook } from "./nbconvert";
import { NotebookPage, selectionOf, shownCount } from "./notebookPage";

/**
 * Three notebooks in one JupyterLab server and one page, each in its own tab with its own kernel,
 * as a user runs them one after the other: the 500-sample demo with its quality scores, then the
 * 2,000-sample demo's grid, then its evaluation, whose demo is rendered again into the same
 * folder; the datasets share a name. The notebooks are the first steps of the quality,
 * quickstart and evaluation notebooks, written here (the whole notebooks have tests of their own).
 * Every grid must keep showing its own kernel's images, and a selection or a chart click in
 * one notebook must change nothing in another. Screenshots go to SCREENSHOTS, the error cell's
 * to ERRORS.
 */
const SCREENSHOTS = path.resolve(__dirname, "../.tmp/screenshots/cross-notebook");
const ERRORS = path.resolve(__dirname, "../.tmp/screenshots/errors");
const DEMO2000 = 'const { dataset: ds } = await bs.generateDemo({ samples: 2000, out: "demo-data/demo2000" });';
const NOTEBOOKS: Record<string, string[]> = {
  "quality.ipynb": [
    'import * as bs from "blindspot";\nconst { dataset: ds } = await bs.generateDemo({ samples: 500, out: "demo-data/demo500" });',
    "await bs.computeQuality(ds);",
    'await bs.show(ds, { caption: ["time_of_day", "quality_brightness"] });',
  ],
  "quickstart.ipynb": [
    `import * as bs from "blindspot";\n${DEMO2000}`,
    'await bs.show(ds, { caption: ["time_of_day", "weather", "camera"] });',
    // A cell after the grid, as in the quickstart: new cells go below it, away from the grid's keys.
    "ds.count();",
  ],
  "evaluation.ipynb": [
    `import * as bs from "blindspot";\n${DEMO2000}`,
    'const ev = bs.evaluateDetections(ds, "model");',
    'await bs.show(ev, { slices: ["camera", "weather"] });',
    "ds.count();",
  ],
};
const NAMES = Object.keys(NOTEBOOKS);

/** Thumbnail of each tile in view (the thumbnail's file is named by the image's bytes). */
async function tileImages(grid: Locator): Promise<Record<string, string>> {
  await grid.scrollIntoViewIfNeeded();
  const loaded = (el: Element | null) =>
    [...el!.querySelectorAll<HTMLImageElement>("[data-id] img")].some((i) => i.complete && i.naturalWidth > 0);
  await grid.page().waitForFunction(loaded, await grid.elementHandle(), { timeout: 60_000 });
  const tiles = await grid
    .locator("[data-id]")
    .evaluateAll((els) =>
      els.slice(0, 12).map((t) => [(t as HTMLElement).dataset.id!, new URL(t.querySelector("img")!.src).pathname]),
    );
  return Object.fromEntries(tiles);
}

describe("three notebooks in one JupyterLab", () => {
  let lab: Lab;
  let browser: Browser;
  let page: Page;
  const nb: Record<string, NotebookPage> = {};
  const shot = (name: string) => page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`) });
  const grid = (name: string, cell: string) => nb[name].cellOf(cell).locator('[data-blindspot="grid"]').first();
  const kernelNumber = (name: string, code: string) => nb[name].kernelNumber(code);

  beforeAll(async () => {
    for (const dir of [SCREENSHOTS, ERRORS]) {
      fs.rmSync(dir, { recursive: true, force: true });
      fs.mkdirSync(dir, { recursive: true });
    }
    const root = tmpDir("e2e-cross-notebook");
    for (const [name, cells] of Object.entries(NOTEBOOKS)) fs.writeFileSync(path.join(root, name), codeNotebook(cells));
    lab = await startLab(root);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  }, 300_000);

  beforeEach((context) => {
    onTestFailed(async () => {
      console.error(`JupyterLab log (last 3000 characters):\n${lab?.log().slice(-3000)}`);
      await page?.screenshot({
        path: path.join(SCREENSHOTS, `failed-${context.task.name.slice(0, 40).replace(/[^a-z0-9]+/gi, "-")}.png`),
      });
    });
  });

  afterAll(async () => {
    await browser?.close();
    await lab?.stop();
  });

  it("run one after the other, every grid keeps showing its own kernel's images", async () => {
    // The first notebook opens by URL; the others from the file browser, beside it.
    await NotebookPage.open(page, lab, NAMES[0]);
    nb[NAMES[0]] = await NotebookPage.inTab(page, NAMES[0]);
    await nb["quality.ipynb"].runAll(600_000);
    const qualityGrid = 'caption: ["time_of_day", "quality_brightness"]';
    const before = await tileImages(grid("quality.ipynb", qualityGrid));
    await shot("01-quality");

    for (const name of NAMES.slice(1)) {
      nb[name] = await NotebookPage.openBeside(page, lab, name);
      await nb[name].runAll(600_000);
      const errors = await page
        .locator(`${nb[name].panel} .jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']`)
        .allInnerTexts();
      expect(errors.join("\n")).not.toMatch(/Error|error TS/);
    }
    await nb["quickstart.ipynb"].activate();
    const quickstart = await tileImages(grid("quickstart.ipynb", "await bs.show(ds, {"));
    await shot("02-quickstart");
    // The two demos name their files alike but hold other images: the check below can fail.
    const common = Object.keys(before).filter((id) => id in quickstart);
    expect(common.length).toBeGreaterThan(0);
    expect(common.filter((id) => before[id] !== quickstart[id]).length).toBeGreaterThan(0);

    // Back in the quality notebook, after the 2,000-sample demo was written: a new grid of its
    // dataset shows the same images as before, and its files are still its own.
    const again = await nb["quality.ipynb"].runNewCell(
      `await bs.show(ds, { caption: ["time_of_day"], title: "again" });`,
    );
    expect(await tileImages(again.locator('[data-blindspot="grid"]'))).toEqual(before);
    expect(await kernelNumber("quality.ipynb", `ds.count()`)).toBe(500);
    expect(
      await kernelNumber(
        "quality.ipynb",
        `JSON.parse(require("fs").readFileSync("demo-data/demo500/truth.json", "utf8")).samples`,
      ),
    ).toBe(500);
    await shot("03-quality-again");
  }, 1_800_000);

  it("tiles picked in one notebook are selected in no other", async () => {
    const picks = grid("quickstart.ipynb", "await bs.show(ds, {");
    await nb["quickstart.ipynb"].activate();
    await picks.scrollIntoViewIfNeeded();
    const tiles = picks.locator("[data-id]");
    await tiles.nth(0).click();
    await tiles.nth(1).click({ modifiers: ["Control"] });
    await tiles.nth(2).click({ modifiers: ["Control"] });
    expect(await picks.locator(".bs-selected").count()).toBe(3);
    await expect.poll(() => kernelNumber("quickstart.ipynb", "bs.selection(ds).length"), { timeout: 20_000 }).toBe(3);
    await shot("04-picked-in-quickstart");
    for (const name of ["evaluation.ipynb", "quality.ipynb"]) {
      await nb[name].activate();
      expect(await page.locator(`${nb[name].panel} .bs-selected`).count()).toBe(0);
      expect(await kernelNumber(name, "bs.selection(ds).length")).toBe(0);
    }
    await shot("05-nothing-selected-in-evaluation");
  });

  it("a chart click in one notebook filters its own grid and no other notebook's", async () => {
    await nb["evaluation.ipynb"].activate();
    const cell = nb["evaluation.ipynb"].cellOf("await bs.show(ev, {");
    const curves = cell.locator('[data-blindspot="chart"]').first();
    await curves.scrollIntoViewIfNeeded();
    await curves.locator(".role-legend-label text", { hasText: /^truck$/ }).click();
    expect((await selectionOf<{ color: string[] }>(curves)).color).toEqual(["truck"]);
    const evaluationGrid = cell.locator('[data-blindspot="grid"]');
    const trucks = await kernelNumber(
      "evaluation.ipynb",
      `new Set(ds.objects.filter("d => d.label === 'truck'").array("sample_id")).size`,
    );
    await evaluationGrid.scrollIntoViewIfNeeded();
    await expect.poll(() => shownCount(evaluationGrid)).toBe(trucks);
    await shot("06-truck-curve-in-evaluation");
    await nb["quickstart.ipynb"].activate();
    expect(await shownCount(grid("quickstart.ipynb", "await bs.show(ds, {"))).toBe(2000);
    await nb["quality.ipynb"].activate();
    const qualityGrids = page.locator(`${nb["quality.ipynb"].panel} [data-blindspot="grid"]`);
    for (let i = 0; i < (await qualityGrids.count()); i++)
      expect(await qualityGrids.nth(i).locator(".bs-chip:not([hidden])").count()).toBe(0);
    expect(await shownCount(grid("quality.ipynb", 'caption: ["time_of_day", "quality_brightness"]'))).toBe(500);
    // A grid shown after the click starts from its own group's selection: unfiltered.
    const fresh = (await nb["quality.ipynb"].runNewCell(`await bs.show(ds.limit(12), { title: "fresh" });`)).locator(
      '[data-blindspot="grid"]',
    );
    await fresh.locator("[data-id]").first().waitFor();
    expect(await shownCount(fresh)).toBe(12);
    expect(await fresh.locator(".bs-chip:not([hidden])").count()).toBe(0);
  });

  it("a mistyped field in a cell shows the message and the fix only", async () => {
    const out = await nb["quickstart.ipynb"].runNewCell(`ds.where("camra", "cam_a").count()`);
    const text = await nb["quickstart.ipynb"].outputText(out);
    expect(text).toMatch(
      /^BlindspotError: where: no sample field "camra"; did you mean "camera"\?\n\s*fix: sample fields are: /,
    );
    expect(text).not.toMatch(/\n\s+at |undefined/);
    await out.scrollIntoViewIfNeeded();
    await out
      .locator("xpath=ancestor::div[contains(@class,'jp-CodeCell')]")
      .screenshot({ path: path.join(ERRORS, "mistyped-field.png") });
  });
});
