/** Sets of exact and near-duplicate images (each set's members but the first are the copies). */

import * as aq from "arquero";
import { values } from "../../../dataset/columns";
import { percent, type AuditCheck } from "../check";
import type { AuditContext } from "../context";
import type { Draft } from "../finding";

const KINDS = [
  { name: "exact", field: "quality_exact_duplicate_group" },
  { name: "near", field: "quality_near_duplicate_group" },
] as const;

export const duplicatesCheck: AuditCheck = {
  name: "duplicates",
  kinds: ["duplicates"],
  skip: (ctx) =>
    KINDS.every((k) => ctx.ds.samples.columnNames().includes(k.field))
      ? null
      : 'no duplicate groups: computeQuality(ds, { mode: "dataset" }) first (audit does it when the images are there)',
  run: (ctx) => KINDS.flatMap((k) => duplicateSets(ctx, k.name, k.field)),
};

function duplicateSets(ctx: AuditContext, name: string, field: string): Draft[] {
  const group = values<number | null>(ctx.ds.samples, field);
  const split = ctx.split ? values<unknown>(ctx.ds.samples, ctx.split) : null;
  const rows = ctx.ids.flatMap((_, r) => (group[r] != null ? [r] : []));
  if (!rows.length) return [];
  const sets = new Set(rows.map((r) => group[r])).size;
  const copies = rows.length - sets;
  return [
    {
      id: `duplicates:${name}`,
      kind: "duplicates",
      statement:
        `${rows.length} images in ${sets} sets of ${name} duplicates: ${copies} copies ` +
        `(${percent(copies / ctx.ids.length)} of the images) add nothing but weight`,
      samples: rows.map((r) => ctx.ids[r]),
      objects: [],
      evidence: aq
        .table({
          set: rows.map((r) => group[r]),
          id: rows.map((r) => ctx.ids[r]),
          ...(split ? { split: rows.map((r) => split[r]) } : {}),
        })
        .orderby("set"),
      fix: "keep one image of each set (never one in train and its copy in test); leakage lists the sets across splits",
    },
  ];
}
