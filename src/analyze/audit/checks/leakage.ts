/** Duplicates and groups that straddle splits: test samples the model has, in effect, already seen. */

import { leakage } from "../../leakage";
import { groupBy, type AuditCheck } from "../check";
import type { AuditContext } from "../context";
import type { Draft } from "../finding";

const FIX: Record<string, string> = {
  "exact duplicates": "drop the test copies of training images (or move each set into one split) and re-evaluate",
  "near duplicates": "drop the test copies of training images (or move each set into one split) and re-evaluate",
  group: "re-split by this field so each of its groups lies in one split: split(ds, { groups })",
};

export const leakageCheck: AuditCheck = {
  name: "leakage",
  kinds: ["leakage"],
  skip: (ctx) =>
    ctx.splits.length < 2
      ? "no split field with two or more splits"
      : hasDuplicateSets(ctx) || ctx.groups
        ? null
        : "neither duplicate sets (computeQuality) nor a groups field to look for across splits",
  async run(ctx) {
    const found = await leakage(ctx.ds, {
      splits: ctx.split!,
      duplicates: hasDuplicateSets(ctx),
      ...(ctx.groups ? { groups: ctx.groups } : {}),
    });
    const rows = found.findings.objects() as { kind: string; finding: string; samples: number; ids: string[] }[];
    return [...groupBy(rows, (r) => r.kind)].map(([kind, list]): Draft => {
      const samples = [...new Set(list.flatMap((r) => r.ids))];
      const what =
        kind === "group"
          ? `${ctx.groups} ${list.length === 1 ? "value" : "values"} in more than one split`
          : `${kind.replace(/s$/, "")} ${list.length === 1 ? "set" : "sets"} across splits`;
      return {
        id: `leakage:${kind}`,
        kind: "leakage",
        statement: `${list.length} ${what}, ${samples.length} samples: the test metric counts images the model trained on`,
        samples,
        objects: [],
        evidence: found.findings
          .params({ kind })
          .filter((d: { kind: string }, $: { kind: string }) => d.kind === $.kind),
        fix: FIX[kind],
      };
    });
  },
};

const hasDuplicateSets = (ctx: AuditContext) => ctx.ds.samples.columnNames().includes("quality_near_duplicate_group");
