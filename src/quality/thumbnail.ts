/**
 * A small grey thumbnail of each image, kept for near-duplicate search (nearDuplicates.ts):
 * what separates a near duplicate from its source (a shift of a few pixels, other lighting,
 * another JPEG encoding) barely changes it.
 *
 * - Pillow's "L" (ITU-R 601 luma, as the quality pass has it) averaged over THUMB_SIDE x THUMB_SIDE cells
 *   spanning the whole image (each pixel in the cell holding its centre; the aspect ratio is
 *   not kept, copies of an image share it). Cells of ~1/16 of the image make a shift of a few
 *   pixels a small change and average sensor noise and JPEG blocks away.
 * - Stored as bytes stretched to 0..255 between the darkest and the brightest cell (`lo`, `hi`,
 *   kept as numbers), so a dim image keeps its detail; the comparison is a correlation, which
 *   ignores gain and offset.
 * - `thumbnailContrast`: (hi - lo) / (2 min(mid, 255 - mid)), mid = (hi + lo) / 2: the cells'
 *   range against the distance to black or to white, whichever is nearer (0 for a uniform
 *   image, 1 when the cells reach black or white). Unchanged by a gain (a darker exposure) and
 *   by a wash-out towards white; a nearly uniform frame has almost none.
 *
 * In the result cache and the sample fields: quality_thumbnail (hex of the cells) and
 * quality_thumbnail_contrast.
 */

export const THUMB_SIDE = 16;
export const THUMB_CELLS = THUMB_SIDE * THUMB_SIDE;
/** Floats a thumbnail takes in a cache row: the cells two to a float (16-bit words, exact), lo, hi. */
export const THUMB_ROW_WIDTH = THUMB_CELLS / 2 + 2;

export interface Thumbnail {
  /** THUMB_CELLS cells, rows top to bottom, stretched to 0..255 between lo and hi. */
  cells: Uint8Array;
  /** Darkest and brightest cell luma before the stretch, 0..255. */
  lo: number;
  hi: number;
}

/** The thumbnail of `width` x `height` gray pixels (Pillow's "L"). */
export function thumbnail(gray: Uint8Array, width: number, height: number): Thumbnail {
  return thumbnailOfSums(cellSums(gray, width, height), width, height);
}

/** The cell of column (or row) `x` of `size`: the cell holding the pixel's centre. */
function cellOf(x: number, size: number): number {
  return Math.min(THUMB_SIDE - 1, Math.floor(((x + 0.5) * THUMB_SIDE) / size));
}

/** The gray values summed per cell (asm/pixels.ts computes the same in the pixel pass). */
export function cellSums(gray: Uint8Array, width: number, height: number): Float64Array {
  const S = THUMB_SIDE,
    sums = new Float64Array(THUMB_CELLS);
  const colCell = Int32Array.from({ length: width }, (_, x) => cellOf(x, width));
  for (let y = 0, i = 0; y < height; y++) {
    const row = cellOf(y, height) * S;
    for (let x = 0; x < width; x++, i++) sums[row + colCell[x]] += gray[i];
  }
  return sums;
}

/** The thumbnail from the cells' sums of a `width` x `height` image. */
export function thumbnailOfSums(sums: Float64Array, width: number, height: number): Thumbnail {
  const S = THUMB_SIDE;
  const cols = new Float64Array(S),
    rows = new Float64Array(S);
  for (let x = 0; x < width; x++) cols[cellOf(x, width)]++;
  for (let y = 0; y < height; y++) rows[cellOf(y, height)]++;
  // An image narrower or shorter than the grid leaves cells empty: they take the mean.
  let total = 0;
  for (let c = 0; c < THUMB_CELLS; c++) total += sums[c];
  const mean = total / (width * height);
  const means = new Float64Array(THUMB_CELLS);
  let lo = Infinity,
    hi = -Infinity;
  for (let c = 0; c < THUMB_CELLS; c++) {
    const count = rows[Math.floor(c / S)] * cols[c % S];
    means[c] = count > 0 ? sums[c] / count : mean;
    lo = Math.min(lo, means[c]);
    hi = Math.max(hi, means[c]);
  }
  const cells = new Uint8Array(THUMB_CELLS);
  if (hi > lo) for (let c = 0; c < THUMB_CELLS; c++) cells[c] = Math.round(((means[c] - lo) / (hi - lo)) * 255);
  return { cells, lo, hi };
}

/** See the header: the cells' range against the distance to black or white, in [0, 1]. */
export function thumbnailContrast({ lo, hi }: { lo: number; hi: number }): number {
  const room = 2 * Math.min((lo + hi) / 2, 255 - (lo + hi) / 2);
  return room > 0 ? Math.min(1, (hi - lo) / room) : 0;
}

export function packThumbnail(t: Thumbnail, out: Float32Array, offset: number): void {
  for (let i = 0; i < THUMB_CELLS / 2; i++) out[offset + i] = t.cells[2 * i] * 256 + t.cells[2 * i + 1];
  out[offset + THUMB_CELLS / 2] = t.lo;
  out[offset + THUMB_CELLS / 2 + 1] = t.hi;
}

/** The thumbnail of a cache row (null for a row of NaN: an image that could not be decoded). */
export function unpackThumbnail(row: Float32Array): Thumbnail | null {
  if (Number.isNaN(row[0])) return null;
  const cells = new Uint8Array(THUMB_CELLS);
  for (let i = 0; i < THUMB_CELLS / 2; i++) {
    cells[2 * i] = row[i] >> 8;
    cells[2 * i + 1] = row[i] & 255;
  }
  return { cells, lo: row[THUMB_CELLS / 2], hi: row[THUMB_CELLS / 2 + 1] };
}

/** Hex of the cells, as the sample field quality_thumbnail holds them. */
export function thumbnailHex(t: Thumbnail): string {
  return Buffer.from(t.cells).toString("hex");
}

/** The cells of a quality_thumbnail field (null for anything else). */
export function parseThumbnail(hex: unknown): Uint8Array | null {
  if (typeof hex !== "string" || hex.length !== 2 * THUMB_CELLS) return null;
  return new Uint8Array(Buffer.from(hex, "hex"));
}
