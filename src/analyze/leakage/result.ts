import type { ColumnTable } from "arquero";
import type { Dataset } from "../../dataset/dataset";
import type { QualityOptions } from "../../quality/issues";

export interface LeakageOptions {
  /** Sample field holding the split (default `split`). */
  splits?: string;
  /** Sample field whose values must each stay in one split: scene, video, patient, sender. */
  groups?: string;
  /**
   * Time field of splits meant to follow one another, and their order (earliest first; default
   * train, val, test, of those present): samples of a later split dated before the latest of an
   * earlier one are leaks. Dates, date text or numbers; missing and unparsable values are counted.
   */
  time?: string | { field: string; order?: string[] };
  /**
   * Look for exact and near duplicates across splits (default true). The duplicate sets of
   * computeQuality(ds, { mode: "dataset" }) are used; when missing they are computed first.
   */
  duplicates?: boolean;
  /** Options of that computeQuality run. */
  quality?: Omit<QualityOptions, "mode" | "onProgress" | "signal">;
  /** Called with (images done, total) while duplicates are computed. */
  onProgress?: (done: number, total: number) => void;
  signal?: AbortSignal;
}

export interface LeakageSummary {
  /** Any finding at all. */
  leaked: boolean;
  /** Distinct samples named by the findings. */
  samples: number;
  splitField: string;
  /** Samples per split; samples without a split are `unsplit` and take no part. */
  splits: Record<string, number>;
  unsplit: number;
  /** Null when duplicates were not looked for. */
  crossSplitPairs: { exact: number; near: number; sets: number; samples: number } | null;
  groupsAcrossSplits: { field: string; groups: number; samples: number } | null;
  timeOverlap: {
    field: string;
    order: string[];
    samples: number;
    missing: number;
    /** Values that are no time: counted, a few named (sample id and value); the rest are used. */
    unparsable: { count: number; examples: { id: string; value: string }[] };
  } | null;
}

/** What leakage() found: a summary and tables whose rows name their samples (`ids`). */
export class Leakage {
  constructor(
    readonly dataset: Dataset,
    readonly summary: LeakageSummary,
    /** One row per finding: kind, finding, splits, samples, ids. */
    readonly findings: ColumnTable,
    /** Duplicate pairs across splits: kind, set, id_a, split_a, id_b, split_b. */
    readonly pairs: ColumnTable,
    /** Groups in several splits: group, splits, per_split, samples, ids. */
    readonly groups: ColumnTable,
    /** Time overlaps: earlier, later, earlier_latest, later_earliest, samples, ids. */
    readonly time: ColumnTable,
    /** Fields the analysis read. */
    readonly fields: { splits: string; groups: string | null; time: string | null },
  ) {}
}
