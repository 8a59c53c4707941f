/** What every renderer of the page shares: the link bus and the selection files behind it. */
import type { Contents } from "@jupyterlab/services";
import { LinkBus } from "./model/bus";
import { SelectionPersister } from "./model/persist";
import { SelectionStore } from "./io/selections";

export interface BlindspotContext {
  bus: LinkBus;
  selections: SelectionStore;
  /** Grids showing their first thumbnails hold back charts (whose set-up takes the main thread). */
  firstPaint: FirstPaint;
}

/**
 * Grids hold it until their first screen of thumbnails has loaded; charts wait for it (at most a
 * while) before loading Vega and their data. On a reopened notebook with a grid and a 10^5-point
 * scatter, the grid's thumbnails otherwise wait seconds behind the chart's long tasks.
 */
export class FirstPaint {
  private holds = 0;
  private waiting: (() => void)[] = [];

  /** Returns the release function (safe to call more than once). */
  hold(): () => void {
    this.holds++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      if (--this.holds === 0) for (const resolve of this.waiting.splice(0)) resolve();
    };
  }

  /** Resolves when no grid holds it, or after `maxMs`. */
  settled(maxMs: number): Promise<void> {
    if (!this.holds) return Promise.resolve();
    return new Promise((resolve) => {
      this.waiting.push(resolve);
      window.setTimeout(resolve, maxMs);
    });
  }
}

export function createContext(contents: Contents.IManager): BlindspotContext {
  const bus = new LinkBus();
  const selections = new SelectionStore(contents);
  const persister = new SelectionPersister(
    bus,
    (path, file) => selections.save(path, file),
    { set: (fn, ms) => window.setTimeout(fn, ms), clear: (h) => window.clearTimeout(h as number) },
    (error, path) => console.warn(`blindspot: could not save the selection to ${path}`, error),
  );
  // A selection made just before closing the tab still reaches the kernel.
  window.addEventListener("pagehide", () => persister.flush());
  return { bus, selections, firstPaint: new FirstPaint() };
}
