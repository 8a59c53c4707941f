import * as fs from "node:fs";
import * as path from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, beforeEach, onTestFailed } from "vitest";
import { tmpDir } from "../helpers/data";
import { launchChromium } from "./browser";
import { startLab, type Lab } from "./lab";
import { NotebookPage } from "./notebookPage";

/** What a browser test of one notebook works with, ready once its `beforeAll` has run. */
export interface NotebookSession {
  lab: Lab;
  page: Page;
  nb: NotebookPage;
  /** Messages of the page's dialogs (dismissed) and its uncaught errors. */
  dialogs: string[];
  pageErrors: string[];
  /** Saves a screenshot `<name>.png` in the session's screenshot folder. */
  shot(name: string): Promise<Buffer>;
}

/**
 * Registers the hooks of a describe block that opens `notebooks/<notebook>` (or a notebook of
 * `cells`, code cells written for the test, under that name) in a real
 * JupyterLab and Chromium: a fresh server folder, a cleared screenshot folder, a screenshot and
 * the server log when a step fails, and everything stopped at the end.
 */
export function notebookSession(notebook: string, screenshots: string, cells?: string[]): NotebookSession {
  const session = { dialogs: [] as string[], pageErrors: [] as string[] } as unknown as NotebookSession;
  let browser: Browser | undefined;
  session.shot = (name) => session.page.screenshot({ path: path.join(screenshots, `${name}.png`) });

  beforeAll(async () => {
    fs.rmSync(screenshots, { recursive: true, force: true });
    fs.mkdirSync(screenshots, { recursive: true });
    const root = tmpDir(`e2e-${path.basename(notebook, ".ipynb")}`);
    if (cells) fs.writeFileSync(path.join(root, notebook), JSON.stringify(notebookOf(cells)));
    else fs.copyFileSync(path.resolve(__dirname, "../../notebooks", notebook), path.join(root, notebook));
    session.lab = await startLab(root);
    browser = await launchChromium();
    session.page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    session.page.on("dialog", (d) => {
      session.dialogs.push(d.message());
      void d.dismiss();
    });
    session.page.on("pageerror", (e) => session.pageErrors.push(String(e)));
    session.nb = await NotebookPage.open(session.page, session.lab, notebook);
  }, 300_000);

  // A failing step leaves a screenshot of what the page showed.
  beforeEach((context) => {
    onTestFailed(async () => {
      console.error(`JupyterLab log (last 3000 characters):\n${session.lab?.log().slice(-3000)}`);
      await session.page?.screenshot({
        path: path.join(screenshots, `failed-${context.task.name.slice(0, 40).replace(/[^a-z0-9]+/gi, "-")}.png`),
      });
    });
  });

  afterAll(async () => {
    await browser?.close();
    await session.lab?.stop();
  });
  return session;
}

/** A tslab notebook of code cells, not yet run. */
function notebookOf(cells: string[]) {
  return {
    cells: cells.map((source, i) => {
      return { cell_type: "code", id: `c${i}`, metadata: {}, source, outputs: [], execution_count: null };
    }),
    metadata: { kernelspec: { name: "tslab", display_name: "TypeScript (blindspot)", language: "typescript" } },
    nbformat: 4,
    nbformat_minor: 5,
  };
}
