/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { selectionPath } from "../../kernel/protocol";
import { selectionOf, shownCount } from "./notebookPage";
import { notebookSession } from "./notebookSession";

/**
 * The quickstart notebook in a real JupyterLab with the real tslab kernel and the built
 * extension, driven in headless Chromium. Screenshots of each step go to SCREENSHOTS.
 */
const SCREENSHOTS = path.resolve(__dirname, "../.tmp/screenshots/quickstart");
const XSS = "<img src=x onerror=alert(1)>";

describe("quickstart notebook in JupyterLab", () => {
  const session = notebookSession("quickstart.ipynb", SCREENSHOTS);
  const shot = (name: string) => session.shot(name);
  /** The first output of a kind (grid, chart, table) in the cell whose source contains `text`. */
  const outputOf = (text: string, kind: string) =>
    session.nb.cellOf(text).locator(`[data-blindspot="${kind}"]`).first();
  const kernelNumber = (code: string) => session.nb.kernelNumber(code);

  it("runs every cell and shows thumbnails with boxes in the grid (a)", async () => {
    await session.nb.runAll();
    const errors = await session.page
      .locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']")
      .allInnerTexts();
    expect(errors.join("\n")).not.toMatch(/Error|error TS/);
    const grid = outputOf("await bs.show(ds, {", "grid");
    await grid.scrollIntoViewIfNeeded();
    const tile = grid.locator("[data-id]").first();
    await tile.waitFor();
    await session.page.waitForFunction(
      (el) =>
        [...el!.querySelectorAll("[data-id] img")].some(
          (i) => (i as HTMLImageElement).complete && (i as HTMLImageElement).naturalWidth > 0,
        ),
      await grid.elementHandle(),
      { timeout: 30_000 },
    );
    expect(await grid.locator('[data-id] [data-blindspot="box"]').count()).toBeGreaterThan(0);
    expect(await shownCount(grid)).toBe(2000);
    await shot("01-grid");
  }, 600_000);

  it("brushing the scatter plot leaves exactly the samples inside the brush (b)", async () => {
    const chart = outputOf("bs.plot.scatter(", "chart");
    await chart.scrollIntoViewIfNeeded();
    const plot = chart.locator("canvas, svg.marks").first();
    await plot.waitFor();
    const box = (await plot.boundingBox())!;
    // A brush over the middle of the plot area.
    await session.page.mouse.move(box.x + box.width * 0.3, box.y + box.height * 0.25);
    await session.page.mouse.down();
    await session.page.mouse.move(box.x + box.width * 0.6, box.y + box.height * 0.6, { steps: 8 });
    await session.page.mouse.up();
    // The brush's value as Vega-Lite gives it: the chart's x and y intervals in data units.
    const brush = await selectionOf<Record<string, [number, number]>>(chart);
    const [x0, x1] = brush.x,
      [y0, y1] = brush.y;
    await shot("02-brush");
    const expected = await kernelNumber(
      `ds.filter(\`d => d.mean_box_size >= ${x0} && d.mean_box_size <= ${x1} && d.model_confidence >= ${y0} && ` +
        `d.model_confidence <= ${y1}\`).count()`,
    );
    expect(expected).toBeGreaterThan(0);
    const grid = outputOf("await bs.show(ds, {", "grid");
    await grid.scrollIntoViewIfNeeded();
    expect(await shownCount(grid)).toBe(expected);
    await shot("03-grid-after-brush");
  });

  it("clicking a bar filters the grid to that value (c)", async () => {
    const chart = outputOf('bs.plot.bar(ds, "camera")', "chart");
    await chart.scrollIntoViewIfNeeded();
    // Click near the top of the last bar, above any highlighted part of it.
    const bar = (await chart.locator('path[aria-roledescription="bar"]').last().boundingBox())!;
    await session.page.mouse.click(bar.x + bar.width / 2, bar.y + 3);
    const picked = await selectionOf<{ x: string[] }>(chart);
    expect(picked.x).toHaveLength(1);
    await shot("04-bar-click");
    const expected = await kernelNumber(`ds.where("camera", ${JSON.stringify(picked.x[0])}).count()`);
    const grid = outputOf("await bs.show(ds, {", "grid");
    await grid.scrollIntoViewIfNeeded();
    expect(await shownCount(grid)).toBe(expected);
    await shot("05-grid-after-bar");
  });

  it("three selected tiles come back from selection() in a new cell (d)", async () => {
    const grid = outputOf("await bs.show(ds, {", "grid");
    await grid.scrollIntoViewIfNeeded();
    const tiles = grid.locator("[data-id]");
    const ids = [];
    for (let i = 0; i < 3; i++) ids.push((await tiles.nth(i).getAttribute("data-id"))!);
    await tiles.nth(0).click();
    await tiles.nth(1).click({ modifiers: ["Control"] });
    await tiles.nth(2).click({ modifiers: ["Control"] });
    expect(await grid.locator(".bs-selected").count()).toBe(3);
    await shot("06-three-selected");
    // The renderer persists the selection through the contents API; wait until it landed.
    const group = await session.nb.outputText(await session.nb.runNewCell("console.log(bs.linkGroup(ds));"));
    const file = `${session.lab.url}api/contents/${selectionPath(group)}?token=${session.lab.token}&content=1`;
    await expect
      .poll(
        async () => {
          const res = await fetch(file);
          return res.ok
            ? (JSON.parse(((await res.json()) as { content: string }).content) as { picked: string[] }).picked.length
            : 0;
        },
        { timeout: 10_000 },
      )
      .toBe(3);
    const out = await session.nb.outputText(
      await session.nb.runNewCell("console.log(JSON.stringify(bs.selection(ds)));"),
    );
    expect(new Set(JSON.parse(out) as string[])).toEqual(new Set(ids));
    await shot("07-selection-in-kernel");
    // Tagging the selection in the kernel shows the tag on those tiles at once.
    await session.nb.runNewCell(`ds.tag(bs.selection(), "review");`);
    await grid.scrollIntoViewIfNeeded();
    for (const id of ids)
      await expect.poll(() => grid.locator(`[data-id="${id}"] .bs-tag`).allTextContents()).toContain("review");
    await shot("08-tagged");
  });

  it(`a label ${XSS} renders as text and runs nothing (e)`, async () => {
    const code = [
      `const evil = new bs.DatasetBuilder("evil", "demo-data/demo2000/images");`,
      `const evilId = evil.addSample({ filepath: "s000000.jpg", width: 320, height: 240, fields: { note: ` +
        `${JSON.stringify(XSS)} } });`,
      `evil.addObject({ sampleId: evilId, field: "ground_truth", label: ${JSON.stringify(XSS)}, x: 20, y: 20, w: ` +
        `120, h: 90 });`,
      `await bs.show(evil.build(), { caption: ["note"] });`,
    ].join("\n");
    const output = await session.nb.runNewCell(code);
    const grid = output.locator('[data-blindspot="grid"]');
    await grid.locator("[data-id]").first().waitFor();
    expect(await grid.innerText()).toContain(XSS);
    await grid.locator("[data-id]").first().dblclick();
    await session.page.waitForTimeout(500);
    await shot("09-xss-as-text");
    expect(await session.page.locator('img[src="x"]').count()).toBe(0);
    expect(session.dialogs).toEqual([]);
    expect(session.pageErrors).toEqual([]);
  });
});
