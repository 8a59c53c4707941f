import type { Dataset } from "../../src/dataset/dataset";
import { encodeCategories } from "../artifacts/arrow";
import { makeThumbnails, missingThumb, type Thumb } from "../artifacts/thumbs";
import { formatCount } from "../../src/report/escape";
import { progress } from "../progress";
import { PROGRESS_AFTER_MS } from "../progressBars";

export interface GridImages {
  /** Index into `thumbs` of each row's image. */
  imageOfRow: Int32Array;
  /** Distinct image files (as the dataset names them), in order of first appearance. */
  files: string[];
  /** The thumbnail of each of `files`. */
  thumbs: Thumb[];
}

/**
 * Thumbnails of a view's rows. Rows naming the same file share one thumbnail (a view can
 * repeat a few thousand images a million times); only the first `maxThumbs` distinct files
 * get one, later ones are missing with the reason.
 */
export async function gridImages(
  ds: Dataset,
  files: ArrayLike<string>,
  options: { size: number; maxThumbs: number },
): Promise<GridImages> {
  // Every sample names a file (schema.ts), so every row gets a code.
  const { codes: imageOfRow, names: distinct } = encodeCategories(files);

  const thumbs: Thumb[] = new Array(distinct.length);
  const wanted: { slot: number; path: string }[] = [];
  distinct.forEach((file, slot) => {
    if (slot >= options.maxThumbs) {
      thumbs[slot] = missingThumb(
        `over the limit of ${formatCount(options.maxThumbs)} thumbnails per output (show(view, { maxThumbs ` +
          `}) raises it)`,
      );
      return;
    }
    try {
      wanted.push({ slot, path: ds.imagePath(file) });
    } catch (err) {
      thumbs[slot] = missingThumb((err as Error).message.split("\n")[0]);
    }
  });

  const bar = progress(wanted.length, "thumbnails", { showAfterMs: PROGRESS_AFTER_MS });
  try {
    const made = await makeThumbnails(
      wanted.map((w) => w.path),
      { size: options.size, onDone: () => bar.tick() },
    );
    wanted.forEach((w, i) => (thumbs[w.slot] = made.thumbs[i]));
    return { imageOfRow, files: distinct, thumbs };
  } finally {
    bar.done();
  }
}
