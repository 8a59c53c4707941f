import * as path from "node:path";
import { ARTIFACTS_DIR } from "../protocol";

/**
 * Bundles name artifact files relative to the notebook's folder, which is the kernel's working
 * directory; tests point it elsewhere.
 */
let notebookDirOverride: string | null = null;

/** Sets the folder artifacts are written beside (null: the working directory). */
export function setNotebookDir(dir: string | null): void {
  notebookDirOverride = dir === null ? null : path.resolve(dir);
}

export function notebookDir(): string {
  return notebookDirOverride ?? process.cwd();
}

/** Absolute path of a file inside the artifacts folder; `parts` are joined with `/`. */
export function artifactFile(...parts: string[]): string {
  return path.join(notebookDir(), ARTIFACTS_DIR, ...parts);
}

/** The path a bundle names for an artifact file: relative to the notebook, with `/`. */
export function bundlePath(absolute: string): string {
  return path.relative(notebookDir(), absolute).split(path.sep).join("/");
}
