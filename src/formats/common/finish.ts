import * as fs from "node:fs";
import type { Dataset } from "../../dataset/dataset";
import type { DatasetBuilder } from "../../dataset/builder";
import type { Problem } from "../../errors";
import { ImageError } from "../../image/decode";
import { mapLimit, readImageHeader } from "../../image/header";
import { leavesFolder, resolveImagePath } from "../../io/paths";
import type { ReadOptions } from "../format";

/** Boxes may overhang the image by this many pixels before they count as outside (rounding in tools). */
const BOX_SLACK = 1;

/**
 * The checks every importer ends with: each image path stays inside the images folder and
 * exists, sizes come from image headers where the labels give none, and each box lies inside
 * its image. What fails becomes a problem on its sample; nothing is dropped.
 */
export async function finishImport(
  b: DatasetBuilder,
  labelsFile: string,
  options: ReadOptions,
  /** Runs once image sizes are known, before boxes are checked (for normalised formats). */
  afterSizes?: (b: DatasetBuilder) => void,
): Promise<Dataset> {
  const mode = options.checkImages ?? "header";
  if (b.imagesDir === null) checkPaths(b);
  else if (mode !== "none") await checkImages(b, mode, options.onProgress);
  afterSizes?.(b);
  checkBoxes(b, labelsFile);
  return b.build();
}

/** Without an images folder nothing is read, but paths that would leave any folder are still flagged. */
function checkPaths(b: DatasetBuilder): void {
  for (let row = 0; row < b.sampleCount; row++) {
    const filepath = b.s.filepath[row];
    if (leavesFolder(filepath)) b.addProblem(escapes(b.s.id[row], filepath));
  }
}

function escapes(sampleId: string, filepath: string): Problem {
  return {
    kind: "path-escapes-dataset",
    sampleId,
    file: filepath,
    message: "image path leaves the images folder",
    hint: "image paths must be relative to the images folder; the file was not read",
  };
}

async function checkImages(
  b: DatasetBuilder,
  mode: "exists" | "header",
  onProgress: ReadOptions["onProgress"],
): Promise<void> {
  const imagesDir = b.imagesDir!;
  const rows = Array.from({ length: b.sampleCount }, (_, i) => i);
  // Samples whose reader already said the image is missing (a label file without an image).
  const toldMissing = new Set(b.problems.filter((p) => p.kind === "missing-image").map((p) => p.sampleId));
  let done = 0;
  await mapLimit(rows, 8, async (row) => {
    onProgress?.("images", ++done, rows.length);
    const id = b.s.id[row];
    const filepath = b.s.filepath[row];
    let full: string;
    try {
      full = resolveImagePath(imagesDir, filepath);
    } catch {
      b.addProblem(escapes(id, filepath));
      return;
    }
    if (!fs.existsSync(full)) {
      if (toldMissing.has(id)) return;
      b.addProblem({
        kind: "missing-image",
        sampleId: id,
        file: full,
        message: "image file not found",
        hint: "put the image there, or pass --images with the folder that holds the images",
      });
      return;
    }
    const sizeKnown = b.sampleWidth(row) !== null && b.sampleHeight(row) !== null;
    if (mode === "exists" && sizeKnown) return;
    try {
      const header = await readImageHeader(full);
      if (!sizeKnown) b.setSize(row, header.width, header.height);
      else if (header.width !== b.sampleWidth(row) || header.height !== b.sampleHeight(row)) {
        b.addProblem({
          kind: "size-mismatch",
          sampleId: id,
          file: full,
          message:
            `labels give ${b.sampleWidth(row)}x${b.sampleHeight(row)} but the image is ` +
            `${header.width}x${header.height}`,
          hint: "fix the width/height in the labels file",
        });
      }
    } catch (err) {
      if (err instanceof ImageError) b.addProblem(err.toProblem(id));
      else {
        const message = `image cannot be read: ${(err as Error).message}`;
        b.addProblem({
          kind: "corrupt-image",
          sampleId: id,
          file: full,
          message,
          hint: "re-export or replace the image file",
        });
      }
    }
  });
}

function checkBoxes(b: DatasetBuilder, labelsFile: string): void {
  const o = b.o;
  for (let i = 0; i < o.x.length; i++) {
    const row = b.rowOf(o.sample_id[i]);
    const x = o.x[i],
      y = o.y[i],
      w = o.w[i],
      h = o.h[i];
    const place = () => `${o.field[i]} object ${o.source_id[i] ?? i} (${o.label[i]}) on ${o.sample_id[i]}`;
    if (!(w > 0 && h > 0) || !Number.isFinite(x + y + w + h)) {
      b.addProblem({
        kind: "degenerate-box",
        sampleId: o.sample_id[i],
        file: labelsFile,
        place: place(),
        message: `box [x=${x}, y=${y}, w=${w}, h=${h}] has no area`,
        hint: "fix or delete this box in the labels file",
      });
      continue;
    }
    if (row === undefined) continue;
    const W = b.sampleWidth(row),
      H = b.sampleHeight(row);
    if (W === null || H === null) continue;
    if (x < -BOX_SLACK || y < -BOX_SLACK || x + w > W + BOX_SLACK || y + h > H + BOX_SLACK) {
      b.addProblem({
        kind: "box-outside-image",
        sampleId: o.sample_id[i],
        file: labelsFile,
        place: place(),
        message: `box [x=${x}, y=${y}, w=${w}, h=${h}] lies outside the ${W}x${H} image`,
        hint: "fix the box coordinates (blindspot keeps boxes in absolute pixels, top-left corner plus size)",
      });
    }
  }
}
