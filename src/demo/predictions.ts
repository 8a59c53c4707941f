import { clamp } from "./objects";
import { Rng } from "./random";
import { CLASSES, type Box, type ClassName, type Prediction, type SamplePlan } from "./types";

/** The simulated detector: good in general, much worse on one camera (the planted weak subgroup). */
export const MODEL = {
  subgroup: { field: "camera" as const, value: "cam_e" },
  recall: { subgroup: 0.5, others: 0.92 },
  /** Box noise, as a fraction of the box size; `planted`: on the objects behind planted label errors. */
  jitter: { subgroup: 0.16, others: 0.04, planted: 0.02 },
  /** Confidence on the objects behind planted label errors: clear objects a good detector is sure of. */
  plantedConfidence: { min: 0.955, max: 0.999 },
  smallBoxRecallFactor: 0.75,
  falsePositivesPerImage: 0.3,
  confusionRate: 0.03,
};

/** Look-alike classes the detector confuses on its own (not planted, moderate confidence). */
const CONFUSED: Partial<Record<ClassName, ClassName>> = {
  car: "truck",
  truck: "car",
  person: "bicycle",
  bicycle: "person",
  dog: "person",
};

/**
 * Predictions for one sample. The objects behind planted label errors are always detected, surely
 * and tightly, so that a label-error analysis has the evidence to find them; they draw the same
 * random numbers as any other object, so planting leaves the rest of the demo as it is.
 */
export function predict(p: SamplePlan, rng: Rng, width: number, height: number): Prediction[] {
  const weak = p.context[MODEL.subgroup.field] === MODEL.subgroup.value;
  const forced = new Set<number>(p.gt.filter((g) => g.planted).map((g) => g.object));
  p.objects.forEach((o, i) => o.unlabeled && forced.add(i));
  let recall = weak ? MODEL.recall.subgroup : MODEL.recall.others;
  if (p.context.time_of_day === "night") recall *= 0.92;
  if (p.context.weather === "fog") recall *= 0.85;
  if (p.effect) recall *= 0.5;
  const jitter = weak ? MODEL.jitter.subgroup : MODEL.jitter.others;
  const out: Prediction[] = [];
  p.objects.forEach((o, i) => {
    const small = Math.max(o.w, o.h) < 32;
    const hit = forced.has(i) || rng.chance(small ? recall * MODEL.smallBoxRecallFactor : recall);
    if (!hit) return;
    let label = o.label;
    const draw = Math.sqrt(rng.float());
    const sure = MODEL.plantedConfidence;
    let confidence = forced.has(i) ? sure.min + (sure.max - sure.min) * draw : 0.55 + 0.44 * draw;
    if (weak && !forced.has(i)) confidence *= 0.85;
    if (!forced.has(i) && CONFUSED[label] && rng.chance(MODEL.confusionRate)) {
      label = CONFUSED[label]!;
      confidence = rng.range(0.35, 0.7);
    }
    const spread = forced.has(i) ? MODEL.jitter.planted : jitter;
    out.push({ ...jittered(o, spread, rng, width, height), label, confidence: round3(confidence), object: i });
  });
  const fps = rng.chance(MODEL.falsePositivesPerImage) ? 1 + (rng.chance(0.2) ? 1 : 0) : 0;
  for (let k = 0; k < fps; k++)
    out.push({
      ...backgroundBox(p, rng, width, height),
      label: rng.pick(CLASSES),
      confidence: round3(rng.range(0.05, 0.5)),
      object: -1,
    });
  return out;
}

/** A random box that covers no object (within 50 tries), so a false positive is one beyond doubt. */
function backgroundBox(p: SamplePlan, rng: Rng, width: number, height: number): Box {
  let box = randomBox(rng, width, height);
  for (let k = 0; k < 50 && p.objects.some((o) => iou(o, box) > 0.05); k++) box = randomBox(rng, width, height);
  return box;
}

/** Plants an overconfident error (> 0.9): a confident box on background, or a confident wrong class. */
export function plantOverconfident(p: SamplePlan, rng: Rng, width: number, height: number): void {
  const candidates = p.predictions.filter(
    (q) => q.object >= 0 && !q.planted && p.gt.some((g) => g.object === q.object && !g.planted),
  );
  const confidence = round3(rng.range(0.91, 0.995));
  if (candidates.length && rng.chance(0.5)) {
    const q = rng.pick(candidates);
    q.label = rng.pick(CLASSES.filter((c) => c !== q.label && c !== "dog"));
    q.confidence = confidence;
    q.planted = "wrong_class";
  } else {
    p.predictions.push({
      ...backgroundBox(p, rng, width, height),
      label: rng.pick(["car", "person", "bicycle"] as const),
      confidence,
      object: -1,
      planted: "false_positive",
    });
  }
}

function jittered(b: Box, s: number, rng: Rng, width: number, height: number): Box {
  const w = Math.max(2, b.w * (1 + s * rng.normal()));
  const h = Math.max(2, b.h * (1 + s * rng.normal()));
  const cx = b.x + b.w / 2 + s * b.w * rng.normal();
  const cy = b.y + b.h / 2 + s * b.h * rng.normal();
  return fit(cx - w / 2, cy - h / 2, w, h, width, height);
}

/** A box in the lower two thirds, where objects usually are. */
function randomBox(rng: Rng, width: number, height: number): Box {
  const h = rng.range(0.06, 0.3) * height;
  const w = h * rng.range(0.4, 2);
  return fit(rng.range(0, width - w), rng.range(height / 3, height - h), w, h, width, height);
}

/** Clips to the image and rounds to 0.01 px, so values print short and compare exactly. */
function fit(x: number, y: number, w: number, h: number, width: number, height: number): Box {
  const x0 = clamp(x, 0, width - 1),
    y0 = clamp(y, 0, height - 1);
  const x1 = clamp(x + w, x0 + 1, width),
    y1 = clamp(y + h, y0 + 1, height);
  return { x: round2(x0), y: round2(y0), w: round2(x1 - x0), h: round2(y1 - y0) };
}

function iou(a: Box, b: Box): number {
  const iw = Math.min(a.x + a.w, b.x + b.w) - Math.max(a.x, b.x);
  const ih = Math.min(a.y + a.h, b.y + b.h) - Math.max(a.y, b.y);
  if (iw <= 0 || ih <= 0) return 0;
  return (iw * ih) / (a.w * a.h + b.w * b.h - iw * ih);
}

const round2 = (v: number) => Math.round(v * 100) / 100;
const round3 = (v: number) => Math.round(v * 1000) / 1000;
