import { CAMERAS, LOCATIONS, SPLITS, type Context, type Split, type TimeOfDay, type Weather } from "./types";
import { Rng, STREAM, hashSeed } from "./random";

/** Scenario mixes: the production batch drifts to much more fog and night than the reference. */
export const MIX = {
  reference: {
    time_of_day: { day: 0.62, dusk: 0.2, night: 0.18 } as Record<TimeOfDay, number>,
    weather: { clear: 0.6, rain: 0.2, fog: 0.08, snow: 0.12 } as Record<Weather, number>,
  },
  production: {
    time_of_day: { day: 0.35, dusk: 0.2, night: 0.45 } as Record<TimeOfDay, number>,
    weather: { clear: 0.25, rain: 0.2, fog: 0.45, snow: 0.1 } as Record<Weather, number>,
  },
};

/** Capture periods (UTC): the production batch is collected after the training data. */
export const PERIODS = {
  reference: { from: "2023-01-01T00:00:00.000Z", to: "2024-01-01T00:00:00.000Z" },
  production: { from: "2024-05-01T00:00:00.000Z", to: "2024-06-01T00:00:00.000Z" },
};

const SHARES = { production: 0.15, train: 0.7, val: 0.12 }; // of the non-production part; the rest is test
const DAY_MS = 86_400_000;
const HOURS: Record<TimeOfDay, [number, number]> = { day: [8, 16], dusk: [17, 19], night: [21, 28] };

/** Every sample's context. Production is the last block of ids; the rest is shuffled into train/val/test. */
export function drawContexts(n: number, seed: number): Context[] {
  const rng = new Rng(hashSeed(seed, STREAM.context));
  const prod = Math.round(n * SHARES.production);
  const rest = n - prod;
  const train = Math.round(rest * SHARES.train);
  const val = Math.round(rest * SHARES.val);
  const order = rng.shuffle(Array.from({ length: rest }, (_, i) => i));
  const splits = new Array<Split>(n).fill("production");
  order.forEach((i, k) => (splits[i] = k < train ? "train" : k < train + val ? "val" : "test"));
  // Quotas rather than independent draws, so even 200 samples show the mixes (and the drift) exactly.
  const times = new Array<TimeOfDay>(n);
  const weathers = new Array<Weather>(n);
  for (const split of SPLITS) {
    const members = splits.flatMap((s, i) => (s === split ? [i] : []));
    const mix = split === "production" ? MIX.production : MIX.reference;
    quota(mix.time_of_day, members.length, rng).forEach((v, k) => (times[members[k]] = v));
    quota(mix.weather, members.length, rng).forEach((v, k) => (weathers[members[k]] = v));
  }
  return splits.map((split, i) => drawContext(seed, i, split, times[i], weathers[i]));
}

function drawContext(seed: number, index: number, split: Split, time: TimeOfDay, weather: Weather): Context {
  const rng = new Rng(hashSeed(seed, STREAM.context, index));
  const period = split === "production" ? PERIODS.production : PERIODS.reference;
  const from = Date.parse(period.from);
  const days = Math.floor((Date.parse(period.to) - from) / DAY_MS);
  // The clock time agrees with time_of_day, so time-window analyses see the same story.
  const [h0, h1] = HOURS[time];
  const ms = from + rng.int(0, days - 2) * DAY_MS + rng.int(h0 * 60, h1 * 60 + 59) * 60_000 + rng.int(0, 59) * 1000;
  return {
    split,
    time_of_day: time,
    weather,
    camera: rng.pick(CAMERAS),
    location: rng.pick(LOCATIONS),
    capture_time: new Date(ms).toISOString(),
  };
}

/** `n` values in shuffled order, each as often as its share says (largest remainders round). */
function quota<K extends string>(shares: Record<K, number>, n: number, rng: Rng): K[] {
  const keys = Object.keys(shares) as K[];
  const exact = keys.map((k) => shares[k] * n);
  const counts = exact.map(Math.floor);
  const byRemainder = keys.map((_, i) => i).sort((a, b) => exact[b] - counts[b] - (exact[a] - counts[a]) || a - b);
  for (let k = 0, left = n - counts.reduce((s, c) => s + c, 0); k < left; k++) counts[byRemainder[k]]++;
  return rng.shuffle(keys.flatMap((k, i) => new Array<K>(counts[i]).fill(k)));
}
