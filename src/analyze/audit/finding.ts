/** What an audit reports: findings of failure modes, each with its samples, evidence, fix and effect on the model. */

import type { ColumnTable } from "arquero";

/** The failure modes an audit looks for, in the order its checks run. */
export const FINDING_KINDS = [
  "image_quality",
  "duplicates",
  "leakage",
  "class_imbalance",
  "coverage",
  "label_errors",
  "slice",
  "fairness",
  "drift",
  "overconfidence",
  "train_test_gap",
] as const;
export type FindingKind = (typeof FINDING_KINDS)[number];

/**
 * The model's per-sample errors inside a finding's samples against outside them: how much of what
 * the model gets wrong the finding accounts for.
 */
export interface Effect {
  /** Where the errors come from (e.g. "model_fp + model_fn"). */
  errors: string;
  /** Mean error per sample inside (with its bootstrap interval) and outside. */
  inside: number;
  insideLow: number;
  insideHigh: number;
  outside: number;
  /** Share of all the model's errors that fall inside. */
  errorShare: number;
  /**
   * Share of all the model's errors above what the outside rate predicts for this many samples:
   * (errors inside - samples inside x outside rate) / all errors. Negative: the model errs less inside.
   */
  excess: number;
}

export interface Finding {
  /** Stable within an audit: kind and what it is about, e.g. "image_quality:dark". */
  id: string;
  kind: FindingKind;
  /** One line with the numbers. */
  statement: string;
  /** The samples behind it (ids). */
  samples: string[];
  /** The boxes behind it (object ids), where the finding is about boxes. */
  objects: number[];
  /** The table it was read from (rows of the analysis that found it). */
  evidence: ColumnTable;
  /** What to do about it. */
  fix: string;
  /** The model's errors inside against outside; null without predictions. */
  effect: Effect | null;
  /** Share of the dataset's samples it names. */
  size: number;
  /** The ranking key (rank.ts): 1 + the excess share of errors for a costly finding, else its size. */
  score: number;
  /** 1 for the most costly. */
  rank: number;
}

/** A finding before ranking: score and rank are given by rankFindings. */
export type Draft = Omit<Finding, "score" | "rank" | "effect" | "size">;

/** A check the audit did not run, and why. */
export interface Skipped {
  check: string;
  reason: string;
}
