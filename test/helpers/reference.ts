import * as fs from "node:fs";
import * as path from "node:path";

/**
 * The project's Python with the reference tools (scikit-learn, pycocotools, OpenCV, Cleanvision),
 * made by scripts/setup.sh; BLINDSPOT_REFERENCE_PYTHON names another (reference.test.ts names a
 * missing one).
 */
export const PYTHON = process.env.BLINDSPOT_REFERENCE_PYTHON ?? path.resolve(__dirname, "../../.venv/bin/python");

/** Whether the run is CI's (CI=true or CI=1, as CI services set it). */
export function inCI(env: NodeJS.ProcessEnv = process.env): boolean {
  return /^(true|1)$/i.test(env.CI ?? "");
}

/**
 * Whether a live reference tool is installed at `file`. Where it is not, the suites that
 * compare with it skip with a message; under CI=true the run fails instead, so that a broken
 * set-up cannot pass with the comparisons left out.
 */
export function hasReference(file: string, what: string, env: NodeJS.ProcessEnv = process.env): boolean {
  if (fs.existsSync(file)) return true;
  const message = `${what} not found at ${file}: run bash scripts/setup.sh`;
  if (inCI(env)) throw new Error(`${message} (CI=true: the comparisons with the live references must run)`);
  console.warn(`${message}; the comparisons with it are skipped`);
  return false;
}

/** Whether the reference tools' Python is there (see hasReference). */
export function hasPython(): boolean {
  return hasReference(PYTHON, "the reference tools' Python (.venv)");
}
