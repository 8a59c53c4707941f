import { expect } from "vitest";
import type { Audit } from "../../src/analyze/audit";
import { values } from "../../src/dataset/columns";
import type { Dataset } from "../../src/dataset/dataset";
import type { DemoTruth } from "../../src/demo";

/** The demo's planted failures against an audit's findings, shared by the audit's tests. */

/** Per failure kind, the samples the demo planted it in (truth.json). */
export function plantedSamples(ds: Dataset, t: DemoTruth): Record<string, string[]> {
  const ids = Array.from(values<string>(ds.samples, "id"));
  const field = (f: string) => values<unknown>(ds.samples, f);
  const where = (f: string, v: unknown) => ids.filter((_, i) => field(f)[i] === v);
  return {
    class_imbalance: t.rareClass.objects.map((o) => o.sampleId),
    coverage: t.contextClass.sampleIds,
    label_errors: [...t.labels.mislabeled, ...t.labels.missing, ...t.labels.loose].map((o) => o.sampleId),
    slice: where(t.subgroup.field, t.subgroup.value),
    fairness: where(t.subgroup.field, t.subgroup.value),
    drift: where("split", t.drift.current),
    leakage: [...t.groupLeak.sampleIds],
    overconfidence: t.overconfident.map((o) => o.sampleId),
  };
}

/** Per planted kind, the share of its samples among the findings of that kind. */
export function recalls(a: Audit, planted: Record<string, string[]>): Record<string, number> {
  return Object.fromEntries(
    Object.entries(planted).map(([kind, list]) => {
      const found = new Set(a.findings.filter((f) => f.kind === kind).flatMap((f) => f.samples));
      const unique = [...new Set(list)];
      return [kind, unique.filter((id) => found.has(id)).length / unique.length];
    }),
  );
}

/** No finding of a kind nothing was planted of ranks above a finding of a planted kind. */
export function expectPlantedFirst(a: Audit, planted: Set<string>): void {
  const lastPlanted = Math.max(...a.findings.filter((f) => planted.has(f.kind)).map((f) => f.rank));
  const intruders = a.findings.filter((f) => !planted.has(f.kind) && f.rank < lastPlanted);
  expect(intruders.map((f) => `${f.rank}. ${f.statement}`)).toEqual([]);
}

/** Planted label errors of each type: boxLabelIssues (cleanlab's rules) finds most wrong classes and missing boxes, not all. */
export const LABEL_FLOOR = 0.8;

/** The image failures and duplicates the demo planted, by kind: what only an audit with pixels can find. */
export function plantedInImages(t: DemoTruth): Record<string, string[]> {
  return {
    image_quality: [...t.images.dark, ...t.images.overexposed, ...t.images.blurred, ...t.images.lowInformation],
    duplicates: [...t.duplicates.exact, ...t.duplicates.near].flatMap((d) => [d.sampleId, d.duplicateOf]),
  };
}

/** Each planted kind's recall in one line, and the findings in rank order. */
export function auditLog(what: string, a: Audit, measured: Record<string, number>): string {
  return (
    `${what}: recall ${JSON.stringify(measured, (_, v) => (typeof v === "number" ? +v.toFixed(3) : v))}\n` +
    a.findings.map((f) => `  ${f.rank}. [${f.kind}] ${f.statement}`).join("\n")
  );
}
