/** A finding's effect on the model: its samples' errors against the rest's. */

import { mulberry32 } from "../../dataset/view";
import { meanErrorInterval } from "../slices/errors";
import type { AuditContext } from "./context";
import type { Effect } from "./finding";

export function effectOf(ctx: AuditContext, sampleIds: string[]): Effect | null {
  if (!ctx.errors || !sampleIds.length) return null;
  const errors = ctx.errors.values;
  const inside = new Uint8Array(errors.length);
  for (const id of sampleIds) {
    const r = ctx.rowOf.get(id);
    if (r !== undefined) inside[r] = 1;
  }
  // Samples the evaluation left out (NaN) are on neither side.
  let inCount = 0,
    outCount = 0,
    inErrors = 0,
    total = 0;
  for (let r = 0; r < errors.length; r++) {
    if (Number.isNaN(errors[r])) continue;
    total += errors[r];
    if (inside[r]) {
      inCount++;
      inErrors += errors[r];
    } else outCount++;
  }
  // Nothing to compare with: a finding of every evaluated sample (or of none) has no effect to measure.
  if (!inCount || !outCount) return null;
  const outside = (total - inErrors) / outCount;
  const rows = Int32Array.from({ length: inCount });
  for (let r = 0, j = 0; r < errors.length; r++) if (inside[r] && !Number.isNaN(errors[r])) rows[j++] = r;
  const interval = meanErrorInterval(ctx.ds, errors, rows, ctx.bootstrap, 0.95, mulberry32(ctx.seed));
  const mean = inErrors / inCount;
  return {
    errors: ctx.errors.source,
    inside: mean,
    insideLow: interval?.low ?? mean,
    insideHigh: interval?.high ?? mean,
    outside,
    errorShare: total ? inErrors / total : 0,
    excess: total ? (inErrors - inCount * outside) / total : 0,
  };
}
