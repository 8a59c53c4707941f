/**
 * The registry of image folders beside the artifacts (protocol IMAGE_ROOTS_FILE): the server
 * extension serves full-resolution images from these folders only, so a grid registers its
 * dataset's folder when it is shown.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { IMAGE_ROOTS_FILE, type ImageRootsFile } from "../protocol";
import { writeCacheFile } from "./files";
import { artifactFile } from "./location";

/** Kernels of other notebooks in the same folder may register at the same time: re-read and retry. */
const ATTEMPTS = 5;

/** Adds an image folder (made absolute, symlinks resolved) to the registry; returns that path. */
export async function registerImageRoot(folder: string): Promise<string> {
  const root = await fs.promises.realpath(path.resolve(folder));
  const file = artifactFile(IMAGE_ROOTS_FILE);
  for (let i = 0; i < ATTEMPTS; i++) {
    const roots = await readRoots(file);
    if (roots.includes(root)) return root;
    const next: ImageRootsFile = { version: 1, roots: [...roots, root] };
    await writeCacheFile(file, JSON.stringify(next, null, 1) + "\n");
  }
  return root;
}

async function readRoots(file: string): Promise<string[]> {
  try {
    const data = JSON.parse(await fs.promises.readFile(file, "utf8")) as Partial<ImageRootsFile>;
    return Array.isArray(data.roots) ? data.roots.filter((r): r is string => typeof r === "string") : [];
  } catch {
    // Absent or unreadable: it is rebuilt from the grids shown from now on.
    return [];
  }
}
