/** The EXIF orientation entry of IFD0 (tag 0x0112, SHORT, count 1) in either byte order; its value follows. */
const ENTRY = { little: Buffer.from("1201030001000000", "hex"), big: Buffer.from("0112000300000001", "hex") };
/** EXIF lives in the first segments: look no further than this for the entry. */
const EXIF_REACH = 64 * 1024;

/**
 * A copy of a JPEG with its EXIF orientation set and nothing else changed (the compressed pixels
 * stay byte for byte): the tag's value rewritten where the file has one, else an EXIF segment
 * holding only that tag inserted after the start-of-image marker.
 */
export function withOrientation(jpeg: Uint8Array, orientation: number): Buffer {
  const bytes = Buffer.from(jpeg);
  const head = bytes.subarray(0, EXIF_REACH);
  const little = head.indexOf(ENTRY.little),
    big = head.indexOf(ENTRY.big);
  if (little >= 0) bytes.writeUInt16LE(orientation, little + 8);
  else if (big >= 0) bytes.writeUInt16BE(orientation, big + 8);
  else {
    // "Exif\0\0", a little-endian TIFF header, IFD0 with the one entry, no next IFD.
    const tiff = Buffer.from("49492a0008000000010012010300010000000000000000000000", "hex");
    tiff.writeUInt16LE(orientation, 18);
    const body = Buffer.concat([Buffer.from("Exif\0\0", "latin1"), tiff]);
    const marker = Buffer.from([0xff, 0xe1, (body.length + 2) >> 8, (body.length + 2) & 255]);
    return Buffer.concat([bytes.subarray(0, 2), marker, body, bytes.subarray(2)]);
  }
  return bytes;
}
