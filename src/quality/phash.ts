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

/** cos(pi k (2n+1) / 2N) for k < rows, n < N. */
function dctBasis(rows: number, n: number): Float64Array {
  const m = new Float64Array(rows * n);
  for (let k = 0; k < rows; k++) for (let i = 0; i < n; i++) m[k * n + i] = Math.cos((Math.PI * k * (2 * i + 1)) / (2 * n));
  return m;
}

/** The hash of a size x size gray image (size = hashInputSize(hashSize)), as a hex string. */
export function phash(pixels: Uint8Array, hashSize: number): string {
  const n = hashInputSize(hashSize), h = hashSize;
  const basis = dctBasis(h, n);
  // Along axis 0 (down the columns), keeping the first h frequencies.
  const cols = new Float64Array(h * n);
  for (let k = 0; k < h; k++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let i = 0; i < n; i++) s += pixels[i * n + j] * basis[k * n + i];
      cols[k * n + j] = 2 * s;
    }
  }
  // Along axis 1.
  const low = new Float64Array(h * h);
  for (let k = 0; k < h; k++) {
    for (let l = 0; l < h; l++) {
      let s = 0;
      for (let j = 0; j < n; j++) s += cols[k * n + j] * basis[l * n + j];
      low[k * h + l] = 2 * s;
    }
  }
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
