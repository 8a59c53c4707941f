import { describe, expect, it } from "vitest";
import { codedSortKeys, dictionaryRanks, encodeStrings, toFloat64 } from "../../extension/src/model/columns";
import { roundTrip } from "./arrow";

describe("column helpers", () => {
  it("turns Arrow numbers with nulls into a Float64Array with NaN", () => {
    const t = roundTrip({ a: [1, null, 2.5] });
    const col = t.getChild("a").toArray();
    expect(Array.from(toFloat64(col))).toEqual([1, NaN, 2.5]);
    const typed = Float64Array.from([1, 2]);
    expect(toFloat64(typed)).toBe(typed);
  });

  it("dictionary-encodes strings, nulls as -1", () => {
    const c = encodeStrings(
      roundTrip({ s: ["b", null, "a", "b"] })
        .getChild("s")
        .toArray(),
    );
    expect(Array.from(c.codes)).toEqual([0, -1, 1, 0]);
    expect(c.values).toEqual(["b", "a"]);
  });

  it("ranks values naturally (img2 before img10) and sorts nulls last", () => {
    expect(Array.from(dictionaryRanks(["img10", "img2", "Apple", "banana"]))).toEqual([3, 2, 0, 1]);
    const keys = codedSortKeys(encodeStrings(["img10", null, "img2"]));
    expect(Array.from(keys)).toEqual([1, NaN, 0]);
  });
});
