import { describe, expect, it } from "vitest";
import {
  describeSelection,
  fieldTitles,
  linkColumn,
  type LinkColumn,
  selectRows,
} from "../../extension/src/model/chartSelect";
import { roundTrip } from "./arrow";

/** The link's rows file as the chart renderer reads it. */
function linkColumns(columns: Record<string, unknown[]>): Map<string, LinkColumn> {
  const t = roundTrip(columns);
  return new Map(t.names.map((n) => [String(n), linkColumn(t.getChild(n).toArray())]));
}

const cols = linkColumns({
  id: ["a", "b", "c", "d", "e"],
  x: [1, 2, 3, null, 5],
  y: [10, 20, 30, 40, 50],
  camera: ["front", "rear", "front", "side", null],
  year: [2001, 2002, 2003, 2004, 2005],
});

describe("chart link selection", () => {
  it("an interval selects rows inside every range, bounds included, in either order", () => {
    const link = { type: "interval" as const, fields: { x: "x", y_field: "y" } };
    expect(Array.from(selectRows(cols, link, { x: [2, 5] })!)).toEqual([1, 2, 4]);
    expect(Array.from(selectRows(cols, link, { x: [5, 2], y_field: [15, 30] })!)).toEqual([1, 2]);
    // A missing value (null -> NaN) is never inside.
    expect(Array.from(selectRows(cols, link, { x: [-1e9, 1e9] })!)).not.toContain(3);
  });

  it("an interval over a discrete axis lists values; a point selection tests membership", () => {
    const interval = { type: "interval" as const, fields: { camera: "camera" } };
    expect(Array.from(selectRows(cols, interval, { camera: ["front", "side"] })!)).toEqual([0, 2, 3]);
    const point = { type: "point" as const, fields: { camera: "camera", year: "year" } };
    expect(Array.from(selectRows(cols, point, { camera: ["front"] })!)).toEqual([0, 2]);
    expect(Array.from(selectRows(cols, point, { year: [2002, 2005, 1999] })!)).toEqual([1, 4]);
    expect(Array.from(selectRows(cols, point, { camera: ["front"], year: [2003] })!)).toEqual([2]);
    // A two-value point selection on numbers is membership, not a range.
    expect(Array.from(selectRows(cols, point, { year: [2001, 2003] })!)).toEqual([0, 2]);
  });

  it("an empty or unrelated value selects nothing (the chart clears its filter)", () => {
    const link = { type: "point" as const, fields: { camera: "camera" } };
    expect(selectRows(cols, link, {})).toBeNull();
    expect(selectRows(cols, link, null)).toBeNull();
    expect(selectRows(cols, link, { _vgsid_: [1, 2] })).toBeNull();
  });

  it("describes the selection for the grid's chip", () => {
    expect(describeSelection({ type: "interval", fields: { x: "box_size" } }, { x: [0.12345, 3] })).toBe(
      "box_size 0.123–3",
    );
    const point = { type: "point" as const, fields: { x: "camera" } };
    expect(describeSelection(point, { x: ["a", "b", "c", "d", "e"], vlPoint: { or: [] }, _vgsid_: [1] })).toBe(
      "camera in a, b, c (+2)",
    );
    const spec = { layer: [{ encoding: { x: { field: "x", title: "camera used" }, y: { field: "y" } } }] };
    expect(fieldTitles(spec)).toEqual(new Map([["x", "camera used"]]));
    expect(describeSelection(point, { x: ["a"] }, fieldTitles(spec))).toBe("camera used in a");
  });

  it("describes a brush on a time axis in dates, not milliseconds", () => {
    const link = { type: "interval" as const, fields: { x: "capture_time" } };
    const brush = { x: [new Date("2024-03-09T12:30:00Z"), new Date("2024-01-02T00:00:00Z")] };
    expect(describeSelection(link, brush)).toBe("capture_time 2024-01-02–2024-03-09 12:30");
  });

  it("selects within a few milliseconds on 100,000 points", () => {
    const n = 100_000;
    const big = new Map<string, LinkColumn>([
      ["x", linkColumn(Float64Array.from({ length: n }, (_, i) => (i * 7919) % 1000))],
      ["y", linkColumn(Float64Array.from({ length: n }, (_, i) => (i * 104729) % 1000))],
    ]);
    const link = { type: "interval" as const, fields: { x: "x", y: "y" } };
    selectRows(big, link, { x: [0, 1], y: [0, 1] });
    const t = performance.now();
    const rows = selectRows(big, link, { x: [100, 600], y: [200, 700] })!;
    const ms = performance.now() - t;
    expect(rows.length).toBeGreaterThan(0.2 * n);
    expect(ms).toBeLessThan(50);
  });
});
