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

/** Every format blindspot reads or writes, by name. */
export const FORMATS: Format[] = [native, coco, cocoResults, voc, yolo, cvat, labelme, openimages, tfrecord, imageFolder, jsonl, csvManifest, txtAbsXywh, txtAbsXyxy, txtRelCxcywh];

export function formatByName(name: string): Format {
  const f = FORMATS.find((k) => k.name === name);
  if (!f) {
    throw new BlindspotError({ message: `unknown format ${JSON.stringify(name)}`, hint: `formats are: ${FORMATS.map((k) => k.name).join(", ")}` });
  }
  return f;
}
