import { Raster, addNoise, clampByte, type RGB } from "./raster";
import { roadEdges } from "./objects";
import { drawObject } from "./shapes";
import { Rng } from "./random";
import type { Context, Layout, SceneObject } from "./types";

export interface SceneInput {
  context: Context;
  layout: Layout;
  objects: readonly SceneObject[];
  /** Draw a nearly uniform frame instead of a street (the low-information images). */
  flat?: boolean;
}

const SKY: Record<Context["time_of_day"], [RGB, RGB]> = {
  day: [
    [90, 150, 220],
    [190, 215, 240],
  ],
  dusk: [
    [60, 50, 110],
    [245, 150, 90],
  ],
  night: [
    [8, 10, 25],
    [25, 30, 55],
  ],
};
const LIGHT: Record<Context["time_of_day"], RGB> = { day: [1, 1, 1], dusk: [0.85, 0.7, 0.65], night: [0.28, 0.3, 0.4] };
const BUILDINGS: RGB[] = [
  [120, 115, 110],
  [150, 120, 95],
  [95, 100, 110],
  [170, 160, 140],
  [110, 90, 80],
];

/** Draws one street scene: sky, buildings, road with lane marks, objects far to near, then weather and sensor noise. */
export function drawScene(s: SceneInput, width: number, height: number): Uint8Array {
  const img = new Raster(width, height);
  const rng = new Rng(s.layout.seed);
  const { time_of_day: time, weather } = s.context;
  if (s.flat) return drawFlat(img, rng);
  const overcast = weather !== "clear";
  const dim = weather === "rain" ? 0.85 : 1;
  img.tint = [LIGHT[time][0] * dim, LIGHT[time][1] * dim, LIGHT[time][2] * dim];
  drawSky(img, SKY[time], overcast, s.layout.horizon);
  drawBuildings(img, rng, s.layout.horizon, time === "night");
  drawGround(img, s.layout, weather);
  const order = s.objects
    .map((_, i) => i)
    .sort((a, b) => s.objects[a].y + s.objects[a].h - (s.objects[b].y + s.objects[b].h) || a - b);
  for (const i of order) drawObject(img, s.objects[i], time === "night");
  if (weather === "rain") streaks(img, rng, (width * height) / 400, [190, 195, 205]);
  if (weather === "snow") flakes(img, rng, (width * height) / 250, time === "night" ? 120 : 245);
  if (weather === "fog") fog(img, s.layout.horizon, rng.range(0.55, 0.72), time);
  addNoise(img.data, time === "night" ? 7 : 3, rng.int(1, 0x7fffffff));
  return img.data;
}

function drawSky(img: Raster, [top, bottom]: [RGB, RGB], overcast: boolean, horizon: number): void {
  const grey: RGB = [150, 155, 160];
  for (let y = 0; y < horizon; y++) {
    const t = y / horizon;
    let c = mix(top, bottom, t);
    if (overcast) c = mix(c, scale(grey, (top[2] + bottom[2]) / 460), 0.7);
    img.span(y, 0, img.width, c, true); // the sky's palette already carries the time of day
  }
}

function drawBuildings(img: Raster, rng: Rng, horizon: number, night: boolean): void {
  const { width, height } = img;
  for (let x = 0; x < width;) {
    const w = Math.round(rng.range(0.06, 0.18) * width);
    const h = Math.round(rng.range(0.1, 0.35) * height);
    const top = Math.max(0, horizon - h);
    img.rect(x, top, w, horizon - top, scale(rng.pick(BUILDINGS), rng.range(0.8, 1.1)));
    // Windows; at night some are lit (emissive), which keeps night scenes from being flat black.
    const pitch = rng.int(7, 10);
    for (let wy = top + 3; wy + 4 < horizon - 2; wy += pitch) {
      for (let wx = x + 3; wx + 3 < x + w - 2; wx += pitch) {
        const lit = night && rng.chance(0.4);
        img.rect(wx, wy, 3, 4, lit ? [255, 220, 140] : [60, 70, 90], lit);
      }
    }
    x += w;
  }
}

function drawGround(img: Raster, layout: Layout, weather: Context["weather"]): void {
  const { width, height } = img;
  const snow = weather === "snow";
  const walk: RGB = snow ? [230, 232, 238] : [150, 150, 145];
  const road: RGB = snow ? [170, 172, 178] : weather === "rain" ? [70, 72, 80] : [88, 88, 92];
  const paint: RGB = [235, 235, 225];
  for (let y = layout.horizon; y < height; y++) {
    const t = (y - layout.horizon) / (height - layout.horizon);
    const [l, r] = roadEdges(layout, width, height, y);
    const lw = Math.max(0.6, 3 * t);
    img.span(y, 0, l, walk);
    img.span(y, r, width, walk);
    img.span(y, l, r, scale(road, 1.1 - 0.25 * t));
    img.span(y, l - lw, l + lw, paint);
    img.span(y, r - lw, r + lw, paint);
    // Dashes evenly spaced in depth (1/t), so they shorten towards the horizon.
    if (Math.floor(2 / Math.max(t, 0.01)) % 2 === 0) img.span(y, layout.vanish - lw, layout.vanish + lw, paint);
  }
}

function streaks(img: Raster, rng: Rng, count: number, c: RGB): void {
  const d = img.data;
  for (let k = 0; k < count; k++) {
    const x0 = rng.int(0, img.width - 1),
      y0 = rng.int(0, img.height - 1),
      len = rng.int(6, 12);
    for (let s = 0; s < len; s++) {
      const x = x0 + (s >> 2),
        y = y0 + s;
      if (x >= img.width || y >= img.height) break;
      const i = (y * img.width + x) * 3;
      for (let ch = 0; ch < 3; ch++) d[i + ch] = (d[i + ch] + c[ch]) >> 1;
    }
  }
}

function flakes(img: Raster, rng: Rng, count: number, level: number): void {
  for (let k = 0; k < count; k++) {
    const size = rng.chance(0.3) ? 2 : 1;
    img.rect(rng.int(0, img.width - 1), rng.int(0, img.height - 1), size, size, [level, level, level + 5], true);
  }
}

/** Fog pulls every pixel towards one grey, strongest far away: lower contrast. */
function fog(img: Raster, horizon: number, strength: number, time: Context["time_of_day"]): void {
  const level = time === "night" ? 45 : time === "dusk" ? 150 : 205;
  const d = img.data;
  for (let y = 0; y < img.height; y++) {
    const near = y <= horizon ? 0 : (y - horizon) / (img.height - horizon);
    const f = strength * (1 - 0.45 * near);
    const add = level * f;
    for (let i = y * img.width * 3, end = i + img.width * 3; i < end; i++) d[i] = d[i] * (1 - f) + add + 0.5;
  }
}

function drawFlat(img: Raster, rng: Rng): Uint8Array {
  const base: RGB = [rng.int(60, 200), rng.int(60, 200), rng.int(60, 200)];
  for (let y = 0; y < img.height; y++) img.span(y, 0, img.width, scale(base, 0.98 + (0.04 * y) / img.height), true);
  addNoise(img.data, 1, rng.int(1, 0x7fffffff));
  return img.data;
}

function mix(a: RGB, b: RGB, t: number): RGB {
  return [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, a[2] + (b[2] - a[2]) * t];
}

function scale(c: RGB, k: number): RGB {
  return [clampByte(c[0] * k), clampByte(c[1] * k), clampByte(c[2] * k)];
}
