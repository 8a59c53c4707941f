import { describe, expect, it } from "vitest";
import { nextFocus } from "../../extension/src/model/focus";
import { gridLayout } from "../../extension/src/model/layout";

// 6 columns of 150 px tiles (180 high, gap 8) in a 1000 px wide viewport.
const flat = gridLayout(1000, 150, 180, 8, 20);

describe("keyboard focus in the grid", () => {
  it("arrows step by one tile or one row, and stop at the edges", () => {
    expect(nextFocus(flat, null, "ArrowDown", 600)).toBe(0);
    expect(nextFocus(flat, 0, "ArrowRight", 600)).toBe(1);
    expect(nextFocus(flat, 0, "ArrowLeft", 600)).toBe(0);
    expect(nextFocus(flat, 1, "ArrowDown", 600)).toBe(7);
    expect(nextFocus(flat, 7, "ArrowUp", 600)).toBe(1);
    expect(nextFocus(flat, 1, "ArrowUp", 600)).toBe(1);
    // The last row holds 18 and 19: down from column 4 lands on the nearest, 19.
    expect(nextFocus(flat, 16, "ArrowDown", 600)).toBe(19);
    expect(nextFocus(flat, 19, "ArrowRight", 600)).toBe(19);
    expect(nextFocus(flat, 5, "End", 600)).toBe(19);
    expect(nextFocus(flat, 5, "Home", 600)).toBe(0);
  });

  it("page keys move by the rows the viewport shows", () => {
    // 600 px show 3 rows of 188 px.
    expect(nextFocus(flat, 2, "PageDown", 600)).toBe(19);
    expect(nextFocus(flat, 14, "PageUp", 600)).toBe(2);
  });

  it("up and down cross the headers of a grouped grid and keep the column", () => {
    // Groups of 8 and 5 tiles: rows [0-5], [6, 7] | header | [8-12].
    const grouped = gridLayout(1000, 150, 180, 8, 13, { starts: Int32Array.of(0, 8), headerHeight: 30 });
    expect(nextFocus(grouped, 1, "ArrowDown", 600)).toBe(7);
    expect(nextFocus(grouped, 7, "ArrowDown", 600)).toBe(9);
    expect(nextFocus(grouped, 3, "ArrowDown", 600)).toBe(7);
    expect(nextFocus(grouped, 10, "ArrowUp", 600)).toBe(7);
    expect(nextFocus(grouped, 6, "ArrowUp", 600)).toBe(0);
  });
});
