import { describe, expect, it } from "vitest";
import { sortedCopy } from "../../src/analyze/stats/sortNumbers";
import { mulberry32 } from "../../src/dataset/view";

describe("sortedCopy", () => {
  const rand = mulberry32(7);
  const cases: Record<string, number[]> = {
    uniform: Array.from({ length: 5000 }, () => rand() * 10 - 5),
    "clustered (most values in one bucket)": Array.from({ length: 5000 }, (_, i) =>
      i % 50 ? rand() * 1e-9 : rand() * 1e6,
    ),
    "few distinct values": Array.from({ length: 3000 }, () => Math.floor(rand() * 4)),
    "infinities and zeros": [Infinity, -Infinity, ...Array.from({ length: 200 }, () => rand() - 0.5), 0, -0, 0],
    "all equal": new Array(500).fill(3),
    short: [3, 1, 2],
  };
  for (const [name, values] of Object.entries(cases))
    it(`equals the native sort: ${name}`, () => {
      const input = Float64Array.from(values);
      const sorted = sortedCopy(input);
      expect(Array.from(sorted)).toEqual(Array.from(Float64Array.from(values).sort()));
      expect(Array.from(input)).toEqual(values); // the input is left as it was
    });
});
