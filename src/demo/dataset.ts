import { DatasetBuilder } from "../dataset/builder";
import type { Dataset } from "../dataset/dataset";
import { GROUND_TRUTH } from "../dataset/schema";
import { CLASSES, type SamplePlan } from "./types";

export const MODEL_FIELD = "model";

/**
 * The dataset of a plan: one sample per image, ground-truth boxes then model boxes (truth.json relies on this order).
 */
export function buildDemoDataset(
  plans: readonly SamplePlan[],
  imagesDir: string,
  info: Record<string, unknown>,
  width: number,
  height: number,
): Dataset {
  const b = new DatasetBuilder("blindspot-demo", imagesDir);
  for (const c of CLASSES) b.category(c);
  b.declareField({ name: GROUND_TRUTH, kind: "detections", predicted: false });
  b.declareField({ name: MODEL_FIELD, kind: "detections", predicted: true });
  b.info = info;
  for (const p of plans) {
    const { split, ...fields } = p.context;
    b.addSample({
      id: p.id,
      filepath: p.file,
      width,
      height,
      split,
      fields: { ...fields, sequence: p.sequence ?? null },
    });
    for (const g of p.gt)
      b.addObject({ sampleId: p.id, field: GROUND_TRUTH, label: g.label, x: g.x, y: g.y, w: g.w, h: g.h });
    for (const q of p.predictions) {
      b.addObject({
        sampleId: p.id,
        field: MODEL_FIELD,
        label: q.label,
        x: q.x,
        y: q.y,
        w: q.w,
        h: q.h,
        confidence: q.confidence,
      });
    }
  }
  return b.build();
}
