/** Image ids as COCO tools see them, shared by the COCO formats and the detection evaluation. */
import type { Dataset } from "./dataset";
import { values } from "./columns";

/**
 * Ids as given where present and not used before (numbers and text; `7` and `"7"` count as the
 * same), and new integers, above the largest given, for the rest.
 */
export function keptIds(given: ArrayLike<unknown>): (number | string)[] {
  const out: (number | string | null)[] = [];
  const seen = new Set<string>();
  let max = 0;
  for (let i = 0; i < given.length; i++) {
    const v = given[i];
    const ok = (typeof v === "number" && Number.isFinite(v)) || typeof v === "string";
    if (ok && !seen.has(String(v))) {
      seen.add(String(v));
      out.push(v);
      if (typeof v === "number") max = Math.max(max, Math.floor(v));
    } else out.push(null);
  }
  let next = max + 1;
  return out.map((v) => {
    if (v !== null) return v;
    while (seen.has(String(next))) next++;
    seen.add(String(next));
    return next++;
  });
}

/**
 * The COCO image id of each sample, in row order: its `source_id` as given (number or text),
 * numbered where there is none. COCO results written for the dataset use the same ids.
 */
export function cocoImageIds(ds: Dataset): (number | string)[] {
  const s = ds.samples;
  return s.columnNames().includes("source_id")
    ? keptIds(values<unknown>(s, "source_id"))
    : Array.from({ length: s.numRows() }, (_, i) => i + 1);
}
