/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
import * as path from "node:path";
import type { Locator } from "playwright-core";
import { describe, expect, it } from "vitest";
import { VOC, VOC_COCO, VOC_IMAGES } from "../helpers/data";
import { notebookSession } from "./notebookSession";

/**
 * The grid's label controls and large view on real photos (voc100) that live outside the
 * notebook's folder, in a real JupyterLab with the tslab kernel, in headless Chromium.
 */
const SCREENSHOTS = path.resolve(__dirname, "../.tmp/screenshots/grid");
const DETECTIONS = path.join(VOC, "voc100_dets_coco_results.json");

interface Box {
  x: number;
  y: number;
  right: number;
  bottom: number;
}

/** Two page rectangles side by side or one above the other (half a pixel of rounding allowed). */
const apart = (a: Box, b: Box) =>
  a.right <= b.x + 0.5 || b.right <= a.x + 0.5 || a.bottom <= b.y + 0.5 || b.bottom <= a.y + 0.5;

describe("grid label controls and large view", () => {
  const session = notebookSession("quickstart.ipynb", SCREENSHOTS);
  const shot = (name: string) => session.shot(name);
  let plain: Locator;
  let evaluated: Locator;

  /** Bounding boxes (page pixels) of the label backgrounds and of the frame of each visible tile. */
  const tileLabels = (grid: Locator) =>
    grid.locator("[data-id]").evaluateAll((tiles) =>
      tiles.map((t) => {
        const frame = t.querySelector(".bs-frame")!.getBoundingClientRect();
        const labels = [...t.querySelectorAll(".bs-box-label-back")].map((b) => b.getBoundingClientRect());
        const texts = [...t.querySelectorAll("text.bs-box-label")].map((b) => b.textContent ?? "");
        const boxes = [...t.querySelectorAll('[data-blindspot="box"]')].map((r) => r.getAttribute("stroke-dasharray"));
        const corners = (r: DOMRect) => ({ x: r.x, y: r.y, right: r.right, bottom: r.bottom });
        return { frame: corners(frame), labels: labels.map(corners), texts, boxes };
      }),
    );

  it("loads voc100 from outside the notebook folder and shows it before and after evaluation", async () => {
    const load = [
      `const voc = await bs.load(${JSON.stringify(VOC_COCO)}, { images: ${JSON.stringify(VOC_IMAGES)} });`,
      `await bs.importLabels(voc, ${JSON.stringify(DETECTIONS)}, { format: "coco-results", field: "model" });`,
      `await bs.show(voc, { title: "voc plain" });`,
    ].join("\n");
    await session.nb.runNewCell(`import * as bs from "blindspot";`);
    plain = (await session.nb.runNewCell(load)).locator('[data-blindspot="grid"]');
    const evaluate = [
      `bs.evaluateDetections(voc, "model");`,
      `await bs.show(voc, { title: "voc evaluated", outcome: "eval_model" });`,
    ].join("\n");
    evaluated = (await session.nb.runNewCell(evaluate)).locator('[data-blindspot="grid"]');
    for (const grid of [plain, evaluated]) await grid.locator("[data-id] [data-blindspot=box]").first().waitFor();
    expect(session.pageErrors).toEqual([]);
  }, 300_000);

  it("shows the TP / FP / FN legend only on the grid that draws outcomes", async () => {
    await expect.poll(() => evaluated.locator('[data-blindspot="legend"] [data-outcome]').count()).toBe(3);
    expect(await plain.locator('[data-blindspot="legend"]').isVisible()).toBe(false);
    const outcomes = await evaluated
      .locator("[data-outcome]")
      .evaluateAll((els) => els.map((e) => e.getAttribute("data-outcome")));
    expect(outcomes).toEqual(["tp", "fp", "fn"]);
  });

  it("keeps tile labels inside their tile and never over each other", async () => {
    await evaluated.scrollIntoViewIfNeeded();
    const tiles = await tileLabels(evaluated);
    const withLabels = tiles.filter((t) => t.labels.length > 0);
    expect(withLabels.length).toBeGreaterThan(5);
    const slack = 0.5;
    for (const t of tiles) {
      for (const l of t.labels) {
        expect(l.x).toBeGreaterThanOrEqual(t.frame.x - slack);
        expect(l.y).toBeGreaterThanOrEqual(t.frame.y - slack);
        expect(l.right).toBeLessThanOrEqual(t.frame.right + slack);
        expect(l.bottom).toBeLessThanOrEqual(t.frame.bottom + slack);
      }
      for (let i = 0; i < t.labels.length; i++) {
        for (let j = i + 1; j < t.labels.length; j++) {
          expect(apart(t.labels[i], t.labels[j]), JSON.stringify([t.labels[i], t.labels[j]])).toBe(true);
        }
      }
    }
  });

  it("label controls hide a field, a class, the scores and predictions under a confidence", async () => {
    const page = session.page;
    await evaluated.locator('[data-blindspot="labels"]').click();
    const controls = evaluated.locator('[data-blindspot="label-controls"]');
    await controls.waitFor();
    await shot("label-controls");
    const before = await tileLabels(evaluated);
    expect(before.some((t) => t.texts.some((x) => /\d\.\d\d/.test(x)))).toBe(true);

    // Scores off: labels keep their class only.
    await controls.locator("label", { hasText: "scores" }).locator("input").uncheck();
    const anyScore = async () => (await tileLabels(evaluated)).some((t) => t.texts.some((x) => /\d\.\d\d/.test(x)));
    await expect.poll(anyScore).toBe(false);
    await controls.locator("label", { hasText: "scores" }).locator("input").check();

    // A confidence threshold: no prediction label under it.
    const slider = controls.locator('[data-blindspot="confidence"]');
    await slider.evaluate((el: HTMLInputElement) => {
      el.value = "0.9";
      el.dispatchEvent(new Event("input", { bubbles: true }));
    });
    const scores = (await tileLabels(evaluated)).flatMap((t) =>
      t.texts.map((x) => Number(x.match(/ (\d\.\d\d)/)?.[1])),
    );
    expect(scores.filter((x) => !Number.isNaN(x)).every((x) => x >= 0.9)).toBe(true);
    expect(await evaluated.locator('[data-blindspot="labels"]').textContent()).toBe("Labels (1)");
    await slider.evaluate((el: HTMLInputElement) => {
      el.value = "0";
      el.dispatchEvent(new Event("input", { bubbles: true }));
    });

    // The model's field off: only solid or dotted (ground truth) outlines are left.
    await controls.locator("label", { hasText: "model" }).locator("input").uncheck();
    let tiles = await tileLabels(evaluated);
    expect(tiles.flatMap((t) => t.boxes).length).toBeGreaterThan(0);
    expect(tiles.flatMap((t) => t.boxes).every((d) => d === "none" || d === "2 2")).toBe(true);
    await controls.locator("label", { hasText: "model" }).locator("input").check();

    // A class off: no label of it anywhere.
    const person = controls.locator(".bs-class-list label", { hasText: /^person/ });
    await person.locator("input").uncheck();
    tiles = await tileLabels(evaluated);
    expect(tiles.flatMap((t) => t.texts).some((x) => x.startsWith("person"))).toBe(false);
    expect(tiles.flatMap((t) => t.texts).length).toBeGreaterThan(0);
    await person.locator("input").check();
    await page.keyboard.press("Escape");
    await expect.poll(() => controls.isVisible()).toBe(false);
  });

  it("opens a photo at full resolution, zooms about the pointer and keeps boxes on their pixels", async () => {
    const page = session.page;
    const tile = evaluated.locator("[data-id]").first();
    const id = (await tile.getAttribute("data-id"))!;
    // The image's width and its first ground-truth box, in image pixels, as the kernel has them.
    const ofId = (table: string, where: string, column: string) =>
      session.nb.kernelNumber(
        `voc.${table}.params({ id: ${JSON.stringify(id)} }).filter((d, $) => ${where}).get("${column}", 0)`,
      );
    const width = await ofId("samples", "d.id === $.id", "width");
    const gtX = await ofId("objects", `d.sample_id === $.id && d.field === "ground_truth"`, "x");
    const gtY = await ofId("objects", `d.sample_id === $.id && d.field === "ground_truth"`, "y");
    await evaluated.scrollIntoViewIfNeeded();
    await tile.dblclick();
    const view = page.locator('[data-blindspot="large-view"]');
    const img = view.locator("img");
    await expect.poll(() => img.getAttribute("data-resolution"), { timeout: 20_000 }).toBe("full");
    const natural = await img.evaluate((el: HTMLImageElement) => [el.naturalWidth, el.naturalHeight]);
    expect(natural[0]).toBe(width);
    expect(natural[0]).toBeGreaterThan(256);
    await page.locator("button[aria-label='natural size']").click();
    /** The first box's corner in image pixels, from where the image and the box are on screen. */
    const boxInImage = () =>
      view.evaluate((vp) => {
        const im = vp.querySelector("img")!.getBoundingClientRect();
        const v = vp.getBoundingClientRect();
        const r = vp.querySelector('[data-blindspot="box"]')!;
        const scale = im.width / (vp.querySelector("img") as HTMLImageElement).naturalWidth;
        return {
          scale,
          x: (Number(r.getAttribute("x")) - (im.x - v.x)) / scale,
          y: (Number(r.getAttribute("y")) - (im.y - v.y)) / scale,
        };
      });
    await expect.poll(async () => (await boxInImage()).scale).toBeCloseTo(1, 3);
    expect(await page.locator('[data-blindspot="zoom"]').textContent()).toBe("100%");
    let b = await boxInImage();
    expect(Math.abs(b.x - gtX)).toBeLessThan(0.2);
    expect(Math.abs(b.y - gtY)).toBeLessThan(0.2);
    await shot("large-view-natural-size");

    // Three wheel notches in at a point: the image point under it stays put.
    const vpBox = (await view.boundingBox())!;
    const px = vpBox.x + vpBox.width * 0.3,
      py = vpBox.y + vpBox.height * 0.4;
    const under = () =>
      view.evaluate(
        (vp, [x, y]) => {
          const im = vp.querySelector("img")!;
          const r = im.getBoundingClientRect();
          return [((x - r.x) / r.width) * im.naturalWidth, ((y - r.y) / r.height) * im.naturalHeight];
        },
        [px, py],
      );
    const still = await under();
    await page.mouse.move(px, py);
    for (let i = 0; i < 3; i++) await page.mouse.wheel(0, -100);
    await expect.poll(async () => (await boxInImage()).scale).toBeGreaterThan(1.5);
    const moved = await under();
    expect(Math.abs(moved[0] - still[0])).toBeLessThan(1);
    expect(Math.abs(moved[1] - still[1])).toBeLessThan(1);
    b = await boxInImage();
    expect(Math.abs(b.x - gtX)).toBeLessThan(0.2);
    expect(Math.abs(b.y - gtY)).toBeLessThan(0.2);

    // Drag to pan: the image follows the pointer, the box stays on it.
    const before = (await img.boundingBox())!;
    await page.mouse.move(px, py);
    await page.mouse.down();
    await page.mouse.move(px - 60, py - 40, { steps: 5 });
    await page.mouse.up();
    const after = (await img.boundingBox())!;
    expect(after.x - before.x).toBeCloseTo(-60, 0);
    expect(after.y - before.y).toBeCloseTo(-40, 0);
    b = await boxInImage();
    expect(Math.abs(b.x - gtX)).toBeLessThan(0.2);
    await shot("large-view-zoomed");

    // Fit: the whole image in the viewport again.
    await page.locator("button[aria-label='fit']").click();
    // The fitted layout lands on the next frame.
    const fits = async () => {
      const fitted = (await img.boundingBox())!;
      return fitted.x >= vpBox.x - 0.5 && fitted.x + fitted.width <= vpBox.x + vpBox.width + 0.5;
    };
    await expect.poll(fits, { timeout: 10_000 }).toBe(true);
  });

  it("the large view's labels do not overlap, and no word in its tables is broken", async () => {
    const page = session.page;
    const labels = await page
      .locator('[data-blindspot="large-view"] .bs-box-label-back')
      .evaluateAll((els) =>
        els.map((e) => e.getBoundingClientRect()).map((r) => ({ x: r.x, y: r.y, right: r.right, bottom: r.bottom })),
      );
    expect(labels.length).toBeGreaterThan(0);
    for (let i = 0; i < labels.length; i++) {
      for (let j = i + 1; j < labels.length; j++) {
        expect(apart(labels[i], labels[j])).toBe(true);
      }
    }
    // Each word of a cell sits on one line: a word split over two lines has two client rects.
    const broken = await page.locator(".bs-modal-details").evaluate((details) => {
      const out: string[] = [];
      for (const cell of details.querySelectorAll("th, td")) {
        const node = [...cell.childNodes].find((n) => n.nodeType === Node.TEXT_NODE);
        if (!node?.textContent) continue;
        const words = node.textContent.split(/(\s+)/);
        let at = 0;
        for (const w of words) {
          if (w.trim()) {
            const range = document.createRange();
            range.setStart(node, at);
            range.setEnd(node, at + w.length);
            if (range.getClientRects().length > 1) out.push(w);
          }
          at += w.length;
        }
      }
      return out;
    });
    expect(broken).toEqual([]);
    expect(await page.locator(".bs-modal-details").innerText()).toContain("ground_truth");
    await page.keyboard.press("Escape");
  });
});
