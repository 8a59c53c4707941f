/// <reference lib="dom" />
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { audit, type Audit } from "../../src/analyze/audit";
import { DatasetBuilder } from "../../src/dataset/builder";
import { generateDemo, type DemoTruth } from "../../src/demo";
import { computeQuality } from "../../src/quality/issues";
import { report } from "../../src/report";
import { removeTmpDirs, TEST_CACHE, tmpDir } from "../helpers/data";
import {
  auditLog,
  expectPlantedFirst,
  LABEL_FLOOR,
  plantedInImages,
  plantedSamples,
  recalls,
} from "../analyze/auditTruth";
import { launchChromium } from "./browser";

/**
 * The audit of the 2,000-sample demo with its images (what the audit finds there against what was
 * planted), then its report opened in headless Chromium from file:// with every
 * request refused: none is attempted, no console error, the chart is live and its first bar
 * leaves exactly the first finding's tiles in the grid; two runs give identical bytes; the file is
 * within 5 MB. Screenshots go to SCREENSHOTS.
 */
const SCREENSHOTS = path.resolve(__dirname, "../.tmp/screenshots/report");
const sha256 = (file: string) => createHash("sha256").update(fs.readFileSync(file)).digest("hex");

describe("the demo's audit with its images, and its report in Chromium", () => {
  let browser: Browser, a: Audit, file: string, truth: DemoTruth;
  beforeAll(async () => {
    const demo = await generateDemo({ samples: 2000, seed: 0, out: tmpDir("report-demo") });
    const ds = demo.dataset;
    truth = demo.truth;
    await computeQuality(ds, { mode: "dataset", cacheRoot: TEST_CACHE });
    a = await audit(ds, { groups: "sequence", sensitive: ["camera"] });
    file = path.join(tmpDir("report"), "report.html");
    browser = await launchChromium();
  }, 600_000);
  afterAll(async () => {
    await browser?.close();
    removeTmpDirs();
  });

  it("finds the planted image failures and duplicates too, each planted kind before anything unplanted", () => {
    const planted = { ...plantedSamples(a.dataset, truth), ...plantedInImages(truth) };
    const measured = recalls(a, planted);
    console.log(auditLog("demo with images", a, measured));
    for (const [kind, recall] of Object.entries(measured))
      expect(recall, kind).toBeGreaterThanOrEqual(kind === "label_errors" ? LABEL_FLOOR : 0.95);
    expectPlantedFirst(a, new Set(Object.keys(planted)));
    expect(a.skipped).toEqual([]);
  });

  it("writes the same bytes twice, within 5 MB", async () => {
    const first = await report(a, file);
    const again = path.join(path.dirname(file), "again.html");
    await report(a, again);
    expect(sha256(again)).toBe(sha256(file));
    console.log(
      `report of the 2,000-sample demo: ${(first.bytes / 1e6).toFixed(2)} MB, ${first.thumbnails} thumbnails`,
    );
    expect(first.bytes).toBeLessThanOrEqual(5e6);
    expect(first.bytes).toBe(fs.statSync(file).size);
    // A time appears only when the caller passes one.
    const stamped = await report(a, again, { timestamp: "2026-12-07T10:00:00Z" });
    expect(fs.readFileSync(again, "utf8")).toContain("made 2026-12-07T10:00:00Z");
    expect(stamped.bytes).toBeGreaterThan(first.bytes);
  });

  it("opens from file:// with the network refused: no request, no console error; a bar picks its finding's samples", async () => {
    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    const requests: string[] = [],
      errors: string[] = [];
    await page.route("**/*", (route) => {
      if (!route.request().url().startsWith("file://")) requests.push(route.request().url());
      return route.request().url().startsWith("file://") ? route.continue() : route.abort();
    });
    page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
    page.on("pageerror", (e) => errors.push(String(e)));
    await page.goto(pathToFileURL(file).href);
    await page.locator("#chart-view[data-live=true]").waitFor();
    const tiles = page.locator(".tile");
    const total = await tiles.count();
    await expect.poll(() => page.locator("#shown").innerText()).toBe(`${total} of ${total} samples shown`);
    fs.mkdirSync(SCREENSHOTS, { recursive: true });
    await page.screenshot({ path: path.join(SCREENSHOTS, "01-report.png") });

    const bar = (await page
      .locator('#chart-view path[aria-roledescription="bar"], #chart-view .mark-rect path')
      .first()
      .boundingBox())!;
    await page.mouse.click(bar.x + bar.width / 2, bar.y + bar.height / 2);
    const expected = Math.min(a.findings[0].samples.length, 24);
    await expect.poll(() => page.locator(".tile:not([hidden])").count()).toBe(expected);
    expect(await page.locator("#finding-filter").inputValue()).toBe("1");
    await expect.poll(() => page.locator(".finding.picked").getAttribute("data-rank")).toBe("1");
    await page.locator("#shown").scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(SCREENSHOTS, "02-first-finding.png") });
    // The text filter narrows within it.
    await page.locator("#text-filter").fill("production");
    const production = a.findings[0].samples
      .slice(0, 24)
      .filter(
        (id) => a.dataset.samples.get("split", a.dataset.samples.array("id").indexOf(id)) === "production",
      ).length;
    await expect.poll(() => page.locator(".tile:not([hidden])").count()).toBe(production);
    expect(requests).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  });

  it("shows the SVG chart where scripts do not run, and escapes labels", async () => {
    const b = new DatasetBuilder('<script>alert("x")</script>', null);
    b.declareField({ name: "ground_truth", kind: "classification", predicted: false });
    for (let i = 0; i < 40; i++)
      b.addSample({
        id: `s${i}`,
        filepath: `s${i}.jpg`,
        fields: { ground_truth: i < 2 ? "<img src=x onerror=alert(1)>" : "cat" },
      });
    const small = await audit(b.build(), {});
    const out = path.join(path.dirname(file), "escaped.html");
    await report(small, out);
    const page = await browser.newPage({ javaScriptEnabled: false });
    await page.goto(pathToFileURL(out).href);
    expect(await page.locator("#chart-view svg").count()).toBe(1);
    expect(await page.locator("img[src=x]").count()).toBe(0);
    expect(await page.locator("h1").innerText()).toBe('Audit of <script>alert("x")</script>');
    await page.close();
  });
});
