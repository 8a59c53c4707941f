/**
 * A COCO annotation's `segmentation` to its mask, as pycocotools' COCO.annToRLE does it:
 *   - a list of polygons [[x1, y1, x2, y2, ...], ...]: each rasterized, then their union;
 *   - an uncompressed RLE {counts: number[], size: [h, w]};
 *   - a compressed RLE {counts: string, size: [h, w]};
 *   - a list of uncompressed RLEs, which pycocotools also accepts: their union.
 * Input pycocotools fails on is a BlindspotError naming the place.
 */
import { BlindspotError } from "../../errors";
import { rleDecode, roundTrip } from "./codec";
import { rleFromPolygon } from "./polygon";
import { rleMerge, type Rle } from "./rle";

/**
 * The mask of a segmentation. `h` and `w` (the image's size) are used for polygons only; an RLE
 * keeps its own `size`, as in pycocotools.
 */
export function rleFromSegmentation(segmentation: unknown, h: number, w: number): Rle {
  if (Array.isArray(segmentation)) return fromList(segmentation, size(h, "image height"), size(w, "image width"));
  if (!isObject(segmentation))
    throw bad("segmentation", "is neither a list of polygons nor an RLE object with counts and size");
  if (!("counts" in segmentation)) throw bad("segmentation", "is an object without counts");
  const { counts } = segmentation;
  if (typeof counts === "string") {
    const [rh, rw] = rleSize(segmentation, "segmentation");
    return rleDecode(counts, rh, rw);
  }
  if (Array.isArray(counts)) return roundTrip(fromCounts(segmentation, "segmentation"));
  throw bad("segmentation.counts", "is neither a compressed RLE string nor a list of run lengths");
}

function fromList(list: unknown[], h: number, w: number): Rle {
  if (list.length === 0)
    throw bad("segmentation", "is an empty list (pycocotools fails on it; leave out the annotation or give a polygon)");
  const first = list[0];
  let parts: Rle[];
  if (Array.isArray(first)) {
    // pycocotools picks the kind from the first entry: 4 numbers mean boxes, which it then fails on.
    if (first.length <= 4)
      throw bad(
        "segmentation[0]",
        `is a polygon of ${first.length} numbers; the first polygon needs at least 3 points (6 numbers)`,
      );
    parts = list.map((p, i) => roundTrip(rleFromPolygon(polygon(p, `segmentation[${i}]`), h, w)));
  } else if (isObject(first) && "counts" in first && "size" in first && Object.keys(first).length < 4) {
    parts = list.map((r, i) => {
      const place = `segmentation[${i}]`;
      if (!isObject(r) || !("counts" in r) || !Array.isArray(r.counts))
        throw bad(place, "is not an uncompressed RLE {counts: number[], size: [h, w]} like the first entry");
      return roundTrip(fromCounts(r, place));
    });
  } else {
    throw bad("segmentation[0]", "is neither a polygon [x1, y1, x2, y2, ...] nor an uncompressed RLE");
  }
  return roundTrip(rleMerge(parts));
}

/** Numbers only: numpy would also read booleans and numeric strings, which no COCO writer emits. */
function polygon(p: unknown, place: string): number[] {
  if (!Array.isArray(p)) throw bad(place, "is not a polygon (a list of numbers x1, y1, x2, y2, ...)");
  for (let j = 0; j < p.length; j++)
    if (typeof p[j] !== "number") throw bad(`${place}[${j}]`, `is ${JSON.stringify(p[j])}, not a number`);
  return p as number[];
}

/** Uncompressed counts become unsigned 32-bit like numpy's uint32: fractions truncated, negatives refused. */
function fromCounts(r: Record<string, unknown>, place: string): Rle {
  const list = r.counts as unknown[];
  const [h, w] = rleSize(r, place);
  const counts = new Uint32Array(list.length);
  for (let j = 0; j < list.length; j++) {
    const c = list[j];
    if (typeof c !== "number" || !(c >= 0 && c < 2 ** 32))
      throw bad(`${place}.counts[${j}]`, `is ${JSON.stringify(c)}; a run length is a whole number from 0 to 2^32 - 1`);
    counts[j] = c;
  }
  return { h, w, counts };
}

function rleSize(r: Record<string, unknown>, place: string): [number, number] {
  const s = r.size;
  if (!Array.isArray(s) || s.length < 2) throw bad(`${place}.size`, "is missing or not [height, width]");
  return [size(s[0], `${place}.size[0]`), size(s[1], `${place}.size[1]`)];
}

/** A size as C's size_t takes it: a non-negative number, fraction truncated. */
function size(v: unknown, place: string): number {
  if (typeof v !== "number" || !(v >= 0 && v < 2 ** 32))
    throw bad(place, `is ${JSON.stringify(v)}, not a size in pixels`);
  return Math.trunc(v);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function bad(place: string, message: string): BlindspotError {
  return new BlindspotError({ place, message });
}
