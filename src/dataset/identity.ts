import { createHash } from "node:crypto";
import * as path from "node:path";
import type { Dataset } from "./dataset";

/** Identities already computed, by the dataset's id column (tags and new fields keep that column). */
const known = new WeakMap<object, { files: unknown; imagesDir: string | null; identity: string }>();

/** Rows hashed per update: one call per row would dominate on 10^6 samples. */
const CHUNK = 8192;

/**
 * What makes a dataset this dataset and no other: its images folder (absolute) and its samples'
 * ids and image paths, as a hex digest. Two datasets of the same name in different folders, or
 * of different sizes or seeds in one folder, differ; tagging or adding fields changes nothing.
 */
export function datasetIdentity(ds: Dataset): string {
  const idColumn = ds.samples.column("id") as object;
  const files = ds.samples.column("filepath");
  const imagesDir = ds.imagesDir === null ? null : path.resolve(ds.imagesDir);
  const cached = known.get(idColumn);
  if (cached && cached.files === files && cached.imagesDir === imagesDir) return cached.identity;
  const h = createHash("sha256");
  h.update(`${ds.name}\0${imagesDir ?? ""}\0${ds.samples.numRows()}\0`);
  const ids = ds.samples.array("id") as ArrayLike<unknown>;
  const paths = ds.samples.array("filepath") as ArrayLike<unknown>;
  for (let start = 0; start < ids.length; start += CHUNK) {
    let text = "";
    const end = Math.min(start + CHUNK, ids.length);
    for (let i = start; i < end; i++) text += `${String(ids[i])}\0${String(paths[i])}\n`;
    h.update(text);
  }
  const identity = h.digest("hex");
  known.set(idColumn, { files, imagesDir, identity });
  return identity;
}
