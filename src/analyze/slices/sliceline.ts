/**
 * SliceLine (Sagadeeva and Boehm, SIGMOD 2021) as the `sliceline` package 0.3.0 computes it, the
 * definition read, nothing copied: the top-k slices (conjunctions of one value per feature) by
 *
 *   score = alpha * ((slice error / slice size) / average error - 1) - (1 - alpha) * (n / slice size - 1)
 *
 * searched level by level: the slices of level L are pairs of surviving slices of level L - 1
 * that share L - 2 predicates, kept only when every parent survived and an upper bound of their
 * score beats the k-th best so far. Every choice that decides which slices come back follows the
 * package: ties at the k-th score are all kept; equal scores are ordered by the slices' one-hot
 * rows compared column by column (a slice without a column's value first); a candidate's size and
 * errors for the bound are the smaller of its first pair of parents'; the bound charges
 * (1 - alpha) * (one-hot columns - size), where the paper has rows.
 *
 * Features come coded (0..domain - 1 per feature, categories in the package's order: sorted);
 * membership is computed on bitsets of the rows of each feature value.
 */

export interface SliceLineOptions {
  /** Weight of the slice's error against its size, in (0, 1] (default 0.6). */
  alpha?: number;
  /** Slices returned (default 1; all slices tied with the k-th come back too). */
  k?: number;
  /** Most predicates in a slice (default 4). */
  maxLevel?: number;
  /** Fewest rows in a slice: a count, or a share of the rows when in (0, 1) (default 10). */
  minSupport?: number;
}

export const SLICELINE_DEFAULTS = { alpha: 0.6, k: 1, maxLevel: 4, minSupport: 10 } as const;

export interface FoundSlice {
  /** Per feature: the value's code, or -1 where the slice does not constrain the feature. */
  codes: Int32Array;
  score: number;
  errorSum: number;
  maxError: number;
  size: number;
  averageError: number;
}

export interface SliceLineResult {
  slices: FoundSlice[];
  averageError: number;
  /** The minimum support applied, in rows. */
  minSupport: number;
}

/** A slice being searched: its one-hot columns (ascending) and [score, error sum, max error, size]. */
interface Candidate {
  columns: Int32Array;
  stats: [number, number, number, number];
}

/**
 * The top-k slices of `codes` (one Int32Array of rows per feature, values 0..domains[f] - 1) for
 * the per-row `errors` (>= 0).
 */
export function sliceLine(
  codes: readonly Int32Array[],
  domains: readonly number[],
  errors: Float64Array,
  options: SliceLineOptions = {},
): SliceLineResult {
  const o = { ...SLICELINE_DEFAULTS, ...options };
  const n = errors.length;
  const minSupport = o.minSupport > 0 && o.minSupport < 1 ? Math.trunc(o.minSupport * n) : o.minSupport;
  const F = codes.length;
  const offsets = new Int32Array(F + 1);
  for (let f = 0; f < F; f++) offsets[f + 1] = offsets[f] + domains[f];
  const columns = offsets[F];
  const featureOf = new Int32Array(columns);
  for (let f = 0; f < F; f++) featureOf.fill(f, offsets[f], offsets[f + 1]);
  const rows = columnBitsets(codes, offsets, n);
  let sum = 0;
  for (let i = 0; i < n; i++) sum += errors[i];
  const average = sum / n;
  const score = (errorSum: number, size: number) => {
    const s = o.alpha * (errorSum / size / average - 1) - (1 - o.alpha) * (n / size - 1);
    return Number.isNaN(s) ? -Infinity : s;
  };
  const evaluate = (cols: Int32Array): Candidate => {
    const { size, errorSum, maxError } = measure(rows, cols, errors);
    return { columns: cols, stats: [score(errorSum, size), errorSum, maxError, size] };
  };

  // Level 1: every feature value with enough rows and some error.
  let working: Candidate[] = [];
  for (let c = 0; c < columns; c++) {
    const one = evaluate(Int32Array.of(c));
    if (one.stats[3] >= minSupport && one.stats[1] > 0) working.push(one);
  }
  let top = keepTop([], working, o.k, minSupport);
  const levels = Math.min(F, o.maxLevel);
  for (let level = 2; working.length > 0 && level <= levels; level++) {
    const parents = working.filter((s) => s.stats[3] >= minSupport && s.stats[1] > 0);
    const kth = top.length ? top[top.length - 1].stats[0] : -Infinity;
    working = joinLevel(parents, level, featureOf, domains, offsets, columns, kth, o.alpha, average, minSupport).map(
      evaluate,
    );
    top = keepTop(top, working, o.k, minSupport);
  }
  return {
    slices: top.map(({ columns: cols, stats }) => {
      const sliceCodes = new Int32Array(F).fill(-1);
      for (const c of cols) sliceCodes[featureOf[c]] = c - offsets[featureOf[c]];
      return {
        codes: sliceCodes,
        score: stats[0],
        errorSum: stats[1],
        maxError: stats[2],
        size: stats[3],
        averageError: stats[1] / stats[3],
      };
    }),
    averageError: average,
    minSupport,
  };
}

/** One bitset of rows per one-hot column. */
function columnBitsets(codes: readonly Int32Array[], offsets: Int32Array, n: number): Uint32Array[] {
  const words = Math.ceil(n / 32);
  const out = Array.from({ length: offsets[codes.length] }, () => new Uint32Array(words));
  codes.forEach((col, f) => {
    for (let i = 0; i < n; i++) out[offsets[f] + col[i]][i >>> 5] |= 1 << (i & 31);
  });
  return out;
}

/** Rows in every column of `cols`: their count, error sum (in row order) and largest error. */
function measure(rows: Uint32Array[], cols: Int32Array, errors: Float64Array) {
  const first = rows[cols[0]];
  let size = 0,
    errorSum = 0,
    maxError = 0;
  for (let w = 0; w < first.length; w++) {
    let bits = first[w];
    for (let j = 1; j < cols.length && bits; j++) bits &= rows[cols[j]][w];
    while (bits) {
      const b = 31 - Math.clz32(bits & -bits);
      bits &= bits - 1;
      const i = w * 32 + b;
      size++;
      errorSum += errors[i];
      if (errors[i] > maxError) maxError = errors[i];
    }
  }
  return { size, errorSum, maxError };
}

/**
 * The candidates of `level`: pairs (i < j, in order) of `parents` sharing level - 2 columns, one
 * value per feature, each once (the first pair's statistics), with all their parents present,
 * whose score bound beats `kth` and 0; in ascending order of the package's slice id.
 */
function joinLevel(
  parents: Candidate[],
  level: number,
  featureOf: Int32Array,
  domains: readonly number[],
  offsets: Int32Array,
  columns: number,
  kth: number,
  alpha: number,
  average: number,
  minSupport: number,
): Int32Array[] {
  // Slice id: sum over features of (value + 1, or 0) times the product of the later features' (domain + 1).
  const F = domains.length;
  const weight = new Float64Array(F);
  for (let f = F - 1, w = 1; f >= 0; f--) {
    weight[f] = w;
    w *= domains[f] + 1;
  }
  const seen = new Map<number, { columns: Int32Array; stats: [number, number, number]; count: number }>();
  for (let i = 0; i < parents.length; i++)
    for (let j = i + 1; j < parents.length; j++) {
      const union = mergeColumns(parents[i].columns, parents[j].columns, level - 2);
      if (!union) continue;
      let valid = true;
      for (let c = 1; c < union.length && valid; c++) valid = featureOf[union[c]] !== featureOf[union[c - 1]];
      if (!valid) continue;
      let id = 0;
      for (const c of union) id += (c - offsets[featureOf[c]] + 1) * weight[featureOf[c]];
      const hit = seen.get(id);
      if (hit) hit.count++;
      else {
        const a = parents[i].stats,
          b = parents[j].stats;
        const stats: [number, number, number] = [Math.min(a[1], b[1]), Math.min(a[2], b[2]), Math.min(a[3], b[3])];
        seen.set(id, { columns: union, stats, count: 1 });
      }
    }
  const pairsPerSlice = (level * (level - 1)) / 2;
  return [...seen]
    .sort((p, q) => p[0] - q[0])
    .flatMap(([, { columns: cols, stats, count }]) => {
      if (count !== pairsPerSlice) return [];
      const [errorSum, maxError, size] = stats;
      const bound = scoreBound(errorSum, maxError, size, columns, alpha, average, minSupport);
      return bound > kth && bound > 0 && size >= minSupport ? [cols] : [];
    });
}

/** The sorted union of two sorted column lists when they share exactly `shared` columns, else null. */
function mergeColumns(a: Int32Array, b: Int32Array, shared: number): Int32Array | null {
  const out: number[] = [];
  let i = 0,
    j = 0,
    common = 0;
  while (i < a.length || j < b.length) {
    if (j >= b.length || (i < a.length && a[i] < b[j])) out.push(a[i++]);
    else if (i >= a.length || b[j] < a[i]) out.push(b[j++]);
    else {
      out.push(a[i]);
      i++;
      j++;
      common++;
    }
  }
  return common === shared ? Int32Array.from(out) : null;
}

/** The package's upper bound of a candidate's score: the best of three sizes between minSupport and its size. */
function scoreBound(
  errorSum: number,
  maxError: number,
  size: number,
  columns: number,
  alpha: number,
  average: number,
  minSupport: number,
): number {
  let best = -Infinity;
  for (const p of [minSupport, Math.max(errorSum / maxError, minSupport), size]) {
    const v = (alpha * (Math.min(p * maxError, errorSum) / average - p) - (1 - alpha) * (columns - p)) / p;
    if (Number.isNaN(v)) return NaN; // numpy's amax propagates NaN
    if (v > best) best = v;
  }
  return best;
}

/**
 * The top k of `top` and the valid new slices (enough rows, score > 0), with every slice tied at
 * the k-th score; by score, then by one-hot row (columns compared in order, absent first).
 */
function keepTop(top: Candidate[], fresh: Candidate[], k: number, minSupport: number): Candidate[] {
  const valid = fresh.filter((s) => s.stats[3] >= minSupport && s.stats[0] > 0);
  if (!valid.length) return top;
  const all = [...top, ...valid].sort((p, q) => q.stats[0] - p.stats[0] || compareOneHot(p.columns, q.columns));
  // Fewer than k slices score higher: at least the k-th score.
  const kth = all[Math.min(k, all.length) - 1].stats[0];
  return all.filter((s) => s.stats[0] >= kth);
}

/** Order of two slices' one-hot rows compared column by column, 0 before 1. */
function compareOneHot(a: Int32Array, b: Int32Array): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i] > b[i] ? -1 : 1;
  // One list is a prefix of the other: the longer one has a column the other lacks.
  return a.length === b.length ? 0 : a.length > b.length ? 1 : -1;
}
