import { BlindspotError } from "../errors";

/** Refuses anything but an integer of at least `min` for the option named by `place`. */
export function checkCount(value: unknown, place: string, min: number): number {
  if (typeof value === "number" && Number.isInteger(value) && value >= min) return value;
  throw new BlindspotError({
    place,
    message: `must be an integer of at least ${min}, got ${JSON.stringify(value) ?? String(value)}`,
    hint: `pass a whole number >= ${min}, or leave the option out for its default`,
  });
}

/** Refuses a value that is not one of `choices`. */
export function checkChoice<T extends string>(value: unknown, choices: readonly T[], place: string): T {
  if (choices.includes(value as T)) return value as T;
  throw new BlindspotError({
    place,
    message: `unknown value ${JSON.stringify(value) ?? String(value)}`,
    hint: `choose one of ${choices.map((c) => JSON.stringify(c)).join(", ")}`,
  });
}

/**
 * The number of distinct samples per code, for rows (labels) that each have a sample row and a
 * code: a sample holding three boxes of one class counts once for it. Rows need not be grouped
 * by sample (a counting sort groups them when they are not).
 */
export function samplesPerCode(sampleRows: Int32Array, codes: Int32Array, k: number, n: number): Float64Array {
  let grouped = true;
  for (let i = 1; i < sampleRows.length && grouped; i++) grouped = sampleRows[i] >= sampleRows[i - 1];
  if (grouped) return distinctPerCode(sampleRows, codes, null, k);
  const start = new Int32Array(n + 1);
  for (let i = 0; i < sampleRows.length; i++) start[sampleRows[i] + 1]++;
  for (let s = 0; s < n; s++) start[s + 1] += start[s];
  const order = new Int32Array(sampleRows.length);
  for (let i = 0; i < sampleRows.length; i++) order[start[sampleRows[i]]++] = i;
  return distinctPerCode(sampleRows, codes, order, k);
}

/** Counts each code once per run of equal sample rows, visiting rows in `order` (or as they are). */
function distinctPerCode(sampleRows: Int32Array, codes: Int32Array, order: Int32Array | null, k: number): Float64Array {
  const out = new Float64Array(k);
  const last = new Int32Array(k).fill(-1);
  for (let j = 0; j < sampleRows.length; j++) {
    const i = order === null ? j : order[j];
    const c = codes[i];
    if (last[c] !== sampleRows[i]) {
      last[c] = sampleRows[i];
      out[c]++;
    }
  }
  return out;
}
