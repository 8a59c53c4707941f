/**
 * The dataset's label health from the calibrated confident joint (cleanlab's
 * dataset.health_summary): with J the joint over its total and N the samples, per class k its
 * estimated label issues round((sum_j J[k][j] - J[k][k]) N) and noise (the same share of the
 * class's row), the inverse ones from its column (labels that should be k); per pair of classes
 * the estimated samples between them, J[a][b] + J[b][a]; overall, 1 - issues / N.
 */

import { roundHalfEven } from "./confidentJoint";

export interface ClassHealth {
  /** Class index. */
  class: number;
  labelIssues: number;
  inverseLabelIssues: number;
  labelNoise: number;
  inverseLabelNoise: number;
  labelQuality: number;
}

export interface ClassOverlap {
  a: number;
  b: number;
  jointProbability: number;
  samples: number;
}

/** Classes worst first (lowest label quality; equal ones in class order), pairs most overlapping first. */
export function labelHealth(
  cj: Float64Array,
  K: number,
  n: number,
): { classes: ClassHealth[]; overlaps: ClassOverlap[] } {
  const total = Math.max(
    cj.reduce((s, v) => s + v, 0),
    1e-100,
  );
  const J = cj.map((v) => v / total);
  const classes: ClassHealth[] = [];
  for (let k = 0; k < K; k++) {
    let row = 0,
      col = 0;
    for (let j = 0; j < K; j++) {
      row += J[k * K + j];
      col += J[j * K + k];
    }
    const d = J[k * K + k];
    const labelNoise = (row - d) / Math.max(row, 1e-6);
    classes.push({
      class: k,
      labelIssues: roundHalfEven((row - d) * n),
      inverseLabelIssues: roundHalfEven((col - d) * n),
      labelNoise,
      inverseLabelNoise: (col - d) / Math.max(col, 1e-6),
      labelQuality: 1 - labelNoise,
    });
  }
  classes.sort((x, y) => x.labelQuality - y.labelQuality || x.class - y.class);
  const overlaps: ClassOverlap[] = [];
  for (let a = 0; a < K; a++)
    for (let b = a + 1; b < K; b++) {
      const p = J[a * K + b] + J[b * K + a];
      overlaps.push({ a, b, jointProbability: p, samples: roundHalfEven(p * n) });
    }
  overlaps.sort((x, y) => y.jointProbability - x.jointProbability || x.a - y.a || x.b - y.b);
  return { classes, overlaps };
}
