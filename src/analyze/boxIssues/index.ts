/**
 * Label issues of a detection field (the paper's missing objects, wrong classes and loose boxes),
 * by ObjectLab as cleanlab 2.9.0's object-detection module defines it: each predicted box that
 * a confident model sees where no label is (overlooked), each label that a confident prediction
 * of another class sits on (swap), each label that the model's own box for its class covers badly
 * (bad location), a per-image label quality, and the images flagged.
 *
 * Writes object fields `label_issue_type` ("overlooked" on a prediction, "swap" or "badloc" on a
 * label), `label_issue_score` (0 bad to 1 good), `label_issue_fix` (the id of the prediction whose
 * box or class is the suggested correction) and the three scores `label_overlooked_score`,
 * `label_swap_score`, `label_badloc_score`; and sample fields `label_issue`, `label_quality` and
 * the three pooled scores.
 *
 * Beyond cleanlab, loose boxes (loose.ts): labels around a much smaller sure prediction of their
 * class, scored in the object field `label_loose_score` and ranked in the `loose` table. Those
 * cleanlab did not flag get `label_issue_type` "loose" (score 1 - the loose score, the prediction
 * as the fix) and count in their sample's `label_issue`; the `images` and `boxes` tables and the
 * summary's counts stay cleanlab's.
 */

import * as aq from "arquero";
import type { ColumnTable } from "arquero";
import { values } from "../../dataset/columns";
import type { Dataset } from "../../dataset/dataset";
import { GROUND_TRUTH } from "../../dataset/schema";
import { BlindspotError } from "../../errors";
import { imageBoxes, type ImageBoxes } from "./boxes";
import { boxScores, objectLabParams, type BoxScores } from "./boxScores";
import { classAp } from "./classAp";
import { LOOSE_DEFAULTS, looseScores, type LooseOptions } from "./loose";
import { overlaps } from "./overlap";
import { EQUAL_WEIGHTS, imageQuality, poolPerImage, type AggregationWeights } from "./pool";

export interface BoxLabelIssueOptions {
  /** The prediction field (a detector's boxes with their confidences, ideally out of sample). */
  predictions: string;
  /** The detection field whose boxes are checked (default ground_truth). */
  labelField?: string;
  /** Weights of the overlooked, swap and bad-location scores in `label_quality` (cleanlab's default: a third each). */
  aggregationWeights?: AggregationWeights;
  /** Labels lying on a label of another class count as swapped (default true). */
  overlappingLabelCheck?: boolean;
  /**
   * cleanlab's box-score parameters (compute_*_box_scores, pool_box_scores_per_image): the weight of
   * IoU against centre distance (0.9), the probability a prediction needs to question a label's
   * location (above 0.5) or to show an overlooked or swapped box (0.95), and the softmin's
   * temperature (0.1). A detector that is rarely 95 % sure finds few overlooked or swapped boxes
   * with the defaults; a lower `highProbability` lets it.
   */
  alpha?: number;
  lowProbability?: number;
  highProbability?: number;
  temperature?: number;
  /** Loose labels (loose.ts): the confidence a prediction needs to show its object's extent, and the score flagged. */
  loose?: LooseOptions;
}

export type BoxIssueType = "overlooked" | "swap" | "badloc";
export const BOX_ISSUE_TYPES: readonly BoxIssueType[] = ["overlooked", "swap", "badloc"];

export interface BoxLabelIssuesSummary {
  labelField: string;
  predictions: string;
  images: number;
  labels: number;
  predicted: number;
  /** Images with at least one flagged box. */
  issues: number;
  /** Flagged boxes by type. */
  boxes: Record<BoxIssueType, number>;
  /** Labels scored loose at or above `loose.minScore`. */
  loose: number;
  /** Input notes that did not stop the analysis (images without predictions, crowd regions left out, ...). */
  warnings: string[];
}

export interface BoxLabelIssues {
  /** sample_id, label_quality, overlooked, swap, badloc (the pooled scores), flagged_boxes, rank: flagged images, likeliest first. */
  images: ColumnTable;
  /** sample_id, object_id, issue_type, score, label, suggested_label, fix_object_id: every flagged box, in image rank order, worst first within an image. */
  boxes: ColumnTable;
  /**
   * sample_id, object_id, label, score, fix_object_id (the prediction inside it), rank: the loose labels
   * (score at or above `loose.minScore`), loosest first.
   */
  loose: ColumnTable;
  /** class, labels, predictions, ap (mean over IoU 0.5:0.95, cleanlab's matcher), threshold (a flagged box scores at or below it). */
  classes: ColumnTable;
  summary: BoxLabelIssuesSummary;
}

const PLACE = "boxLabelIssues";
/**
 * A box is flagged at or below AP_SCALE x THRESHOLD_FACTOR x its class's AP, as cleanlab sets it
 * (AP_SCALE_FACTOR, {OVERLOOKED,BADLOC,SWAP}_THRESHOLD_FACTOR), in float32 as cleanlab holds it.
 */
const AP_SCALE = 0.25;
const THRESHOLD_FACTOR = Math.fround(0.8);
const flagLimit = (ap: number) => Math.fround(Math.fround(ap * AP_SCALE) * THRESHOLD_FACTOR);

export function boxLabelIssues(ds: Dataset, options: BoxLabelIssueOptions): BoxLabelIssues {
  const labelField = options.labelField ?? GROUND_TRUTH;
  const weights = checkWeights(options.aggregationWeights ?? EQUAL_WEIGHTS);
  const params = objectLabParams(options);
  const boxes = imageBoxes(ds, labelField, options.predictions, PLACE);
  const { labels, predictions } = boxes;
  const scores = boxScores(boxes, overlaps(boxes, params.alpha), params);
  const pooled = {
    overlooked: poolPerImage(scores.overlooked, predictions.start, params.temperature),
    swap: poolPerImage(scores.swap, labels.start, params.temperature),
    badloc: poolPerImage(scores.badloc, labels.start, params.temperature),
  };
  const quality = imageQuality(pooled.overlooked, pooled.swap, pooled.badloc, weights);
  const ap = classAp(boxes);
  const limits = Float64Array.from(ap, flagLimit);
  const flags = flagBoxes(boxes, scores, limits);
  const looseOptions = checkLoose(options.loose);
  const loose = looseScores(boxes, looseOptions.minConfidence);

  const images = boxes.sampleRows.length;
  const looseLabels = Array.from(loose.score.keys())
    .filter((l) => loose.score[l] >= looseOptions.minScore)
    .sort((x, y) => loose.score[y] - loose.score[x] || x - y);
  const imageOfLabel = new Int32Array(labels.cls.length);
  for (let i = 0; i < images; i++) imageOfLabel.fill(i, labels.start[i], labels.start[i + 1]);
  // A loose label that cleanlab let pass is an issue of its own, reviewed and corrected like a bad location.
  const flaggedRows = new Set(flags.map((f) => f.objectRow));
  const looseFlags: Flag[] = looseLabels
    .filter((l) => !flaggedRows.has(labels.objectRow[l]))
    .map((l) => ({
      image: imageOfLabel[l],
      objectRow: labels.objectRow[l],
      type: "loose",
      score: 1 - loose.score[l],
      fixRow: predictions.objectRow[loose.match[l]],
    }));

  const objectIds = values<number>(ds.objects, "id");
  const objectLabels = values<string>(ds.objects, "label");
  writeObjectFields(ds, boxes, scores, [...flags, ...looseFlags], objectIds, loose.score);
  const flaggedPerImage = new Int32Array(images);
  for (const f of flags) flaggedPerImage[f.image]++;
  const withLoose = Int32Array.from(flaggedPerImage);
  for (const f of looseFlags) withLoose[f.image]++;
  writeSampleFields(ds, boxes.sampleRows, withLoose, quality, pooled);

  const ranked = Array.from({ length: images }, (_, i) => i)
    .filter((i) => flaggedPerImage[i] > 0)
    .sort((a, b) => quality[a] - quality[b] || a - b);
  const rankOf = new Int32Array(images).fill(-1);
  ranked.forEach((i, r) => (rankOf[i] = r));
  flags.sort((a, b) => rankOf[a.image] - rankOf[b.image] || a.score - b.score);
  const sampleIds = values<string>(ds.samples, "id");
  const idOf = (i: number) => sampleIds[boxes.sampleRows[i]];
  const countsByClass = (side: typeof labels) => {
    const n = new Int32Array(boxes.classes.length);
    for (const c of side.cls) n[c]++;
    return Array.from(n);
  };
  const byType = Object.fromEntries(BOX_ISSUE_TYPES.map((t) => [t, flags.filter((f) => f.type === t).length]));
  return {
    images: aq.table({
      sample_id: ranked.map(idOf),
      label_quality: ranked.map((i) => quality[i]),
      overlooked: ranked.map((i) => pooled.overlooked[i]),
      swap: ranked.map((i) => pooled.swap[i]),
      badloc: ranked.map((i) => pooled.badloc[i]),
      flagged_boxes: ranked.map((i) => flaggedPerImage[i]),
      rank: ranked.map((_, r) => r + 1),
    }),
    boxes: aq.table({
      sample_id: flags.map((f) => idOf(f.image)),
      object_id: flags.map((f) => objectIds[f.objectRow]),
      issue_type: flags.map((f) => f.type),
      score: flags.map((f) => f.score),
      label: flags.map((f) => (f.type === "overlooked" ? null : objectLabels[f.objectRow])),
      suggested_label: flags.map((f) => (f.fixRow < 0 ? null : objectLabels[f.fixRow])),
      fix_object_id: flags.map((f) => (f.fixRow < 0 ? null : objectIds[f.fixRow])),
    }),
    loose: aq.table({
      sample_id: looseLabels.map((l) => idOf(imageOfLabel[l])),
      object_id: looseLabels.map((l) => objectIds[labels.objectRow[l]]),
      label: looseLabels.map((l) => objectLabels[labels.objectRow[l]]),
      score: looseLabels.map((l) => loose.score[l]),
      fix_object_id: looseLabels.map((l) => objectIds[predictions.objectRow[loose.match[l]]]),
      rank: looseLabels.map((_, r) => r + 1),
    }),
    classes: aq.table({
      class: boxes.classes,
      labels: countsByClass(labels),
      predictions: countsByClass(predictions),
      ap: Array.from(ap),
      threshold: Array.from(limits),
    }),
    summary: {
      labelField,
      predictions: options.predictions,
      images,
      labels: labels.cls.length,
      predicted: predictions.cls.length,
      issues: ranked.length,
      boxes: byType as Record<BoxIssueType, number>,
      loose: looseLabels.length,
      warnings: [...boxes.warnings, ...inputNotes(boxes, options.predictions)],
    },
  };
}

interface Flag {
  image: number;
  objectRow: number;
  type: BoxIssueType | "loose";
  score: number;
  /** Objects-table row of the prediction that suggests the fix (the box itself for overlooked), -1 when none. */
  fixRow: number;
}

/**
 * The boxes cleanlab's find_label_issues counts against their image: a score at or below its
 * class's limit. A label flagged both as swapped and as badly located is listed under its
 * lower score.
 */
function flagBoxes(boxes: ImageBoxes, s: BoxScores, limits: Float64Array): Flag[] {
  const { labels, predictions } = boxes;
  const limit = (cls: number) => limits[cls];
  const flags: Flag[] = [];
  for (let i = 0; i < boxes.sampleRows.length; i++) {
    for (let b = predictions.start[i]; b < predictions.start[i + 1]; b++) {
      const score = Number.isNaN(s.overlooked[b]) ? 1 : s.overlooked[b];
      if (score <= limit(predictions.cls[b])) {
        const row = predictions.objectRow[b];
        flags.push({ image: i, objectRow: row, type: "overlooked", score, fixRow: row });
      }
    }
    for (let a = labels.start[i]; a < labels.start[i + 1]; a++) {
      const max = limit(labels.cls[a]);
      const swap = s.swap[a] <= max,
        badloc = s.badloc[a] <= max;
      if (!swap && !badloc) continue;
      const type = swap && (!badloc || s.swap[a] <= s.badloc[a]) ? "swap" : "badloc";
      const fix = type === "swap" ? s.swapFix[a] : s.badlocFix[a];
      flags.push({
        image: i,
        objectRow: labels.objectRow[a],
        type,
        score: type === "swap" ? s.swap[a] : s.badloc[a],
        fixRow: fix < 0 ? -1 : predictions.objectRow[fix],
      });
    }
  }
  return flags;
}

function writeObjectFields(
  ds: Dataset,
  boxes: ImageBoxes,
  s: BoxScores,
  flags: Flag[],
  objectIds: ArrayLike<number>,
  looseScore: Float64Array,
) {
  const n = objectIds.length;
  const column = () => new Array<number | null>(n).fill(null);
  const type = new Array<string | null>(n).fill(null);
  const score = column(),
    fix = column(),
    overlooked = column(),
    swap = column(),
    badloc = column(),
    loose = column();
  const { labels, predictions } = boxes;
  predictions.objectRow.forEach((row, b) => {
    overlooked[row] = Number.isNaN(s.overlooked[b]) ? null : s.overlooked[b];
  });
  labels.objectRow.forEach((row, a) => {
    swap[row] = s.swap[a];
    badloc[row] = s.badloc[a];
    loose[row] = Number.isNaN(looseScore[a]) ? null : looseScore[a];
  });
  for (const f of flags) {
    type[f.objectRow] = f.type;
    score[f.objectRow] = f.score;
    fix[f.objectRow] = f.fixRow < 0 ? null : objectIds[f.fixRow];
  }
  ds.objects = ds.objects.assign(
    aq.table({
      label_issue_type: type,
      label_issue_score: score,
      label_issue_fix: fix,
      label_overlooked_score: overlooked,
      label_swap_score: swap,
      label_badloc_score: badloc,
      label_loose_score: loose,
    }),
  );
}

function writeSampleFields(
  ds: Dataset,
  sampleRows: Int32Array,
  flagged: Int32Array,
  quality: Float64Array,
  pooled: Record<"overlooked" | "swap" | "badloc", Float64Array>,
) {
  const n = ds.count();
  const column = () => new Array<number | null>(n).fill(null);
  const issue = new Array<boolean | null>(n).fill(null);
  const q = column(),
    o = column(),
    sw = column(),
    b = column();
  sampleRows.forEach((row, i) => {
    issue[row] = flagged[i] > 0;
    q[row] = quality[i];
    o[row] = pooled.overlooked[i];
    sw[row] = pooled.swap[i];
    b[row] = pooled.badloc[i];
  });
  ds.setFields(
    aq.table({
      id: Array.from(values<string>(ds.samples, "id")),
      label_issue: issue,
      label_quality: q,
      label_overlooked_score: o,
      label_swap_score: sw,
      label_badloc_score: b,
    }),
  );
}

/** What the user should know about the input: images whose labels no prediction can check, crowd regions left out. */
function inputNotes(boxes: ImageBoxes, field: string): string[] {
  const notes: string[] = [];
  let unchecked = 0;
  for (let i = 0; i < boxes.sampleRows.length; i++) {
    const hasLabels = boxes.labels.start[i + 1] > boxes.labels.start[i];
    if (hasLabels && boxes.predictions.start[i + 1] === boxes.predictions.start[i]) unchecked++;
  }
  if (unchecked)
    notes.push(
      `${unchecked} images with labels have no box of ${field}: nothing can confirm or question their labels, so they score 1`,
    );
  if (boxes.crowd) notes.push(`${boxes.crowd} crowd regions are left out of the labels checked`);
  return notes;
}

function checkWeights(w: AggregationWeights): AggregationWeights {
  const parts = [w?.overlooked, w?.swap, w?.badloc];
  const sum = parts.reduce((s, v) => s + v, 0);
  if (!parts.every((v) => typeof v === "number" && v >= 0) || Math.abs(sum - 1) > 1e-5 + 1e-8) {
    throw new BlindspotError({
      place: `${PLACE}: aggregationWeights`,
      message: `needs non-negative overlooked, swap and badloc weights that sum to 1, got ${JSON.stringify(w)}`,
      hint: "e.g. { overlooked: 0.5, swap: 0.25, badloc: 0.25 }",
    });
  }
  return w;
}

function checkLoose(options: LooseOptions = {}): Required<LooseOptions> {
  const o = { ...LOOSE_DEFAULTS, ...options };
  for (const key of ["minConfidence", "minScore"] as const)
    if (!(o[key] >= 0 && o[key] <= 1))
      throw new BlindspotError({
        place: `${PLACE}: loose.${key}`,
        message: `loose.${key} must lie in [0, 1], got ${o[key]}`,
        hint: `the defaults are ${JSON.stringify(LOOSE_DEFAULTS)}`,
      });
  return o;
}
