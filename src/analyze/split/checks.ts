import type { Dataset } from "../../dataset/dataset";
import { SAMPLE_CORE_COLUMNS } from "../../dataset/schema";
import { BlindspotError } from "../../errors";
import type { SampleLabels } from "./inputs";

/** Samples named in a message about unreadable times. */
const NAMED = 5;

/** Ids of samples whose time is unreadable (the first few) and their count; all unreadable is an error. */
export function unreadableTimes(times: Float64Array, ids: ArrayLike<string>, field: string) {
  const bad: string[] = [];
  for (let i = 0; i < times.length; i++) if (Number.isNaN(times[i])) bad.push(ids[i]);
  if (bad.length === times.length)
    throw new BlindspotError({
      place: "time",
      message: `none of the ${bad.length} values of ${JSON.stringify(field)} reads as a time (e.g. sample ${bad[0]})`,
      hint: "give a field of numbers, dates or ISO 8601 texts (2024-05-01T12:00:00Z)",
    });
  return { count: bad.length, ids: bad.slice(0, NAMED) };
}

/** Refuses a k the units or classes cannot fill: every fold needs a unit, and stratification a sample of each class. */
export function checkFolds(
  k: number,
  units: number,
  merged: boolean,
  groups: string | null,
  labels: SampleLabels | null,
) {
  if (k > units)
    throw new BlindspotError({
      place: "k",
      message:
        `k=${k} folds but only ${units} ${groups || merged ? "groups (after joining groups and duplicate sets)" : "samples"}` +
        " to put in them",
      hint: `use k: ${Math.max(2, units)} or fewer`,
    });
  if (!labels) return;
  const counts = new Int32Array(labels.names.length);
  for (const l of labels.labels) counts[l]++;
  let smallest = 0;
  for (let l = 1; l < counts.length; l++) if (counts[l] < counts[smallest]) smallest = l;
  if (counts.length && counts[smallest] < k)
    throw new BlindspotError({
      place: "k",
      message:
        `k=${k} is larger than class ${JSON.stringify(labels.names[smallest])} of ${labels.field}, which has ` +
        `${counts[smallest]} sample${counts[smallest] === 1 ? "" : "s"}: some folds would have none of it`,
      hint: `use k: ${Math.max(2, counts[smallest])} or fewer, or split by ratios`,
    });
}

/** The field to write: `split`, or any name but the other core columns and the label fields' columns. */
export function checkOutputField(ds: Dataset, name: unknown): string {
  const labelColumns = ds.fields.flatMap((f) =>
    f.kind === "classification" ? [f.name, `${f.name}_confidence`, `${f.name}_probs`] : [f.name],
  );
  const taken = [...SAMPLE_CORE_COLUMNS.filter((c) => c !== "split"), ...labelColumns];
  if (typeof name !== "string" || name === "" || taken.includes(name))
    throw new BlindspotError({
      place: "field",
      message: `cannot write the split into ${JSON.stringify(name)}: ${typeof name === "string" && name ? "a core or label column" : "not a field name"}`,
      hint: 'name another field, e.g. field: "fold"',
    });
  return name;
}
