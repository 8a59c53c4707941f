import * as aq from "arquero";
import type { Dataset } from "../../src/dataset/dataset";
import { values } from "../../src/dataset/columns";
import { mulberry32 } from "../../src/dataset/view";
import { classLabels } from "../../src/analyze/classLabels";

/** What plantContext planted: the class whose labels lean to one value of one field. */
export interface PlantedContext {
  field: string;
  value: string;
  class: string;
}

/**
 * Plants a hidden contextual imbalance into a real dataset, seeded: a field `field` whose value
 * is `value` for `share` of the samples holding `target` and for 15 % of the others (drawn
 * among three other values otherwise), plus three fields drawn independently of the labels
 * (`camera`, `site`, and a number `altitude` that coverage cuts into bins). A correct coverage
 * ranks the planted field first, with the target class and value as its cell.
 */
export function plantContext(
  ds: Dataset,
  o: { target: string; field?: string; value?: string; others?: string[]; share?: number; seed?: number },
): PlantedContext {
  const field = o.field ?? "lighting";
  const value = o.value ?? "night";
  const others = o.others ?? ["day", "dusk", "dawn"];
  const rand = mulberry32(o.seed ?? 1);
  const labels = classLabels(ds, undefined, "plantContext");
  const target = labels.classes.indexOf(o.target);
  if (target < 0) throw new Error(`no class ${o.target} in ${labels.classes.join(", ")}`);
  const n = ds.samples.numRows();
  const holds = new Uint8Array(n);
  labels.codes.forEach((c, i) => {
    if (c === target) holds[labels.sampleRows[i]] = 1;
  });
  const pick = <T>(list: readonly T[]) => list[Math.floor(rand() * list.length)];
  const ids = Array.from(values<string>(ds.samples, "id"));
  ds.setFields(
    aq.table({
      id: ids,
      [field]: ids.map((_, i) => (rand() < (holds[i] ? (o.share ?? 0.95) : 0.15) ? value : pick(others))),
      camera: ids.map(() => pick(["cam_1", "cam_2", "cam_3"])),
      site: ids.map(() => pick(["north", "south"])),
      altitude: ids.map(() => Math.round(rand() * 5000) / 10),
    }),
  );
  return { field, value, class: o.target };
}
