import { describe, expect, it } from "vitest";
import {
  gridLayout,
  itemRect,
  itemsInRect,
  MAX_SCROLL_HEIGHT,
  scrollTopFor,
  virtualTop,
  visibleItems,
} from "../../extension/src/model/layout";

describe("virtual grid layout", () => {
  it("fits as many fixed-size tiles per row as the width allows", () => {
    const l = gridLayout(1000, 150, 180, 8, 1234);
    expect(l.columns).toBe(6); // 8 + 6 * 158 = 956 <= 1000 < 1114
    expect(l.rows).toBe(Math.ceil(1234 / 6));
    expect(l.contentHeight).toBe(8 + l.rows * 188);
    expect(gridLayout(50, 150, 180, 8, 3).columns).toBe(1);
    expect(gridLayout(1000, 150, 180, 8, 0).contentHeight).toBe(0);
  });

  it("lists the items on screen plus one row of overscan", () => {
    const l = gridLayout(1000, 150, 180, 8, 1000);
    expect(visibleItems(l, 0, 600, 1)).toEqual({ first: 0, end: 6 * 5 });
    // Scrolled to row 10: rows 9 (overscan) to 13 + 1.
    const { first, end } = visibleItems(l, 8 + 10 * 188, 600, 1);
    expect(first).toBe(9 * 6);
    expect(end).toBe(15 * 6);
    expect(visibleItems(l, l.contentHeight - 600, 600, 1).end).toBe(1000);
  });

  it("keeps the spacer under browser limits for 10^6 rows and maps scroll positions both ways", () => {
    const l = gridLayout(400, 150, 180, 8, 1_000_000);
    expect(l.contentHeight).toBeGreaterThan(MAX_SCROLL_HEIGHT);
    expect(l.scrollHeight).toBe(MAX_SCROLL_HEIGHT);
    const vh = 600;
    expect(virtualTop(l, 0, vh)).toBe(0);
    // The bottom of the scroll range shows the last row.
    expect(virtualTop(l, l.scrollHeight - vh, vh)).toBeCloseTo(l.contentHeight - vh);
    const last = visibleItems(l, virtualTop(l, l.scrollHeight - vh, vh), vh, 0);
    expect(last.end).toBe(1_000_000);
    const y = 50_000_000;
    expect(virtualTop(l, scrollTopFor(l, y, vh), vh)).toBeCloseTo(y, 3);
    const small = gridLayout(400, 150, 180, 8, 100);
    expect(virtualTop(small, 300, vh)).toBe(300);
    expect(scrollTopFor(small, 300, vh)).toBe(300);
  });

  it("finds the tiles a rubber band touches, as a brute-force check does", () => {
    const l = gridLayout(700, 100, 130, 8, 57);
    const rects = [
      { x: 0, y: 0, width: 5, height: 5 },
      { x: 50, y: 60, width: 200, height: 300 },
      { x: 108, y: 138, width: 1, height: 1 },
      { x: 0, y: 0, width: 2000, height: 5000 },
      { x: 650, y: 0, width: 40, height: 40 },
    ];
    for (const r of rects) {
      const brute: number[] = [];
      for (let i = 0; i < l.count; i++) {
        const b = itemRect(l, i);
        if (b.x <= r.x + r.width && b.x + b.width >= r.x && b.y <= r.y + r.height && b.y + b.height >= r.y)
          brute.push(i);
      }
      expect(itemsInRect(l, r)).toEqual(brute);
    }
  });
});
