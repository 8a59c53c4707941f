import * as fs from "node:fs";
import { Dataset } from "../src/dataset/dataset";
import { View } from "../src/dataset/view";
import { BlindspotError } from "../src/errors";
import { artifactFile, bundlePath } from "./artifacts/location";
import { PROTOCOL_VERSION, selectionFileName, type SelectionFile } from "./protocol";
import { linkGroup } from "./linkGroup";
import { latestGroup } from "./session";

/**
 * Ids of the samples selected in the outputs of a link group (a group's name, or a dataset or
 * view for its dataset's default group; default: the group of the most recent `show`): the
 * tiles or points picked one by one when there are any, otherwise the samples a chart's brush
 * or click kept. The extension writes the selection to a file beside the notebook; nothing
 * selected yet gives [].
 */
export function selection(group?: string | Dataset | View): string[] {
  const g = group instanceof Dataset || group instanceof View
    ? linkGroup(group instanceof View ? group.dataset : group)
    : group ?? latestGroup();
  if (typeof g !== "string") {
    throw new BlindspotError({
      message: g === null ? "no link group to read a selection from: nothing was shown yet" : `the group must be a string, got ${typeof g}`,
      hint: "pass the dataset, e.g. selection(ds), or a group's name, or show() the dataset first",
    });
  }
  const file = artifactFile("selections", selectionFileName(g));
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw corrupt(file, `cannot be read (${(err as Error).message})`);
  }
  let parsed: SelectionFile;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw corrupt(file, `is not valid JSON (${(err as Error).message})`);
  }
  if (typeof parsed !== "object" || parsed === null || parsed.version !== PROTOCOL_VERSION) {
    throw corrupt(file, `is not a selection file of version ${PROTOCOL_VERSION} (version ${JSON.stringify((parsed as { version?: unknown } | null)?.version)})`);
  }
  if (!isStringList(parsed.picked)) throw corrupt(file, '"picked" is not a list of sample ids');
  if (parsed.filter !== null && !isStringList(parsed.filter?.ids)) throw corrupt(file, '"filter.ids" is not a list of sample ids');
  return parsed.picked.length ? parsed.picked : parsed.filter?.ids ?? [];
}

function isStringList(v: unknown): v is string[] {
  return Array.isArray(v) && v.every((e) => typeof e === "string");
}

function corrupt(file: string, what: string): BlindspotError {
  return new BlindspotError({
    file: bundlePath(file),
    message: `the selection file ${what}`,
    hint: "select again in the grid or chart (the extension rewrites the file), or delete the file to start with no selection",
  });
}
