import { BlindspotError } from "../../errors";

/** Options of `split`. */
export interface SplitOptions {
  /** Split into parts of these shares, summing to 1: [0.7, 0.15, 0.15] (train/val/test) or { train: 0.8, test: 0.2 }. */
  ratios?: readonly number[] | Readonly<Record<string, number>>;
  /** k folds instead of ratios. */
  k?: number;
  /** Keep class proportions: true for the ground-truth field, or a label field's name. */
  stratify?: boolean | string;
  /** A sample field whose values are groups kept in one part (scene, video, patient, ...). */
  groups?: string;
  /** A sample field of times: parts are time-ordered (train earliest), k-fold as TimeSeriesSplit. */
  time?: string;
  /** Seed of the shuffle (default 0). */
  seed?: number;
  /** Shuffle before splitting (default: true for ratios, false for k-fold, as scikit-learn). */
  shuffle?: boolean;
  /** Sample field written (default `split` for ratios, `fold` for k-fold). */
  field?: string;
  /** Progress callback: (done, total) over the steps of the split. */
  onProgress?: (done: number, total: number) => void;
}

/** The paper's split: 70 % train, 15 % validation, 15 % test. */
export const DEFAULT_RATIOS = [0.7, 0.15, 0.15];

/** How far from 1 the ratios may sum (rounding of decimal shares). */
const RATIO_TOLERANCE = 1e-6;

/** Names and shares of the parts a `ratios` option asks for. */
export function parseRatios(ratios: SplitOptions["ratios"]): { names: string[]; weights: number[] } {
  const given = ratios ?? DEFAULT_RATIOS;
  const entries: [string, unknown][] = Array.isArray(given)
    ? given.map((w, i) => [defaultName(i, given.length), w])
    : typeof given === "object" && given !== null
      ? Object.entries(given)
      : [];
  if (entries.length < 2 || entries.some(([, w]) => typeof w !== "number" || !(w > 0) || !Number.isFinite(w)))
    throw new BlindspotError({
      place: "ratios",
      message: `ratios must be two or more positive numbers, got ${JSON.stringify(given)}`,
      hint: "write ratios: [0.7, 0.15, 0.15] or { train: 0.8, test: 0.2 }",
    });
  const weights = entries.map(([, w]) => w as number);
  const sum = weights.reduce((a, b) => a + b, 0);
  if (Math.abs(sum - 1) > RATIO_TOLERANCE)
    throw new BlindspotError({
      place: "ratios",
      message: `the ratios ${weights.join(", ")} sum to ${+sum.toFixed(6)}, not 1`,
      hint: `make them sum to 1, e.g. ${weights.map((w) => +(w / sum).toFixed(4)).join(", ")}`,
    });
  return { names: entries.map(([name]) => name), weights };
}

function defaultName(i: number, count: number): string {
  if (count === 2) return ["train", "test"][i];
  if (count === 3) return ["train", "val", "test"][i];
  return `part${i + 1}`;
}

export function checkK(k: unknown): number {
  if (typeof k !== "number" || !Number.isInteger(k) || k < 2)
    throw new BlindspotError({
      place: "k",
      message: `k must be a whole number of folds, 2 or more, got ${JSON.stringify(k)}`,
      hint: "write k: 5",
    });
  return k;
}
