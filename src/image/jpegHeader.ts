/**
 * The few facts decodeImage needs from a JPEG's header, read in JavaScript: the size,
 * components, sample precision and EXIF orientation. For the common file this saves a second
 * call into libvips (sharp's metadata()), about a third of the decoding time of a small image.
 * Anything unusual returns undefined and decodeImage asks libvips instead.
 */

export interface JpegHeader {
  /** Size as stored (before EXIF rotation). */
  width: number;
  height: number;
  /** 1 (gray), 3 (YCbCr or RGB) or 4 (CMYK, YCCK). */
  components: number;
  /** Bits per sample: 8, or 12 for some medical and camera files. */
  precision: number;
  /** EXIF orientation 1-8 (1 when absent). */
  orientation: number;
}

const SOI = 0xd8,
  SOS = 0xda,
  EOI = 0xd9,
  APP1 = 0xe1;

/** Start-of-frame markers: C0-CF except DHT (C4), JPG (C8) and DAC (CC). */
function isStartOfFrame(marker: number): boolean {
  return marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
}

export function readJpegHeader(b: Uint8Array): JpegHeader | undefined {
  if (b.length < 4 || b[0] !== 0xff || b[1] !== SOI) return undefined;
  let orientation = 1;
  let p = 2;
  while (p + 4 <= b.length) {
    if (b[p] !== 0xff) return undefined;
    const marker = b[p + 1];
    if (marker === 0xff) {
      p++;
      continue;
    } // fill byte
    if (marker === SOS || marker === EOI) return undefined; // no frame header before the data
    const length = (b[p + 2] << 8) | b[p + 3];
    const body = p + 4,
      end = p + 2 + length;
    if (length < 2 || end > b.length) return undefined;
    if (marker === APP1) {
      const found = exifOrientation(b, body, end);
      if (found === undefined) return undefined;
      orientation = found;
    } else if (isStartOfFrame(marker)) {
      if (length < 8) return undefined;
      const height = (b[body + 1] << 8) | b[body + 2],
        width = (b[body + 3] << 8) | b[body + 4];
      // Height 0: the size comes later (a DNL marker), which libvips handles.
      if (!width || !height) return undefined;
      return { width, height, components: b[body + 5], precision: b[body], orientation };
    }
    p = end;
  }
  return undefined;
}

/**
 * The orientation tag of an APP1 segment: 1 when it is not EXIF or has no tag, undefined
 * when the EXIF block cannot be read (decodeImage then asks libvips).
 */
function exifOrientation(b: Uint8Array, start: number, end: number): number | undefined {
  const exif = [0x45, 0x78, 0x69, 0x66, 0, 0]; // "Exif\0\0"
  if (end - start < 14 || exif.some((v, i) => b[start + i] !== v)) return 1;
  const tiff = start + 6;
  const little = b[tiff] === 0x49 && b[tiff + 1] === 0x49;
  if (!little && !(b[tiff] === 0x4d && b[tiff + 1] === 0x4d)) return undefined;
  const u16 = (at: number) => (at + 2 > end ? NaN : little ? b[at] | (b[at + 1] << 8) : (b[at] << 8) | b[at + 1]);
  const u32 = (at: number) =>
    at + 4 > end ? NaN : little ? u16(at) + u16(at + 2) * 65536 : u16(at) * 65536 + u16(at + 2);
  const ifd = tiff + u32(tiff + 4);
  const entries = u16(ifd);
  if (!Number.isFinite(ifd) || !Number.isFinite(entries)) return undefined;
  for (let e = 0; e < entries; e++) {
    const at = ifd + 2 + 12 * e;
    const tag = u16(at);
    if (!Number.isFinite(tag)) return undefined;
    if (tag !== 0x0112) continue;
    const value = u16(at + 8);
    return value >= 1 && value <= 8 ? value : undefined;
  }
  return 1;
}
