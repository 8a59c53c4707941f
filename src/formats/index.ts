import { BlindspotError } from "../errors";
import { coco } from "./coco";
import type { Format } from "./format";

/** Every format blindspot reads or writes, by name. */
export const FORMATS: Format[] = [coco];

export function formatByName(name: string): Format {
  const f = FORMATS.find((k) => k.name === name);
  if (!f) {
    throw new BlindspotError({ message: `unknown format ${JSON.stringify(name)}`, hint: `formats are: ${FORMATS.map((k) => k.name).join(", ")}` });
  }
  return f;
}

export type { Format, ReadOptions, WriteOptions, WriteReport, Capabilities } from "./format";
