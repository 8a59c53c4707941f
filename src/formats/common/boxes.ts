import type { DatasetBuilder, ObjectInit } from "../../dataset/builder";
import type { Dataset } from "../../dataset/dataset";
import { BlindspotError } from "../../errors";
import { readImageHeader } from "../../image/header";
import { resolveImagePath } from "../../io/paths";

/**
 * Turns boxes parsed as normalised centre/size (YOLO, relative text files) into the internal
 * absolute top-left/size, once each sample's size is known. Boxes of samples whose size could
 * not be read are not loaded; each such sample gets an `unknown-image-size` problem.
 */
export function denormaliseCentreBoxes(b: DatasetBuilder, labelsFile: string): void {
  const o = b.o;
  const skipped = new Map<number, number>();
  const unsized = new Set<number>();
  for (let i = 0; i < o.x.length; i++) {
    const row = b.rowOf(o.sample_id[i])!;
    const W = b.sampleWidth(row),
      H = b.sampleHeight(row);
    if (W === null || H === null) {
      skipped.set(row, (skipped.get(row) ?? 0) + 1);
      unsized.add(i);
      continue;
    }
    const w = o.w[i] * W,
      h = o.h[i] * H;
    o.x[i] = o.x[i] * W - w / 2;
    o.y[i] = o.y[i] * H - h / 2;
    o.w[i] = w;
    o.h[i] = h;
  }
  if (!unsized.size) return;
  b.dropObjects(unsized);
  reportUnsized(
    b,
    skipped,
    labelsFile,
    "the coordinates are fractions of the image size, and the image's size could not be read",
    "put the image in the images folder (see the sample's other problems), then load again",
  );
}

/**
 * Adds boxes given as normalised corners (`coords` holds x0, x1, y0, y1 per box; `rows` the
 * sample row of each box) once sample sizes are known. Boxes whose sample has no size are not
 * loaded and are reported per sample with `why` and `hint`.
 */
export function addNormalisedCorners(
  b: DatasetBuilder,
  rows: ArrayLike<number>,
  coords: ArrayLike<number>,
  object: (k: number) => Omit<ObjectInit, "sampleId" | "x" | "y" | "w" | "h">,
  labelsFile: string,
  why: string,
  hint: string,
): void {
  const skipped = new Map<number, number>();
  for (let k = 0; k < rows.length; k++) {
    const row = rows[k];
    const W = b.sampleWidth(row),
      H = b.sampleHeight(row);
    if (W === null || H === null) {
      skipped.set(row, (skipped.get(row) ?? 0) + 1);
      continue;
    }
    const x0 = coords[4 * k],
      x1 = coords[4 * k + 1],
      y0 = coords[4 * k + 2],
      y1 = coords[4 * k + 3];
    b.addObject({ ...object(k), sampleId: b.s.id[row], x: x0 * W, y: y0 * H, w: (x1 - x0) * W, h: (y1 - y0) * H });
  }
  reportUnsized(b, skipped, labelsFile, why, hint);
}

/**
 * Records, for formats whose boxes are fractions of the image size, the boxes that could not
 * be loaded because their image's size is unknown: one problem per sample, with the count.
 */
export function reportUnsized(
  b: DatasetBuilder,
  skipped: Map<number, number>,
  file: string,
  why: string,
  hint: string,
): void {
  for (const [row, n] of skipped) {
    b.addProblem({
      kind: "unknown-image-size",
      sampleId: b.s.id[row],
      file,
      message: `${n} box${n > 1 ? "es" : ""} not loaded: ${why}`,
      hint,
    });
  }
}

/** Why a writer needs image sizes, for the refusal when one is unknown. */
const FRACTIONS = "boxes are written as fractions of the image size";

/**
 * A sample's size: from the table, else from its image header; fails when neither gives one,
 * saying `why` the writer needs it.
 */
export async function sizeOf(
  ds: Dataset,
  sampleId: string,
  filepath: string,
  width: number | null,
  height: number | null,
  why = FRACTIONS,
): Promise<{ W: number; H: number }> {
  if (width && height) return { W: width, H: height };
  if (ds.imagesDir !== null) {
    try {
      const h = await readImageHeader(resolveImagePath(ds.imagesDir, filepath));
      return { W: h.width, H: h.height };
    } catch (err) {
      throw new BlindspotError({
        file: filepath,
        place: `sample ${sampleId}`,
        message: `image size unknown and the image cannot be read (${(err as Error).message.split("\n")[0]})`,
        hint: `${why}: put the image there, or set the sample's width and height`,
      });
    }
  }
  throw new BlindspotError({
    file: filepath,
    place: `sample ${sampleId}`,
    message: "image size unknown",
    hint: `${why}: load the dataset with --images so sizes come from the image headers`,
  });
}
