import { placeObject } from "./objects";
import { Rng } from "./random";
import type { ImageEffect, SamplePlan, SceneObject, Split } from "./types";

/** Hands out samples, each at most once, in a seeded order; planted failures never share a sample. */
export class SamplePool {
  private readonly order: number[];
  private readonly taken: Uint8Array;
  private readonly cursors = new Map<string, number>();

  constructor(
    private readonly plans: SamplePlan[],
    rng: Rng,
  ) {
    this.order = rng.shuffle(plans.map((_, i) => i));
    this.taken = new Uint8Array(plans.length);
  }

  /** Next free sample whose split is one of `splits` (any split when empty). */
  take(...splits: Split[]): SamplePlan | undefined {
    const key = splits.join(",");
    let k = this.cursors.get(key) ?? 0;
    for (; k < this.order.length; k++) {
      const i = this.order[k];
      if (!this.taken[i] && (splits.length === 0 || splits.includes(this.plans[i].context.split))) {
        this.taken[i] = 1;
        this.cursors.set(key, k + 1);
        return this.plans[i];
      }
    }
    this.cursors.set(key, k);
    return undefined;
  }

  isTaken(i: number): boolean {
    return this.taken[i] === 1;
  }
}

/** At least `min`, else `share` of `n`. */
export function countOf(n: number, share: number, min: number): number {
  return Math.max(min, Math.round(n * share));
}

/**
 * Exact duplicates (returns sources and copies): the copy shares the source's scene, labels and file bytes; every other
 * one crosses train -> test.
 */
export function plantExactDuplicates(pool: SamplePool, count: number): SamplePlan[] {
  const touched: SamplePlan[] = [];
  for (let k = 0; k < count; k++) {
    const src = pool.take("train");
    const dst = k % 2 === 0 ? pool.take("test") : pool.take("train", "val");
    if (!src || !dst) break;
    touched.push(src, dst);
    dst.context = { ...src.context, split: dst.context.split };
    dst.layout = src.layout;
    dst.objects = src.objects.map((o) => ({ ...o }));
    dst.format = src.format;
    dst.quality = src.quality;
    dst.file = dst.id + extension(src.format);
    dst.copyOf = src.index;
  }
  return touched;
}

/** Near duplicates: the same scene a few pixels off, re-lit, re-encoded at a lower JPEG quality. */
export function plantNearDuplicates(
  pool: SamplePool,
  rng: Rng,
  count: number,
  width: number,
  height: number,
): SamplePlan[] {
  const touched: SamplePlan[] = [];
  for (let k = 0; k < count; k++) {
    const src = pool.take("train");
    const dst = k % 2 === 0 ? pool.take("test") : pool.take("train", "val");
    if (!src || !dst) break;
    touched.push(src, dst);
    const dx = nonZero(rng),
      dy = nonZero(rng);
    const later = Date.parse(src.context.capture_time) + rng.int(1, 20) * 60_000;
    dst.context = { ...src.context, split: dst.context.split, capture_time: new Date(later).toISOString() };
    dst.layout = src.layout;
    dst.objects = src.objects
      .map((o) => shiftObject(o, dx, dy, width, height))
      .filter((o): o is SceneObject => o !== null);
    dst.format = "jpeg";
    dst.quality = rng.int(55, 75);
    dst.file = dst.id + ".jpg";
    dst.nearOf = { index: src.index, dx, dy, gain: Math.round(rng.range(0.92, 1.08) * 100) / 100 };
  }
  return touched;
}

export function plantEffect(pool: SamplePool, effect: ImageEffect, count: number): void {
  for (let k = 0; k < count; k++) {
    const p = pool.take();
    if (!p) return;
    p.effect = effect;
    if (effect === "low_information") p.objects = []; // nothing is visible, so nothing is labelled
  }
}

/** The rare class: one dog in each of a few samples (not ones planted with other failures). */
export function plantDogs(pool: SamplePool, rng: Rng, count: number, width: number, height: number): void {
  let placed = 0;
  for (let p = pool.take(); p && placed < count; p = pool.take()) {
    if (placeObject(rng, "dog", p.layout, width, height, p.objects)) placed++;
  }
}

function nonZero(rng: Rng): number {
  return rng.pick([-4, -3, -2, -1, 1, 2, 3, 4]);
}

function shiftObject(o: SceneObject, dx: number, dy: number, width: number, height: number): SceneObject | null {
  const x0 = Math.max(0, o.x + dx),
    y0 = Math.max(0, o.y + dy);
  const x1 = Math.min(width, o.x + o.w + dx),
    y1 = Math.min(height, o.y + o.h + dy);
  if (x1 - x0 < 2 || y1 - y0 < 2) return null;
  return { ...o, x: x0, y: y0, w: x1 - x0, h: y1 - y0 };
}

export function extension(format: SamplePlan["format"]): string {
  return format === "png" ? ".png" : ".jpg";
}
