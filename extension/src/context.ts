/** What every renderer of the page shares: the link bus and the selection files behind it. */
import type { Contents } from "@jupyterlab/services";
import { LinkBus } from "./model/bus";
import { SelectionPersister } from "./model/persist";
import { SelectionStore } from "./io/selections";

export interface BlindspotContext {
  bus: LinkBus;
  selections: SelectionStore;
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
  return { bus, selections };
}
