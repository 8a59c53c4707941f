/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { parsePatchId, selectionPath } from "../../kernel/protocol";
import { shownCount } from "./notebookPage";
import { notebookSession } from "./notebookSession";

/**
 * A patches grid of the demo's false positives in a real JupyterLab with the tslab kernel, in
 * headless Chromium: one tile per FP box of the evaluation, crops made for the tiles scrolled
 * to, two patches picked and read back in the kernel as boxes and samples, and a double click
 * that opens the box's sample with that box highlighted. Screenshots go to SCREENSHOTS.
 */
const SCREENSHOTS = path.resolve(__dirname, "../.tmp/screenshots/patches");
const SHOW = 'await bs.show(ds.patches("model", { outcome: "fp" }));';
const CELLS = [
  [
    'import * as bs from "blindspot";',
    'const { dataset: ds } = await bs.generateDemo({ samples: 2000, out: "demo-data" });',
    'const ev = bs.evaluateDetections(ds, "model");',
  ].join("\n"),
  SHOW,
];

describe("patches grid in JupyterLab", () => {
  const session = notebookSession("patches.ipynb", SCREENSHOTS, CELLS);
  const grid = () => session.nb.cellOf(SHOW).locator('[data-blindspot="grid"]');
  const renderedIndices = () =>
    grid().evaluate((g) => [...g.querySelectorAll<HTMLElement>("[data-index]")].map((t) => Number(t.dataset.index)));
  const lastRenderedIndex = async () => Math.max(...(await renderedIndices()));
  const firstRenderedIndex = async () => Math.min(...(await renderedIndices()));
  const tileImagesLoaded = (count: number) =>
    grid().evaluate((g, n) => {
      const imgs = [...g.querySelectorAll<HTMLImageElement>("[data-id] img")].slice(0, n);
      return imgs.length === n && imgs.every((img) => img.complete && img.naturalWidth > 0);
    }, count);

  it("shows one tile per false positive of the evaluation, each a crop with its box", async () => {
    await session.nb.runAll(600_000);
    const errors = await session.page
      .locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']")
      .allInnerTexts();
    expect(errors.join("\n")).not.toMatch(/Error|error TS/);
    await grid().locator("[data-id] img").first().waitFor();
    const fp = await session.nb.kernelNumber(
      'console.log(ev.perClass().rollup({ n: "d => op.sum(d.fp)" }).get("n", 0))',
    );
    expect(fp).toBeGreaterThan(50);
    expect(await shownCount(grid())).toBe(fp);
    await grid().scrollIntoViewIfNeeded();
    await expect.poll(() => tileImagesLoaded(12), { timeout: 20_000 }).toBe(true);
    // Each tile draws its one box, coloured as a false positive.
    const first = grid().locator("[data-id]").first();
    expect(await first.locator('rect[data-blindspot="box"]').count()).toBe(1);
    await session.shot("01-fp-patches");
  }, 900_000);

  it("makes the crops of the tiles scrolled to (the kernel cuts them on request)", async () => {
    const viewport = grid().locator(".bs-viewport");
    await viewport.evaluate((v) => (v.scrollTop = v.scrollHeight));
    // The grid renders the rows scrolled to on its next frame; under load that can take a while.
    await expect
      .poll(() => lastRenderedIndex(), { timeout: 20_000, interval: 250 })
      .toBe((await shownCount(grid())) - 1);
    await expect
      .poll(
        () =>
          grid().evaluate((g) =>
            [...g.querySelectorAll<HTMLImageElement>("[data-id] img")]
              .filter((i) => !i.hidden)
              .every((i) => i.complete && i.naturalWidth > 0),
          ),
        { timeout: 30_000, interval: 250 },
      )
      .toBe(true);
    await session.shot("02-scrolled-to-the-end");
    await viewport.evaluate((v) => (v.scrollTop = 0));
    await expect.poll(() => firstRenderedIndex(), { timeout: 20_000, interval: 250 }).toBe(0);
  });

  it("two picked patches come back to the kernel as their object ids and samples", async () => {
    const file = path.join(session.lab.root, selectionPath(`${await datasetGroup()}/patches`));
    const tiles = grid().locator("[data-id]");
    const ids = [await tiles.nth(0).getAttribute("data-id"), await tiles.nth(2).getAttribute("data-id")] as string[];
    await grid().locator(`[data-id="${ids[0]}"]`).click();
    await grid()
      .locator(`[data-id="${ids[1]}"]`)
      .click({ modifiers: ["Control"] });
    // The next cell is added with Escape, which in a focused grid clears its selection.
    await grid().evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await expect
      .poll(() => fs.existsSync(file) && (JSON.parse(fs.readFileSync(file, "utf8")).picked as string[]).length, {
        timeout: 10_000,
      })
      .toBe(2);
    const out = await session.nb.outputText(
      await session.nb.runNewCell("console.log(JSON.stringify(bs.selection({ objects: true })))"),
    );
    const picked = ids.map((id) => parsePatchId(id)!);
    expect(JSON.parse(out)).toEqual({
      objects: picked.map((p) => p.object),
      samples: [...new Set(picked.map((p) => p.sample))],
    });
    await session.shot("03-two-patches-picked");
  });

  it("a double click opens the box's sample in the large view with that box highlighted", async () => {
    const tile = grid().locator("[data-id]").nth(1);
    const { sample, object } = parsePatchId((await tile.getAttribute("data-id"))!)!;
    const label = (await tile.locator(".bs-caption").first().innerText()).replace(/^label: /, "");
    const objectLabel = await session.nb.outputText(
      await session.nb.runNewCell(`console.log(ds.objects.filter("d => d.id === ${object}").get("label", 0))`),
    );
    expect(objectLabel).toBe(label);
    await grid().scrollIntoViewIfNeeded();
    await tile.dblclick();
    const modal = session.page.locator(".bs-modal");
    await modal.locator('rect[data-highlight="true"]').waitFor({ timeout: 15_000 });
    expect(await modal.locator('rect[data-highlight="true"]').count()).toBe(1);
    expect(await modal.locator('rect[data-blindspot="box"]').count()).toBeGreaterThan(1);
    expect(await modal.locator(".bs-modal-title").innerText()).toContain(sample);
    const row = modal.locator(".bs-objects tr.bs-highlight");
    expect(await row.count()).toBe(1);
    expect(await row.innerText()).toContain(label);
    expect(await row.innerText()).toContain("fp");
    await session.shot("04-large-view-highlighted-box");
    await session.page.keyboard.press("Escape");
    expect(session.pageErrors).toEqual([]);
  });

  /** The dataset's link group in the kernel (its name plus a digest of its content and notebook). */
  async function datasetGroup(): Promise<string> {
    const out = await session.nb.outputText(await session.nb.runNewCell("console.log(bs.linkGroup(ds))"));
    return out.trim();
  }
});
