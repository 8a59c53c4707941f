/**
 * COCO's compressed RLE string ("counts" in the JSON files), as maskApi.c's rleToString and
 * rleFrString read and write it: each count, after the third minus the count two before it, is
 * written as signed 5-bit groups, least significant first, in characters 48 + group (+ 32 when
 * another group follows).
 */
import { BlindspotError } from "../../errors";
import type { Rle } from "./rle";

/** Writes the compressed string of an RLE. */
export function rleEncode(r: Rle): string {
  const c = r.counts;
  // Seven characters cover any difference of two 32-bit counts.
  const out = Buffer.allocUnsafe(c.length * 7);
  let p = 0;
  for (let i = 0; i < c.length; i++) {
    let x = i > 2 ? c[i] - c[i - 2] : c[i];
    for (;;) {
      let g = x & 0x1f;
      x = Math.floor(x / 32);
      const more = g & 0x10 ? x !== -1 : x !== 0;
      if (more) g |= 0x20;
      out[p++] = g + 48;
      if (!more) break;
    }
  }
  return out.toString("latin1", 0, p);
}

/**
 * Reads a compressed string into an RLE of the given size. Like the C, it stops at a NUL and
 * decodes the string's UTF-8 bytes; and its shifts are 32-bit (`<<` here as in the C on x86),
 * which is why a difference below -2^29 comes back altered (see `roundTrip`).
 */
export function rleDecode(s: string, h: number, w: number): Rle {
  const bytes = toBytes(s);
  let end = bytes.indexOf(0);
  if (end < 0) end = bytes.length;
  const counts = new Uint32Array(end);
  let m = 0,
    p = 0;
  while (p < end) {
    let x = 0,
      k = 0,
      more = 0;
    do {
      if (p >= end) {
        throw new BlindspotError({
          place: `RLE counts, character ${p}`,
          message:
            `the compressed RLE string ends inside a number (its last character "${s[end - 1]}" says ` + `more follow)`,
        });
      }
      const g = (bytes[p] - 48) & 0x3f;
      x |= (g & 0x1f) << (5 * k);
      more = g & 0x20;
      p++;
      k++;
      if (!more && g & 0x10) x |= -1 << (5 * k);
    } while (more);
    counts[m] = m > 2 ? x + counts[m - 2] : x;
    m++;
  }
  return { h, w, counts: counts.slice(0, m) };
}

/**
 * The RLE after pycocotools has stored it as a string and read it back, which it does after every
 * conversion and merge. That only changes counts when one is more than 2^29 below the count two
 * before it (masks of over half a billion pixels), so the usual case costs a scan.
 */
export function roundTrip(r: Rle): Rle {
  const c = r.counts;
  for (let i = 3; i < c.length; i++) if (c[i] - c[i - 2] < -(2 ** 29)) return rleDecode(rleEncode(r), r.h, r.w);
  return r;
}

function toBytes(s: string): Uint8Array {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 127) return Buffer.from(s, "utf8");
  const b = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) b[i] = s.charCodeAt(i);
  return b;
}
