/**
 * Label issues of a classification field (the paper's mislabeled samples), by confident learning
 * as cleanlab 2.9.0 defines it: given each sample's predicted probabilities (out of fold, from a
 * model that did not train on it), which labels are likely wrong, how likely, and what the label
 * probably should be; and how noisy each class's labels are.
 *
 * Writes the sample fields `label_issue` (true for a flagged label), `label_quality` (the score
 * `rankBy`, 0 bad to 1 good) and `suggested_label` (the most probable class where it is not the
 * given label), null for samples without a label or probabilities.
 */

import * as aq from "arquero";
import type { ColumnTable } from "arquero";
import { values } from "../../dataset/columns";
import type { Dataset } from "../../dataset/dataset";
import { checkField } from "../../dataset/fieldCheck";
import { BlindspotError } from "../../errors";
import { checkChoice } from "../checks";
import { classLabels } from "../classLabels";
import { confidentJoint } from "./confidentJoint";
import {
  estimatedIssues,
  FILTERS,
  findLabelIssues,
  labelIsTop,
  mostProbable,
  rankedIssues,
  type FilterOptions,
} from "./filter";
import { labelHealth } from "./health";
import { probsFromCsv } from "./probsCsv";
import { labelQualityScores, SCORE_METHODS, type ScoreMethod } from "./scores";
import { FLOAT_TOLERANCE, type ClassProbs } from "./thresholds";

export interface LabelIssueOptions extends FilterOptions {
  /**
   * The predicted probabilities: the name of a classification field that has them (its
   * `<name>_probs` column, in the order of its classes), rows in sample order with their classes
   * (what crossValProbs returns), or a CSV file of a sample id column and one column per class.
   */
  probs:
    | string
    | { classes: string[]; rows: ArrayLike<ArrayLike<number> | null | undefined> }
    | { csv: string; idColumn?: string };
  /** The classification field whose labels are checked (default: ground_truth, else the only ground-truth field). */
  labelField?: string;
  /** Score that ranks the issues and fills `label_quality` (default "self_confidence"). */
  rankBy?: ScoreMethod;
  /** Rank by probabilities adjusted by the class thresholds (cleanlab's adjust_pred_probs; default false). */
  adjust?: boolean;
}

export interface LabelIssuesSummary {
  labelField: string;
  classes: string[];
  samples: number;
  /** Samples with a label and probabilities. */
  scored: number;
  /** Samples left out, by reason. */
  skipped: { noLabel: number; noProbs: number };
  issues: number;
  filterBy: string;
  rankBy: ScoreMethod;
  /** 1 - (confident learning's estimated label issues) / scored samples (cleanlab's overall_label_health_score). */
  healthScore: number;
}

export interface LabelIssues {
  /** sample_id, label, suggested_label, label_quality, rank: the flagged labels, likeliest first. */
  issues: ColumnTable;
  /** class, label_issues, inverse_label_issues, label_noise, inverse_label_noise, label_quality: worst class first. */
  classes: ColumnTable;
  /** class_a, class_b, samples, joint_probability: classes confused with each other, most first. */
  overlaps: ColumnTable;
  /** The calibrated confident joint, K x K row-major: given label by likely true class. */
  joint: Float64Array;
  summary: LabelIssuesSummary;
}

const PLACE = "labelIssues";

export function labelIssues(ds: Dataset, options: LabelIssueOptions): LabelIssues {
  const rankBy = checkChoice(options.rankBy ?? "self_confidence", SCORE_METHODS, `${PLACE}: rankBy`);
  const filterBy = checkChoice(options.filterBy ?? "prune_by_noise_rate", FILTERS, `${PLACE}: filterBy`);
  const labels = classLabels(ds, options.labelField, PLACE);
  if (labels.unit !== "samples") {
    throw new BlindspotError({
      place: `${PLACE}: labelField`,
      message: `${JSON.stringify(labels.field.name)} holds boxes; labelIssues checks classification labels`,
      hint: "name a classification field with { labelField }",
    });
  }
  const source = probabilities(ds, options.probs);
  const K = source.classes.length;
  const ids = values<string>(ds.samples, "id");
  const given = values<unknown>(ds.samples, labels.field.name);
  const index = new Map(source.classes.map((c, k) => [c, k]));
  const rows: number[] = [];
  let noProbs = 0;
  for (const r of labels.sampleRows) {
    if (source.rows[r] == null) noProbs++;
    else rows.push(r);
  }
  const input: ClassProbs = {
    labels: new Int32Array(rows.length),
    probs: new Float64Array(rows.length * K),
    classes: K,
  };
  rows.forEach((r, i) => {
    const label = String(given[r]);
    const k = index.get(label);
    if (k === undefined) {
      throw new BlindspotError({
        place: `${PLACE}: ${labels.field.name}`,
        message: `sample ${JSON.stringify(ids[r])} is labelled ${JSON.stringify(label)}, not one of the ${K} classes of the probabilities`,
        hint: `the probabilities must cover every class of the labels: ${source.classes.join(", ")}`,
      });
    }
    input.labels[i] = k;
    const row = source.rows[r]!;
    if (row.length !== K)
      throw badRow(source.name, ids[r], `${row.length} probabilities for ${K} classes`, source.classes);
    for (let c = 0; c < K; c++) {
      const p = row[c];
      if (!(p >= -FLOAT_TOLERANCE && p <= 1 + FLOAT_TOLERANCE))
        throw badRow(source.name, ids[r], `probability ${p} for ${source.classes[c]}`, source.classes);
      input.probs[i * K + c] = p;
    }
  });
  if (new Set(input.labels).size < 2) {
    throw new BlindspotError({
      place: PLACE,
      message: `only ${new Set(input.labels).size} class among the ${rows.length} scored labels`,
      hint: "label issues compare classes: score a set with at least two classes",
    });
  }

  const mask = findLabelIssues(input, { ...options, filterBy });
  const scores = labelQualityScores(input, rankBy, options.adjust ?? false);
  const joint = confidentJoint(input);
  const top = mostProbable(input);
  const suggested = rows.map((_, i) => (top[i] === input.labels[i] ? null : source.classes[top[i]]));
  const n = ds.count();
  const issueCol = new Array<boolean | null>(n).fill(null),
    qualityCol = new Array<number | null>(n).fill(null),
    suggestedCol = new Array<string | null>(n).fill(null);
  rows.forEach((r, i) => {
    issueCol[r] = mask[i] === 1;
    qualityCol[r] = scores[i];
    suggestedCol[r] = suggested[i];
  });
  ds.setFields(
    aq.table({ id: Array.from(ids), label_issue: issueCol, label_quality: qualityCol, suggested_label: suggestedCol }),
  );

  const ranked = Array.from(rankedIssues(mask, scores));
  const health = labelHealth(joint.counts, K, rows.length);
  const estimated = estimatedIssues(joint.offDiagonal, labelIsTop(input));
  return {
    issues: aq.table({
      sample_id: ranked.map((i) => ids[rows[i]]),
      label: ranked.map((i) => source.classes[input.labels[i]]),
      suggested_label: ranked.map((i) => suggested[i]),
      label_quality: ranked.map((i) => scores[i]),
      rank: ranked.map((_, j) => j + 1),
    }),
    classes: aq.table({
      class: health.classes.map((c) => source.classes[c.class]),
      label_issues: health.classes.map((c) => c.labelIssues),
      inverse_label_issues: health.classes.map((c) => c.inverseLabelIssues),
      label_noise: health.classes.map((c) => c.labelNoise),
      inverse_label_noise: health.classes.map((c) => c.inverseLabelNoise),
      label_quality: health.classes.map((c) => c.labelQuality),
    }),
    overlaps: aq.table({
      class_a: health.overlaps.map((o) => source.classes[o.a]),
      class_b: health.overlaps.map((o) => source.classes[o.b]),
      samples: health.overlaps.map((o) => o.samples),
      joint_probability: health.overlaps.map((o) => o.jointProbability),
    }),
    joint: joint.counts,
    summary: {
      labelField: labels.field.name,
      classes: source.classes,
      samples: n,
      scored: rows.length,
      skipped: { noLabel: n - labels.sampleRows.length, noProbs },
      issues: ranked.length,
      filterBy,
      rankBy,
      healthScore: 1 - estimated / rows.length,
    },
  };
}

/** The probabilities by sample row, their classes, and where they came from (for messages). */
function probabilities(
  ds: Dataset,
  probs: LabelIssueOptions["probs"],
): { name: string; classes: string[]; rows: ArrayLike<ArrayLike<number> | null | undefined> } {
  if (typeof probs === "object" && probs && "csv" in probs) return probsFromCsv(ds, probs.csv, probs.idColumn);
  if (typeof probs !== "string") {
    if (!probs || !Array.isArray(probs.classes) || probs.rows?.length !== ds.count()) {
      throw new BlindspotError({
        place: `${PLACE}: probs`,
        message: `probs must be a field name, { csv } or { classes, rows } with one row per sample (${ds.count()})`,
        hint: 'pass the prediction field, e.g. { probs: "model" }, or the rows crossValProbs returns',
      });
    }
    return { name: "probs", ...probs };
  }
  const withProbs = ds.fields.filter((f) => f.kind === "classification" && f.classes?.length);
  const name = checkField(
    probs,
    withProbs.map((f) => f.name),
    `${PLACE}: probs`,
    "classification field with probabilities",
  );
  return {
    name,
    classes: withProbs.find((f) => f.name === name)!.classes!,
    rows: values<ArrayLike<number> | null>(ds.samples, `${name}_probs`),
  };
}

function badRow(field: string, id: string, what: string, classes: string[]): BlindspotError {
  return new BlindspotError({
    place: `${PLACE}: ${field}`,
    message: `sample ${JSON.stringify(id)} has ${what}`,
    hint: `each row holds one probability in [0, 1] per class, in this order: ${classes.join(", ")}`,
  });
}
