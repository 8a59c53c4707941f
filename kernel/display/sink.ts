import type { DisplayBundle, DisplaySink } from "./bundle";
import { tslabDisplayWriter } from "./tslab";

let installed: DisplaySink | null = null;

/**
 * Replaces where bundles go (tests capture them); null restores the default: the tslab kernel
 * when running in one, otherwise standard output as plain text.
 */
export function setDisplaySink(sink: DisplaySink | null): void {
  installed = sink;
}

/** Sends a bundle to the notebook (or the installed sink). */
export function publish(bundle: DisplayBundle, update = false): void {
  if (installed) return installed(bundle, update);
  const write = tslabDisplayWriter();
  if (write) return write(bundle, update);
  const text = bundle.data["text/plain"];
  if (typeof text === "string") console.log(text);
}

/** True inside a tslab kernel (where outputs become notebook outputs). */
export function inKernel(): boolean {
  return tslabDisplayWriter() !== null;
}
