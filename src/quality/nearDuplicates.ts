/**
 * Near duplicates relative to the dataset (flagQuality's mode "dataset"): the same scene a few
 * pixels off, re-lit, re-encoded, which a perceptual hash often splits (a 64-bit phash moves by
 * 2 to 6 bits, as far as distinct but similar scenes of one dataset lie apart).
 *
 * 1. Each image's thumbnail (thumbnail.ts: 16 x 16 luma cells), smoothed once with the
 *    binomial kernel [1 2 1] x [1 2 1] / 16 (a shift of a few pixels moves small bright details,
 *    lamps and lit windows, across cell borders; smoothing spreads them over the neighbours),
 *    minus its own mean, to unit length: a correlation, blind to gain and offset.
 * 2. What the dataset's images share is taken out: the mean thumbnail, then the `components`
 *    (default 4) main directions of variation (the principal components of the centred rows,
 *    from at most 20,000 of them). In a set of street scenes these are the sky above, the road
 *    below and the horizon's height; left in, they make any two street scenes look alike.
 * 3. Exact cosine k-NN of what is left (knn.ts), pairs at or above `similarity` (default 0.91)
 *    joined transitively (embed/duplicates.ts), and, as Cleanvision does, a set that is
 *    exactly an exact-duplicate set dropped.
 *
 * Images whose thumbnail contrast (thumbnail.ts) is below `minContrast` (default 0.1) are
 * left out: a nearly uniform frame has only noise left after the centring, and all such
 * frames would match; they are low-information images, exact duplicates still find copies.
 *
 * Measured on the demo dataset (seeds 0 to 3 with 2,000 images, seed 3 with 4,000: 11,000
 * images, 100 planted pairs): every planted near duplicate at 0.932 or above, the most similar
 * distinct scenes at 0.821 to 0.884 (two foggy dusk streets: fog leaves little but its own
 * gradient). Without the smoothing the two overlapped (0.821 against 0.819).
 */

import { BlindspotError } from "../errors";
import type { Provider } from "../onnx/session";
import { duplicateGroups } from "../embed/duplicates";
import { knn } from "../embed/knn";
import { THUMB_CELLS, THUMB_SIDE } from "./thumbnail";

export interface NearDuplicateOptions {
  /** Cosine similarity of the whitened thumbnails at which two images are near duplicates (default 0.91). */
  similarity?: number;
  /** Main directions of the dataset's thumbnails taken out before comparing (default 4). */
  components?: number;
  /** Thumbnails with less contrast are left out (default 0.1). */
  minContrast?: number;
  /** Nearest neighbours linked per image (default 5): ask for at least the largest set you expect. */
  k?: number;
  /** Where the k-NN graph runs (default "auto"). */
  provider?: Provider;
}

export const DEFAULT_NEAR_DUPLICATES = { similarity: 0.91, components: 4, minContrast: 0.1, k: 5 } as const;

/** Rows the principal components are computed from (evenly spaced over the dataset). */
const MAX_PCA_ROWS = 20_000;
/** Fewest thumbnails for taking out components (fewer: only the mean). */
const MIN_PCA_ROWS = 50;

export interface NearDuplicateResult {
  /** Sets of image indices (each at least 2), before exact sets are dropped. */
  sets: number[][];
  /** Per image: the similarity of its most similar other image (null when left out). */
  nearest: (number | null)[];
}

/** Near-duplicate sets among `thumbs` (null: no thumbnail); `contrast` per image as thumbnail.ts defines it. */
export async function nearDuplicateSets(
  thumbs: readonly (Uint8Array | null)[],
  contrast: readonly (number | null)[],
  options: NearDuplicateOptions = {},
): Promise<NearDuplicateResult> {
  const o = { ...DEFAULT_NEAR_DUPLICATES, ...options };
  const bad = (place: string, message: string) =>
    new BlindspotError({
      place: `nearDuplicates.${place}`,
      message,
      hint: `defaults: ${JSON.stringify(DEFAULT_NEAR_DUPLICATES)}`,
    });
  if (!(o.similarity >= -1 && o.similarity <= 1))
    throw bad("similarity", `a cosine similarity lies in [-1, 1], got ${o.similarity}`);
  if (!(Number.isInteger(o.components) && o.components >= 0))
    throw bad("components", `components must be a whole number >= 0, got ${o.components}`);
  if (!(Number.isInteger(o.k) && o.k >= 1)) throw bad("k", `k must be a whole number >= 1, got ${o.k}`);
  if (!(o.minContrast >= 0 && o.minContrast <= 1))
    throw bad("minContrast", `minContrast lies in [0, 1], got ${o.minContrast}`);
  const D = THUMB_CELLS;
  const used = thumbs.flatMap((t, i) => (t !== null && (contrast[i] ?? 0) >= o.minContrast ? [i] : []));
  const nearest: (number | null)[] = thumbs.map(() => null);
  if (used.length < 2) return { sets: [], nearest };

  const rows = new Float32Array(used.length * D);
  used.forEach((i, r) => centredUnit(thumbs[i]!, rows, r * D));
  const mean = new Float64Array(D);
  for (let r = 0; r < used.length; r++) for (let d = 0; d < D; d++) mean[d] += rows[r * D + d];
  for (let d = 0; d < D; d++) mean[d] /= used.length;
  for (let r = 0; r < used.length; r++) for (let d = 0; d < D; d++) rows[r * D + d] -= mean[d];
  const components =
    used.length >= MIN_PCA_ROWS ? principalComponents(rows, used.length, D, Math.min(o.components, D - 1)) : [];
  for (let r = 0; r < used.length; r++) {
    const at = r * D;
    for (const u of components) {
      let s = 0;
      for (let d = 0; d < D; d++) s += rows[at + d] * u[d];
      for (let d = 0; d < D; d++) rows[at + d] -= s * u[d];
    }
  }

  const nn = await knn(rows, D, Math.min(o.k, used.length - 1), { provider: o.provider });
  const groups = duplicateGroups(nn, o.similarity);
  const byGroup = new Map<number, number[]>();
  used.forEach((i, r) => {
    nearest[i] = nn.k > 0 ? nn.similarity[r * nn.k] : null;
    const g = groups.group[r];
    if (g < 0) return;
    const set = byGroup.get(g) ?? [];
    set.push(i);
    byGroup.set(g, set);
  });
  return { sets: [...byGroup.values()], nearest };
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
