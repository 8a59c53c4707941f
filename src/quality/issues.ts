/**
 * Image quality of a whole dataset: every image decoded, scored (ONNX graph by default) and
 * flagged with Cleanvision's issue types, all written as sample fields:
 *
 *   quality_<score>          the scores of stats.ts (brightness, brightness_p1 ... p99, contrast,
 *                            laplacian_var, entropy, colorfulness, blurriness,
 *                            blurriness_gray_std, aspect_ratio, size, channels, phash) and
 *                            quality_md5 (of the pixels as stored, before EXIF orientation)
 *   quality_<issue>_score    Cleanvision's issue score (low is bad), see cleanvision.ts
 *   is_<issue>               the flag: dark, light, odd_aspect_ratio, low_information, blurry,
 *                            grayscale, odd_size, exact_duplicate, near_duplicate
 *   quality_exact_duplicate_group, quality_near_duplicate_group   the duplicate set's number
 *   quality_thumbnail, quality_thumbnail_contrast   a 16 x 16 luma thumbnail (hex) and its
 *                            contrast, for near duplicates in mode "dataset" (thumbnail.ts)
 *   quality_<issue>_outlier  for dark, light, low_information, blurry: how far the image lies
 *                            beyond this dataset's own extremes (relative.ts); flagged in mode
 *                            "dataset" above `relative.factor`
 *   quality_near_duplicate_similarity   mode "dataset": the similarity of the image's most
 *                            similar other image (nearDuplicates.ts: thumbnails and embeddings
 *                            combined), null where not compared
 *
 * Two ways of flagging (`mode`):
 *   "cleanvision" (default)  Cleanvision 0.3.7's definitions and fixed thresholds (cleanvision.ts)
 *   "dataset"                dark, light, low information and blurry as outliers of this dataset's
 *                            own distributions (relative.ts), near duplicates as images far more
 *                            alike than this dataset's images usually are, by their thumbnails and
 *                            CNN embeddings (nearDuplicates.ts; computeQuality computes the
 *                            embeddings too, from the same decode, and flagQuality reuses them); the
 *                            other five issues as Cleanvision has them
 *
 * An image that cannot be decoded (missing, corrupt, truncated, over the pixel limit, an
 * unsupported format) becomes a problem on its sample, with null fields, and the run goes on.
 * `flagQuality` re-derives the flags from the stored scores with other thresholds or the other
 * mode, without decoding anything again.
 */

import * as aq from "arquero";
import { values } from "../dataset/columns";
import type { Dataset } from "../dataset/dataset";
import { BlindspotError } from "../errors";
import { computeForImages } from "../image/pipeline";
import type { Provider, RanOn } from "../onnx/session";
import { newProblems } from "../image/problems";
import { findIssues, ISSUE_TYPES, type IssueInputs, type IssueThresholds, type IssueType } from "./cleanvision";
import { describeSets, exactSets, withoutExactSets } from "./duplicates";
import { nearDuplicateSets, type NearDuplicateOptions } from "./nearDuplicates";
import { fileHash, loadComparable } from "./nearCopy/load";
import { EmbeddingsFromViews } from "../embed/fromViews";
import type { KnnResult } from "../embed/knn";
import {
  MIN_RELATIVE_IMAGES,
  RELATIVE_ISSUES,
  relativeIssues,
  type RelativeInputs,
  type RelativeOptions,
} from "./relative";
import { rowWidth, STORED_KEYS, unpackRow, type ImageQuality } from "./row";
import { qualityRowWidth } from "./rows";
import { openScorer, type Engine } from "./scorer";
import { qualityImage } from "./stats";
import { parseThumbnail, thumbnailContrast, thumbnailHex, unpackThumbnail } from "./thumbnail";
import { withProgress } from "../progress";
import { computeEmbeddings, type Embeddings } from "../embed/embed";
import type { IdentifiedRows } from "../embed/similar";

/** The embeddings computeQuality computed per dataset in mode "dataset", for flagQuality to reuse. */
const keptEmbeddings = new WeakMap<Dataset, Embeddings>();
/** Per dataset, the rows of its last near-duplicate search in mode "dataset" (see nearDuplicateRows). */
const keptRows = new WeakMap<Dataset, NearDuplicateRows>();

/** Rows whose dot products are mode "dataset"'s near-duplicate similarities, and the threshold it flagged at. */
export interface NearDuplicateRows extends IdentifiedRows {
  ids: string[];
  /** The rows' similarity the candidates are ranked by (similar(rows, id, k) lists an image's first candidates). */
  similarity: number;
  /** The pairs found, as neighbour lists over the rows: duplicateGroups(pairs, threshold) gives the sets. */
  pairs: KnnResult;
  threshold: number;
}

/**
 * The rows mode "dataset" ranked near-duplicate candidates by (whitened thumbnails with centred embeddings, see
 * nearDuplicates.ts), by sample id, with the pairs it joined: `similar(rows, id, k)` lists an image's first candidates,
 * duplicateGroups(rows.pairs, rows.threshold) gives exactly the sets written.
 */
export function nearDuplicateRows(ds: Dataset): NearDuplicateRows {
  const rows = keptRows.get(ds);
  if (!rows)
    throw new BlindspotError({
      message: 'this dataset has no near-duplicate search of mode "dataset" yet',
      hint: 'run computeQuality(ds, { mode: "dataset" }) or await flagQuality(ds, { mode: "dataset" }) first',
    });
  return rows;
}

/**
 * Batches the worker threads score at once: while one works through a 9-megapixel photo (a
 * third of a second), the others go on with the next batches' small images.
 */
const BATCHES_IN_FLIGHT = 8;

/** Bump when any score would change: cached rows of other versions are not reused. */
const VERSION = 4;

/** How flagQuality decides: Cleanvision's fixed thresholds, or outliers of this dataset. */
export type FlagMode = "cleanvision" | "dataset";

export interface FlagOptions extends IssueThresholds {
  /**
   * "cleanvision" (default): Cleanvision 0.3.7's fixed thresholds (the options above).
   * "dataset": dark, light, low_information and blurry flag this dataset's outliers
   * (`relative`), near_duplicate compares thumbnails with what the dataset's images share taken
   * out (`nearDuplicates`); odd_aspect_ratio, grayscale, odd_size and exact_duplicate stay
   * Cleanvision's. Needs at least 20 scored images; returns a Promise (a k-NN search runs).
   */
  mode?: FlagMode;
  /** Mode "dataset": where the fence of each outlier issue lies (relative.ts). */
  relative?: RelativeOptions;
  /** Mode "dataset": near-duplicate search (nearDuplicates.ts). */
  nearDuplicates?: NearDuplicateOptions;
  /**
   * Mode "dataset": the images' embeddings, compared with the thumbnails for near duplicates. Default: those
   * computeQuality computed in mode "dataset" for this dataset, else computeEmbeddings(ds) (MobileNetV2) is run.
   */
  embeddings?: Embeddings;
  /**
   * Result cache root (see image/cache.ts): a rerun scores only new or changed images and, in mode "dataset",
   * aligns only the near-copy candidate pairs it has not seen.
   */
  cacheRoot?: string | null;
}

export interface QualityOptions extends FlagOptions {
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
  /**
   * Mode "dataset": the embedding model for near duplicates (computeEmbeddings' `model`, default "mobilenet_v2", the
   * one the threshold was chosen with; "mobilenet_v2_1.0" is ~1.5x faster).
   */
  embeddingModel?: string;
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
  return withProgress("image quality", options, false, (o) => scoreQuality(ds, o));
}

async function scoreQuality(ds: Dataset, options: QualityOptions): Promise<QualitySummary> {
  const hashSize = options.hashSize ?? 8;
  if (!(Number.isInteger(hashSize) && hashSize >= 2))
    throw new BlindspotError({
      message: `hashSize must be an integer of at least 2, got ${hashSize}`,
      hint: "Cleanvision's default is 8 (a 64-bit hash)",
    });
  const ids = Array.from(values<string>(ds.samples, "id"));
  const files = Array.from(values<string>(ds.samples, "filepath"), (f) => ds.imagePath(f));
  const scorer = await openScorer({
    engine: options.engine ?? "auto",
    provider: options.provider ?? "auto",
    hashSize,
    workers: options.workers,
    maxPixels: options.maxPixels,
  });
  // A cache row: the scores (row.ts), then the thumbnail (thumbnail.ts); see rows.ts.
  const scoresWidth = rowWidth(hashSize),
    width = qualityRowWidth(hashSize);
  const computation = { name: "quality", version: `${VERSION}-hash${hashSize}`, width };
  // Mode "dataset" also needs embeddings: made from this pass's decode.
  const embeddings =
    options.mode === "dataset" && !options.embeddings
      ? await EmbeddingsFromViews.open(ds, {
          model: options.embeddingModel,
          provider: options.provider,
          cacheRoot: options.cacheRoot,
          maxPixels: options.maxPixels,
          signal: options.signal,
        })
      : undefined;

  const result = await computeForImages(
    files,
    scorer.decodes
      ? {
          ...computation,
          computeFiles: (batch, request) => scorer.rowsOfFiles(batch, request),
          batchesInFlight: BATCHES_IN_FLIGHT,
        }
      : {
          ...computation,
          decode: options.maxPixels === undefined ? {} : { maxPixels: options.maxPixels },
          compute: (decoded) => scorer.rows(decoded.map(qualityImage)),
        },
    {
      batchSize: options.batchSize ?? 64,
      concurrency: options.concurrency,
      cacheRoot: options.cacheRoot,
      onProgress: options.onProgress,
      signal: options.signal,
      views: embeddings?.taker,
    },
  ).finally(() => scorer.close());

  ds.addProblems(
    newProblems(
      ds.problems,
      result.errors.map(({ index, error }) => error.toProblem(ids[index])),
    ),
  );
  const scores = ids.map((_, i) => unpackRow(result.rows.subarray(i * width, i * width + scoresWidth), hashSize));
  const thumbs = ids.map((_, i) => unpackThumbnail(result.rows.subarray(i * width + scoresWidth, (i + 1) * width)));
  ds.setFields(
    aq.table({
      id: ids,
      ...scoreColumns(scores),
      quality_thumbnail: thumbs.map((t) => (t === null ? null : thumbnailHex(t))),
      quality_thumbnail_contrast: thumbs.map((t) => (t === null ? null : thumbnailContrast(t))),
    }),
  );
  if (embeddings) keptEmbeddings.set(ds, await embeddings.finish(ds));
  const issues = await flagQuality(ds, {
    ...options,
    nearDuplicates: { provider: options.provider, ...options.nearDuplicates },
  });
  return {
    images: ids.length,
    scored: ids.length - result.errors.length,
    failed: result.errors.length,
    issues,
    ranOn: scorer.ranOn,
    computed: result.computed,
    reused: result.reused,
  };
}

/**
 * (Re)computes the issue scores and flags from the quality fields computeQuality wrote, with
 * the given thresholds or mode; returns the number of images with each issue. Mode "dataset"
 * returns a Promise (its near-duplicate search is a k-NN), the default mode the counts.
 */
export function flagQuality(ds: Dataset, options?: FlagOptions & { mode?: "cleanvision" }): Record<IssueType, number>;
export function flagQuality(
  ds: Dataset,
  options: FlagOptions & { mode: "dataset" },
): Promise<Record<IssueType, number>>;
export function flagQuality(
  ds: Dataset,
  options?: FlagOptions,
): Record<IssueType, number> | Promise<Record<IssueType, number>>;
export function flagQuality(
  ds: Dataset,
  options: FlagOptions = {},
): Record<IssueType, number> | Promise<Record<IssueType, number>> {
  const mode = options.mode ?? "cleanvision";
  if (mode !== "cleanvision" && mode !== "dataset")
    throw new BlindspotError({
      place: "mode",
      message: `unknown mode ${JSON.stringify(mode)}`,
      hint: 'use "cleanvision" (fixed thresholds) or "dataset" (outliers of this dataset)',
    });
  const fields: readonly string[] = mode === "dataset" ? [...INPUT_FIELDS, ...RELATIVE_FIELDS] : INPUT_FIELDS;
  const missing = fields.filter((k) => !ds.samples.columnNames().includes(`quality_${k}`));
  if (missing.length) {
    const hint = missing.every((k) => (RELATIVE_FIELDS as readonly string[]).includes(k))
      ? "run computeQuality(ds) again: these scores came from an earlier version"
      : "run computeQuality(ds) first";
    throw new BlindspotError({
      place: missing.map((k) => `quality_${k}`).join(", "),
      message: "the dataset has no quality scores to flag",
      hint,
    });
  }
  // The outlier depths are written in both modes when the scores are there.
  const hasRelative = RELATIVE_SCORES.every((k) => ds.samples.columnNames().includes(`quality_${k}`));
  const read = hasRelative ? [...new Set([...fields, ...RELATIVE_SCORES])] : fields;
  const cols = Object.fromEntries(read.map((k) => [k, values<number | string | null>(ds.samples, `quality_${k}`)]));
  const scored = Array.from({ length: ds.count() }, (_, i) => cols.md5[i] !== null);
  const row = <T>(keys: readonly string[]) =>
    scored.map((ok, i) => (ok ? (Object.fromEntries(keys.map((k) => [k, cols[k][i]])) as T) : null));
  const found = findIssues(row<IssueInputs>(INPUT_FIELDS), options);
  const out: Record<string, unknown[]> = { id: Array.from(values<string>(ds.samples, "id")) };
  const relInputs = hasRelative ? row<RelativeInputs>(RELATIVE_SCORES) : null;
  const rel =
    relInputs && scored.filter(Boolean).length >= MIN_RELATIVE_IMAGES
      ? relativeIssues(relInputs, options.relative)
      : null;
  let nearest: (number | null)[] | null = null;
  const write = () => {
    for (const issue of ISSUE_TYPES) {
      out[`quality_${issue}_score`] = found.scores[issue];
      out[`is_${issue}`] = found.flags[issue];
    }
    if (rel) for (const issue of RELATIVE_ISSUES) out[`quality_${issue}_outlier`] = rel.depth[issue];
    // Mode "dataset" only; cleared by the other mode so that it never describes other groups.
    if (nearest) out.quality_near_duplicate_similarity = nearest;
    else if (ds.samples.columnNames().includes("quality_near_duplicate_similarity"))
      out.quality_near_duplicate_similarity = scored.map(() => null);
    out.quality_exact_duplicate_group = found.exactGroup;
    out.quality_near_duplicate_group = found.nearGroup;
    ds.setFields(aq.table(out));
    return Object.fromEntries(
      ISSUE_TYPES.map((issue) => [issue, found.flags[issue].filter((f) => f === true).length]),
    ) as Record<IssueType, number>;
  };
  if (mode === "cleanvision") return write();

  if (!rel) {
    throw new BlindspotError({
      place: "mode",
      message:
        `mode "dataset" needs at least ${MIN_RELATIVE_IMAGES} scored images, the dataset has ` +
        `${scored.filter(Boolean).length}`,
      hint: 'flag a small set with Cleanvision\'s thresholds: flagQuality(ds) or { mode: "cleanvision" }',
    });
  }
  for (const issue of RELATIVE_ISSUES) found.flags[issue] = rel.flags[issue];
  const thumbs = Array.from(cols.thumbnail, (h) => parseThumbnail(h));
  const contrast = Array.from(cols.thumbnail_contrast, (c) => (typeof c === "number" ? c : null));
  return embeddingsFor(ds, options).then(async (embeddings) => {
    const ids = Array.from(values<string>(ds.samples, "id"));
    const rowOf = new Map<string | number, number>(embeddings.ids.map((id, r) => [id, r]));
    const perImage = ids.map((id) => {
      const r = rowOf.get(id);
      return r === undefined ? null : embeddings.vectors.subarray(r * embeddings.dim, (r + 1) * embeddings.dim);
    });
    const files = Array.from(values<string>(ds.samples, "filepath"));
    const near = await nearDuplicateSets(thumbs, contrast, options.nearDuplicates, perImage, {
      load: (i) => loadComparable(ds.imagePath(files[i])),
      hash: (i) => fileHash(ds.imagePath(files[i])),
      cacheRoot: options.cacheRoot,
    });
    keptRows.set(ds, {
      ids: near.rows.images.map((i) => ids[i]),
      vectors: near.rows.vectors,
      dim: near.rows.dim,
      similarity: near.rows.similarity,
      pairs: near.pairs,
      threshold: near.threshold,
    });
    const md5s = Array.from(cols.md5, (m) => (typeof m === "string" ? m : null));
    const keys = scored.map((ok) => (ok ? "" : null));
    const sets = describeSets(withoutExactSets(near.sets, exactSets(md5s)), keys);
    found.scores.near_duplicate = sets.score;
    found.flags.near_duplicate = sets.score.map((v) => (v === null ? null : v < 1));
    found.nearGroup = sets.group;
    nearest = near.nearest;
    return write();
  });
}

/** The embeddings given, kept by computeQuality, or computed now (once, then kept). */
async function embeddingsFor(ds: Dataset, options: FlagOptions): Promise<Embeddings> {
  if (options.embeddings) return options.embeddings;
  let kept = keptEmbeddings.get(ds);
  if (!kept) {
    kept = await computeEmbeddings(ds, { provider: options.nearDuplicates?.provider });
    keptEmbeddings.set(ds, kept);
  }
  return kept;
}

/** The scores flagQuality reads back. */
const INPUT_FIELDS: readonly (keyof IssueInputs)[] = [
  "brightness_p5",
  "brightness_p99",
  "aspect_ratio",
  "entropy",
  "blurriness",
  "blurriness_gray_std",
  "channels",
  "size",
  "phash",
  "md5",
];
/** The scores relative.ts reads, and all that mode "dataset" needs besides INPUT_FIELDS. */
const RELATIVE_SCORES: readonly (keyof RelativeInputs)[] = [
  "brightness",
  "brightness_p1",
  "brightness_p99",
  "laplacian_var",
  "contrast",
];
const RELATIVE_FIELDS = [...RELATIVE_SCORES, "thumbnail", "thumbnail_contrast"] as const;

/** One column per score, `quality_<score>`, null for images without scores. */
function scoreColumns(scores: (ImageQuality | null)[]): Record<string, unknown[]> {
  return Object.fromEntries(STORED_KEYS.map((k) => [`quality_${k}`, scores.map((s) => (s === null ? null : s[k]))]));
}
