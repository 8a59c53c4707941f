/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { shownCount } from "./notebookPage";
import { notebookSession } from "./notebookSession";

/**
 * A leakage result shown in a real JupyterLab with the tslab kernel, in headless Chromium: the
 * findings table, each duplicate set across splits side by side with every sample's split, the
 * planted sequence that spans two splits, and picking in those grids selecting the same samples
 * in the dataset's grid and in the kernel. Screenshots go to SCREENSHOTS.
 */
const SCREENSHOTS = path.resolve(__dirname, "../.tmp/screenshots/leakage");
const SHOW = "await bs.show(leaks);";
const GRID = 'await bs.show(ds, { caption: ["split", "sequence"] });';
const CELLS = [
  [
    'import * as bs from "blindspot";',
    'const { dataset: ds, truth } = await bs.generateDemo({ samples: 2000, out: "demo-data" });',
    'const leaks = await bs.leakage(ds, { groups: "sequence" });',
    "console.log(JSON.stringify(leaks.summary.crossSplitPairs));",
  ].join("\n"),
  SHOW,
  GRID,
];

describe("leakage view in JupyterLab", () => {
  const session = notebookSession("leakage.ipynb", SCREENSHOTS, CELLS);
  const grids = () => session.nb.cellOf(SHOW).locator('[data-blindspot="grid"]');
  const titled = (text: string) => grids().filter({ hasText: text }).first();

  it("draws the findings, the duplicate sets across splits side by side with their split, and the leaked sequence", async () => {
    await session.nb.runAll(600_000);
    const errors = await session.page
      .locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']")
      .allInnerTexts();
    expect(errors.join("\n")).not.toMatch(/Error|error TS/);
    const table = session.nb.cellOf(SHOW).locator('[data-blindspot="table"]').first();
    await table.waitFor();
    expect(await table.innerText()).toContain("near duplicate set");
    expect(await grids().count()).toBe(3);
    const pairs = await session.nb.kernelNumber("console.log(leaks.pairs.numRows())");
    const exact = titled("Exact duplicates across splits");
    const near = titled("Near duplicates across splits");
    const sequence = titled("Groups of sequence");
    for (const g of [exact, near, sequence]) await g.locator("[data-id] img").first().waitFor();
    const setSamples = await session.nb.kernelNumber("console.log(leaks.summary.crossSplitPairs.samples)");
    expect((await shownCount(exact)) + (await shownCount(near))).toBe(setSamples);
    expect(pairs).toBeGreaterThan(4);
    // Every tile names its split; each set shows at least two splits.
    const captions = await near.locator("[data-id]").first().locator(".bs-caption").allInnerTexts();
    expect(captions.join(" ")).toMatch(/split: (train|val|test)/);
    const truthSize = await session.nb.kernelNumber("console.log(truth.groupLeak.sampleIds.length)");
    expect(await shownCount(sequence)).toBe(truthSize);
    await near.scrollIntoViewIfNeeded();
    await session.shot("01-near-duplicates-across-splits");
    await exact.scrollIntoViewIfNeeded();
    await session.shot("02-exact-duplicates-across-splits");
    await sequence.scrollIntoViewIfNeeded();
    await session.shot("03-sequence-in-two-splits");
  }, 900_000);

  it("picking a pair in the leakage grid selects it in the dataset's grid and in the kernel", async () => {
    const near = titled("Near duplicates across splits");
    await near.scrollIntoViewIfNeeded();
    const tiles = near.locator("[data-id]");
    await tiles.nth(0).click();
    await tiles.nth(1).click({ modifiers: ["Control"] });
    const ids = [await tiles.nth(0).getAttribute("data-id"), await tiles.nth(1).getAttribute("data-id")];
    await near.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    const main = session.nb.cellOf(GRID).locator('[data-blindspot="grid"]');
    await expect
      .poll(() => main.locator('[data-blindspot="count"]').innerText(), { timeout: 10_000 })
      .toMatch(/2 selected/);
    await expect
      .poll(
        async () =>
          (
            await session.nb.outputText(await session.nb.runNewCell("console.log(JSON.stringify(bs.selection(ds)))"))
          ).trim(),
        {
          timeout: 15_000,
        },
      )
      .toBe(JSON.stringify([...ids].sort()));
    await near.scrollIntoViewIfNeeded();
    await session.shot("04-pair-picked");
    expect(session.pageErrors).toEqual([]);
  });
});
