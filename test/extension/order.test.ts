import { describe, expect, it } from "vitest";
import { argsort } from "../../extension/src/model/order";

/** The reference: a stable comparator sort, NaN last in both directions. */
function reference(keys: Float64Array, descending: boolean, rows?: number[]): number[] {
  const idx = rows ?? Array.from(keys, (_, i) => i);
  return [...idx].sort((a, b) => {
    const x = keys[a],
      y = keys[b];
    if (Number.isNaN(x) || Number.isNaN(y)) return Number(Number.isNaN(x)) - Number(Number.isNaN(y));
    return descending ? y - x : x - y;
  });
}

describe("argsort (radix)", () => {
  it("orders numbers with negatives, zeros of both signs, infinities and NaN last, stably", () => {
    const keys = Float64Array.from([3, -1, NaN, 0, -0, Infinity, -Infinity, 3, 2.5, -1e-300, 1e300, NaN, 3]);
    for (const desc of [false, true]) expect(Array.from(argsort(keys, desc))).toEqual(reference(keys, desc));
  });

  it("matches a comparator sort on random data with many ties", () => {
    let seed = 42;
    const rand = () => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;
    const keys = Float64Array.from({ length: 20_000 }, () =>
      rand() < 0.05 ? NaN : Math.round((rand() - 0.5) * 200) / 4,
    );
    for (const desc of [false, true]) expect(Array.from(argsort(keys, desc))).toEqual(reference(keys, desc));
  });

  it("sorts only the given rows and returns row numbers", () => {
    const keys = Float64Array.from([5, 4, 3, 2, 1, 0]);
    expect(Array.from(argsort(keys, false, Int32Array.from([0, 2, 4])))).toEqual([4, 2, 0]);
  });

  it("handles empty and single-element input", () => {
    expect(Array.from(argsort(new Float64Array(0)))).toEqual([]);
    expect(Array.from(argsort(Float64Array.from([7])))).toEqual([0]);
  });

  // Its speed is not asserted: a timing depends on the machine and its load, not on the code alone.
  it("sorts 1,000,000 keys, each row once", () => {
    const keys = Float64Array.from({ length: 1_000_000 }, (_, i) => Math.sin(i) * 1000);
    const order = argsort(keys);
    expect(new Set(order).size).toBe(keys.length);
    let outOfOrder = 0;
    for (let i = 1; i < order.length; i++) if (keys[order[i - 1]] > keys[order[i]]) outOfOrder++;
    expect(outOfOrder).toBe(0);
  });
});
