import type { ClassName, Context, Layout, SceneObject } from "./types";
import { Rng, STREAM, hashSeed } from "./random";

/** Common classes; the truck is only ever seen at night (the one-context class), the dog is planted. */
const WEIGHTS: Record<"car" | "person" | "bicycle" | "traffic_light" | "truck", number> = {
  car: 0.46,
  person: 0.24,
  bicycle: 0.1,
  traffic_light: 0.12,
  truck: 0.08,
};
export const CONTEXT_CLASS = { label: "truck" as ClassName, field: "time_of_day" as const, value: "night" };

/** Height at the image bottom (fraction of image height) and width/height ratio range. */
const SHAPE: Record<ClassName, { h: number; ratio: [number, number] }> = {
  car: { h: 0.3, ratio: [1.5, 2.1] },
  truck: { h: 0.45, ratio: [1.6, 2.2] },
  person: { h: 0.42, ratio: [0.33, 0.42] },
  bicycle: { h: 0.25, ratio: [1.5, 1.8] },
  dog: { h: 0.17, ratio: [1.4, 1.7] },
  traffic_light: { h: 0.2, ratio: [0.36, 0.42] },
};

export function drawLayout(seed: number, index: number, width: number, height: number): Layout {
  const rng = new Rng(hashSeed(seed, STREAM.layout, index));
  return {
    horizon: Math.round(height * rng.range(0.36, 0.48)),
    vanish: Math.round(width * rng.range(0.38, 0.62)),
    seed: hashSeed(seed, STREAM.pixels, index),
  };
}

/** Road edges at a row: the road widens towards the camera. */
export function roadEdges(layout: Layout, width: number, height: number, y: number): [number, number] {
  const t = (y - layout.horizon) / (height - layout.horizon);
  const half = width * 0.55 * t;
  return [layout.vanish - half, layout.vanish + half];
}

export function sceneObjects(
  seed: number,
  index: number,
  layout: Layout,
  ctx: Context,
  width: number,
  height: number,
): SceneObject[] {
  const rng = new Rng(hashSeed(seed, STREAM.objects, index));
  const weights = { ...WEIGHTS, truck: ctx[CONTEXT_CLASS.field] === CONTEXT_CLASS.value ? WEIGHTS.truck * 3 : 0 };
  const out: SceneObject[] = [];
  const n = rng.int(2, 7);
  for (let i = 0; i < n; i++) placeObject(rng, rng.weighted(weights), layout, width, height, out);
  return out;
}

/** Places one object in perspective, avoiding heavy overlap; returns false when no room was found. */
export function placeObject(
  rng: Rng,
  label: ClassName,
  layout: Layout,
  width: number,
  height: number,
  into: SceneObject[],
): boolean {
  const shape = SHAPE[label];
  for (let attempt = 0; attempt < 8; attempt++) {
    // Uniform depth gives many far (small, < 32 px) objects as well as large near ones.
    const t = rng.range(0.03, 1);
    const ground = layout.horizon + t * (height - layout.horizon);
    let h = height * shape.h * (0.1 + 0.9 * t) * rng.range(0.85, 1.15);
    let w = h * rng.range(shape.ratio[0], shape.ratio[1]);
    if (w > width * 0.9) [w, h] = [width * 0.9, (h * width * 0.9) / w];
    const [left, right] = roadEdges(layout, width, height, ground);
    let cx: number;
    let bottom = ground;
    if (label === "car" || label === "truck") {
      cx = rng.range(left + w / 2, Math.max(left + w / 2, right - w / 2));
    } else {
      const side = rng.chance(0.5) ? -1 : 1;
      const edge = side < 0 ? left : right;
      cx = edge + side * rng.range(-0.05, 0.3) * width * Math.max(t, 0.2);
      if (label === "traffic_light") bottom = ground - h * 1.5; // the pole lifts the housing
    }
    const bw = Math.max(2, Math.round(w));
    const bh = Math.max(2, Math.round(h));
    const box = {
      x: clamp(Math.round(cx - bw / 2), 0, width - bw),
      y: clamp(Math.round(bottom - bh), 0, height - bh),
      w: bw,
      h: bh,
    };
    if (into.some((o) => overlap(o, box) > 0.25)) continue;
    into.push({ label, ...box, tone: rng.float() });
    return true;
  }
  return false;
}

/** Intersection over the smaller box, so a small object hidden behind a big one counts too. */
function overlap(
  a: { x: number; y: number; w: number; h: number },
  b: { x: number; y: number; w: number; h: number },
): number {
  const iw = Math.min(a.x + a.w, b.x + b.w) - Math.max(a.x, b.x);
  const ih = Math.min(a.y + a.h, b.y + b.h) - Math.max(a.y, b.y);
  if (iw <= 0 || ih <= 0) return 0;
  return (iw * ih) / Math.min(a.w * a.h, b.w * b.h);
}

export function clamp(v: number, lo: number, hi: number): number {
  return v < lo ? lo : v > hi ? hi : v;
}
