import { pairwiseSum } from "../stats/pairwiseSum";
import type { ImageBoxes } from "./boxes";
import { boxIou } from "./overlap";

const EPS32 = 2 ** -23;
const f32 = Math.fround;

/**
 * Each class's AP averaged over IoU 0.5, 0.55, ..., 0.95, with cleanlab's own greedy matcher and
 * AP (the Pascal VOC all-points area), from which cleanlab's object-detection find_label_issues
 * sets its per-class score thresholds. cleanlab holds these numbers in float32, and a box is
 * flagged by comparing its score with one of them, so they are rounded here as there.
 */
export function classAp(boxes: ImageBoxes): Float32Array {
  const out = new Float32Array(boxes.classes.length);
  const ious = iouThresholds();
  classMatches(boxes).forEach((matches, c) => {
    out[c] = mean32(ious.map((t) => f32(averagePrecision(matches, t))));
  });
  return out;
}

/** np.linspace(0.5, 0.95, 10), computed as numpy does. */
function iouThresholds(): number[] {
  const step = (0.95 - 0.5) / 9;
  return Array.from({ length: 10 }, (_, i) => (i === 9 ? 0.95 : i * step + 0.5));
}

/** numpy's float32 mean of ten values: eight running sums combined in pairs, then the last two. */
function mean32(a: number[]): number {
  const add = (x: number, y: number) => f32(x + y);
  let s = add(add(add(a[0], a[1]), add(a[2], a[3])), add(add(a[4], a[5]), add(a[6], a[7])));
  for (let i = 8; i < a.length; i++) s = add(s, a[i]);
  return f32(s / a.length);
}

/** One class's predictions with what each would match, independent of the IoU threshold. */
interface ClassMatches {
  /** Prediction indices in the order the greedy matcher visits them: image by image, most confident first. */
  claimOrder: Int32Array;
  /** Prediction indices by score, most confident first (ties in image order). */
  ranked: Int32Array;
  /** Per prediction (index into the class's lists): best IoU with a label of the class in its image, and that label (-1: none). */
  bestIou: Float64Array;
  bestLabel: Int32Array;
  labels: number;
}

/** Box indices grouped by class (each class's in their order: image by image). */
function byClass(cls: Int32Array, K: number): { start: Int32Array; order: Int32Array } {
  const start = new Int32Array(K + 1);
  for (const c of cls) start[c + 1]++;
  for (let c = 0; c < K; c++) start[c + 1] += start[c];
  const next = start.slice(0, K);
  const order = new Int32Array(cls.length);
  cls.forEach((c, j) => (order[next[c]++] = j));
  return { start, order };
}

/** The image of each box of a side (start: each image's first box). */
function imageOf(start: Int32Array): Int32Array {
  const out = new Int32Array(start[start.length - 1]);
  for (let i = 0; i + 1 < start.length; i++) out.fill(i, start[i], start[i + 1]);
  return out;
}

function classMatches(boxes: ImageBoxes): ClassMatches[] {
  const { labels, predictions } = boxes;
  const K = boxes.classes.length;
  const labelGroups = byClass(labels.cls, K),
    predGroups = byClass(predictions.cls, K);
  const labelImage = imageOf(labels.start),
    predImage = imageOf(predictions.start);
  const score = predictions.prob;
  return Array.from({ length: K }, (_, c) => {
    const L = labelGroups.order.subarray(labelGroups.start[c], labelGroups.start[c + 1]);
    const P = predGroups.order.subarray(predGroups.start[c], predGroups.start[c + 1]);
    const n = P.length;
    const bestIou = new Float64Array(n),
      bestLabel = new Int32Array(n);
    let from = 0;
    for (let j = 0; j < n; j++) {
      const b = P[j],
        image = predImage[b];
      while (from < L.length && labelImage[L[from]] < image) from++;
      let best = -Infinity,
        at = -1;
      for (let q = from; q < L.length && labelImage[L[q]] === image; q++) {
        const o = boxIou(predictions.corners, b * 4, labels.corners, L[q] * 4);
        if (o > best) {
          best = o;
          at = q;
        }
      }
      bestIou[j] = best;
      bestLabel[j] = at;
    }
    const byScore = (a: number, b: number) => score[P[b]] - score[P[a]] || a - b;
    const ranked = Int32Array.from({ length: n }, (_, j) => j).sort(byScore);
    const claimOrder = Int32Array.from({ length: n }, (_, j) => j).sort(
      (a, b) => predImage[P[a]] - predImage[P[b]] || byScore(a, b),
    );
    return { claimOrder, ranked, bestIou, bestLabel, labels: L.length };
  });
}

function averagePrecision(m: ClassMatches, iouThreshold: number): number {
  const tp = new Uint8Array(m.ranked.length);
  // Within an image, the most confident prediction claims a label first; a claimed label makes the rest false.
  const covered = new Uint8Array(m.labels);
  for (const j of m.claimOrder) {
    const label = m.bestLabel[j];
    if (label >= 0 && m.bestIou[j] >= iouThreshold && !covered[label]) {
      covered[label] = 1;
      tp[j] = 1;
    }
  }
  // Precision (float32, as cleanlab keeps it) and recall down the whole ranking, then the area under the envelope.
  const recall = [0],
    precision = [0];
  let hits = 0;
  m.ranked.forEach((j, rank) => {
    hits += tp[j];
    recall.push(hits / Math.max(m.labels, EPS32));
    precision.push(f32(hits / (rank + 1)));
  });
  recall.push(1);
  precision.push(0);
  for (let i = precision.length - 1; i > 0; i--) precision[i - 1] = Math.max(precision[i - 1], precision[i]);
  const terms: number[] = [];
  for (let i = 0; i + 1 < recall.length; i++)
    if (recall[i + 1] !== recall[i]) terms.push((recall[i + 1] - recall[i]) * precision[i + 1]);
  return pairwiseSum(terms);
}
