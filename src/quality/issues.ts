/**
 * Image quality of a whole dataset: every image decoded, scored (ONNX graph by default) and
 * flagged with Cleanvision's issue types, all written as sample fields:
 *
 *   quality_<score>          the scores of stats.ts (brightness, brightness_p1 ... p99, contrast,
 *                            laplacian_var, entropy, colorfulness, blurriness,
 *                            blurriness_gray_std, aspect_ratio, size, channels, phash) and
 *                            quality_md5 (of the pixels)
 *   quality_<issue>_score    Cleanvision's issue score (low is bad), see cleanvision.ts
 *   is_<issue>               the flag: dark, light, odd_aspect_ratio, low_information, blurry,
 *                            grayscale, odd_size, exact_duplicate, near_duplicate
 *   quality_exact_duplicate_group, quality_near_duplicate_group   the duplicate set's number
 *
 * An image that cannot be decoded (missing, corrupt, truncated, over the pixel limit, an
 * unsupported format) becomes a problem on its sample, with null fields, and the run goes on.
 * `flagQuality` re-derives the flags from the stored scores with other thresholds, without
 * decoding anything again.
 */

import * as aq from "arquero";
import { values } from "../dataset/columns";
import type { Dataset } from "../dataset/dataset";
import { BlindspotError } from "../errors";
import type { DecodedImage } from "../image/decode";
import { computeForImages } from "../onnx/pipeline";
import type { Provider, RanOn } from "../onnx/session";
import { findIssues, ISSUE_TYPES, type IssueInputs, type IssueThresholds, type IssueType } from "./cleanvision";
import { rowWidth, STORED_KEYS, unpackRow, type ImageQuality } from "./row";
import { openScorer, type Engine } from "./scorer";
import type { QualityImage } from "./stats";

/** Bump when any score would change: cached rows of other versions are not reused. */
const VERSION = 1;

export interface QualityOptions extends IssueThresholds {
  /**
   * "auto" (default): the ONNX graph when it loads on CUDA, else the TypeScript scorer in
   * worker threads (faster on CPU); "graph": the ONNX graph on `provider`; "reference": the
   * TypeScript scorer. All give the same scores (see scorer.ts).
   */
  engine?: Engine;
  /** Worker threads of the TypeScript scorer (default: one per core; 0: the calling thread). */
  workers?: number;
  /** Where the graph runs (default "auto"). */
  provider?: Provider;
  /** Bits per side of the perceptual hash (default 8, Cleanvision's). */
  hashSize?: number;
  /** Images decoded per batch (default 64). */
  batchSize?: number;
  /** Files decoding at once (default 8). */
  concurrency?: number;
  /** Images over this many pixels become problems (default decodeImage's, 100 million). */
  maxPixels?: number;
  /** Result cache root (see onnx/cache.ts): a rerun scores only new or changed images. */
  cacheRoot?: string | null;
  /** Called with (images done, total) as batches finish. */
  onProgress?: (done: number, total: number) => void;
  signal?: AbortSignal;
}

export interface QualitySummary {
  images: number;
  /** Images with scores. */
  scored: number;
  /** Images that could not be decoded (each a problem on its sample). */
  failed: number;
  /** Images with each issue. */
  issues: Record<IssueType, number>;
  /** Where the scores were computed in this run. */
  ranOn: RanOn | "typescript";
  /** Images scored in this run, and taken from the cache. */
  computed: number;
  reused: number;
}

export async function computeQuality(ds: Dataset, options: QualityOptions = {}): Promise<QualitySummary> {
  const hashSize = options.hashSize ?? 8;
  if (!(Number.isInteger(hashSize) && hashSize >= 2)) throw new BlindspotError({ message: `hashSize must be an integer of at least 2, got ${hashSize}`, hint: "Cleanvision's default is 8 (a 64-bit hash)" });
  const ids = Array.from(values<string>(ds.samples, "id"));
  const files = Array.from(values<string>(ds.samples, "filepath"), (f) => ds.imagePath(f));
  const scorer = await openScorer({ engine: options.engine ?? "auto", provider: options.provider ?? "auto", hashSize, workers: options.workers });
  const width = rowWidth(hashSize);

  const result = await computeForImages(files, {
    name: "quality",
    version: `${VERSION}-hash${hashSize}`,
    width,
    decode: options.maxPixels === undefined ? {} : { maxPixels: options.maxPixels },
    compute: (decoded) => scorer.rows(decoded.map(qualityImage)),
  }, { batchSize: options.batchSize ?? 64, concurrency: options.concurrency, cacheRoot: options.cacheRoot, onProgress: options.onProgress, signal: options.signal })
    .finally(() => scorer.close());

  const recorded = new Set(ds.problems.map(problemKey));
  ds.addProblems(result.errors.map(({ index, error }) => error.toProblem(ids[index])).filter((p) => !recorded.has(problemKey(p))));
  const scores = ids.map((_, i) => unpackRow(result.rows.subarray(i * width, (i + 1) * width), hashSize));
  ds.setFields(aq.table({ id: ids, ...scoreColumns(scores) }));
  const issues = flagQuality(ds, options);
  return { images: ids.length, scored: ids.length - result.errors.length, failed: result.errors.length, issues, ranOn: scorer.ranOn, computed: result.computed, reused: result.reused };
}

/**
 * (Re)computes the issue scores and flags from the quality fields computeQuality wrote, with
 * the given thresholds; returns the number of images with each issue.
 */
export function flagQuality(ds: Dataset, thresholds: IssueThresholds = {}): Record<IssueType, number> {
  const missing = INPUT_FIELDS.filter((k) => !ds.samples.columnNames().includes(`quality_${k}`));
  if (missing.length) {
    throw new BlindspotError({ place: missing.map((k) => `quality_${k}`).join(", "), message: "the dataset has no quality scores to flag", hint: "run computeQuality(ds) first" });
  }
  const column = (k: string) => values<number | string | null>(ds.samples, `quality_${k}`);
  const cols = Object.fromEntries(INPUT_FIELDS.map((k) => [k, column(k)]));
  const inputs = Array.from({ length: ds.count() }, (_, i) =>
    cols.md5[i] === null ? null : (Object.fromEntries(INPUT_FIELDS.map((k) => [k, cols[k][i]])) as unknown as IssueInputs),
  );
  const found = findIssues(inputs, thresholds);
  const fields: Record<string, unknown[]> = { id: Array.from(values<string>(ds.samples, "id")) };
  for (const issue of ISSUE_TYPES) {
    fields[`quality_${issue}_score`] = found.scores[issue];
    fields[`is_${issue}`] = found.flags[issue];
  }
  fields.quality_exact_duplicate_group = found.exactGroup;
  fields.quality_near_duplicate_group = found.nearGroup;
  ds.setFields(aq.table(fields));
  return Object.fromEntries(ISSUE_TYPES.map((issue) => [issue, found.flags[issue].filter((f) => f === true).length])) as Record<IssueType, number>;
}

/** The scores flagQuality reads back. */
const INPUT_FIELDS: readonly (keyof IssueInputs)[] = ["brightness_p5", "brightness_p99", "aspect_ratio", "entropy", "blurriness", "blurriness_gray_std", "channels", "size", "phash", "md5"];

/** One column per score, `quality_<score>`, null for images without scores. */
function scoreColumns(scores: (ImageQuality | null)[]): Record<string, unknown[]> {
  return Object.fromEntries(STORED_KEYS.map((k) => [`quality_${k}`, scores.map((s) => (s === null ? null : s[k]))]));
}

/**
 * The image as the scores see it. A file counts as grayscale as Pillow's mode "L" does: one
 * 8-bit channel, no alpha (decodeImage expands it to three equal channels).
 */
export function qualityImage(d: DecodedImage): QualityImage {
  const { source } = d;
  const gray = source.space === "b-w" && !source.hasAlpha && source.depth === "uchar";
  return { width: d.width, height: d.height, rgb: d.data, channels: gray ? 1 : 3 };
}

/** A rerun's problem is the same problem when the same file fails the same way (libvips' wording can vary). */
function problemKey(p: { sampleId?: string; kind: string; file: string }): string {
  return JSON.stringify([p.sampleId, p.kind, p.file]);
}
