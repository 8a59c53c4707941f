/**
 * Drift of the metadata (Evidently's tests per field): every split against the training split, and
 * with a `time` field every month against the training split (or, without one, the first month).
 */

import { values } from "../../../dataset/columns";
import { drift } from "../../drift";
import { driftOverTime } from "../../drift/overTime";
import { type AuditCheck } from "../check";
import type { AuditContext } from "../context";
import type { Draft } from "../finding";

export const driftCheck: AuditCheck = {
  name: "drift",
  kinds: ["drift"],
  skip: (ctx) =>
    !ctx.fields.length
      ? "no metadata fields to compare"
      : hasTrain(ctx) || ctx.time
        ? null
        : `no "${ctx.train}" split and another, and no time field, to compare`,
  async run(ctx) {
    return [...(hasTrain(ctx) ? splitDrift(ctx) : []), ...(ctx.time ? await monthlyDrift(ctx) : [])];
  },
};

const hasTrain = (ctx: AuditContext) => ctx.splits.includes(ctx.train) && ctx.splits.length >= 2;

function splitDrift(ctx: AuditContext): Draft[] {
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
}

async function monthlyDrift(ctx: AuditContext): Promise<Draft[]> {
  const over = await driftOverTime(ctx.ds, {
    time: ctx.time!,
    window: "month",
    fields: ctx.fields,
    ...(hasTrain(ctx) ? { reference: ctx.ds.where(ctx.split!, ctx.train) } : {}),
  });
  const window = values<string>(over.members, "window"),
    id = values<string>(over.members, "id");
  const reference = hasTrain(ctx) ? ctx.train : `the first month (${over.summary.reference})`;
  const rows = over.windows.objects() as { window: string; drifted_fields: string; fields: number }[];
  return rows
    .filter((w) => over.summary.drifted.includes(w.window))
    .map((w): Draft => {
      const samples = Array.from(id).filter((_, i) => window[i] === w.window);
      return {
        id: `drift:${ctx.time}:${w.window}`,
        kind: "drift",
        statement:
          `the images of ${w.window} (${ctx.time}) drift from ${reference} in ${w.drifted_fields} ` +
          `(${w.drifted_fields.split(", ").length} of ${w.fields} fields), ${samples.length} images`,
        samples,
        objects: [],
        evidence: over.windows,
        fix: `check what changed in ${w.window} (a camera, a season, a site); label a sample of it for training`,
      };
    });
}
