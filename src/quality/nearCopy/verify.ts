/**
 * Is one image an edited copy of the other? Both as NEAR_COPY.side-pixel grey squares (gray.ts),
 * `b` aligned onto `a` (align.ts), then what is left compared (motion.ts): a copy correlates
 * highly with its source once aligned and nothing in it has moved. Pairs that correlate less than
 * `coarsestCorrelation` at 24 pixels or `coarseCorrelation` at 48 stop there: most candidate
 * pairs of a dataset (on the real photos of nearDuplicates.ts, 78 % stop at 24 and 95 % by 48),
 * while every copy found there correlates at 0.91 or more at 24 and 0.92 at 48.
 */

import { type Alignment, align, pyramid } from "./align";
import { type Gray, gray } from "./gray";
import { residual } from "./motion";

export interface NearCopyOptions {
  /** Lowest correlation of the aligned pair (default 0.9). */
  correlation?: number;
  /** Most local motion left after the alignment, in pixels of the compared side (default 1.5). */
  motion?: number;
  /** Correlation at which a pair is a copy whatever the local motion says (default 0.99: nothing visible moved). */
  same?: number;
  /** Most zoom between the two, either way (default 1.3: a copy cropped by up to ~23 % of each side). */
  maxZoom?: number;
}

export const NEAR_COPY = {
  side: 96,
  correlation: 0.9,
  motion: 1.55,
  coarseCorrelation: 0.9,
  coarsestCorrelation: 0.86,
  maxZoom: 1.3,
  same: 0.99,
} as const;

export interface PairScore {
  correlation: number;
  /** How much larger `b` shows the scene than `a` (the square root of the alignment's determinant). */
  zoom: number;
  /** Infinity when the pair stopped early or no block could be measured. */
  motion: number;
}

/** The pyramid one image is compared with: `pixels` are NEAR_COPY.side squared grey values. */
export function comparable(pixels: ArrayLike<number>): Gray[] {
  return pyramid(gray(pixels, NEAR_COPY.side));
}

export function comparePair(a: readonly Gray[], b: readonly Gray[]): PairScore {
  let coarse = 1;
  const s: Alignment | null = align(a, b, (level, st) => {
    coarse = residual(a[level], b[level], st, false).correlation;
    return coarse >= (level > 1 ? NEAR_COPY.coarsestCorrelation : NEAR_COPY.coarseCorrelation);
  });
  if (!s) return { correlation: coarse, zoom: 1, motion: Infinity };
  const r = residual(a[0], b[0], s),
    w = s.warp;
  // The warp maps a's pixels into b: b shows the scene larger when it spreads them further apart.
  return { correlation: r.correlation, zoom: Math.sqrt(Math.abs(w[0] * w[4] - w[1] * w[3])), motion: r.motion };
}

export function isNearCopy(score: PairScore, options: NearCopyOptions = {}): boolean {
  const maxZoom = options.maxZoom ?? NEAR_COPY.maxZoom;
  const still =
    score.motion <= (options.motion ?? NEAR_COPY.motion) || score.correlation >= (options.same ?? NEAR_COPY.same);
  return (
    score.correlation >= (options.correlation ?? NEAR_COPY.correlation) &&
    still &&
    score.zoom <= maxZoom &&
    score.zoom >= 1 / maxZoom
  );
}
