import { importLabels, load } from "../../src/formats/api";
import { evaluateDetections, type DetectionEvalOptions } from "../../src/eval/detection";
import type { Dataset } from "../../src/dataset/dataset";

/** COCO ground truth plus a COCO results file, evaluated as pycocotools would be asked to. */
export async function evaluateCocoFiles(gtFile: string, resultsFile: string, options: DetectionEvalOptions = {}) {
  const ds: Dataset = await load(gtFile, { format: "coco" });
  await importLabels(ds, resultsFile, { format: "coco-results", field: "predictions" });
  return { ds, ev: evaluateDetections(ds, "predictions", options) };
}

/** Per-class AP keyed by COCO category id, -1 where pycocotools has none. */
export function apByCategoryId(ds: Dataset, ev: ReturnType<typeof evaluateDetections>): Record<string, number> {
  const rows = ev.perClass().objects() as { class: string; AP: number | null }[];
  const idOf = new Map(ds.categories.map((c) => [c.name, c.id]));
  return Object.fromEntries(rows.map((r) => [String(idOf.get(r.class)), r.AP ?? -1]));
}
