/**
 * pycocotools' box IoU on [x, y, w, h] boxes (4 numbers per box, picked by index), `out[d * G + g]`;
 * against a crowd region the union is the detection's own area.
 */
export function boxIou(
  dtBox: Float64Array,
  dtIdx: ArrayLike<number>,
  gtBox: Float64Array,
  gtIdx: ArrayLike<number>,
  crowd: Uint8Array,
  out: Float64Array,
): void {
  const D = dtIdx.length,
    G = gtIdx.length;
  for (let d = 0; d < D; d++) {
    const a = dtIdx[d] * 4;
    const dx = dtBox[a],
      dy = dtBox[a + 1],
      dw = dtBox[a + 2],
      dh = dtBox[a + 3];
    const dArea = dw * dh;
    for (let g = 0; g < G; g++) {
      const gi = gtIdx[g],
        b = gi * 4;
      const gx = gtBox[b],
        gy = gtBox[b + 1],
        gw = gtBox[b + 2],
        gh = gtBox[b + 3];
      let value = 0;
      const iw = Math.min(dx + dw, gx + gw) - Math.max(dx, gx);
      if (iw > 0) {
        const ih = Math.min(dy + dh, gy + gh) - Math.max(dy, gy);
        if (ih > 0) {
          const inter = iw * ih;
          value = inter / (crowd[gi] ? dArea : dArea + gw * gh - inter);
        }
      }
      out[d * G + g] = value;
    }
  }
}
