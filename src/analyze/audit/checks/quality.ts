/** Images too dark, too bright, blurry, near-blank, of odd size or shape, or grayscale among colour ones. */

import * as aq from "arquero";
import { values } from "../../../dataset/columns";
import { ISSUE_TYPES, type IssueType } from "../../../quality/cleanvision";
import { idsWhere, percent, type AuditCheck } from "../check";
import type { Draft } from "../finding";

type ImageIssue = Exclude<IssueType, "exact_duplicate" | "near_duplicate">;
const WHAT: Record<ImageIssue, { is: string; fix: string }> = {
  dark: {
    is: "too dark",
    fix: "check the capture exposure; relabel or drop the images nothing can be seen in, augment brightness",
  },
  light: { is: "overexposed", fix: "check the capture exposure; drop washed-out images, augment brightness" },
  blurry: {
    is: "blurry",
    fix: "check focus and motion; drop images too blurred to label, augment with blur if deployment sees it",
  },
  low_information: {
    is: "near-blank",
    fix: "drop empty or near-uniform frames from training and test",
  },
  odd_size: { is: "of an odd size", fix: "check the resize pipeline and the source of these images" },
  odd_aspect_ratio: { is: "of an odd aspect ratio", fix: "check cropping and the source of these images" },
  grayscale: {
    is: "grayscale among colour images",
    fix: "check the source; convert consistently or augment with grayscale",
  },
};
const IMAGE_ISSUES = ISSUE_TYPES.filter((t): t is ImageIssue => t in WHAT);

export const qualityCheck: AuditCheck = {
  name: "image quality",
  kinds: ["image_quality"],
  skip: (ctx) =>
    IMAGE_ISSUES.every((t) => ctx.ds.samples.columnNames().includes(`is_${t}`))
      ? null
      : 'no image quality flags: computeQuality(ds, { mode: "dataset" }) first (audit does it when the images are there)',
  run(ctx) {
    const n = ctx.ids.length;
    return IMAGE_ISSUES.flatMap((issue): Draft[] => {
      const flags = values<boolean | null>(ctx.ds.samples, `is_${issue}`);
      const samples = idsWhere(ctx, (r) => flags[r] === true);
      if (!samples.length) return [];
      const score = values<number | null>(ctx.ds.samples, `quality_${issue}_score`);
      const rows = samples.map((id) => ctx.rowOf.get(id)!);
      return [
        {
          id: `image_quality:${issue}`,
          kind: "image_quality",
          statement: `${samples.length} images are ${WHAT[issue].is} (${percent(samples.length / n)} of ${n})`,
          samples,
          objects: [],
          evidence: aq.table({ id: samples, score: rows.map((r) => score[r]) }).orderby("score"),
          fix: WHAT[issue].fix,
        },
      ];
    });
  },
};
