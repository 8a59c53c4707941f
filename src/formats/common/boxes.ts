import type { DatasetBuilder } from "../../dataset/builder";

/**
 * Turns boxes parsed as normalised centre/size (YOLO, relative text files) into the internal
 * absolute top-left/size, once each sample's size is known. Boxes of samples whose image
 * could not be read stay as they are; that sample carries a problem already.
 */
export function denormaliseCentreBoxes(b: DatasetBuilder): void {
  const o = b.o;
  for (let i = 0; i < o.x.length; i++) {
    const row = b.rowOf(o.sample_id[i])!;
    const W = b.sampleWidth(row), H = b.sampleHeight(row);
    if (W === null || H === null) continue;
    const w = o.w[i] * W, h = o.h[i] * H;
    o.x[i] = o.x[i] * W - w / 2;
    o.y[i] = o.y[i] * H - h / 2;
    o.w[i] = w;
    o.h[i] = h;
  }
}
