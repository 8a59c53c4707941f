/** Slices of the metadata where the model errs most (SliceLine), kept when their error interval lies above the average. */

import { values } from "../../../dataset/columns";
import { findSlices } from "../../slices";
import { percent, type AuditCheck } from "../check";
import type { Draft } from "../finding";

/** Slices considered, best first. */
const TOP = 5;
/** A slice inside a kept one is kept only when it errs this many times as much as that one. */
const NESTED_GAIN = 1.25;

export const slicesCheck: AuditCheck = {
  name: "weak slices",
  kinds: ["slice"],
  skip: (ctx) =>
    !ctx.evaluation
      ? "no predictions to find weak slices of"
      : ctx.fields.length
        ? null
        : "no metadata fields to slice by",
  run(ctx) {
    const found = findSlices(ctx.evaluation!, { fields: ctx.fields, k: TOP, seed: ctx.seed });
    const rank = values<number>(found.members, "rank"),
      id = values<string>(found.members, "id");
    const average = found.summary.averageError;
    const kept: { samples: Set<string>; ratio: number }[] = [];
    return (found.slices.objects() as Record<string, unknown>[]).flatMap((s): Draft[] => {
      if (!((s.average_error_low as number) > average)) return [];
      const samples = Array.from(id).filter((_, i) => rank[i] === s.rank);
      // A slice within a kept one that errs about as much adds nothing (day & cam_e within cam_e).
      const ratio = (s.average_error as number) / average;
      if (kept.some((k) => ratio < NESTED_GAIN * k.ratio && samples.every((x) => k.samples.has(x)))) return [];
      kept.push({ samples: new Set(samples), ratio });
      return [
        {
          id: `slice:${s.slice as string}`,
          kind: "slice",
          statement:
            `${s.slice as string}: ${ratio.toFixed(1)}x the average error ` +
            `(${(s.average_error as number).toFixed(2)} against ${average.toFixed(2)} per image), ` +
            `${samples.length} images (${percent(samples.length / ctx.ids.length)})`,
          samples,
          objects: [],
          evidence: found.slices,
          fix: "collect or augment images of this slice, check its labels, and report the model's metric on it",
        },
      ];
    });
  },
};
