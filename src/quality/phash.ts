/**
 * The perceptual hash Cleanvision uses for near duplicates: imagehash 4.3's `phash(image,
 * hash_size=8, highfreq_factor=4)`. The image is converted to "L" and resized to 32x32 with
 * Pillow's LANCZOS (see pil.ts; that part runs in the ONNX graph or the reference); here: the
 * 2-D DCT-II as scipy.fftpack.dct computes it (unnormalised: 2 sum x[n] cos(pi k (2n+1) / 2N)),
 * along axis 0 then axis 1, its top-left hash_size x hash_size block, and a bit per
 * coefficient above the block's median. The bits, row-major with the first as the most
 * significant, are written in hex as imagehash's str() does, so hashes compare as strings.
 */

import { median } from "./numpy";

/** The side of the resized gray image a hash of `hashSize` bits per side reads. */
export function hashInputSize(hashSize: number): number {
  return hashSize * 4;
}

const tables = new Map<number, Float64Array>();

/** cos(pi k (2i+1) / 2n) at [k * n + i], computed once per n. */
function cosines(n: number): Float64Array {
  let t = tables.get(n);
  if (!t) {
    t = new Float64Array(n * n);
    for (let k = 0; k < n; k++)
      for (let i = 0; i < n; i++) t[k * n + i] = Math.cos((Math.PI * k * (2 * i + 1)) / (2 * n));
    tables.set(n, t);
  }
  return t;
}

/**
 * The first `count` outputs of scipy.fftpack.dct (type II, unnormalised) of x[0..n), into
 * out, by halving: the even outputs are the DCT of x[i] + x[N-1-i], the odd ones sums over
 * x[i] - x[N-1-i]. What is zero in exact arithmetic for a constant or mirror-symmetric input
 * then comes out exactly zero, as it does from scipy; a direct sum of cosines leaves ~1e-13
 * there, and the hash bits of a flat image would follow that noise (every flat image hashes to
 * 8000000000000000 in imagehash). Only the outputs the hash reads are computed; each is the
 * same sum either way. The halves live in scratch arrays, one set per length.
 */
function dct(x: Float64Array, n: number, count: number, out: Float64Array): void {
  const basis = cosines(n);
  if (n % 2 === 1) {
    for (let k = 0; k < count; k++) {
      let s = 0;
      for (let i = 0; i < n; i++) s += x[i] * basis[k * n + i];
      out[k] = 2 * s;
    }
    return;
  }
  const h = n / 2,
    { sum, diff, evens } = scratchOf(h);
  for (let i = 0; i < h; i++) {
    sum[i] = x[i] + x[n - 1 - i];
    diff[i] = x[i] - x[n - 1 - i];
  }
  const even = Math.ceil(count / 2);
  dct(sum, h, even, evens);
  for (let m = 0; m < even; m++) out[2 * m] = evens[m];
  for (let k = 1; k < count; k += 2) {
    let s = 0;
    for (let i = 0; i < h; i++) s += diff[i] * basis[k * n + i];
    out[k] = 2 * s;
  }
}

const scratch = new Map<number, { sum: Float64Array; diff: Float64Array; evens: Float64Array }>();

function scratchOf(h: number): { sum: Float64Array; diff: Float64Array; evens: Float64Array } {
  let s = scratch.get(h);
  if (!s) scratch.set(h, (s = { sum: new Float64Array(h), diff: new Float64Array(h), evens: new Float64Array(h) }));
  return s;
}

/** The hash of a size x size gray image (size = hashInputSize(hashSize)), as a hex string. */
export function phash(pixels: Uint8Array, hashSize: number): string {
  const n = hashInputSize(hashSize),
    h = hashSize;
  // Along axis 0 (each column), then along axis 1 (each of the first h rows): only the top-left
  // h x h block of coefficients is read.
  const cols = new Float64Array(h * n),
    column = new Float64Array(n),
    y = new Float64Array(h);
  for (let j = 0; j < n; j++) {
    for (let i = 0; i < n; i++) column[i] = pixels[i * n + j];
    dct(column, n, h, y);
    for (let k = 0; k < h; k++) cols[k * n + j] = y[k];
  }
  const low = new Float64Array(h * h);
  for (let k = 0; k < h; k++) dct(cols.subarray(k * n, (k + 1) * n), n, h, low.subarray(k * h, (k + 1) * h));
  const med = median(low);
  // int(bits, 2) in hex, zero-padded on the left to whole hex digits.
  const pad = (4 - (low.length % 4)) % 4;
  let hex = "";
  for (let i = -pad; i < low.length; i += 4) {
    let nibble = 0;
    for (let b = i; b < i + 4; b++) nibble = (nibble << 1) | (b >= 0 && low[b] > med ? 1 : 0);
    hex += nibble.toString(16);
  }
  return hex;
}

const POPCOUNT = Uint8Array.from({ length: 16 }, (_, v) => (v & 1) + ((v >> 1) & 1) + ((v >> 2) & 1) + ((v >> 3) & 1));

/** Number of differing bits of two hashes of the same size. */
export function hammingDistance(a: string, b: string): number {
  let d = 0;
  for (let i = 0; i < a.length; i++) d += POPCOUNT[parseInt(a[i], 16) ^ parseInt(b[i], 16)];
  return d;
}
