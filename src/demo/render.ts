import { blur, gainOffset, shifted, washOut } from "./raster";
import { Rng, hashSeed } from "./random";
import { drawScene } from "./scene";
import type { SamplePlan } from "./types";

/** The RGB pixels of one sample: its scene, then its planted image failure if any. */
export function renderSample(p: SamplePlan, plans: readonly SamplePlan[], width: number, height: number): Uint8Array {
  if (p.nearOf) {
    // Same photo as the source, moved a few pixels and re-exposed.
    const { index, dx, dy, gain } = p.nearOf;
    const out = shifted(renderSample(plans[index], plans, width, height), width, height, dx, dy);
    gainOffset(out, gain);
    return out;
  }
  const data = drawScene({ ...p, flat: p.effect === "low_information" }, width, height);
  const rng = new Rng(hashSeed(p.layout.seed, 0xeffec7));
  if (p.effect === "dark") gainOffset(data, rng.range(0.08, 0.16));
  if (p.effect === "overexposed") washOut(data, rng.range(215, 235));
  if (p.effect === "blurred") blur(data, width, height, rng.int(3, 5));
  return data;
}
