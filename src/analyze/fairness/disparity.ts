/**
 * How far a metric's groups lie apart, as Fairlearn's MetricFrame aggregates `by_group` (missing
 * values skipped, as pandas does): per control group, the lowest and highest group, the difference
 * between them or the largest distance to the overall value, and the smallest ratio between groups
 * (lowest over highest) or of a group to the overall value (each ratio taken below 1).
 */

export interface Disparity {
  groupMin: number;
  groupMax: number;
  /** Fairlearn's difference(method="between_groups") and difference(method="to_overall"). */
  difference: number;
  differenceToOverall: number;
  /** Fairlearn's ratio(method="between_groups") and ratio(method="to_overall"). */
  ratio: number;
  ratioToOverall: number;
}

/** The disparity of `values` (one per group) against `overall`. */
export function disparity(values: ArrayLike<number>, overall: number): Disparity {
  let min = NaN,
    max = NaN,
    toOverall = NaN,
    ratioToOverall = NaN;
  for (let g = 0; g < values.length; g++) {
    const v = values[g];
    if (Number.isNaN(v)) continue;
    if (!(v >= min)) min = v;
    if (!(v <= max)) max = v;
    const d = Math.abs(v - overall);
    if (!(d <= toOverall)) toOverall = d;
    const q = v / overall;
    const below = q > 1 ? 1 / q : q;
    if (!Number.isNaN(below) && !(below >= ratioToOverall)) ratioToOverall = below;
  }
  return {
    groupMin: min,
    groupMax: max,
    difference: Math.abs(max - min),
    differenceToOverall: toOverall,
    ratio: min / max,
    ratioToOverall,
  };
}
