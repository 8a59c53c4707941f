import * as fs from "node:fs";
import * as path from "node:path";

/**
 * The compiled file of a worker thread that sits beside the calling module (`dir` is its
 * __dirname, `name` the worker's file name without extension). From the TypeScript sources (the
 * test runner) it is the package's build in dist/, which the set-up script makes.
 */
export function workerFile(dir: string, name: string): string {
  const beside = path.join(dir, `${name}.js`);
  if (fs.existsSync(beside)) return beside;
  let root = dir;
  while (!fs.existsSync(path.join(root, "package.json")) && path.dirname(root) !== root) root = path.dirname(root);
  return path.join(root, "dist", path.relative(root, dir), `${name}.js`);
}
