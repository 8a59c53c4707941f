import { describe, expect, it } from "vitest";
import { mulberry32 } from "../../src/dataset/view";
import { quantile } from "../../src/eval/slices";
import { orderStatistics } from "../../src/analyze/stats/select";

/** Order statistics by quickselect equal a sort's, on random, tied, sorted and constant numbers. */
describe("orderStatistics", () => {
  const rand = mulberry32(4);
  const cases: [string, Float64Array][] = [
    ["random", Float64Array.from({ length: 5001 }, () => rand() * 1000)],
    ["many ties", Float64Array.from({ length: 4000 }, () => Math.floor(rand() * 7))],
    ["sorted", Float64Array.from({ length: 3000 }, (_, i) => i / 3)],
    ["reversed", Float64Array.from({ length: 3000 }, (_, i) => -i)],
    ["constant", new Float64Array(999).fill(2.5)],
    ["one", Float64Array.of(7)],
  ];
  for (const [name, values] of cases) {
    it(`${name}: every requested rank, and numpy-style quantiles built on them`, () => {
      const sorted = values.slice().sort();
      const n = values.length;
      const ranks = [n - 1, 0, Math.floor(n / 2), Math.floor(n / 3), Math.floor(n / 3), Math.floor((2 * n) / 3)];
      expect(orderStatistics(values.slice(), ranks)).toEqual(ranks.map((k) => sorted[k]));
      const many = Array.from({ length: 40 }, () => Math.floor(rand() * n));
      expect(orderStatistics(values.slice(), many)).toEqual(many.map((k) => sorted[k]));
      for (const q of [0, 0.2, 0.25, 0.5, 0.8, 1]) {
        const pos = (n - 1) * q;
        const [a, b] = orderStatistics(values.slice(), [Math.floor(pos), Math.min(Math.floor(pos) + 1, n - 1)]);
        expect(a + (b - a) * (pos - Math.floor(pos))).toBe(quantile(sorted, q));
      }
    });
  }
});
