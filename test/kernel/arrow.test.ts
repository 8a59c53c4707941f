import { tableFromIPC } from "@uwdata/flechette";
import { describe, expect, test } from "vitest";
import {
  boolColumn,
  categoryColumn,
  encodeArrow,
  float64Column,
  int32Column,
  stringListColumn,
  typedColumn,
  utf8Column,
} from "../../kernel/artifacts/arrow";

describe("Arrow columns", () => {
  test("every kind reads back, nulls included", () => {
    const names = ["a", null, "é", "\u{1F600}", "lone \uD800", "\uDC00 after"];
    const bytes = encodeArrow({
      text: utf8Column(names),
      category: categoryColumn(["x", "y", null, "x", "y", "x"]),
      flag: boolColumn([true, false, null, 1, 0, true]),
      float: float64Column([1.5, null, NaN, 0, -2, 3]),
      int: int32Column([1, null, 3, 4, 5, 6]),
      f32: typedColumn(Float32Array.of(0.5, 1, 2, 3, 4, 5)),
      tags: stringListColumn([[], ["a", "b"], null, ["c"], [], ["d"]]),
    });
    const t = tableFromIPC(bytes);
    // Lone surrogates are written as U+FFFD, each in its own value.
    expect(t.getChild("text").toArray()).toEqual(["a", null, "é", "\u{1F600}", "lone \uFFFD", "\uFFFD after"]);
    expect(t.getChild("category").toArray()).toEqual(["x", "y", null, "x", "y", "x"]);
    expect(t.getChild("flag").toArray()).toEqual([true, false, null, true, false, true]);
    expect(Array.from(t.getChild("float").toArray() as ArrayLike<number | null>)).toEqual([1.5, null, NaN, 0, -2, 3]);
    expect(Array.from(t.getChild("int").toArray() as ArrayLike<number | null>)).toEqual([1, null, 3, 4, 5, 6]);
    expect(Array.from(t.getChild("f32").toArray() as Float32Array)).toEqual([0.5, 1, 2, 3, 4, 5]);
    expect(
      Array.from(t.getChild("tags").toArray() as ArrayLike<ArrayLike<string> | null>, (v) =>
        v === null ? null : Array.from(v),
      ),
    ).toEqual([[], ["a", "b"], null, ["c"], [], ["d"]]);
  });

  test("a table of no rows is written", () => {
    const t = tableFromIPC(
      encodeArrow({
        id: utf8Column([]),
        c: categoryColumn([]),
        x: typedColumn(new Float32Array(0)),
        tags: stringListColumn([]),
      }),
    );
    expect(t.numRows).toBe(0);
    expect(t.schema.fields.map((f) => f.name)).toEqual(["id", "c", "x", "tags"]);
  });

  test("many categories get wider dictionary indices", () => {
    const values = Array.from({ length: 40_000 }, (_, i) => `v${i}`);
    const t = tableFromIPC(encodeArrow({ c: categoryColumn(values) }));
    expect(t.getChild("c").at(39_999)).toBe("v39999");
  });
});
