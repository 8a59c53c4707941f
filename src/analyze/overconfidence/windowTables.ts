/**
 * The per-window tables of overconfidence(): each window's scores, share right, calibration error
 * and confident errors, and its non-empty calibration bins.
 */

import { binnedCalibration } from "../../eval/classification";
import type { ScoredRows } from "./rows";

export function perWindow(
  rows: ScoredRows,
  window: { names: string[]; start: (number | null)[]; end: (number | null)[]; of: Int32Array },
  bins: number,
  threshold: number,
) {
  const windowRows: Record<string, unknown>[] = [];
  const calibrationRows: Record<string, unknown>[] = [];
  const rowsIn = window.names.map(() => [] as number[]);
  window.of.forEach((w, i) => w >= 0 && rowsIn[w].push(i));
  const all = binnedCalibration(rows.score, rows.right, bins);
  window.names.forEach((name, w) => {
    const at = rowsIn[w];
    const r = binnedCalibration(
      Float64Array.from(at, (i) => rows.score[i]),
      Uint8Array.from(at, (i) => rows.right[i]),
      bins,
    );
    const right = at.reduce((s, i) => s + rows.right[i], 0);
    windowRows.push({
      window: name,
      start: window.start[w],
      end: window.end[w],
      scored: at.length,
      mean_score: at.length ? at.reduce((s, i) => s + rows.score[i], 0) / at.length : null,
      right_share: at.length ? right / at.length : null,
      ece: at.length ? r.ece : null,
      confident: at.filter((i) => rows.score[i] >= threshold).length,
      confident_errors: at.filter((i) => rows.score[i] >= threshold && !rows.right[i]).length,
    });
    for (let b = 0; b < bins; b++) {
      if (!r.bins.count[b]) continue;
      calibrationRows.push({
        window: name,
        lower: r.bins.lower[b],
        upper: r.bins.upper[b],
        count: r.bins.count[b],
        errors: Math.round(r.bins.count[b] * (1 - r.bins.accuracy[b])),
        right_share: r.bins.accuracy[b],
        mean_score: r.bins.confidence[b],
      });
    }
  });
  return { windowRows, calibrationRows, all };
}
