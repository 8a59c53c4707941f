import * as fs from "node:fs";
import { Dataset } from "../src/dataset/dataset";
import { View } from "../src/dataset/view";
import { BlindspotError } from "../src/errors";
import { artifactFile, bundlePath } from "./artifacts/location";
import { parsePatchId, readSelectionFile, selectionFileName } from "./protocol";
import { linkGroup } from "./linkGroup";
import { isPatchesGroup, latestGroup } from "./session";

/** What a patches grid's selection holds: the boxes picked, and their samples. */
export interface SelectedObjects {
  /** Object ids (the objects table's `id`), in the order picked. */
  objects: number[];
  /** Their samples, each once, in the same order. */
  samples: string[];
}

/** A link group's name, or a dataset or view for its dataset's default group. */
export type GroupRef = string | Dataset | View;

/**
 * Ids of the samples selected in the outputs of a link group (default: the group of the most
 * recent `show`): the tiles or points picked one by one when there are any, otherwise the
 * samples a chart's brush or click kept. The extension writes the selection to a file beside
 * the notebook; nothing selected yet gives []. In a patches grid's group, the samples of the
 * boxes picked; with `{ objects: true }`, the boxes' object ids and their samples.
 */
export function selection(group?: GroupRef): string[];
export function selection(options: { objects: true }): SelectedObjects;
export function selection(group: GroupRef | undefined, options: { objects: true }): SelectedObjects;
export function selection(
  groupOrOptions?: GroupRef | { objects: true },
  options?: { objects: true },
): string[] | SelectedObjects {
  const isRef =
    groupOrOptions === undefined ||
    typeof groupOrOptions === "string" ||
    groupOrOptions instanceof Dataset ||
    groupOrOptions instanceof View;
  const wantObjects = isRef ? options?.objects : (groupOrOptions as { objects: true } | null)?.objects;
  const ref = isRef ? (groupOrOptions as GroupRef | undefined) : undefined;
  const g =
    ref instanceof Dataset || ref instanceof View
      ? linkGroup(ref instanceof View ? ref.dataset : ref)
      : (ref ?? latestGroup());
  const ids = selectedIds(g);
  if (!isPatchesGroup(g as string)) return wantObjects ? { objects: [], samples: ids } : ids;
  const picked = ids.map(parsePatchId).filter((p): p is NonNullable<typeof p> => p !== null);
  const samples = [...new Set(picked.map((p) => p.sample))];
  return wantObjects ? { objects: picked.map((p) => p.object), samples } : samples;
}

function selectedIds(g: string | null | undefined): string[] {
  if (typeof g !== "string") {
    throw new BlindspotError({
      message:
        g === null
          ? "no link group to read a selection from: nothing was shown yet"
          : `the group must be a string, got ${typeof g}`,
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
  const read = readSelectionFile(text);
  if (read.problem !== undefined) throw corrupt(file, read.problem);
  const { picked, filter } = read.file;
  return picked.length ? picked : (filter?.ids ?? []);
}

function corrupt(file: string, what: string): BlindspotError {
  return new BlindspotError({
    file: bundlePath(file),
    message: `the selection file ${what}`,
    hint:
      "select again in the grid or chart (the extension rewrites the file), or delete the file to start with " +
      "no selection",
  });
}
