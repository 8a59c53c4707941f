import * as path from "node:path";
import { createRequire } from "node:module";
import type { DisplayBundle } from "./bundle";
import { orderPublisherSends } from "./zeromqOrder";

/** tslab's `jupyter.js` exports: the writer of the cell being executed (null before the first cell). */
interface TslabJupyterModule {
  lastWriteDisplayData: ((bundle: DisplayBundle, update: boolean) => void) | null;
}

let found: TslabJupyterModule | null = null;

/**
 * The display writer of the tslab kernel this process runs in, or null outside a kernel.
 * The kernel may run another copy of tslab than the one blindspot depends on, so its
 * `dist/jupyter.js` is looked up among the loaded modules rather than imported. The writer is read at each call:
 * tslab replaces it for every cell, and it addresses the cell's parent message.
 */
export function tslabDisplayWriter(): TslabJupyterModule["lastWriteDisplayData"] {
  if (found) return found.lastWriteDisplayData;
  for (const [file, mod] of Object.entries(require.cache)) {
    if (path.basename(file) !== "jupyter.js") continue;
    const exports = mod?.exports as Partial<TslabJupyterModule> | undefined;
    if (!exports || typeof exports !== "object" || typeof exports.lastWriteDisplayData !== "function") continue;
    found = exports as TslabJupyterModule;
    orderKernelSends(file);
    return found.lastWriteDisplayData;
  }
  return null;
}

/** Orders the IOPub sends of the zeromq copy that tslab's `jupyter.js` (at `file`) loads. */
function orderKernelSends(file: string): void {
  try {
    const zmq = createRequire(path.resolve(file))("zeromq") as {
      Publisher?: Parameters<typeof orderPublisherSends>[0];
    };
    if (zmq.Publisher) orderPublisherSends(zmq.Publisher);
  } catch {
    // Not the zeromq 6 layout tslab 1.0 has: outputs still go out, only unordered.
  }
}
