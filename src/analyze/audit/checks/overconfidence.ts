/** Confident errors: predictions at 0.9 and above that are wrong, ranked as overconfidence() ranks them. */

import { values } from "../../../dataset/columns";
import { overconfidence } from "../../overconfidence";
import { type AuditCheck } from "../check";

export const overconfidenceCheck: AuditCheck = {
  name: "overconfidence",
  kinds: ["overconfidence"],
  skip(ctx) {
    if (!ctx.evaluation) return "no predictions";
    const name = ctx.predictions!.name;
    const columns = ctx.ds.samples.columnNames();
    return ctx.predictions!.kind === "classification" &&
      !columns.includes(`${name}_confidence`) &&
      !columns.includes(`${name}_probs`)
      ? `the predictions ${name} have no confidence (${name}_confidence or ${name}_probs)`
      : null;
  },
  async run(ctx) {
    const detection = ctx.predictions!.kind === "detections";
    const found = await overconfidence(ctx.evaluation!, {
      // Detection's second opinion embeds every box involved: worth it in a notebook, not in a quick audit.
      secondOpinion: detection ? false : (ctx.embeddings ?? false),
      seed: ctx.seed,
    });
    const s = found.summary;
    if (!s.confidentErrors) return [];
    const sampleIds = Array.from(values<string>(found.errors, detection ? "sample_id" : "id"));
    const what = detection ? "boxes" : "predictions";
    return [
      {
        id: "overconfidence:confident_errors",
        kind: "overconfidence",
        statement:
          `${s.confidentErrors} wrong ${what} at confidence ${s.threshold} or more ` +
          `(${s.confident} ${what} are that confident); calibration error ${s.ece.toFixed(3)}`,
        samples: [...new Set(sampleIds)],
        objects: detection ? Array.from(values<number>(found.errors, "id")) : [],
        evidence: found.errors,
        fix: "review these first (a wrong label or a model error); calibrate the scores (temperature scaling) and add hard negatives like them",
      },
    ];
  },
};
