/**
 * Near duplicates relative to the dataset (flagQuality's mode "dataset"): the same photo cropped,
 * shifted, rescaled, re-lit, re-encoded or captioned, which a perceptual hash often splits (a
 * 64-bit phash moves by 2 to 6 bits, as far as distinct but similar scenes of one dataset lie apart).
 *
 * Each image becomes one row of two unit-length parts, weighted so that the dot product of two
 * rows is w * (thumbnail similarity) + (1 - w) * (embedding similarity), w = `thumbnailWeight`:
 *
 * 1. The thumbnail (thumbnail.ts: 16 x 16 luma cells), smoothed once with the binomial kernel
 *    [1 2 1] x [1 2 1] / 16 (a shift of a few pixels moves small bright details across cell
 *    borders; smoothing spreads them over the neighbours), minus its own mean, to unit length (a
 *    correlation, blind to gain and offset); then what the dataset's images share is taken out:
 *    the mean thumbnail and the `components` (default 4) main directions of variation (from at
 *    most 20,000 rows). In a set of street scenes these are the sky, the road and the horizon.
 * 2. The CNN embedding (computeEmbeddings, MobileNetV2) minus the dataset's mean embedding: the
 *    layout says where things are, the embedding what they are, so different garments on one
 *    floor, or different hands on one wall, stop looking alike because their backgrounds do.
 *
 * With the images to compare (flagQuality's mode "dataset" passes them), the rows only propose:
 * each image's `candidates` (default 20) nearest by the rows and by the raw embeddings are
 * candidate pairs, and a pair is a near copy when, aligned pixel by pixel at 96 x 96 (affine map,
 * gain and offset), it correlates at 0.9 or more, nothing in it has moved (local motion at most
 * 1.55 pixels, or a correlation of 0.99) and neither shows the scene more than 1.3x larger
 * (nearCopy/). Pairs are joined transitively (embed/duplicates.ts) and, as Cleanvision does, a
 * set that is exactly an exact-duplicate set is dropped. Images whose thumbnail contrast is below
 * `minContrast` (default 0.1) are left out: a nearly uniform frame has only noise left after the
 * centring; exact duplicates still find copies.
 *
 * Chosen on real photos: sign-digits' 2,062 hands and voc100's 100 photos with 300 near copies
 * planted by plant/nearCopies.ts (seed 13; one to three edits each of crop 5-15 %, shift,
 * rescale 0.5-2x, JPEG 30-95, brightness +-20 %, rotation 2-6 degrees, a caption). A threshold
 * on the rows alone found 55 of sign-digits' 280 copies at one false pair per 1,000 images: a
 * copy cropped by 15 % or captioned lies as far from its source as the same hand shot again a
 * second later. Aligned and compared: 285 of 300 (voc100 20 of 20, sign-digits 265 of 280) and
 * no pair that is not a copy; at a motion of 1.6 the same 285 and three second shots of a hand,
 * so the bound sits just below them. The misses: 5 copies never become candidates, 3 correlate
 * below 0.9 once aligned, the rest are small copies with a caption, whose letters pass for motion.
 * On the demo (2,000 images, seed 0) all 20 planted pairs and nothing else.
 *
 * Without images, the rows decide at `similarity` (0.85): the exact cosine k-NN of the rows,
 * pairs at or above it joined (on the photos above: 2 false pairs, recall 0.24).
 *
 * Without embeddings (nearDuplicateSets called with thumbnails alone) the thumbnails decide, at
 * 0.91: tuned on the demo, where planted copies lie at 0.932 or above and distinct scenes at 0.821
 * to 0.884; on real photos that grouped different garments on one floor.
 */

import { BlindspotError } from "../errors";
import type { Provider } from "../onnx/session";
import { duplicateGroups } from "../embed/duplicates";
import { knn, type KnnResult } from "../embed/knn";
import { candidatePairs, type PairImages, verifiedGraph, verifyPairs } from "./nearCopy/pairs";
import { NEAR_COPY, type NearCopyOptions } from "./nearCopy/verify";
import { THUMB_CELLS, THUMB_SIDE } from "./thumbnail";

export interface NearDuplicateOptions {
  /**
   * Cosine similarity of the combined rows (see the header) at which two images are near duplicates (default 0.85
   * with embeddings, 0.91 for thumbnails alone).
   */
  similarity?: number;
  /** Share of the thumbnails in the combined similarity, the rest the embeddings' (default 0.5). */
  thumbnailWeight?: number;
  /** Main directions of the dataset's thumbnails taken out before comparing (default 4). */
  components?: number;
  /** Thumbnails with less contrast are left out (default 0.1). */
  minContrast?: number;
  /** Nearest neighbours linked per image (default 5): ask for at least the largest set you expect. */
  k?: number;
  /** Where the k-NN graph runs (default "auto"). */
  provider?: Provider;
  /** With images to compare: neighbours per image in each candidate list (default 20; see nearCopy/pairs.ts). */
  candidates?: number;
  /** With images to compare: when an aligned pair counts as a copy (nearCopy/verify.ts). */
  nearCopy?: NearCopyOptions;
}

export const DEFAULT_NEAR_DUPLICATES = {
  similarity: 0.85,
  thumbnailWeight: 0.5,
  components: 4,
  minContrast: 0.1,
  k: 5,
  candidates: 20,
} as const;
/** The threshold without embeddings (the thumbnails alone, tuned on the demo; see the header). */
export const THUMBNAIL_ONLY_SIMILARITY = 0.91;

/** Rows the principal components are computed from (evenly spaced over the dataset). */
const MAX_PCA_ROWS = 20_000;
/** Fewest thumbnails for taking out components (fewer: only the mean). */
const MIN_PCA_ROWS = 50;

export interface NearDuplicateResult {
  /** Sets of image indices (each at least 2), before exact sets are dropped. */
  sets: number[][];
  /** Per image: the similarity of its most similar other image (null when left out). */
  nearest: (number | null)[];
  /**
   * The rows compared, one per image in `images` (the others were left out), unit length: the dot product of two rows
   * is the similarity the sets were cut at (for similar() and duplicateGroups).
   */
  rows: { images: number[]; vectors: Float32Array; dim: number; similarity: number };
  /**
   * The pairs the sets were joined from, as neighbour lists over the rows: duplicateGroups(pairs, threshold) gives the
   * sets. With images compared, the verified pairs with their aligned correlation; else the rows' k-NN and similarity.
   */
  pairs: KnnResult;
  threshold: number;
}

/**
 * Near-duplicate sets among `thumbs` (null: no thumbnail); `contrast` per image as thumbnail.ts
 * defines it; `embeddings` per image (null: none, the image is left out), or absent: thumbnails alone.
 * With `images` as well, candidate pairs are compared pixel by pixel (nearCopy/pairs.ts), their
 * scores kept in the pair cache under `images.cacheRoot`.
 */
export async function nearDuplicateSets(
  thumbs: readonly (Uint8Array | null)[],
  contrast: readonly (number | null)[],
  options: NearDuplicateOptions = {},
  embeddings?: readonly (Float32Array | null)[],
  images?: PairImages & { cacheRoot?: string | null },
): Promise<NearDuplicateResult> {
  const o = {
    ...DEFAULT_NEAR_DUPLICATES,
    ...(embeddings ? {} : { similarity: THUMBNAIL_ONLY_SIMILARITY }),
    ...options,
  };
  const bad = (place: string, message: string) =>
    new BlindspotError({
      place: `nearDuplicates.${place}`,
      message,
      hint: `defaults: ${JSON.stringify(DEFAULT_NEAR_DUPLICATES)}`,
    });
  if (!(o.similarity >= -1 && o.similarity <= 1))
    throw bad("similarity", `a cosine similarity lies in [-1, 1], got ${o.similarity}`);
  if (!(o.thumbnailWeight >= 0 && o.thumbnailWeight <= 1))
    throw bad("thumbnailWeight", `thumbnailWeight lies in [0, 1], got ${o.thumbnailWeight}`);
  if (!(Number.isInteger(o.components) && o.components >= 0))
    throw bad("components", `components must be a whole number >= 0, got ${o.components}`);
  if (!(Number.isInteger(o.k) && o.k >= 1)) throw bad("k", `k must be a whole number >= 1, got ${o.k}`);
  if (!(o.minContrast >= 0 && o.minContrast <= 1))
    throw bad("minContrast", `minContrast lies in [0, 1], got ${o.minContrast}`);
  if (embeddings && embeddings.length !== thumbs.length)
    throw bad("embeddings", `${embeddings.length} embeddings for ${thumbs.length} thumbnails`);
  const D = THUMB_CELLS;
  const used = thumbs.flatMap((t, i) =>
    t !== null && (contrast[i] ?? 0) >= o.minContrast && (!embeddings || embeddings[i]) ? [i] : [],
  );
  const nearest: (number | null)[] = thumbs.map(() => null);
  const thumbRows = whitenedThumbnails(used, thumbs, o.components);
  const E = embeddings ? (embeddings[used[0] ?? 0]?.length ?? 0) : 0;
  const dim = D + E;
  const rows = new Float32Array(used.length * dim);
  if (used.length >= 2) {
    const tw = embeddings ? Math.sqrt(o.thumbnailWeight) : 1;
    copyUnit(thumbRows, D, rows, dim, 0, tw);
    if (embeddings)
      copyUnit(
        centred(
          used.map((i) => embeddings[i]!),
          E,
        ),
        E,
        rows,
        dim,
        D,
        Math.sqrt(1 - tw * tw),
      );
  }
  const none: KnnResult = {
    rows: used.length,
    k: 0,
    indices: new Int32Array(0),
    similarity: new Float32Array(0),
    ranOn: "ts",
  };
  const result = {
    sets: [] as number[][],
    nearest,
    rows: { images: used, vectors: rows, dim, similarity: o.similarity },
    pairs: none,
    threshold: o.similarity,
  };
  if (used.length < 2) return result;

  const nn = await knn(rows, dim, Math.min(images && embeddings ? o.candidates : o.k, used.length - 1), {
    provider: o.provider,
  });
  if (images && embeddings) {
    const byEmbedding = new Float32Array(used.length * E);
    used.forEach((i, r) => byEmbedding.set(embeddings[i]!, r * E));
    const other = await knn(byEmbedding, E, nn.k, { provider: o.provider });
    const verified = await verifyPairs(
      candidatePairs([nn, other]),
      { load: (r) => images.load(used[r]), hash: images.hash && ((r) => images.hash!(used[r])) },
      { ...o.nearCopy, cacheRoot: images.cacheRoot },
    );
    result.pairs = verifiedGraph(used.length, verified);
    result.threshold = o.nearCopy?.correlation ?? NEAR_COPY.correlation;
  } else result.pairs = nn;
  const groups = duplicateGroups(result.pairs, result.threshold);
  const byGroup = new Map<number, number[]>();
  used.forEach((i, r) => {
    nearest[i] = nn.k > 0 ? nn.similarity[r * nn.k] : null;
    const g = groups.group[r];
    if (g < 0) return;
    const set = byGroup.get(g) ?? [];
    set.push(i);
    byGroup.set(g, set);
  });
  result.sets = [...byGroup.values()];
  return result;
}

/** The used images' thumbnails, smoothed and centred, with the dataset's mean and main directions taken out. */
function whitenedThumbnails(used: number[], thumbs: readonly (Uint8Array | null)[], p: number): Float32Array {
  const D = THUMB_CELLS;
  const rows = new Float32Array(used.length * D);
  used.forEach((i, r) => centredUnit(thumbs[i]!, rows, r * D));
  const mean = new Float64Array(D);
  for (let r = 0; r < used.length; r++) for (let d = 0; d < D; d++) mean[d] += rows[r * D + d];
  for (let d = 0; d < D; d++) mean[d] /= Math.max(1, used.length);
  for (let r = 0; r < used.length; r++) for (let d = 0; d < D; d++) rows[r * D + d] -= mean[d];
  const components = used.length >= MIN_PCA_ROWS ? principalComponents(rows, used.length, D, Math.min(p, D - 1)) : [];
  for (let r = 0; r < used.length; r++) {
    const at = r * D;
    for (const u of components) {
      let s = 0;
      for (let d = 0; d < D; d++) s += rows[at + d] * u[d];
      for (let d = 0; d < D; d++) rows[at + d] -= s * u[d];
    }
  }
  return rows;
}

/**
 * The embeddings minus their mean (what all of the dataset's images share: a white wall, a floor), as rows. Without
 * it, any two photos of one setting look alike to the CNN.
 */
function centred(vectors: Float32Array[], E: number): Float32Array {
  const out = new Float32Array(vectors.length * E);
  const mean = new Float64Array(E);
  for (const v of vectors) for (let d = 0; d < E; d++) mean[d] += v[d];
  for (let d = 0; d < E; d++) mean[d] /= Math.max(1, vectors.length);
  vectors.forEach((v, r) => {
    for (let d = 0; d < E; d++) out[r * E + d] = v[d] - mean[d];
  });
  return out;
}

/** Each `width`-float row of `src` scaled to length `scale`, into columns `at`.. of `dst`'s `dim`-float rows. */
function copyUnit(src: Float32Array, width: number, dst: Float32Array, dim: number, at: number, scale: number): void {
  for (let r = 0, n = src.length / width; r < n; r++) {
    let ss = 0;
    for (let d = 0; d < width; d++) ss += src[r * width + d] ** 2;
    const k = ss > 0 ? scale / Math.sqrt(ss) : 0;
    for (let d = 0; d < width; d++) dst[r * dim + at + d] = src[r * width + d] * k;
  }
}

/** The cells smoothed (see the header), minus their mean, scaled to unit length (zeros for a uniform thumbnail). */
function centredUnit(raw: Uint8Array, out: Float32Array, at: number): void {
  const cells = smooth(raw);
  let mean = 0;
  for (let d = 0; d < cells.length; d++) mean += cells[d];
  mean /= cells.length;
  let ss = 0;
  for (let d = 0; d < cells.length; d++) ss += (cells[d] - mean) ** 2;
  const scale = ss > 0 ? 1 / Math.sqrt(ss) : 0;
  for (let d = 0; d < cells.length; d++) out[at + d] = (cells[d] - mean) * scale;
}

/**
 * One pass of [1 2 1] x [1 2 1] / 16 over the THUMB_SIDE x THUMB_SIDE cells; the kernel is renormalised at the borders.
 */
function smooth(cells: Uint8Array): Float64Array {
  const S = THUMB_SIDE,
    w = [1, 2, 1];
  const rows = new Float64Array(S * S),
    out = new Float64Array(S * S);
  for (const [src, dst, along] of [
    [cells, rows, 1],
    [rows, out, S],
  ] as const) {
    for (let y = 0; y < S; y++) {
      for (let x = 0; x < S; x++) {
        const pos = along === 1 ? x : y;
        let sum = 0,
          weight = 0;
        for (let k = -1; k <= 1; k++) {
          if (pos + k < 0 || pos + k >= S) continue;
          sum += w[k + 1] * src[y * S + x + k * along];
          weight += w[k + 1];
        }
        dst[y * S + x] = sum / weight;
      }
    }
  }
  return out;
}

/**
 * The top `p` eigenvectors of the rows' scatter matrix (rows already centred), by orthogonal
 * iteration from a fixed start: deterministic, and plenty for a 256 x 256 matrix.
 */
export function principalComponents(rows: Float32Array, n: number, D: number, p: number): Float64Array[] {
  if (p <= 0) return [];
  const step = Math.max(1, Math.ceil(n / MAX_PCA_ROWS));
  const C = new Float64Array(D * D);
  for (let r = 0; r < n; r += step) {
    const at = r * D;
    for (let a = 0; a < D; a++) {
      const x = rows[at + a];
      if (x === 0) continue;
      const ca = a * D;
      for (let b = a; b < D; b++) C[ca + b] += x * rows[at + b];
    }
  }
  for (let a = 0; a < D; a++) for (let b = 0; b < a; b++) C[a * D + b] = C[b * D + a];
  // A fixed, generic start (no axis-aligned vectors, which a symmetric layout could make orthogonal to an eigenvector).
  let Q = Array.from({ length: p }, (_, j) =>
    Float64Array.from({ length: D }, (_, d) => Math.sin(1 + (j + 1) * 0.7 + d * (1.3 + 0.17 * j))),
  );
  orthonormalise(Q);
  for (let it = 0; it < 100; it++) {
    const next = Q.map((q) => {
      const v = new Float64Array(D);
      for (let a = 0; a < D; a++) {
        let s = 0;
        const ca = a * D;
        for (let b = 0; b < D; b++) s += C[ca + b] * q[b];
        v[a] = s;
      }
      return v;
    });
    orthonormalise(next);
    let change = 0;
    for (let j = 0; j < p; j++) {
      let dot = 0;
      for (let d = 0; d < D; d++) dot += next[j][d] * Q[j][d];
      change = Math.max(change, 1 - Math.abs(dot));
    }
    Q = next;
    if (change < 1e-10) break;
  }
  return Q;
}

/** Gram-Schmidt, in place. */
function orthonormalise(Q: Float64Array[]): void {
  for (let j = 0; j < Q.length; j++) {
    for (let i = 0; i < j; i++) {
      let s = 0;
      for (let d = 0; d < Q[j].length; d++) s += Q[j][d] * Q[i][d];
      for (let d = 0; d < Q[j].length; d++) Q[j][d] -= s * Q[i][d];
    }
    let ss = 0;
    for (let d = 0; d < Q[j].length; d++) ss += Q[j][d] ** 2;
    const k = ss > 0 ? 1 / Math.sqrt(ss) : 0;
    for (let d = 0; d < Q[j].length; d++) Q[j][d] *= k;
  }
}
