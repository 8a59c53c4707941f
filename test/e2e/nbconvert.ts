import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { TEST_CACHE } from "../helpers/sharedCache";
import { JUPYTER } from "./lab";

/** Notebooks run by the real tslab kernel through nbconvert with the project's config (tslab's execution counts kept). */
const CONFIG = path.resolve(__dirname, "../../scripts/nbconvert_config.py");

/** A notebook of code cells for the project's tslab kernel. */
export function codeNotebook(sources: readonly string[]): string {
  return JSON.stringify({
    cells: sources.map((source) => ({ cell_type: "code", execution_count: null, metadata: {}, outputs: [], source })),
    metadata: { kernelspec: { name: "tslab", display_name: "TypeScript (blindspot)", language: "typescript" } },
    nbformat: 4,
    nbformat_minor: 5,
  });
}

/**
 * Executes `<dir>/<name>.ipynb` for each name in one nbconvert run and returns the executed
 * notebooks, written to `<dir>/ran/<name>.ipynb`. With `allowErrors`, a failing cell keeps its
 * error output and the run goes on.
 */
export function executeNotebooks<T>(
  dir: string,
  names: readonly string[],
  options: { allowErrors?: boolean } = {},
): T[] {
  const args = ["--config", CONFIG, "--to", "notebook", "--execute", "--ExecutePreprocessor.timeout=600"];
  if (options.allowErrors) args.push("--allow-errors");
  args.push("--output-dir", "ran", ...names.map((n) => `${n}.ipynb`));
  execFileSync(JUPYTER, ["nbconvert", ...args], {
    cwd: dir,
    stdio: "pipe",
    env: { ...process.env, BLINDSPOT_CACHE: TEST_CACHE },
  });
  return names.map((n) => JSON.parse(fs.readFileSync(path.join(dir, "ran", `${n}.ipynb`), "utf8")) as T);
}
