/**
 * Undoing an EXIF orientation: decodeImage gives the image as displayed; some measures are
 * defined on the pixels as the file stores them (Cleanvision hashes what PIL opens, which
 * ignores the orientation tag).
 */

/**
 * The pixels in the file's stored order, from the displayed ones (width x height, `channels`
 * bytes per pixel, interleaved) and the EXIF orientation (1-8) that turned them. Orientation 1
 * gives the same array back.
 */
export function storedOrder(
  displayed: Uint8Array,
  width: number,
  height: number,
  channels: number,
  orientation: number,
): Uint8Array {
  if (orientation === 1) return displayed;
  // Stored pixel (sx, sy) is displayed pixel origin + sx * ax + sy * ay (in pixels).
  const turned = orientation >= 5;
  const sw = turned ? height : width,
    sh = turned ? width : height;
  const last = (sh - 1) * width,
    right = sw - 1;
  const walk: Record<number, [number, number, number]> = {
    2: [right, -1, width], // mirrored left to right
    3: [last + right, -1, -width], // turned 180 degrees
    4: [last, 1, -width], // mirrored top to bottom
    5: [0, width, 1], // transposed
    6: [sh - 1, width, -1], // turned 90 degrees clockwise
    7: [(sw - 1) * width + sh - 1, -width, -1], // transversed
    8: [(sw - 1) * width, -width, 1], // turned 90 degrees anticlockwise
  };
  const [origin, ax, ay] = walk[orientation] ?? [0, 1, width];
  const out = new Uint8Array(displayed.length);
  let o = 0;
  for (let sy = 0; sy < sh; sy++) {
    for (let sx = 0, d = origin + sy * ay; sx < sw; sx++, d += ax) {
      for (let c = 0, from = d * channels; c < channels; c++) out[o++] = displayed[from + c];
    }
  }
  return out;
}
