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
    const cov = coverage(ctx.ds, { labelField, ...(ctx.fields.length ? { fields: ctx.fields } : {}) });
    const unit = cov.summary.unit === "objects" ? "boxes" : "samples";
    const largest = Math.max(...cov.summary.classes.map((c) => c.count));
    const rare = cov.summary.classes.filter((c) => c.count > 0 && c.count <= RARE * largest);
    const drafts: Draft[] = [];
    if (rare.length) {
      const weights = classWeights(ctx.ds, { labelField });
      const weightOf = new Map(weights.classes.map((c, i) => [c, weights.weights[i]]));
      for (const c of rare)
        drafts.push({
          id: `class_imbalance:${c.name}`,
          kind: "class_imbalance",
          statement:
            `${c.name}: ${c.count} ${unit} (${percent(c.share)}), ${(largest / c.count).toFixed(0)}x fewer than ` +
            `the largest class`,
          samples: samplesWithClass(ctx, c.name),
          objects: [],
          evidence: weights.table,
          fix:
            `weight the loss by class (balanced weight of ${c.name}: ${weightOf.get(c.name)!.toFixed(2)}; ` +
            `classWeights(ds) writes them all) or collect more ${c.name} images`,
        });
    }
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
