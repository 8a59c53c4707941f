import { describe, expect, it } from "vitest";
import { formatTime, roundedRange } from "../../extension/src/model/format";
import { codeCounts, extentOf } from "../../extension/src/model/viewCounts";

describe("the side panel's numbers", () => {
  it("counts each value over the rows of the view only", () => {
    const codes = Int32Array.of(0, 1, 1, -1, 2, 0);
    expect(Array.from(codeCounts(codes, 3, Int32Array.of(1, 2, 3, 5)))).toEqual([1, 2, 0]);
    expect(extentOf(Float64Array.of(5, NaN, -2, 9, Infinity), Int32Array.of(0, 1, 2, 4))).toEqual([-2, 5]);
    expect(extentOf(Float64Array.of(5, NaN), Int32Array.of(1))).toBeNull();
  });

  it("rounds a range outward to what a person reads", () => {
    expect(roundedRange(0.0123456, 0.98765)).toEqual({ lo: 0.012, hi: 0.988, step: 0.001 });
    expect(roundedRange(1234.5, 98765.4)).toEqual({ lo: 1200, hi: 98800, step: 100 });
    expect(roundedRange(3, 3)).toEqual({ lo: 3, hi: 3, step: null });
  });

  it("prints times in UTC to the minute, dates alone at midnight", () => {
    expect(formatTime(Date.parse("2024-03-09T12:30:59Z"))).toBe("2024-03-09 12:30");
    expect(formatTime(Date.parse("2024-03-09T00:00:00Z"))).toBe("2024-03-09");
  });
});
