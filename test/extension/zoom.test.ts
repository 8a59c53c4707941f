import { describe, expect, it } from "vitest";
import {
  fitView,
  imagePoint,
  MAX_SCALE,
  naturalView,
  panBy,
  wheelFactor,
  zoomAt,
} from "../../extension/src/model/zoom";

describe("large view zoom and pan", () => {
  it("fits the image centred and never enlarges a small one", () => {
    expect(fitView(2000, 1000, 1000, 800)).toEqual({ scale: 0.5, dx: 0, dy: 150 });
    expect(fitView(500, 375, 1000, 800)).toEqual({ scale: 1, dx: 250, dy: 212.5 });
  });

  it("keeps the image point under the pointer still while zooming", () => {
    const v = fitView(2000, 1000, 1000, 800);
    const before = imagePoint(v, 300, 400);
    const z = zoomAt(v, 3, 300, 400, v.scale);
    expect(z.scale).toBeCloseTo(1.5, 12);
    const after = imagePoint(z, 300, 400);
    expect(after[0]).toBeCloseTo(before[0], 9);
    expect(after[1]).toBeCloseTo(before[1], 9);
  });

  it("stays between the fitted scale and the largest zoom", () => {
    const v = fitView(2000, 1000, 1000, 800);
    expect(zoomAt(v, 0.1, 0, 0, v.scale).scale).toBe(0.5);
    expect(zoomAt(v, 1000, 0, 0, v.scale).scale).toBe(MAX_SCALE);
  });

  it("shows natural size about the viewport's centre; pans by screen pixels", () => {
    const v = fitView(2000, 1000, 1000, 800);
    const n = naturalView(v, 1000, 800);
    expect(n.scale).toBe(1);
    expect(imagePoint(n, 500, 400)).toEqual(imagePoint(v, 500, 400));
    expect(panBy(n, 10, -5)).toEqual({ scale: 1, dx: n.dx + 10, dy: n.dy - 5 });
  });

  it("zooms in on a wheel turned away from the user, out towards", () => {
    expect(wheelFactor(-100, 0)).toBeGreaterThan(1.15);
    expect(wheelFactor(100, 0)).toBeLessThan(1 / 1.15);
    expect(wheelFactor(-3, 1)).toBeCloseTo(wheelFactor(-99, 0), 12);
  });
});
