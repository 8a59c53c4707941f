/**
 * Cleanvision's issue types, with its definitions and default thresholds (Cleanvision 0.3.7:
 * issue_managers/image_property_issue_manager.py `get_default_params`, image_property.py
 * `get_scores` / `mark_issue`, duplicate_issue_manager.py). Each issue has a score in [0, 1],
 * low meaning bad, and an image has the issue when its score is below the threshold:
 *
 *  dark              score = brightness_p99                         threshold 0.32
 *  light             score = 1 - brightness_p5                      threshold 0.05
 *  odd_aspect_ratio  score = aspect_ratio                           threshold 0.35
 *  low_information   score = min(entropy * 0.1, 1)                  threshold 0.3
 *  blurry            score = min(b + s, 1), b = 1 - exp(-0.01 blurriness),
 *                    s = 1 - exp(-0.01 blurriness_gray_std), zeroed when s <= 0.18 (colour
 *                    threshold)                                     threshold 0.29
 *  grayscale         score 0 for a grayscale file (Pillow mode "L"), else 1; flagged at 0
 *  odd_size          q1, q3 = 25th, 75th percentiles of size over the dataset, range
 *                    [q1 - 3 IQR, q3 + 3 IQR], score = 1 - min(|size - mid| / width, 1) with
 *                    mid and width of that range          threshold 0.5 (1.0 when IQR is 0:
 *                    every size but the median is odd; the score then divides by mid)
 *  exact_duplicate   member of a set of identical pixel arrays (duplicates.ts), score 1 / set size
 *  near_duplicate    member of a set of identical perceptual hashes that is not just an exact set
 *
 * The grayscale test follows Cleanvision: it is about how the file stores the image. An RGB
 * file with three equal channels is not flagged; its colorfulness score is exactly 0.
 */

import { describeSets, exactSets, nearSets, withoutExactSets } from "./duplicates";
import { percentile } from "./numpy";

export const ISSUE_TYPES = [
  "dark",
  "light",
  "odd_aspect_ratio",
  "low_information",
  "blurry",
  "grayscale",
  "odd_size",
  "exact_duplicate",
  "near_duplicate",
] as const;
export type IssueType = (typeof ISSUE_TYPES)[number];

export interface IssueThresholds {
  dark?: { threshold?: number };
  light?: { threshold?: number };
  oddAspectRatio?: { threshold?: number };
  lowInformation?: { threshold?: number; normalizingFactor?: number };
  blurry?: { threshold?: number; normalizingFactor?: number; colorThreshold?: number };
  /** `threshold` defaults to 0.5, or 1.0 when the sizes' IQR is 0 (Cleanvision's rule). */
  oddSize?: { iqrFactor?: number; threshold?: number };
  /** Hashes at most `distance` bits apart are near duplicates (default 0: equal hashes). */
  nearDuplicate?: { distance?: number };
}

export const DEFAULT_THRESHOLDS = {
  dark: { threshold: 0.32 },
  light: { threshold: 0.05 },
  oddAspectRatio: { threshold: 0.35 },
  lowInformation: { threshold: 0.3, normalizingFactor: 0.1 },
  blurry: { threshold: 0.29, normalizingFactor: 0.01, colorThreshold: 0.18 },
  oddSize: { iqrFactor: 3 },
  nearDuplicate: { distance: 0 },
} as const;

/** What the flags are computed from, per image (null for images without scores). */
export interface IssueInputs {
  brightness_p5: number;
  brightness_p99: number;
  aspect_ratio: number;
  entropy: number;
  blurriness: number;
  blurriness_gray_std: number;
  channels: number;
  size: number;
  phash: string;
  md5: string;
}

export interface IssueColumns {
  /** Per issue type: the score and the flag of each image (null without scores). */
  scores: Record<IssueType, (number | null)[]>;
  flags: Record<IssueType, (boolean | null)[]>;
  /** Duplicate set numbers (null outside a set). */
  exactGroup: (number | null)[];
  nearGroup: (number | null)[];
}

export function findIssues(images: readonly (IssueInputs | null)[], thresholds: IssueThresholds = {}): IssueColumns {
  const t = {
    dark: { ...DEFAULT_THRESHOLDS.dark, ...thresholds.dark },
    light: { ...DEFAULT_THRESHOLDS.light, ...thresholds.light },
    oddAspectRatio: { ...DEFAULT_THRESHOLDS.oddAspectRatio, ...thresholds.oddAspectRatio },
    lowInformation: { ...DEFAULT_THRESHOLDS.lowInformation, ...thresholds.lowInformation },
    blurry: { ...DEFAULT_THRESHOLDS.blurry, ...thresholds.blurry },
    oddSize: { ...DEFAULT_THRESHOLDS.oddSize, ...thresholds.oddSize },
    nearDuplicate: { ...DEFAULT_THRESHOLDS.nearDuplicate, ...thresholds.nearDuplicate },
  };
  const each = (f: (s: IssueInputs) => number) => images.map((s) => (s === null ? null : f(s)));
  const below = (scores: (number | null)[], threshold: number) =>
    scores.map((v) => (v === null ? null : v < threshold));

  const blurScore = (s: IssueInputs) => {
    const { normalizingFactor: k, colorThreshold } = t.blurry;
    const edges = 1 - Math.exp(-s.blurriness * k);
    const spread = 1 - Math.exp(-s.blurriness_gray_std * k);
    return Math.min(edges + (spread <= colorThreshold ? 0 : spread), 1);
  };
  const size = oddSizeScores(
    images.map((s) => s?.size ?? null),
    t.oddSize.iqrFactor,
  );

  const md5s = images.map((s) => s?.md5 ?? null),
    hashes = images.map((s) => s?.phash ?? null);
  const exact = describeSets(exactSets(md5s), md5s);
  const near = describeSets(withoutExactSets(nearSets(hashes, t.nearDuplicate.distance), exact.sets), hashes);

  const scores: Record<IssueType, (number | null)[]> = {
    dark: each((s) => s.brightness_p99),
    light: each((s) => 1 - s.brightness_p5),
    odd_aspect_ratio: each((s) => s.aspect_ratio),
    low_information: each((s) => Math.min(s.entropy * t.lowInformation.normalizingFactor, 1)),
    blurry: each(blurScore),
    grayscale: each((s) => (s.channels === 1 ? 0 : 1)),
    odd_size: size.scores,
    exact_duplicate: exact.score,
    near_duplicate: near.score,
  };
  const flags: Record<IssueType, (boolean | null)[]> = {
    dark: below(scores.dark, t.dark.threshold),
    light: below(scores.light, t.light.threshold),
    odd_aspect_ratio: below(scores.odd_aspect_ratio, t.oddAspectRatio.threshold),
    low_information: below(scores.low_information, t.lowInformation.threshold),
    blurry: below(scores.blurry, t.blurry.threshold),
    grayscale: below(scores.grayscale, 0.5),
    odd_size: below(scores.odd_size, t.oddSize.threshold ?? size.threshold),
    // A score below 1 means "in a set".
    exact_duplicate: below(exact.score, 1),
    near_duplicate: below(near.score, 1),
  };
  return { scores, flags, exactGroup: exact.group, nearGroup: near.group };
}

/** Cleanvision's SizeProperty.get_scores over the images that have a size. */
function oddSizeScores(sizes: (number | null)[], iqrFactor: number): { scores: (number | null)[]; threshold: number } {
  const known = sizes.filter((s): s is number => s !== null);
  if (!known.length) return { scores: sizes, threshold: 0.5 };
  const q1 = percentile(known, 25),
    q3 = percentile(known, 75);
  const lo = q1 - iqrFactor * (q3 - q1),
    hi = q3 + iqrFactor * (q3 - q1);
  const mid = (lo + hi) / 2,
    gap = hi - lo;
  const norm = gap > 0 ? gap : mid;
  return {
    scores: sizes.map((s) => (s === null ? null : 1 - Math.min(Math.max(Math.abs(s - mid) / norm, 0), 1))),
    threshold: gap > 0 ? 0.5 : 1,
  };
}
