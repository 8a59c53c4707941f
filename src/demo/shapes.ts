import type { Raster, RGB } from "./raster";
import type { SceneObject } from "./types";

/** Each class is a few flat shapes that fill its box, so the box is tight by construction. */

const CAR: RGB[] = [
  [200, 30, 30],
  [30, 60, 160],
  [220, 220, 220],
  [40, 40, 40],
  [150, 150, 155],
  [230, 190, 40],
  [30, 120, 60],
];
const TRUCK: RGB[] = [
  [230, 230, 225],
  [200, 120, 30],
  [60, 90, 140],
  [180, 40, 40],
];
const SHIRT: RGB[] = [
  [200, 60, 60],
  [50, 90, 170],
  [240, 240, 235],
  [60, 140, 80],
  [230, 170, 40],
  [90, 60, 120],
];
const SKIN: RGB[] = [
  [230, 190, 160],
  [190, 140, 100],
  [140, 95, 70],
  [95, 65, 45],
];
const DOG: RGB[] = [
  [130, 85, 45],
  [70, 50, 35],
  [200, 170, 120],
];
const TYRE: RGB = [25, 25, 28];
const GLASS: RGB = [70, 90, 120];
const HEADLIGHT: RGB = [255, 250, 220];

function pick<T>(items: readonly T[], tone: number): T {
  return items[Math.floor(tone * items.length) % items.length];
}

export function drawObject(img: Raster, o: SceneObject, night: boolean): void {
  switch (o.label) {
    case "car":
      return car(img, o, night);
    case "truck":
      return truck(img, o, night);
    case "person":
      return person(img, o);
    case "bicycle":
      return bicycle(img, o);
    case "traffic_light":
      return trafficLight(img, o);
    case "dog":
      return dog(img, o);
  }
}

function car(img: Raster, { x, y, w, h, tone }: SceneObject, night: boolean): void {
  const body = pick(CAR, tone);
  img.rect(x + 0.2 * w, y, 0.6 * w, 0.42 * h, body);
  img.rect(x + 0.26 * w, y + 0.07 * h, 0.48 * w, 0.3 * h, GLASS);
  img.rect(x, y + 0.38 * h, w, 0.42 * h, body);
  const r = 0.2 * h;
  img.ellipse(x + 0.2 * w, y + h - r, r, r, TYRE);
  img.ellipse(x + 0.8 * w, y + h - r, r, r, TYRE);
  if (night) {
    img.ellipse(x + 0.06 * w, y + 0.5 * h, 0.05 * w, 0.07 * h, HEADLIGHT, true);
    img.ellipse(x + 0.94 * w, y + 0.5 * h, 0.05 * w, 0.07 * h, [255, 40, 30], true);
  }
}

function truck(img: Raster, { x, y, w, h, tone }: SceneObject, night: boolean): void {
  img.rect(x, y, 0.7 * w, 0.82 * h, pick(TRUCK, tone));
  img.rect(x + 0.7 * w, y + 0.3 * h, 0.3 * w, 0.52 * h, [70, 70, 75]);
  img.rect(x + 0.76 * w, y + 0.36 * h, 0.18 * w, 0.18 * h, GLASS);
  const r = 0.15 * h;
  for (const f of [0.12, 0.3, 0.86]) img.ellipse(x + f * w, y + h - r, r, r, TYRE);
  if (night) img.ellipse(x + 0.97 * w, y + 0.7 * h, 0.03 * w, 0.05 * h, HEADLIGHT, true);
}

function person(img: Raster, { x, y, w, h, tone }: SceneObject): void {
  const r = Math.min(0.11 * h, 0.4 * w);
  img.ellipse(x + w / 2, y + r, r, r, pick(SKIN, tone * 7));
  img.rect(x, y + 2 * r, w, 0.4 * h, pick(SHIRT, tone));
  const pants: RGB = [40, 45, 60];
  img.rect(x + 0.12 * w, y + 2 * r + 0.4 * h, 0.32 * w, h - 2 * r - 0.4 * h, pants);
  img.rect(x + 0.56 * w, y + 2 * r + 0.4 * h, 0.32 * w, h - 2 * r - 0.4 * h, pants);
}

function bicycle(img: Raster, { x, y, w, h, tone }: SceneObject): void {
  const r = 0.32 * h;
  const thick = Math.max(1, 0.07 * h);
  const frame = pick(SHIRT, tone);
  const back = [x + r, y + h - r] as const,
    front = [x + w - r, y + h - r] as const;
  img.ring(back[0], back[1], r, thick, TYRE);
  img.ring(front[0], front[1], r, thick, TYRE);
  const seat = [x + 0.4 * w, y + 0.18 * h] as const,
    bar = [x + w - 1.2 * r, y + thick] as const;
  img.line(back[0], back[1], seat[0], seat[1], thick, frame);
  img.line(seat[0], seat[1], front[0], front[1], thick, frame);
  img.line(back[0], back[1], front[0] - r, front[1], thick, frame);
  img.line(front[0], front[1], bar[0], bar[1], thick, frame);
  img.rect(bar[0] - 0.1 * w, y, 0.2 * w, thick, TYRE);
}

function trafficLight(img: Raster, { x, y, w, h, tone }: SceneObject): void {
  // The pole hangs below the box: only the housing is annotated, as in common datasets.
  img.rect(x + 0.4 * w, y + h, 0.2 * w, 1.5 * h, [60, 62, 65]);
  img.rect(x, y, w, h, [35, 35, 38]);
  const lit = Math.floor(tone * 3);
  const lamps: RGB[] = [
    [255, 40, 30],
    [255, 190, 30],
    [40, 230, 90],
  ];
  for (let k = 0; k < 3; k++) {
    const c = k === lit ? lamps[k] : ([lamps[k][0] * 0.25, lamps[k][1] * 0.25, lamps[k][2] * 0.25] as RGB);
    img.ellipse(x + w / 2, y + (k + 0.5) * (h / 3), 0.35 * w, 0.13 * h, c, k === lit);
  }
}

function dog(img: Raster, { x, y, w, h, tone }: SceneObject): void {
  const fur = pick(DOG, tone);
  img.ellipse(x + 0.47 * w, y + 0.45 * h, 0.33 * w, 0.22 * h, fur);
  img.ellipse(x + 0.85 * w, y + 0.22 * h, 0.15 * w, 0.22 * h, fur);
  img.line(x + 0.15 * w, y + 0.4 * h, x + 0.02 * w, y + 0.1 * h, Math.max(1, 0.08 * h), fur);
  for (const f of [0.22, 0.34, 0.6, 0.72]) img.rect(x + f * w, y + 0.55 * h, 0.08 * w, 0.45 * h, fur);
}
