import * as fs from "node:fs";
import * as path from "node:path";
import { writeFileAtomic } from "../../src/io/atomic";
import { KEY_LENGTH, sha256Hex } from "./hash";
import { artifactFile, bundlePath } from "./location";

/**
 * Output data is named by its content: running a cell again with the same data names the same
 * files (nothing is rewritten), and an older output keeps pointing at the data it showed.
 */
function contentKey(parts: readonly Uint8Array[]): string {
  return sha256Hex(...parts.flatMap((p) => [`${p.length}:`, p])).slice(0, KEY_LENGTH);
}

/** Writes one Arrow file under `<folder>/<key>.arrow`; returns its bundle path. */
export function writeDataFile(folder: "charts" | "tables", bytes: Uint8Array): string {
  const file = artifactFile(folder, `${contentKey([bytes])}.arrow`);
  if (!fs.existsSync(file)) writeFileAtomic(file, bytes);
  return bundlePath(file);
}

/** Writes a grid's files under `views/<key>/`; returns their bundle paths. */
export function writeViewFiles(
  samples: Uint8Array,
  objects: readonly Uint8Array[],
): { samples: string; objects: string[] } {
  const dir = artifactFile("views", contentKey([samples, ...objects]));
  const samplesFile = path.join(dir, "samples.arrow");
  const objectFiles = objects.map((_, k) => path.join(dir, `objects-${k}.arrow`));
  // samples.arrow goes last: when it exists, the folder is complete.
  if (!fs.existsSync(samplesFile)) {
    objects.forEach((bytes, k) => writeFileAtomic(objectFiles[k], bytes));
    writeFileAtomic(samplesFile, samples);
  }
  return { samples: bundlePath(samplesFile), objects: objectFiles.map(bundlePath) };
}
