/**
 * An image's scores as one row of float32 (what the batch pipeline and its result cache hold):
 * each number as two float32, hi = fround(x) and lo = fround(x - hi), which give x back to
 * ~2^-48 relative (float32 alone, 6e-8, would round scores that sit near a threshold); the
 * hashes as 16-bit words, exact.
 */

import type { QualityScores } from "./stats";

/** The stored scores: every numeric score plus the pixel md5 (duplicates.ts). */
export type ImageQuality = QualityScores & { md5: string };

type NumericKey = Exclude<keyof QualityScores, "phash">;

const NUMERIC: readonly NumericKey[] = [
  "brightness",
  "brightness_p1",
  "brightness_p5",
  "brightness_p10",
  "brightness_p15",
  "brightness_p90",
  "brightness_p95",
  "brightness_p99",
  "contrast",
  "laplacian_var",
  "entropy",
  "colorfulness",
  "blurriness",
  "blurriness_gray_std",
  "aspect_ratio",
  "size",
  "channels",
];

/** Every stored score, in row order. */
export const STORED_KEYS: readonly (keyof ImageQuality)[] = [...NUMERIC, "phash", "md5"];

/** Hex digits of a phash of `hashSize` bits a side, and of an md5. */
const phashDigits = (hashSize: number) => Math.ceil((hashSize * hashSize) / 4);
const MD5_DIGITS = 32;
const words = (digits: number) => Math.ceil(digits / 4);

export function rowWidth(hashSize: number): number {
  return 2 * NUMERIC.length + words(phashDigits(hashSize)) + words(MD5_DIGITS);
}

export function packRow(q: ImageQuality, hashSize: number, out: Float32Array, offset: number): void {
  let at = offset;
  for (const key of NUMERIC) {
    const hi = Math.fround(q[key]);
    out[at++] = hi;
    out[at++] = q[key] - hi;
  }
  for (const hex of [q.phash, q.md5]) {
    for (let i = 0; i < hex.length; i += 4) out[at++] = parseInt(hex.slice(i, i + 4), 16);
  }
  if (at - offset !== rowWidth(hashSize))
    throw new RangeError(`packRow: a phash of ${q.phash.length} hex digits does not have hashSize ${hashSize}`);
}

/** The scores of a row, or null for a row of NaN (an image that could not be decoded). */
export function unpackRow(row: Float32Array, hashSize: number): ImageQuality | null {
  if (Number.isNaN(row[0])) return null;
  const q: Record<string, number | string> = {};
  let at = 0;
  for (const key of NUMERIC) {
    q[key] = row[at] + row[at + 1];
    at += 2;
  }
  const hex = (digits: number) => {
    let s = "";
    for (let i = 0; i < digits; i += 4) s += row[at++].toString(16).padStart(Math.min(4, digits - i), "0");
    return s;
  };
  q.phash = hex(phashDigits(hashSize));
  q.md5 = hex(MD5_DIGITS);
  return q as ImageQuality;
}
