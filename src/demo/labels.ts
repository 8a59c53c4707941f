import { CONTEXT_CLASS, clamp } from "./objects";
import { Rng } from "./random";
import type { Box, ClassName, GtBox, SamplePlan } from "./types";

/** Classes a label can be wrongly swapped to: never the rare class, the truck only in its own context. */
const SWAP_TO: ClassName[] = ["car", "person", "bicycle", "traffic_light", "truck"];

export interface LabelNoise {
  mislabeled: number;
  missing: number;
  loose: number;
}

/** Ground truth starts as the drawn objects, with tight boxes and right classes. */
export function groundTruth(p: SamplePlan): GtBox[] {
  return p.objects.map((o, i) => ({ label: o.label, x: o.x, y: o.y, w: o.w, h: o.h, object: i }));
}

/**
 * Plants label errors on distinct objects of the eligible samples: swapped classes, boxes left out
 * of the ground truth (the object stays in the image), and boxes enlarged by 30-60%.
 */
export function plantLabelNoise(
  plans: SamplePlan[],
  eligible: (p: SamplePlan) => boolean,
  rng: Rng,
  counts: LabelNoise,
  width: number,
  height: number,
): void {
  const refs: [SamplePlan, number][] = [];
  for (const p of plans) {
    if (!eligible(p)) continue;
    p.gt.forEach((g, j) => g.label !== "dog" && refs.push([p, j]));
  }
  rng.shuffle(refs);
  let k = 0;
  for (let done = 0; done < counts.mislabeled && k < refs.length; k++) {
    const [p, j] = refs[k];
    const g = p.gt[j];
    const night = p.context[CONTEXT_CLASS.field] === CONTEXT_CLASS.value;
    const options = SWAP_TO.filter((c) => c !== g.label && (c !== CONTEXT_CLASS.label || night));
    g.label = rng.pick(options);
    g.planted = "mislabeled";
    done++;
  }
  for (let done = 0; done < counts.missing && k < refs.length; k++) {
    const [p, j] = refs[k];
    p.objects[p.gt[j].object].unlabeled = true;
    done++;
  }
  for (let done = 0; done < counts.loose && k < refs.length; k++) {
    const [p, j] = refs[k];
    const g = p.gt[j];
    const bigger = enlarge(g, rng.range(1.3, 1.6), width, height);
    if (!bigger) continue; // at the image edge the box could not grow by 30% in both directions
    Object.assign(g, bigger, { planted: "loose" });
    done++;
  }
  // Boxes are removed last so the indices above stay valid while planting.
  for (const p of plans)
    if (p.objects.some((o) => o.unlabeled)) p.gt = p.gt.filter((g) => !p.objects[g.object].unlabeled);
}

/** The box grown by `factor` in width and height about its centre, or null when that leaves the image. */
function enlarge(b: Box, factor: number, width: number, height: number): Box | null {
  if (b.w < 8 || b.h < 8) return null; // rounding would distort the growth of tiny boxes
  const w = Math.round(b.w * factor),
    h = Math.round(b.h * factor);
  if (w > width || h > height) return null;
  const x = clamp(Math.round(b.x + b.w / 2 - w / 2), 0, width - w);
  const y = clamp(Math.round(b.y + b.h / 2 - h / 2), 0, height - h);
  // Shifting to stay inside is fine, but the grown box must still contain the object.
  if (x > b.x || y > b.y || x + w < b.x + b.w || y + h < b.y + b.h) return null;
  return { x, y, w, h };
}
