/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
import type { Locator, Page } from "playwright-core";
import type { Lab } from "./lab";

/** Drives one notebook open in JupyterLab the way a user does: menus, keys, clicks. */
export class NotebookPage {
  /**
   * `panel` selects this notebook's panel in the page (several notebooks may be open, each in
   * its own tab); `name` is its file name, which its tab shows.
   */
  constructor(
    readonly page: Page,
    readonly panel = ".jp-NotebookPanel",
    readonly name: string | null = null,
  ) {}

  /** Opens `name` (relative to the server root) and waits for its kernel to be idle. */
  static async open(page: Page, lab: Lab, name: string): Promise<NotebookPage> {
    await startSession(lab, name);
    // `reset`: no tabs of an earlier run's workspace come back beside it.
    await page.goto(`${lab.url}lab/tree/${encodeURI(name)}?reset&token=${lab.token}`);
    await page.waitForSelector(".jp-NotebookPanel .jp-Notebook .jp-Cell", { timeout: 90_000 });
    const nb = new NotebookPage(page);
    await nb.waitIdle(120_000);
    await nb.answerKernelDialog();
    return nb;
  }

  /**
   * Opens `name` in another tab of the same JupyterLab page, from the file browser as a user
   * does, with its own kernel; the notebooks already open keep their outputs.
   */
  static async openBeside(page: Page, lab: Lab, name: string): Promise<NotebookPage> {
    await startSession(lab, name);
    await page.locator(".jp-DirListing-item", { hasText: name }).first().dblclick();
    const nb = await NotebookPage.inTab(page, name);
    await nb.waitIdle(120_000);
    await nb.answerKernelDialog();
    return nb;
  }

  /** The notebook open in the tab titled `name` (a tab's data-id is its panel's id). */
  static async inTab(page: Page, name: string): Promise<NotebookPage> {
    const tab = page.locator(".lm-DockPanel-tabBar .lm-TabBar-tab", { hasText: name }).first();
    await tab.waitFor({ timeout: 90_000 });
    const panel = `[id="${await tab.getAttribute("data-id")}"]`;
    await page.locator(`${panel} .jp-Notebook .jp-Cell`).first().waitFor({ state: "attached", timeout: 90_000 });
    return new NotebookPage(page, panel, name);
  }

  /** Brings this notebook's tab to the front (keys and menus act on the front notebook). */
  async activate(): Promise<void> {
    if (this.name === null) return;
    await this.page.locator(".lm-DockPanel-tabBar .lm-TabBar-tab", { hasText: this.name }).first().click();
    await this.page.locator(`${this.panel}:not(.lm-mod-hidden)`).waitFor({ state: "attached" });
  }

  /**
   * JupyterLab sometimes asks which kernel to use even though the session's tslab kernel is
   * running (when its kernel specs load late); answer with the TypeScript kernel.
   */
  async answerKernelDialog(): Promise<void> {
    const dialog = this.page.locator(".jp-Dialog", { hasText: "Select Kernel" });
    try {
      await dialog.waitFor({ timeout: 3_000 });
    } catch {
      return;
    }
    const select = dialog.locator("select");
    const value = await select.locator("option", { hasText: "TypeScript" }).first().getAttribute("value");
    await select.selectOption(value!);
    await dialog.locator("button", { hasText: "Select" }).click();
    await dialog.waitFor({ state: "detached" });
  }

  cells(): Locator {
    return this.page.locator(`${this.panel} .jp-Notebook .jp-Cell`);
  }

  /** Waits until the kernel reports idle and no cell is queued or running. */
  async waitIdle(timeout = 300_000): Promise<void> {
    await this.page.waitForFunction(
      (panel) => {
        // The notebook's toolbar has the indicator; else the status bar's, which follows the front notebook.
        const indicator =
          document.querySelector(`${panel} .jp-Notebook-ExecutionIndicator`) ??
          document.querySelector(".jp-Notebook-ExecutionIndicator");
        const idle = indicator?.getAttribute("data-status") === "idle";
        const busy = [...document.querySelectorAll(`${panel} .jp-Notebook .jp-InputPrompt`)].some((p) =>
          p.textContent?.includes("*"),
        );
        return idle && !busy;
      },
      this.panel,
      { timeout, polling: 250 },
    );
  }

  /** Run > Run All Cells, then waits for every code cell to have run. */
  async runAll(timeout = 300_000): Promise<void> {
    await this.activate();
    await this.answerKernelDialog();
    await this.page.locator(".lm-MenuBar-itemLabel", { hasText: /^Run$/ }).click();
    await this.page.locator(".lm-Menu-itemLabel", { hasText: /^Run All Cells$/ }).click();
    await this.page.waitForFunction(
      (panel) => {
        const prompts = [...document.querySelectorAll(`${panel} .jp-Notebook .jp-CodeCell .jp-InputPrompt`)];
        return prompts.length > 0 && prompts.every((p) => /\[\d+\]/.test(p.textContent ?? ""));
      },
      this.panel,
      { timeout, polling: 500 },
    );
    await this.waitIdle(timeout);
  }

  /** Appends a code cell with `code`, runs it and returns its output locator once it ran. */
  async runNewCell(code: string, timeout = 120_000): Promise<Locator> {
    await this.activate();
    const index = await this.cells().count();
    await this.cells()
      .nth(index - 1)
      .locator(".jp-InputPrompt")
      .click();
    await this.page.keyboard.press("Escape");
    await this.page.keyboard.press("b");
    // By index: Shift+Enter adds another cell below, and `last()` would follow it.
    const cell = this.cells().nth(index);
    await cell.locator(".cm-content").click();
    await this.page.keyboard.insertText(code);
    await this.page.keyboard.press("Shift+Enter");
    await cell.locator(".jp-InputPrompt", { hasText: /\[\d+\]/ }).waitFor({ timeout });
    await this.waitIdle(timeout);
    return cell.locator(".jp-OutputArea");
  }

  /** Text of every output of a cell (stdout, stderr, text/plain), for assertions. */
  async outputText(output: Locator): Promise<string> {
    return (await output.innerText()).trim();
  }

  /** Runs a new cell that prints one number, and returns it. */
  async kernelNumber(code: string): Promise<number> {
    const out = await this.outputText(await this.runNewCell(code));
    const n = Number(out.replace(/,/g, "").match(/-?\d+(\.\d+)?/)?.[0]);
    if (!Number.isFinite(n)) throw new Error(`cell printed no number: ${out}`);
    return n;
  }

  /** The code cell whose source contains `text`. */
  cellOf(text: string): Locator {
    return this.page.locator(`${this.panel} .jp-Notebook .jp-CodeCell`, {
      has: this.page.locator(".cm-content", { hasText: text }),
    });
  }
}

/**
 * Starts the notebook's kernel session first: JupyterLab then attaches to it instead of
 * sometimes asking which kernel to start (a dialog that blocks the page).
 */
async function startSession(lab: Lab, name: string): Promise<void> {
  const res = await fetch(`${lab.url}api/sessions?token=${lab.token}`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ path: name, name, type: "notebook", kernel: { name: "tslab" } }),
  });
  if (!res.ok) throw new Error(`could not start a tslab session for ${name}: ${res.status} ${await res.text()}`);
}

/** How many samples a grid output says it shows ("837 of 2,000 shown" gives 837). */
export async function shownCount(grid: Locator): Promise<number> {
  const text = (await grid.locator('[data-blindspot="count"]').textContent()) ?? "";
  const n = text.replace(/,/g, "").match(/\d+/);
  if (!n) throw new Error(`the grid's count reads ${JSON.stringify(text)}`);
  return Number(n[0]);
}

/**
 * The selection a chart output holds (its data-selection attribute, parsed), once it has one:
 * Vega updates it after the click or the brush, in its own time.
 */
export async function selectionOf<T>(chart: Locator, timeout = 5000): Promise<T> {
  const deadline = Date.now() + timeout;
  for (;;) {
    const value = await chart.getAttribute("data-selection");
    if (value !== null) return JSON.parse(value) as T;
    if (Date.now() > deadline) throw new Error(`the chart has no selection after ${timeout} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
