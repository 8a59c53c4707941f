import { describe, expect, it } from "vitest";
import type { FieldSummary } from "../../kernel/protocol";
import { countLine } from "../../extension/src/model/format";
import { Grouping } from "../../extension/src/model/groups";
import { gridLayout, itemRect, itemsInRect, visibleItems, visibleSections } from "../../extension/src/model/layout";
import { SampleTable } from "../../extension/src/model/samples";
import { computeView, NO_FILTERS } from "../../extension/src/model/view";
import { columnsOf, roundTrip } from "./arrow";

/** Rows as the kernel writes a grouped grid: groups of 3, 2, 2 (numbers) next to each other. */
function grouped() {
  const fields: FieldSummary[] = [
    { name: "dup", kind: "number", range: [0, 2] },
    { name: "score", kind: "number", range: [0, 1] },
  ];
  const t = roundTrip({
    id: ["a", "b", "c", "d", "e", "f", "g"],
    dup: [0, 0, 0, 1, 1, 2, 2],
    score: [0.5, 0.1, 0.9, 0.3, 0.2, 0.8, 0.4],
  });
  return new SampleTable(columnsOf(t), fields);
}

describe("grouped grids", () => {
  it("finds the groups as runs of equal value, and keeps each group together whatever the sort", () => {
    const table = grouped();
    const g = new Grouping(table, "dup");
    expect(Array.from(g.sizes)).toEqual([3, 2, 2]);
    expect(Array.from(g.firstRow)).toEqual([0, 3, 5]);
    const sorted = computeView(table, { field: "score", descending: false }, NO_FILTERS, null);
    const a = g.arrange(sorted);
    // Group order stays the kernel's; within a group, the sort's order.
    expect(Array.from(a.view, (r) => table.id(r))).toEqual(["b", "a", "c", "e", "d", "g", "f"]);
    expect(Array.from(a.starts)).toEqual([0, 3, 5]);
    // A filter that empties group 1 drops its section.
    const allowed = Uint8Array.from([1, 0, 1, 0, 0, 1, 0]);
    const b = g.arrange(computeView(table, null, NO_FILTERS, allowed));
    expect(Array.from(b.view, (r) => table.id(r))).toEqual(["a", "c", "f"]);
    expect(Array.from(b.starts)).toEqual([0, 2]);
    expect(Array.from(b.groups)).toEqual([0, 2]);
  });

  it("lays each group out under its header, starting a new row", () => {
    // 3 columns of 100 px tiles (gap 8) in 340 px; groups of 4, 2 and 7 items, 30 px headers.
    const starts = Int32Array.from([0, 4, 6]);
    const l = gridLayout(340, 100, 120, 8, 13, { starts, headerHeight: 30 });
    expect(l.columns).toBe(3);
    expect(l.rows).toBe(2 + 1 + 3);
    const pitch = 128;
    expect(Array.from(l.sections!.tops)).toEqual([0, 30 + 2 * pitch, 2 * 30 + 3 * pitch]);
    expect(l.contentHeight).toBe(3 * 30 + 6 * pitch + 8);
    expect(itemRect(l, 0)).toEqual({ x: 8, y: 30, width: 100, height: 120 });
    expect(itemRect(l, 3)).toEqual({ x: 8, y: 30 + pitch, width: 100, height: 120 });
    // Item 4 starts the second group: first column, below its header.
    expect(itemRect(l, 4)).toEqual({ x: 8, y: l.sections!.tops[1] + 30, width: 100, height: 120 });
    expect(itemRect(l, 12)).toMatchObject({ x: 8, y: l.sections!.tops[2] + 30 + 2 * pitch });
    // 300 px: group 0, and the header of group 1 whose tiles start below; 400 px: its tiles too.
    expect(visibleItems(l, 0, 300, 0)).toEqual({ first: 0, end: 4 });
    expect(visibleSections(l, 0, 300)).toEqual({ first: 0, end: 2 });
    expect(visibleItems(l, 0, 400, 0)).toEqual({ first: 0, end: 6 });
    expect(visibleSections(l, 0, 400)).toEqual({ first: 0, end: 2 });
    const bottom = l.contentHeight - 200;
    expect(visibleItems(l, bottom, 200, 0).end).toBe(13);
    expect(visibleSections(l, bottom, 200).first).toBe(2);
    // A band across the end of group 0 and the start of group 1.
    const band = itemsInRect(l, { x: 0, y: 30 + pitch + 10, width: 100, height: 30 + pitch });
    expect(band).toEqual([3, 4]);
  });

  it("keeps a million grouped rows cheap to lay out and to look up", () => {
    const n = 1_000_000;
    const starts = Int32Array.from({ length: n / 2 }, (_, s) => 2 * s);
    const t0 = performance.now();
    const l = gridLayout(1200, 150, 170, 8, n, { starts, headerHeight: 30 });
    const mid = visibleItems(l, l.contentHeight / 2, 700, 1);
    expect(mid.end - mid.first).toBeGreaterThan(0);
    expect(mid.end - mid.first).toBeLessThan(40);
    expect(performance.now() - t0).toBeLessThan(500);
  });

  it("says how many groups are shown", () => {
    expect(countLine(7, 7, 0, 3)).toBe("7 of 7 shown in 3 groups");
    expect(countLine(2, 7, 1, 1)).toBe("2 of 7 shown in 1 group · 1 selected");
  });
});
