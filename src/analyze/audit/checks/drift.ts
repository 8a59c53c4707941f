/** Splits whose metadata drift from the training split (Evidently's tests per field). */

import { drift } from "../../drift";
import { type AuditCheck } from "../check";
import type { Draft } from "../finding";

export const driftCheck: AuditCheck = {
  name: "drift",
  kinds: ["drift"],
  skip: (ctx) =>
    !ctx.splits.includes(ctx.train)
      ? `no "${ctx.train}" split to compare the others with`
      : ctx.splits.length < 2
        ? "one split only"
        : ctx.fields.length
          ? null
          : "no metadata fields to compare",
  run(ctx) {
    const reference = ctx.ds.where(ctx.split!, ctx.train);
    return ctx.splits
      .filter((s) => s !== ctx.train)
      .flatMap((split): Draft[] => {
        const current = ctx.ds.where(ctx.split!, split);
        const d = drift(reference, current, { fields: ctx.fields });
        if (!d.summary.drifted.length) return [];
        return [
          {
            id: `drift:${split}`,
            kind: "drift",
            statement:
              `${split} drifts from ${ctx.train} in ${d.summary.drifted.join(", ")} ` +
              `(${d.summary.drifted.length} of ${d.summary.fields} fields), ${d.summary.current} images`,
            samples: current.samples().array("id") as string[],
            objects: [],
            evidence: d.fields,
            fix: `label a sample of ${split} and add it to training; monitor these fields (driftOverTime)`,
          },
        ];
      });
  },
};
