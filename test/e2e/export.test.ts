/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
import { execFileSync, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser } from "playwright-core";
import { MIME } from "../../kernel/protocol";
import { tmpDir } from "../helpers/data";
import { launchChromium } from "./browser";
import { JUPYTER } from "./lab";
import { executeNotebooks } from "./nbconvert";

/**
 * The quickstart executed headless (jupyter nbconvert with scripts/nbconvert_config.py) and exported with
 * nbconvert: without the extension, the HTML shows the fallbacks, thumbnails and SVG charts.
 */
const SCREENSHOTS = path.resolve(__dirname, "../.tmp/screenshots/export");

interface Output {
  output_type: string;
  data?: Record<string, unknown>;
  text?: string[];
}
interface Notebook {
  cells: { cell_type: string; source: string | string[]; execution_count?: number | null; outputs?: Output[] }[];
}

describe("quickstart executed and exported to HTML", () => {
  let dir: string;
  let executed: Notebook;
  let html: string;
  let browser: Browser;

  beforeAll(() => {
    dir = tmpDir("e2e-export");
    fs.copyFileSync(path.resolve(__dirname, "../../notebooks/quickstart.ipynb"), path.join(dir, "quickstart.ipynb"));
    [executed] = executeNotebooks<Notebook>(dir, ["quickstart"]);
    execFileSync(
      JUPYTER,
      ["nbconvert", "--to", "html", "ran/quickstart.ipynb", "--output-dir", ".", "--output", "executed.html"],
      {
        cwd: dir,
        stdio: "pipe",
      },
    );
    html = fs.readFileSync(path.join(dir, "executed.html"), "utf8");
  }, 600_000);

  afterAll(async () => {
    await browser?.close();
  });

  it("every cell ran without an error and every rich output carries its fallbacks", () => {
    const outputs = executed.cells.flatMap((c) => c.outputs ?? []);
    expect(outputs.filter((o) => o.output_type === "error")).toEqual([]);
    expect(outputs.filter((o) => o.output_type === "stream" && (o as { name?: string }).name === "stderr")).toEqual([]);
    const rich = outputs.filter((o) => o.data !== undefined);
    const grids = rich.filter((o) => MIME.grid in o.data!),
      charts = rich.filter((o) => MIME.chart in o.data!),
      tables = rich.filter((o) => MIME.table in o.data!);
    // Nothing was selected: the last cells say so instead of showing an empty grid.
    expect(grids.length).toBe(1);
    const said = (text: string) =>
      executed.cells
        .find((c) => [c.source].flat().join("").includes(text))!
        .outputs!.map((o) => [o.text ?? ""].flat().join(""))
        .join("");
    expect(said("const picked = bs.selection(ds);")).toMatch(/^nothing selected yet: select tiles in the grid/);
    expect(said('ds.tag(picked, "review");')).toMatch(/^nothing selected yet, so nothing to tag/);
    expect(charts.length).toBe(6);
    expect(tables.length).toBe(1);
    for (const o of [...grids, ...tables])
      expect(Object.keys(o.data!)).toEqual(expect.arrayContaining(["text/html", "text/plain"]));
    for (const o of charts)
      expect(Object.keys(o.data!)).toEqual(expect.arrayContaining(["image/svg+xml", "text/plain"]));
    // The fallbacks are script-free.
    for (const o of rich) {
      const fallback = String(o.data!["text/html"] ?? "") + String(o.data!["image/svg+xml"] ?? "");
      expect(fallback).not.toMatch(/<script|\son[a-z]+=|javascript:/i);
    }
  });

  it("every code cell has its execution count, in the notebook and in the HTML", () => {
    const code = executed.cells.filter((c) => c.cell_type === "code");
    expect(code.map((c) => c.execution_count)).toEqual(code.map((_, i) => i + 1));
    expect(html).toContain(`[${code.length}]:`);
    expect(html).not.toMatch(/\[&nbsp;\]:|\[ \]:/);
  });

  it("the HTML shows the first thumbnails with boxes and the charts as SVG", async () => {
    const thumbnails = html.match(/<img[^>]+src="data:image\/(jpeg|webp|png);base64,/g) ?? [];
    expect(thumbnails.length).toBeGreaterThanOrEqual(12);
    // nbconvert embeds SVG outputs as data URIs; the charts are the ones vega drew.
    const svgs = [...html.matchAll(/src="data:image\/svg\+xml;base64,([^"]+)"/g)].map((m) =>
      Buffer.from(m[1], "base64").toString("utf8"),
    );
    const charts = svgs.filter((svg) => svg.includes('class="marks"'));
    expect(charts.length).toBe(6);
    for (const svg of charts) expect(svg).toMatch(/class="mark-(rect|symbol|line)/);
    expect(html).toContain("2,000");
    fs.rmSync(SCREENSHOTS, { recursive: true, force: true });
    fs.mkdirSync(SCREENSHOTS, { recursive: true });
    browser = await launchChromium();
    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    await page.goto(`file://${path.join(dir, "executed.html")}`);
    await page.screenshot({ path: path.join(SCREENSHOTS, "quickstart-html.png"), fullPage: true });
    // Every inline thumbnail decoded, and the charts have drawn marks.
    const broken = await page.evaluate(
      () => [...document.querySelectorAll("img")].filter((i) => !i.complete || i.naturalWidth === 0).length,
    );
    expect(broken).toBe(0);
  });

  it("the extension's Python package is installed and enabled", () => {
    // `labextension list` prints its listing on stderr.
    const run = spawnSync(JUPYTER, ["labextension", "list"], { encoding: "utf8" });
    const listing = (run.stdout + run.stderr).replace(/\x1b\[[0-9;]*m/g, "");
    expect(listing).toMatch(/blindspot-jupyterlab v\d+\.\d+\.\d+ enabled\s+OK/);
  });
});
