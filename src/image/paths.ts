import * as path from "node:path";
import { BlindspotError } from "../errors";

/**
 * Resolves an image path given in an annotation file against the images folder.
 * A path that would leave the folder (`../../etc/passwd`, an absolute path elsewhere)
 * is refused: annotation files are untrusted input.
 */
export function resolveImagePath(imagesDir: string, filepath: string): string {
  const root = path.resolve(imagesDir);
  const full = path.resolve(root, filepath);
  const rel = path.relative(root, full);
  if (rel === "" || rel.startsWith("..") || path.isAbsolute(rel)) {
    throw new BlindspotError({
      file: filepath,
      message: `image path leaves the images folder ${root}`,
      hint: "image paths in annotation files must be relative to the images folder; move the image inside it or pass --images with a folder that contains it",
    });
  }
  return full;
}
