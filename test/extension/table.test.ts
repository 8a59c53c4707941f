import { describe, expect, it } from "vitest";
import { countLine, formatValue } from "../../extension/src/model/format";
import { toRecords } from "../../extension/src/model/records";
import { inlineSource, pageRange, TableModel } from "../../extension/src/model/table";
import { roundTrip } from "./arrow";

describe("table model", () => {
  const columns = [
    { name: "class", type: "string" as const },
    { name: "ap", type: "number" as const },
    { name: "ok", type: "boolean" as const },
  ];
  const model = new TableModel(
    columns,
    inlineSource([
      ["cat", 0.5, true],
      ["dog", null, false],
      ["ant", 0.75, null],
    ]),
  );

  it("sorts by any column, missing values last", () => {
    expect(Array.from(model.order(null, false))).toEqual([0, 1, 2]);
    expect(Array.from(model.order(0, false))).toEqual([2, 0, 1]);
    expect(Array.from(model.order(1, true))).toEqual([2, 0, 1]);
    expect(Array.from(model.order(2, false))).toEqual([1, 0, 2]);
  });

  it("pages through rows", () => {
    expect(pageRange(0, 120, 50)).toEqual({ page: 0, pages: 3, start: 0, end: 50 });
    expect(pageRange(9, 120, 50)).toEqual({ page: 2, pages: 3, start: 100, end: 120 });
    expect(pageRange(0, 0, 50)).toEqual({ page: 0, pages: 1, start: 0, end: 0 });
  });
});

describe("formatting", () => {
  it("writes the count line the tests read", () => {
    expect(countLine(12, 2000, 3)).toBe("12 of 2,000 shown · 3 selected");
    expect(countLine(1_000_000, 1_000_000, 0)).toBe("1,000,000 of 1,000,000 shown");
  });

  it("formats values for captions and tables", () => {
    expect(formatValue(null)).toBe("—");
    expect(formatValue(NaN)).toBe("—");
    expect(formatValue(1234)).toBe("1,234");
    expect(formatValue(0.123456)).toBe("0.1235");
    expect(formatValue(1e-7)).toBe("1.000e-7");
    expect(formatValue(["a", "b"])).toBe("a, b");
    expect(formatValue("<b>x</b>")).toBe("<b>x</b>");
  });
});

describe("records for Vega", () => {
  it("turns Arrow columns into row objects, all or some rows, with int64 as numbers", () => {
    const t = roundTrip({ a: [1, 2, 3], b: ["x", "y", "z"], c: BigInt64Array.from([1n, 2n, 3n]) });
    const names = t.names.map(String);
    const cols = names.map((n) => t.getChild(n).toArray() as ArrayLike<unknown>);
    expect(toRecords(names, cols)).toEqual([
      { a: 1, b: "x", c: 1 },
      { a: 2, b: "y", c: 2 },
      { a: 3, b: "z", c: 3 },
    ]);
    expect(toRecords(names, cols, [2, 0])).toEqual([
      { a: 3, b: "z", c: 3 },
      { a: 1, b: "x", c: 1 },
    ]);
  });
});
