import type { Dataset } from "../../src/dataset/dataset";
import { buildDemoDataset } from "../../src/demo/dataset";
import { planDemo } from "../../src/demo/plan";

/** The demo's tables planned without pixels (320 x 240, no image files): fast for analyses of fields and labels. */
export function plannedDemo(samples: number, seed = 0): Dataset {
  return buildDemoDataset(planDemo({ samples, seed, width: 320, height: 240 }), "/nonexistent", {}, 320, 240);
}
