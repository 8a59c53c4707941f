/**
 * Leakage between the splits of a dataset: the same image (exact or near duplicate) on both
 * sides of a split, a group (scene, video, patient, sender) with samples in several splits, and
 * splits meant to follow one another in time that overlap. Each finding names its samples.
 */

import { values } from "../../dataset/columns";
import type { Dataset } from "../../dataset/dataset";
import { BlindspotError } from "../../errors";
import { withProgress } from "../../progress";
import { computeQuality } from "../../quality/issues";
import { crossSplitPairs, type CrossSplitPairs } from "./duplicates";
import { groupsAcrossSplits } from "./groups";
import { checkLeakageOptions } from "./options";
import { Leakage, type LeakageOptions, type LeakageSummary } from "./result";
import { findingsTable, groupsTable, pairsTable, timeTable, type Found } from "./tables";
import { readTimes, type Times } from "../time/readTimes";
import { timeOverlaps } from "./time";

export { Leakage, type LeakageOptions, type LeakageSummary } from "./result";

/** The duplicate sets leakage reads, written by computeQuality. */
export const DUPLICATE_FIELDS = { exact: "quality_exact_duplicate_group", near: "quality_near_duplicate_group" };

export async function leakage(ds: Dataset, options: LeakageOptions = {}): Promise<Leakage> {
  return withProgress("leakage: duplicates", options, false, (o) => findLeakage(ds, o));
}

async function findLeakage(ds: Dataset, options: LeakageOptions): Promise<Leakage> {
  const { splitField, splits, groupField, time } = checkLeakageOptions(ds, options);
  const timeValues = time === null ? null : values<unknown>(ds.samples, time.field);
  const times = timeValues === null ? null : usableTimes(readTimes(timeValues), time!.field);
  const ids = values<string>(ds.samples, "id");

  let exact: CrossSplitPairs | null = null,
    near: CrossSplitPairs | null = null;
  if (options.duplicates ?? true) {
    const names = ds.samples.columnNames();
    if (!names.includes(DUPLICATE_FIELDS.exact) || !names.includes(DUPLICATE_FIELDS.near))
      await computeQuality(ds, {
        ...options.quality,
        mode: "dataset",
        onProgress: options.onProgress,
        signal: options.signal,
      });
    const exactOf = values<unknown>(ds.samples, DUPLICATE_FIELDS.exact);
    exact = crossSplitPairs(exactOf, splits);
    // A near set can hold an exact pair: it counts once, as exact.
    const sameExact = (a: number, b: number) => exactOf[a] !== null && exactOf[a] === exactOf[b];
    near = crossSplitPairs(values(ds.samples, DUPLICATE_FIELDS.near), splits, sameExact);
  }
  const found: Found = {
    ids,
    splits,
    exact,
    near,
    groupField,
    shared: groupField === null ? [] : groupsAcrossSplits(values(ds.samples, groupField), splits),
    timeField: time?.field ?? null,
    overlaps: times === null ? [] : timeOverlaps(times, splits, time!.order),
    timeValues,
  };
  const findings = findingsTable(found);
  const summary: LeakageSummary = {
    leaked: findings.rows.size > 0,
    samples: findings.rows.size,
    splitField,
    splits: Object.fromEntries(splits.names.map((n, c) => [n, splits.counts[c]])),
    unsplit: splits.unsplit,
    crossSplitPairs:
      exact && near
        ? {
            exact: exact.a.length,
            near: near.a.length,
            sets: exact.sets.size + near.sets.size,
            samples: new Set([...exact.sets.values(), ...near.sets.values()].flat()).size,
          }
        : null,
    groupsAcrossSplits:
      groupField === null
        ? null
        : {
            field: groupField,
            groups: found.shared.length,
            samples: found.shared.reduce((n, g) => n + g.rows.length, 0),
          },
    timeOverlap:
      time === null || times === null
        ? null
        : {
            field: time.field,
            order: time.order.map((c) => splits.names[c]),
            samples: new Set(found.overlaps.flatMap((o) => o.rows)).size,
            missing: times.missing,
            unparsable: {
              count: times.unparsable.count,
              examples: times.unparsable.examples.map((e) => ({ id: ids[e.row], value: e.value })),
            },
          },
  };
  return new Leakage(ds, summary, findings.table, pairsTable(found), groupsTable(found), timeTable(found), {
    splits: splitField,
    groups: groupField,
    time: time?.field ?? null,
  });
}

/** The times when some value is one; missing and unparsable values are counted, the rest used. */
function usableTimes(times: Times, field: string): Times {
  if (times.missing + times.unparsable.count < times.at.length) return times;
  throw new BlindspotError({
    place: "time",
    message:
      `no value of ${JSON.stringify(field)} is a time (${times.unparsable.count} unparsable, ` +
      `${times.missing} missing; e.g. ${times.unparsable.examples.map((e) => JSON.stringify(e.value)).join(", ")})`,
    hint: "name a field of dates, ISO date text (2024-05-01T10:00:00Z) or numbers",
  });
}
