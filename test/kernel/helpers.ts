import * as fs from "node:fs";
import * as path from "node:path";
import { tableFromIPC, type Table } from "@uwdata/flechette";
import { afterEach } from "vitest";
import { setNotebookDir } from "../../kernel/artifacts/location";
import type { DisplayBundle } from "../../kernel/display/bundle";
import { setDisplaySink } from "../../kernel/display/sink";
import { generateDemo } from "../../src/demo";
import type { Dataset } from "../../src/dataset/dataset";
import { tmpDir } from "../helpers/data";

/** Every bundle sent while a test runs, with whether it was an update. */
export interface Captured extends DisplayBundle {
  update: boolean;
}

/**
 * Points outputs at a capturing sink and artifacts at a fresh folder (the "notebook folder");
 * both are restored after each test.
 */
export function captureOutputs(name: string): { outputs: Captured[]; notebookDir: string } {
  const outputs: Captured[] = [];
  const notebookDir = tmpDir(`kernel-${name}`);
  setDisplaySink((bundle, update) => outputs.push({ ...bundle, update }));
  setNotebookDir(notebookDir);
  return { outputs, notebookDir };
}

afterEach(() => {
  setDisplaySink(null);
  setNotebookDir(null);
});

let demo: Promise<Dataset> | null = null;

/** The 200-sample demo dataset, generated once per test file. */
export function demoDataset(): Promise<Dataset> {
  demo ??= generateDemo({ samples: 200, out: tmpDir("kernel-demo") }).then((d) => d.dataset);
  return demo;
}

/** An Arrow file named by a bundle (relative to the notebook folder), read back. */
export function readArrow(notebookDir: string, bundlePath: string): Table {
  return tableFromIPC(fs.readFileSync(path.join(notebookDir, bundlePath)));
}

/** The JSON value of one MIME type of the latest output that has it. */
export function lastOf<T>(outputs: Captured[], mime: string): T {
  const found = outputs.filter((o) => mime in o.data).pop();
  if (!found) throw new Error(`no output with ${mime}`);
  return found.data[mime] as T;
}
