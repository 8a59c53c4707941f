/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { selectionOf, shownCount } from "./notebookPage";
import { notebookSession } from "./notebookSession";

/**
 * The quality notebook in a real JupyterLab with the real tslab kernel, in headless Chromium:
 * computeQuality and its issues chart, embeddings mapped by UMAP and coloured by a field, a
 * brush on the map leaving exactly the brushed samples in the grids, and the duplicate sets
 * shown as groups, each planted copy beside its source. Screenshots go to SCREENSHOTS.
 */
const SCREENSHOTS = path.resolve(__dirname, "../.tmp/screenshots/quality");
const MAP = 'method: "umap"';
const GRID = 'caption: ["time_of_day", "quality_brightness"]';
const EXACT = 'groupBy: "quality_exact_duplicate_group"';
const NEAR = 'groupBy: "quality_near_duplicate_group"';

describe("quality notebook in JupyterLab", () => {
  const session = notebookSession("quality.ipynb", SCREENSHOTS);
  const shot = (name: string) => session.shot(name);
  const outputOf = (text: string, kind: string) =>
    session.nb.cellOf(text).locator(`[data-blindspot="${kind}"]`).first();
  const kernelNumber = (code: string) => session.nb.kernelNumber(code);
  /** Runs a cell that prints one JSON value, and returns it. */
  const kernelJson = async <T>(code: string): Promise<T> =>
    JSON.parse(await session.nb.outputText(await session.nb.runNewCell(code))) as T;
  /** Group value (data-group) of each tile of a grouped grid, by sample id. */
  /** Every tile's group, scrolling the virtual grid from top to bottom (only visible rows are in the page). */
  const tileGroups = async (grid: ReturnType<typeof outputOf>): Promise<Record<string, string>> => {
    const seen: Record<string, string> = {};
    for (let step = 0; step < 200; step++) {
      Object.assign(
        seen,
        await grid
          .locator("[data-id]")
          .evaluateAll((els) =>
            Object.fromEntries(els.map((e) => [(e as HTMLElement).dataset.id!, (e as HTMLElement).dataset.group!])),
          ),
      );
      const moved = await grid
        .locator("[data-id]")
        .first()
        .evaluate((tile) => {
          let el: HTMLElement | null = tile as HTMLElement;
          while (el && !(el.scrollHeight > el.clientHeight && /auto|scroll/.test(getComputedStyle(el).overflowY)))
            el = el.parentElement;
          if (!el) return false;
          const before = el.scrollTop;
          el.scrollTop = before + el.clientHeight / 2;
          return el.scrollTop !== before;
        });
      if (!moved) break;
      await grid.page().waitForTimeout(100);
    }
    // Back to the top, as a reader first sees the grid.
    await grid
      .locator("[data-id]")
      .first()
      .evaluate((tile) => {
        for (let el = tile.parentElement; el; el = el.parentElement) el.scrollTop = 0;
      });
    return seen;
  };

  it("runs every cell: the issues chart, the embedding map coloured by a field, the grids", async () => {
    await session.nb.runAll();
    const errors = await session.page
      .locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']")
      .allInnerTexts();
    expect(errors.join("\n")).not.toMatch(/Error|error TS/);
    const issues = outputOf("bs.plot.issues(ds)", "chart");
    await issues.scrollIntoViewIfNeeded();
    await issues.locator("canvas, svg.marks").first().waitFor();
    const bars = await issues.locator('path[aria-roledescription="bar"]').count();
    expect(bars).toBeGreaterThanOrEqual(3);
    await shot("01-issues");
    const map = outputOf(MAP, "chart");
    await map.scrollIntoViewIfNeeded();
    await map.locator("canvas, svg.marks").first().waitFor();
    // One point per sample, coloured by time of day (the legend lists its three values).
    expect(await map.locator(".role-legend-label text").evaluateAll((els) => els.map((e) => e.textContent))).toEqual([
      "day",
      "dusk",
      "night",
    ]);
    await shot("02-embedding-map");
    const grid = outputOf(GRID, "grid");
    await grid.scrollIntoViewIfNeeded();
    await grid.locator("[data-id] img").first().waitFor();
    expect(await shownCount(grid)).toBe(500);
    await shot("03-grid");
    const byBrightness = outputOf('color: "quality_brightness"', "chart");
    await byBrightness.scrollIntoViewIfNeeded();
    await byBrightness.locator("canvas, svg.marks").first().waitFor();
    await shot("04-map-by-brightness");
    expect(await kernelNumber(`["umap_x", "umap_y"].filter((f) => ds.samples.columnNames().includes(f)).length`)).toBe(
      2,
    );
    expect(session.pageErrors).toEqual([]);
  }, 600_000);

  it("the exact-duplicate grid shows each planted copy beside its source, one group per pair", async () => {
    const grid = outputOf(EXACT, "grid");
    await grid.scrollIntoViewIfNeeded();
    await grid.locator("[data-id] img").first().waitFor();
    const planted = await kernelJson<{ sampleId: string; duplicateOf: string }[]>(
      `console.log(JSON.stringify(JSON.parse(require("fs").readFileSync("demo-data/demo500/truth.json", ` +
        `"utf8")).duplicates.exact))`,
    );
    expect(planted.length).toBeGreaterThanOrEqual(3);
    await grid.scrollIntoViewIfNeeded();
    expect(await shownCount(grid)).toBe(2 * planted.length);
    expect(await grid.locator('[data-blindspot="group-header"]').count()).toBe(planted.length);
    // Each header says its group's size; the members sit in the row under it.
    const headers = await grid.locator('[data-blindspot="group-header"]').allInnerTexts();
    for (const h of headers) expect(h).toMatch(/^quality_exact_duplicate_group: \d+\s+2 samples$/);
    const groups = await tileGroups(grid);
    for (const { sampleId, duplicateOf } of planted) {
      expect(groups[sampleId]).toBeDefined();
      expect(groups[sampleId]).toBe(groups[duplicateOf]);
    }
    expect(new Set(Object.values(groups)).size).toBe(planted.length);
    await shot("05-exact-duplicate-groups");
  });

  it(
    "the near-duplicate grid groups the samples as the kernel's quality_near_duplicate_group does, each planted " +
      "near copy with its source",
    async () => {
      const grid = outputOf(NEAR, "grid");
      await grid.scrollIntoViewIfNeeded();
      await grid.locator("[data-id] img").first().waitFor();
      const kernel = await kernelJson<Record<string, number>>(
        `const ids = ds.samples.array("id") as string[], g = ds.samples.array("quality_near_duplicate_group") as ` +
          `(number | null)[];
       console.log(JSON.stringify(Object.fromEntries(ids.flatMap((id, i) => (g[i] === null ? [] : [[id, g[i]]])))));`,
      );
      expect(Object.keys(kernel).length).toBeGreaterThanOrEqual(4);
      await grid.scrollIntoViewIfNeeded();
      expect(await shownCount(grid)).toBe(Object.keys(kernel).length);
      const groups = await tileGroups(grid);
      expect(Object.keys(groups).sort()).toEqual(Object.keys(kernel).sort());
      for (const [id, g] of Object.entries(kernel)) expect(groups[id]).toBe(String(g));
      // Mode "dataset" puts every planted near copy with its source.
      const planted = await kernelJson<{ sampleId: string; duplicateOf: string }[]>(
        `console.log(JSON.stringify(JSON.parse(require("fs").readFileSync("demo-data/demo500/truth.json", ` +
          `"utf8")).duplicates.near))`,
      );
      expect(planted.length).toBeGreaterThanOrEqual(3);
      for (const { sampleId, duplicateOf } of planted)
        expect([sampleId, groups[sampleId]]).toEqual([sampleId, groups[duplicateOf]]);
      await grid.evaluate((el) => el.scrollIntoView({ block: "start" }));
      await shot("06-near-duplicate-groups");
    },
  );

  it("brushing the map leaves exactly the brushed samples in the grid and in the duplicate groups", async () => {
    const map = outputOf(MAP, "chart");
    await map.scrollIntoViewIfNeeded();
    const plot = map.locator("canvas, svg.marks").first();
    const box = (await plot.boundingBox())!;
    // Inside the plot area (the canvas also holds the axes and the legend).
    await session.page.mouse.move(box.x + box.width * 0.3, box.y + box.height * 0.2);
    await session.page.mouse.down();
    await session.page.mouse.move(box.x + box.width * 0.6, box.y + box.height * 0.65, { steps: 8 });
    await session.page.mouse.up();
    const brush = await selectionOf<Record<string, [number, number]>>(map);
    const [x0, x1] = brush.x,
      [y0, y1] = brush.y;
    await shot("07-brush");
    const inside = `d => d.umap_x >= ${x0} && d.umap_x <= ${x1} && d.umap_y >= ${y0} && d.umap_y <= ${y1}`;
    const expected = await kernelNumber(`ds.filter(\`${inside}\`).count()`);
    expect(expected).toBeGreaterThan(0);
    expect(expected).toBeLessThan(500);
    const grid = outputOf(GRID, "grid");
    await grid.scrollIntoViewIfNeeded();
    await expect.poll(() => shownCount(grid)).toBe(expected);
    await shot("08-grid-after-brush");
    // selection() reads what the extension saved: the same samples.
    await expect.poll(() => kernelNumber("bs.selection().length")).toBe(expected);
    expect(await kernelNumber(`ds.ids(bs.selection()).filter(\`${inside}\`).count()`)).toBe(expected);
    // The duplicate grid of the same link group keeps the duplicates inside the brush.
    const dupsInside = await kernelNumber(
      `ds.filter(\`${inside}\`).filter("d => d.quality_exact_duplicate_group !== null").count()`,
    );
    const exact = outputOf(EXACT, "grid");
    await exact.scrollIntoViewIfNeeded();
    await expect.poll(() => shownCount(exact)).toBe(dupsInside);
    await shot("09-duplicates-after-brush");
  });

  it("a click on the dark bar leaves the dark samples", async () => {
    const issues = outputOf("bs.plot.issues(ds)", "chart");
    await issues.scrollIntoViewIfNeeded();
    const labels = await issues
      .locator('path[aria-roledescription="bar"]')
      .evaluateAll((els) => els.map((e) => e.getAttribute("aria-label") ?? ""));
    const index = labels.findIndex((l) => /issue: dark(;|$)/.test(l));
    if (index < 0) throw new Error(`no bar for dark among ${JSON.stringify(labels)}`);
    const bar = (await issues.locator('path[aria-roledescription="bar"]').nth(index).boundingBox())!;
    await session.page.mouse.click(bar.x + bar.width / 2, bar.y + 3);
    expect(await selectionOf(issues)).toMatchObject({ x: ["dark"] });
    const dark = await kernelNumber(`ds.where("is_dark", true).count()`);
    expect(dark).toBeGreaterThan(0);
    const grid = outputOf(GRID, "grid");
    await grid.scrollIntoViewIfNeeded();
    await expect.poll(() => shownCount(grid)).toBe(dark);
    await shot("10-grid-of-dark-images");
  });
});
