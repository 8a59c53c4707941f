import * as aq from "arquero";
import { BlindspotError } from "../errors";
import { stem } from "../io/paths";
import { values } from "./columns";
import type { Dataset } from "./dataset";
import { alignById } from "./fields";

/**
 * Adds the label fields of `source` (predictions, another annotator's labels) to `target`.
 * Samples are matched by id, then by file path, then by file name without extension; labels
 * for images the target lacks are refused with counts, never dropped.
 */
export function mergeLabels(target: Dataset, source: Dataset, sourceName: string): void {
  for (const f of source.fields) {
    if (target.fields.some((t) => t.name === f.name)) {
      throw new BlindspotError({
        file: sourceName,
        message: `the dataset already has a label field ${JSON.stringify(f.name)}`,
        hint: "load these labels under another field name (--field)",
      });
    }
  }
  const tIds = values<string>(target.samples, "id"),
    tPaths = values<string>(target.samples, "filepath");
  const byId = new Map<string, string>(),
    byPath = new Map<string, string>(),
    byStem = new Map<string, string | null>();
  for (let i = 0; i < tIds.length; i++) {
    byId.set(tIds[i], tIds[i]);
    byPath.set(tPaths[i], tIds[i]);
    const k = stem(tPaths[i]);
    byStem.set(k, byStem.has(k) ? null : tIds[i]); // null: ambiguous stem
  }
  const sIds = values<string>(source.samples, "id"),
    sPaths = values<string>(source.samples, "filepath");
  const mapped = new Map<string, string>();
  const unmatched: string[] = [];
  for (let i = 0; i < sIds.length; i++) {
    const t = byId.get(sIds[i]) ?? byPath.get(sPaths[i]) ?? byStem.get(stem(sPaths[i])) ?? undefined;
    if (t === undefined || t === null) unmatched.push(sPaths[i]);
    else mapped.set(sIds[i], t);
  }
  const classification = source.fields
    .filter((f) => f.kind === "classification")
    .flatMap((f) => [f.name, `${f.name}_confidence`, `${f.name}_probs`])
    .filter((c) => source.samples.columnNames().includes(c));
  const orphans = countOrphanLabels(source, mapped, classification);
  if (orphans > 0) {
    throw new BlindspotError({
      file: sourceName,
      message:
        `${orphans} labels are for ${unmatched.length} images that are not in the dataset (e.g. ` +
        `${unmatched.slice(0, 3).join(", ")})`,
      hint: "check that these labels belong to this dataset; images are matched by id, path, then file name",
    });
  }
  let offset = 0;
  for (const id of values<number>(target.objects, "id")) if (id >= offset) offset = id + 1;
  const added = source.objects.derive({
    id: aq.escape((d: { id: number }) => d.id + offset),
    sample_id: aq.escape((d: { sample_id: string }) => mapped.get(d.sample_id)!),
  });
  target.objects = target.objects.numRows() ? target.objects.concat(added) : added;
  if (classification.length) {
    const columns: Record<string, ArrayLike<unknown>> = {};
    for (const c of classification) columns[c] = values<unknown>(source.samples, c);
    const keys = Array.from(sIds, (id) => mapped.get(id));
    target.samples = target.samples.assign(aq.table(alignById(tIds, keys, columns)));
  }
  target.fields = [...target.fields, ...source.fields];
  for (const c of source.categories)
    if (!target.categories.some((t) => t.name === c.name))
      target.categories.push({ ...c, id: Math.max(0, ...target.categories.map((t) => t.id + 1)) });
  target.addProblems(
    source.problems.map((p) => ({
      ...p,
      sampleId: p.sampleId === undefined ? undefined : (mapped.get(p.sampleId) ?? p.sampleId),
    })),
  );
}

/** Boxes and classification labels of source samples that have no match in the target. */
function countOrphanLabels(source: Dataset, mapped: Map<string, string>, classification: string[]): number {
  let n = 0;
  for (const s of values<string>(source.objects, "sample_id")) if (!mapped.has(s)) n++;
  const ids = values<string>(source.samples, "id");
  const labels = classification.map((c) => values<unknown>(source.samples, c));
  for (let i = 0; i < ids.length; i++) if (!mapped.has(ids[i]) && labels.some((col) => col[i] != null)) n++;
  return n;
}
