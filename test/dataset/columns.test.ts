import * as aq from "arquero";
import { describe, expect, it } from "vitest";
import { values } from "../../src/dataset/columns";

describe("values, the one column reader", () => {
  it("hands out a plain table's own typed array or array, without a copy", () => {
    const x = Float64Array.from([3, 1, 2]);
    const names = ["c", "a", "b"];
    const t = aq.table({ x, names });
    expect(values(t, "x")).toBe(x);
    expect(values(t, "names")).toBe(names);
  });

  it("copies only where the table is filtered or ordered, in the table's row order", () => {
    const t = aq.table({ x: Float64Array.from([3, 1, 2]) });
    expect(Array.from(values<number>(t.orderby("x"), "x"))).toEqual([1, 2, 3]);
    expect(
      Array.from(
        values<number>(
          t.filter((d: { x: number }) => d.x > 1),
          "x",
        ),
      ),
    ).toEqual([3, 2]);
  });
});
