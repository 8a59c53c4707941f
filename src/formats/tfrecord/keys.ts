/* The Example keys of the TensorFlow Object Detection API that blindspot reads and writes. */

/** An image/source_id as read: text that is a number as JSON writes it (`1146`, not `007`) is that number. */
export function sourceIdValue(text: string): string | number {
  const n = Number(text);
  return text.trim() !== "" && Number.isFinite(n) && String(n) === text ? n : text;
}

/** Keys the reader takes (or leaves on purpose: the image itself). */
export const IMAGE_KEYS = new Set([
  "image/filename",
  "image/source_id",
  "image/width",
  "image/height",
  "image/format",
  "image/encoded",
  "image/key/sha256",
]);
export const OBJECT = "image/object/";
/** Per-object keys that are not attributes: `image/object/<name>`. */
export const OBJECT_KEYS = new Set([
  "bbox/xmin",
  "bbox/xmax",
  "bbox/ymin",
  "bbox/ymax",
  "class/text",
  "class/label",
  "is_crowd",
  "area",
]);
