/**
 * Class imbalance (a class with a tenth of the largest one's labels or fewer) and hidden imbalance
 * (a class seen almost only in one context: trucks only at night), from coverage().
 */

import * as aq from "arquero";
import { values } from "../../../dataset/columns";
import { classWeights } from "../../classWeights";
import { coverage } from "../../coverage";
import { percent, type AuditCheck } from "../check";
import { samplesWithClass } from "../context";
import type { Draft } from "../finding";

/** A class with at most this share of the largest class's labels is rare. */
const RARE = 0.1;
/** Dependences weaker than this Cramer's V (Cohen's "small" effect) are left out, however significant. */
const MIN_CRAMERS_V = 0.1;
/** ...and so are those this likely under independence. */
const MAX_P = 0.001;

export const coverageCheck: AuditCheck = {
  name: "coverage and class balance",
  kinds: ["class_imbalance", "coverage"],
  skip: (ctx) => (ctx.labels ? null : "no ground-truth label field"),
  run(ctx) {
    const labelField = ctx.labels!.name;
    const weights = classWeights(ctx.ds, { labelField });
    const unit = weights.by === "objects" ? "boxes" : "samples";
    const total = weights.counts.reduce((s, c) => s + c, 0);
    const largest = Math.max(...weights.counts);
    const drafts: Draft[] = [];
    weights.classes.forEach((name, i) => {
      const count = weights.counts[i];
      if (!(count > 0 && count <= RARE * largest)) return;
      drafts.push({
        id: `class_imbalance:${name}`,
        kind: "class_imbalance",
        statement: `${name}: ${count} ${unit} (${percent(count / total)}), ${(largest / count).toFixed(0)}x fewer than the largest class`,
        samples: samplesWithClass(ctx, name),
        objects: [],
        evidence: weights.table,
        fix:
          `weight the loss by class (balanced weight of ${name}: ${weights.weights[i].toFixed(2)}; ` +
          `classWeights(ds) writes them all) or collect more ${name} images`,
      });
    });
    // Hidden imbalance is a class tied to a context: only metadata fields are contexts (not scores or flags).
    if (!ctx.fields.length) return drafts;
    const cov = coverage(ctx.ds, { labelField, fields: ctx.fields });
    for (const f of cov.summary.findings.filter((f) => f.cramersV >= MIN_CRAMERS_V && f.pValue < MAX_P)) {
      const column = values<unknown>(ctx.ds.samples, f.field);
      drafts.push({
        id: `coverage:${f.class}:${f.field}`,
        kind: "coverage",
        statement: `${f.sentence} (Cramer's V ${f.cramersV.toFixed(2)})`,
        samples: samplesWithClass(ctx, f.class),
        objects: [],
        evidence: aq.from(cov.dependence.objects().filter((d) => (d as { field: string }).field === f.field)),
        fix:
          `collect or augment ${f.class} in the other ${f.field} values (` +
          `${[...new Set(column)]
            .filter((v) => v != null && String(v) !== f.value)
            .slice(0, 4)
            .join(", ")}); ` +
          `until then, expect the model to tie ${f.class} to ${f.value}`,
      });
    }
    return drafts;
  },
};
