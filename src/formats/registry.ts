import { BlindspotError } from "../errors";
import { coco } from "./coco";
import { cocoResults } from "./cocoResults";
import { csvManifest } from "./csvManifest";
import { cvat } from "./cvat";
import type { Format } from "./format";
import { imageFolder } from "./imageFolder";
import { jsonl } from "./jsonl";
import { labelme } from "./labelme";
import { native } from "./native";
import { openimages } from "./openimages";
import { tfrecord } from "./tfrecord";
import { txtAbsXywh, txtAbsXyxy, txtRelCxcywh } from "./textboxes";
import { voc } from "./voc";
import { yolo } from "./yolo";

/**
 * Every format blindspot reads or writes, in the order their `detect` is tried when no format
 * is given: the most specific first (a saved dataset, files named by extension and first
 * bytes), then folders by what they hold, the image folder (any folder of images) last.
 * A new format is added here, once, at the place its detection belongs.
 */
export const FORMATS: readonly Format[] = [
  native,
  coco,
  cocoResults,
  jsonl,
  cvat,
  tfrecord,
  openimages,
  csvManifest,
  yolo,
  voc,
  labelme,
  imageFolder,
  txtAbsXywh,
  txtAbsXyxy,
  txtRelCxcywh,
];

export function formatByName(name: string): Format {
  const f = FORMATS.find((k) => k.name === name);
  if (!f) {
    const hint = `formats are: ${FORMATS.map((k) => k.name).join(", ")}`;
    throw new BlindspotError({ message: `unknown format ${JSON.stringify(name)}`, hint });
  }
  return f;
}

/** Guesses a format from a path: the first in `FORMATS` whose `detect` takes it. */
export function detectFormat(input: string): Format {
  const found = FORMATS.find((f) => f.detect?.(input));
  if (found) return found;
  throw new BlindspotError({
    file: input,
    message: "cannot tell the label format of this path",
    hint: `pass --format, one of: ${FORMATS.map((f) => f.name).join(", ")}`,
  });
}
