/** Groups of each sensitive field that the model serves worse (recall for detection, accuracy for classification). */

import { values } from "../../../dataset/columns";
import type { DetectionEvaluation } from "../../../eval/detection";
import { fairness } from "../../fairness";
import type { RateName } from "../../fairness/rates";
import { type AuditCheck } from "../check";
import type { Draft } from "../finding";

export const fairnessCheck: AuditCheck = {
  name: "fairness",
  kinds: ["fairness"],
  skip: (ctx) =>
    !ctx.evaluation ? "no predictions to compare groups on" : ctx.sensitive.length ? null : "no sensitive fields given",
  run(ctx) {
    const metric = ctx.predictions!.kind === "detections" ? "true_positive_rate" : "accuracy";
    return ctx.sensitive.flatMap((field): Draft[] => {
      const options = { sensitive: field, metrics: [metric] as RateName[], seed: ctx.seed };
      const fair =
        metric === "true_positive_rate"
          ? fairness(ctx.evaluation as DetectionEvaluation, options)
          : fairness(ctx.ds, { ...options, truth: ctx.labels!.name, prediction: ctx.predictions!.name });
      const gaps = (fair.disparities.objects() as Record<string, unknown>[])
        .filter((d) => d.metric === metric)
        .sort((a, b) => (b.difference as number) - (a.difference as number));
      const worst = gaps[0];
      if (!worst || !((worst.difference as number) > 0)) return [];
      const column = values<unknown>(ctx.ds.samples, field);
      // Fairness names the group of missing values "(missing)".
      const groupOf = (v: unknown) =>
        v == null || (typeof v === "number" && Number.isNaN(v)) ? "(missing)" : String(v);
      const samples = ctx.ids.filter((_, r) => groupOf(column[r]) === worst.lowest);
      // Multiclass accuracy is measured one class against the rest: say which class.
      const against =
        worst.positive != null && metric === "accuracy" ? ` (class ${String(worst.positive)} against the rest)` : "";
      const name = metric === "true_positive_rate" ? "recall" : "accuracy";
      return [
        {
          id: `fairness:${field}`,
          kind: "fairness",
          statement:
            `${field} ${worst.lowest as string}: ${name}${against} ${(worst.group_min as number).toFixed(2)} against ` +
            `${(worst.group_max as number).toFixed(2)} for ${worst.highest as string} ` +
            `(difference ${(worst.difference as number).toFixed(2)}), ${samples.length} images`,
          samples,
          objects: [],
          evidence: fair.groups,
          fix: `collect or augment ${field} ${worst.lowest as string} images, or weight them up in training; report ${name} per ${field}`,
        },
      ];
    });
  },
};
