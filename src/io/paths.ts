import * as path from "node:path";
import { BlindspotError } from "../errors";

/**
 * Paths that come from untrusted files (annotation files name images; labels and splits become
 * folder and file names when a dataset is written) are checked here, in one place.
 */

/** True when a relative path would leave its base folder, or is absolute. */
export function leavesFolder(p: string): boolean {
  if (path.isAbsolute(p) || path.win32.isAbsolute(p)) return true;
  const norm = path.posix.normalize(p.replace(/\\/g, "/"));
  return norm === ".." || norm.startsWith("../");
}

/**
 * Resolves an image path from an annotation file against the images folder, refusing one
 * that would leave it (`../../etc/passwd`, an absolute path elsewhere). Symbolic links inside
 * the images folder are followed on purpose: the folder is the user's, the paths are not.
 */
export function resolveImagePath(imagesDir: string, filepath: string): string {
  const root = path.resolve(imagesDir);
  const full = path.resolve(root, filepath);
  const rel = path.relative(root, full);
  if (rel === "" || leavesFolder(rel)) {
    throw new BlindspotError({
      file: filepath,
      message: `image path leaves the images folder ${root}`,
      hint:
        "image paths in annotation files must be relative to the images folder; move the image inside it or pass " +
        "--images with a folder that contains it",
    });
  }
  return full;
}

/**
 * A name from the data (a split, a class, a file stem) used as one folder or file name in an
 * output: refused when it is empty, `.`/`..`, or holds a path separator or NUL.
 */
export function safeName(name: string, what: string, where: string): string {
  if (name === "" || name === "." || name === ".." || /[/\\\0]/.test(name)) {
    throw new BlindspotError({
      file: where,
      place: what,
      message: `${what} ${JSON.stringify(name)} cannot be used as a file or folder name`,
      hint:
        `rename the ${what} (no slashes, not empty, not . or ..), or write to a single-file format such as ` +
        `jsonl or coco`,
    });
  }
  return name;
}

/** Joins an output folder and names from the data, each checked with `safeName`. */
export function joinOutput(out: string, parts: { name: string; what: string }[], file?: string): string {
  const names = parts.map((p) => safeName(p.name, p.what, out));
  return path.join(out, ...names, ...(file === undefined ? [] : [safeName(file, "file name", out)]));
}

/** File name without folders and extension: the key that joins labels to images across formats. */
export function stem(p: string): string {
  const base = p.split(/[\\/]/).pop()!;
  const dot = base.lastIndexOf(".");
  return dot > 0 ? base.slice(0, dot) : base;
}
