import * as fs from "node:fs";
import { BlindspotError } from "../src/errors";
import { artifactFile, bundlePath } from "./artifacts/location";
import { readSelectionFile, selectionFileName } from "./protocol";
import { latestGroup } from "./session";

/**
 * Ids of the samples selected in the outputs of a link group (default: the group of the most
 * recent `show`): the tiles or points picked one by one when there are any, otherwise the
 * samples a chart's brush or click kept. The extension writes the selection to a file beside
 * the notebook; nothing selected yet gives [].
 */
export function selection(group?: string): string[] {
  const g = group ?? latestGroup();
  if (typeof g !== "string") {
    throw new BlindspotError({
      message: g === null ? "no link group to read a selection from: nothing was shown yet" : `the group must be a string, got ${typeof g}`,
      hint: 'pass the group, e.g. selection("my-dataset"), or show() the dataset first',
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
  const read = readSelectionFile(text);
  if (read.problem !== undefined) throw corrupt(file, read.problem);
  const { picked, filter } = read.file;
  return picked.length ? picked : filter?.ids ?? [];
}

function corrupt(file: string, what: string): BlindspotError {
  return new BlindspotError({
    file: bundlePath(file),
    message: `the selection file ${what}`,
    hint: "select again in the grid or chart (the extension rewrites the file), or delete the file to start with no selection",
  });
}
