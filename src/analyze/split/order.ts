import { mulberry32 } from "../../dataset/view";

/** A seeded source of uniform numbers in [0, 1); null where a splitter runs without shuffling. */
export type Random = () => number;

export function seeded(seed: number): Random {
  return mulberry32(seed);
}

/** Shuffles `items` in place (Fisher-Yates) and returns them. */
export function shuffleInPlace<T extends { [i: number]: number; length: number }>(items: T, random: Random): T {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const t = items[i];
    items[i] = items[j];
    items[j] = t;
  }
  return items;
}

/** 0 .. n-1, shuffled when `random` is given. */
export function indexOrder(n: number, random: Random | null): Int32Array {
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  return random ? shuffleInPlace(order, random) : order;
}

/**
 * Unit indices by size, largest first, in a stable order after `indexOrder` (ties keep the shuffled
 * order, or the index order without shuffling).
 */
export function largestFirst(sizes: ArrayLike<number>, random: Random | null): Int32Array {
  const order = indexOrder(sizes.length, random);
  const rank = new Int32Array(sizes.length);
  for (let p = 0; p < order.length; p++) rank[order[p]] = p;
  return order.sort((a, b) => sizes[b] - sizes[a] || rank[a] - rank[b]);
}
