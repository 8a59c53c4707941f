/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { notebookSession } from "./notebookSession";

/**
 * The label-issue review loop in a real JupyterLab with the tslab kernel, in headless Chromium: a
 * grid of the demo's images with box label issues, worst first, each flagged box named by its issue
 * and its suggested correction drawn in its own style, on the tiles and in the large view; two suggestions accepted and one rejected
 * (a button, then the A and R keys, stepping with the arrow keys); a cell then reads exactly those
 * decisions, applyCorrections changes exactly the accepted labels, and the flagged images' CVAT
 * export comes back to the same boxes. Screenshots go to SCREENSHOTS.
 */
const SCREENSHOTS = path.resolve(__dirname, "../.tmp/screenshots/review");
const SHOW = 'await bs.show(ds.where("label_issue", true).sort("label_quality"), { title: "label issues" });';
const CELLS = [
  [
    'import * as bs from "blindspot";',
    'const { dataset: ds } = await bs.generateDemo({ samples: 200, seed: 7, out: "demo-data" });',
    'const issues = bs.boxLabelIssues(ds, { predictions: "model" });',
    "console.log(JSON.stringify(issues.summary.boxes));",
  ].join("\n"),
  SHOW,
];

interface Decided {
  key: string;
  decision: string;
}

describe("label-issue review in the large view", () => {
  const session = notebookSession("review.ipynb", SCREENSHOTS, CELLS);
  const decided: Decided[] = [];

  it("shows each flagged box with its suggestion; accept, accept, reject", async () => {
    await session.nb.runAll(600_000);
    const errors = await session.page
      .locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']")
      .allInnerTexts();
    expect(errors.join("\n")).not.toMatch(/Error|error TS/);
    const grid = session.nb.cellOf(SHOW).locator('[data-blindspot="grid"]');
    await grid.locator("[data-id] img").first().waitFor();
    // The tiles already show each issue and, dotted in its own colour, the suggested fix.
    await expect.poll(() => grid.locator('[data-blindspot="box"][stroke="#cc79a7"]').count()).toBeGreaterThan(0);
    const tileLabels = await grid.locator("text.bs-box-label").allTextContents();
    expect(tileLabels.some((t) => /\[(swap|badloc|overlooked)/.test(t))).toBe(true);
    expect(tileLabels.some((t) => t.startsWith("fix:"))).toBe(true);
    await session.shot("01-issues-grid");

    const page = session.page;
    await grid.locator("[data-id]").first().dblclick();
    const review = page.locator('[data-blindspot="review"]');
    await review.waitFor();
    // The flagged box names its issue; a suggestion is drawn in its own (dotted) style.
    const labels = page.locator('[data-blindspot="large-view"] text');
    await expect.poll(async () => (await labels.allTextContents()).join(" ")).toMatch(/\[(swap|badloc|overlooked)\]/);
    await session.shot("02-large-view-issue");

    const current = async () => {
      const row = review.locator("tr").first();
      return (await row.getAttribute("data-key"))!;
    };
    // 1: the Accept button.
    const first = await current();
    await review.locator("tr").first().locator('[data-blindspot="accept"]').click();
    await expect.poll(() => review.locator("tr").first().getAttribute("data-decision")).toBe("accept");
    decided.push({ key: first, decision: "accept" });
    await session.shot("03-accepted");
    // 2 and 3: the next samples, with the keys.
    for (const [key, decision] of [
      ["a", "accept"],
      ["r", "reject"],
    ] as const) {
      await page.keyboard.press("ArrowRight");
      await expect.poll(current).not.toBe(decided.at(-1)!.key);
      const k = await current();
      await page.keyboard.press(key);
      await expect.poll(() => review.locator(`tr[data-key="${k}"]`).getAttribute("data-decision")).toBe(decision);
      decided.push({ key: k, decision });
    }
    await session.shot("04-rejected");
    await page.keyboard.press("Escape");
    expect(session.pageErrors).toEqual([]);
  }, 900_000);

  it("a loose label's tile names it and draws the sure box inside it as the fix", async () => {
    const cell = await session.nb.runNewCell(
      'await bs.show(ds.ids(issues.loose.array("sample_id") as string[]), { title: "loose labels" });',
    );
    const grid = cell.locator('[data-blindspot="grid"]');
    await grid.locator("[data-id] img").first().waitFor();
    await expect
      .poll(async () => (await grid.locator("text.bs-box-label").allTextContents()).join(" "))
      .toMatch(/\[loose\]/);
    expect(await grid.locator('[data-blindspot="box"][stroke="#cc79a7"]').count()).toBeGreaterThan(0);
    await grid.scrollIntoViewIfNeeded();
    await session.shot("05-loose-labels");
  }, 300_000);

  it("a cell reads exactly those decisions; applyCorrections changes exactly the accepted labels", async () => {
    const read = await session.nb.runNewCell(
      [
        "const decisions = bs.reviewDecisions(ds).objects() as any[];",
        "console.log(JSON.stringify(decisions.map((d) => [`${d.kind}:${d.kind === 'object' ? d.object_id : d.sample_id}`, d.decision])));",
      ].join("\n"),
    );
    const text = await session.nb.outputText(read);
    expect(JSON.parse(text.trim())).toEqual(decided.map((d) => [d.key, d.decision]));

    const applied = await session.nb.runNewCell(
      [
        'const fixed = bs.applyCorrections(ds, { from: "review" });',
        "console.log(JSON.stringify(fixed.changes.objects().map((c: any) => c.object_id)));",
      ].join("\n"),
    );
    const changed = JSON.parse((await session.nb.outputText(applied)).trim()) as number[];
    const accepted = decided.filter((d) => d.decision === "accept").map((d) => Number(d.key.split(":")[1]));
    expect(changed).toEqual(accepted);
    // Boxes of the corrected field that differ from the original field: only the accepted ones.
    const differing = await session.nb.kernelNumber(
      [
        "const gt = ds.objects.objects().filter((o: any) => o.field === 'ground_truth');",
        "const rv = ds.objects.objects().filter((o: any) => o.field === 'ground_truth_reviewed');",
        "const k = (o: any) => [o.sample_id, o.label, o.x, o.y, o.w, o.h].join();",
        "const original = new Set(gt.map(k));",
        "console.log(rv.filter((o: any) => !original.has(k(o))).length)",
      ].join("\n"),
    );
    expect(differing).toBe(accepted.length);
  }, 300_000);

  it("the flagged images' CVAT export re-imports to the same boxes", async () => {
    const same = await session.nb.kernelNumber(
      [
        'const task = await bs.exportLabelIssues(ds, "review-task");',
        'await bs.importLabels(ds, task.annotations, { format: "cvat", field: "reannotated" });',
        "const flagged = new Set(ds.where('label_issue', true).samples().array('id') as string[]);",
        "const box = (o: any) => [o.sample_id, o.label, o.x.toFixed(2), o.y.toFixed(2), o.w.toFixed(2), o.h.toFixed(2)].join();",
        "const mine = ds.objects.objects().filter((o: any) => o.field === 'ground_truth' && flagged.has(o.sample_id)).map(box).sort();",
        "const back = ds.objects.objects().filter((o: any) => o.field === 'reannotated').map(box).sort();",
        "console.log(mine.length > 0 && JSON.stringify(mine) === JSON.stringify(back) ? 1 : 0)",
      ].join("\n"),
    );
    expect(same).toBe(1);
  }, 300_000);
});
