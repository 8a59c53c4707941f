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
  const K = boxes.classes.length;
  const out = new Float32Array(K);
  const ious = iouThresholds();
  for (let c = 0; c < K; c++) {
    const matches = classMatches(boxes, c);
    const aps = ious.map((t) => f32(averagePrecision(matches, t)));
    out[c] = mean32(aps);
  }
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
  /** Per image: predictions of the class at `predFrom[i] .. predFrom[i + 1]` of the arrays below. */
  predFrom: number[];
  score: number[];
  /** Best IoU with a label of the class in the image, and that label's index within the image (-1: none). */
  bestIou: number[];
  bestLabel: number[];
  labelsPerImage: number[];
  labels: number;
}

function classMatches(boxes: ImageBoxes, c: number): ClassMatches {
  const { labels, predictions } = boxes;
  const m: ClassMatches = { predFrom: [0], score: [], bestIou: [], bestLabel: [], labelsPerImage: [], labels: 0 };
  for (let i = 0; i < boxes.sampleRows.length; i++) {
    const own: number[] = [];
    for (let a = labels.start[i]; a < labels.start[i + 1]; a++) if (labels.cls[a] === c) own.push(a);
    m.labelsPerImage.push(own.length);
    m.labels += own.length;
    for (let b = predictions.start[i]; b < predictions.start[i + 1]; b++) {
      if (predictions.cls[b] !== c) continue;
      let best = -Infinity,
        at = -1;
      own.forEach((a, j) => {
        const o = boxIou(predictions.corners, b * 4, labels.corners, a * 4);
        if (o > best) {
          best = o;
          at = j;
        }
      });
      m.score.push(predictions.prob[b]);
      m.bestIou.push(best);
      m.bestLabel.push(at);
    }
    m.predFrom.push(m.score.length);
  }
  return m;
}

function averagePrecision(m: ClassMatches, iouThreshold: number): number {
  const n = m.score.length;
  const tp = new Uint8Array(n);
  const byScore = (from: number, to: number) =>
    Array.from({ length: to - from }, (_, j) => from + j).sort((a, b) => m.score[b] - m.score[a]);
  // Within an image, the most confident prediction claims a label first; a claimed label makes the rest false.
  for (let i = 0; i + 1 < m.predFrom.length; i++) {
    if (m.labelsPerImage[i] === 0) continue;
    const covered = new Uint8Array(m.labelsPerImage[i]);
    for (const j of byScore(m.predFrom[i], m.predFrom[i + 1])) {
      if (m.bestIou[j] >= iouThreshold && !covered[m.bestLabel[j]]) {
        covered[m.bestLabel[j]] = 1;
        tp[j] = 1;
      }
    }
  }
  // Precision (float32, as cleanlab keeps it) and recall down the whole ranking, then the area under the envelope.
  const recall = [0],
    precision = [0];
  let hits = 0;
  byScore(0, n).forEach((j, rank) => {
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
