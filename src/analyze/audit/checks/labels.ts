/**
 * Label errors. Detection: boxLabelIssues against the predictions (wrong classes, objects left
 * unlabelled, boxes in the wrong place, loose boxes). Classification: confident learning on
 * out-of-fold probabilities of a model fitted on the embeddings (crossValProbs).
 */

import * as aq from "arquero";
import { boxLabelIssues } from "../../boxIssues";
import { pca } from "../../../embed/project/pca";
import { crossValProbs } from "../../crossValProbs";
import { labelIssues } from "../../labelIssues";
import { groupBy, percent, type AuditCheck } from "../check";
import type { AuditContext } from "../context";
import type { Draft } from "../finding";

/** Principal components of the embeddings that the cross-validated model is fitted on. */
const COMPONENTS = 64;

const BOX_ISSUES: Record<string, { is: string; fix: string }> = {
  swap: { is: "labelled with the wrong class", fix: "relabel these boxes (the suggested class is the model's)" },
  overlooked: {
    is: "objects with no label (the model found them)",
    fix: "add the missing boxes: the predictions show where",
  },
  badloc: { is: "boxes in the wrong place", fix: "redraw these boxes" },
  loose: {
    is: "loose boxes (much larger than their object)",
    fix: "tighten these boxes to the prediction inside them",
  },
};

export const labelsCheck: AuditCheck = {
  name: "label errors",
  kinds: ["label_errors"],
  skip(ctx) {
    if (!ctx.labels) return "no ground-truth label field";
    if (ctx.labels.kind === "detections")
      return ctx.predictions?.kind === "detections"
        ? null
        : "boxes are checked against a detector's predictions: none given";
    return ctx.embeddings ? null : "classification labels are checked with a model fitted on embeddings: none given";
  },
  run: (ctx) => (ctx.labels!.kind === "detections" ? boxIssues(ctx) : classIssues(ctx)),
};

function boxIssues(ctx: AuditContext): Draft[] {
  const found = boxLabelIssues(ctx.ds, { predictions: ctx.predictions!.name, labelField: ctx.labels!.name });
  const boxes = found.boxes.objects() as { sample_id: string; object_id: number; issue_type: string }[];
  // A loose label already flagged as swapped or misplaced counts once, as that.
  const flagged = new Set(boxes.map((b) => b.object_id));
  const loose = (found.loose.objects() as { sample_id: string; object_id: number }[]).filter(
    (b) => !flagged.has(b.object_id),
  );
  const byType = groupBy([...boxes, ...loose.map((b) => ({ ...b, issue_type: "loose" }))], (b) => b.issue_type);
  return [...byType].map(([type, list]): Draft => {
    const samples = [...new Set(list.map((b) => b.sample_id))];
    return {
      id: `label_errors:${type}`,
      kind: "label_errors",
      statement: `${list.length} ${BOX_ISSUES[type].is}, in ${samples.length} images (${percent(samples.length / ctx.ids.length)})`,
      samples,
      objects: list.map((b) => b.object_id),
      evidence:
        type === "loose"
          ? found.loose
          : found.boxes
              .params({ type })
              .filter((d: { issue_type: string }, $: { type: string }) => d.issue_type === $.type),
      fix: BOX_ISSUES[type].fix,
    };
  });
}

async function classIssues(ctx: AuditContext): Promise<Draft[]> {
  const labelField = ctx.labels!.name;
  // Fitted on the leading components: each fold's L-BFGS runs on 64 numbers per image, not on every dimension.
  const e = ctx.embeddings!;
  const reduced =
    e.dim > COMPONENTS
      ? { ...e, vectors: await pca(e.vectors, e.dim, { components: COMPONENTS }), dim: COMPONENTS }
      : e;
  const probs = await crossValProbs(ctx.ds, reduced, {
    labelField,
    ...(ctx.groups ? { groups: ctx.groups } : {}),
  });
  const found = labelIssues(ctx.ds, { probs, labelField });
  const samples = found.issues.array("sample_id") as string[];
  if (!samples.length) return [];
  return [
    {
      id: "label_errors:class",
      kind: "label_errors",
      statement: `${samples.length} ${labelField} labels look wrong (${percent(samples.length / ctx.ids.length)}): a model trained without them disagrees with confidence`,
      samples,
      objects: [],
      evidence: aq.from(found.issues.objects()),
      fix: "review these labels (the suggested label is the cross-validated model's); relabel or drop the wrong ones",
    },
  ];
}
