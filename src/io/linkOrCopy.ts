import * as fs from "node:fs";
import * as path from "node:path";

/** A hard link where the file system allows one (no bytes copied), else a copy; folders made, an old file replaced. */
export function linkOrCopy(from: string, to: string): void {
  fs.mkdirSync(path.dirname(to), { recursive: true });
  fs.rmSync(to, { force: true });
  try {
    fs.linkSync(from, to);
  } catch {
    fs.copyFileSync(from, to);
  }
}
