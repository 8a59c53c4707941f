import { describe, expect, it } from "vitest";
import { charsThatFit, labelSize, placeLabels, type Rect, shorten } from "../../extension/src/model/labelPlacement";

const FONT = { size: 10, charWidth: 0.6, padding: 2 };

const inside = (r: Rect, w: number, h: number) => r.x >= 0 && r.y >= 0 && r.x + r.width <= w && r.y + r.height <= h;
const overlap = (a: Rect, b: Rect) =>
  a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

describe("label placement", () => {
  it("keeps labels of boxes at the frame's edges inside the frame", () => {
    const boxes = [
      { x: 0, y: 0, width: 40, height: 30 }, // top-left corner: no room above
      { x: 140, y: 120, width: 20, height: 40 }, // bottom-right corner
      { x: -10, y: 60, width: 30, height: 20 }, // partly outside on the left
    ];
    const texts = ["person 0.93", "motorbike 0.51", "dog"];
    const { spots, dropped } = placeLabels(boxes, texts, 160, 160, FONT);
    expect(dropped).toBe(0);
    for (const s of spots) expect(inside(s!, 160, 160)).toBe(true);
    // Above the box when there is room, otherwise inside its top.
    expect(spots[0]!.y).toBe(0);
    expect(spots[1]!.y + spots[1]!.height).toBe(120);
  });

  it("never puts two labels over each other; what does not fit is dropped and counted, least important first", () => {
    // Ten boxes on the same spot, as a crowd of predictions often is.
    const boxes = Array.from({ length: 10 }, () => ({ x: 50, y: 50, width: 30, height: 30 }));
    const texts = boxes.map((_, i) => `car 0.${i}0`);
    const order = [9, 8, 7, 6, 5, 4, 3, 2, 1, 0];
    const { spots, dropped } = placeLabels(boxes, texts, 160, 160, FONT, order);
    const placed = spots.filter((s): s is Rect => s !== null);
    expect(placed.length + dropped).toBe(10);
    // Stacked above and below the boxes, in both corners, as long as there is room.
    expect(placed.length).toBeGreaterThanOrEqual(8);
    expect(dropped).toBe(10 - placed.length);
    for (let i = 0; i < placed.length; i++)
      for (let j = i + 1; j < placed.length; j++) {
        expect(overlap(placed[i], placed[j])).toBe(false);
      }
    const { count } = placeLabels(boxes, texts, 160, 160, FONT, order);
    expect(count).toEqual({ x: 160 - 16, y: 160 - 12, width: 16, height: 12 });
    // With a limit, the most important labels are the ones kept.
    const limited = placeLabels(boxes, texts, 160, 160, FONT, order, 4);
    expect(limited.spots.slice(6).every((s) => s !== null)).toBe(true);
    expect(limited.spots.slice(0, 6).every((s) => s === null)).toBe(true);
    expect(limited.dropped).toBe(6);
  });

  it("the count of dropped labels takes the bottom-right corner; labels under it give way", () => {
    // Many boxes in the bottom-right corner of a small frame.
    const boxes = Array.from({ length: 8 }, () => ({ x: 60, y: 60, width: 20, height: 20 }));
    const texts = boxes.map(() => "bottle 0.50");
    const { spots, dropped, count } = placeLabels(boxes, texts, 80, 80, FONT);
    const placed = spots.filter((s): s is Rect => s !== null);
    expect(count).not.toBeNull();
    expect(placed.length + dropped).toBe(8);
    expect(inside(count!, 80, 80)).toBe(true);
    expect(count!.x + count!.width).toBe(80);
    for (const p of placed) expect(overlap(p, count!)).toBe(false);
  });

  it("sizes labels from their characters and shortens long ones to the frame", () => {
    expect(labelSize("car", FONT)).toEqual({ width: 3 * 6 + 4, height: 12 });
    const n = charsThatFit(60, FONT);
    expect(n).toBe(9);
    expect(labelSize(shorten("ground_truth_vehicle", n), FONT).width).toBeLessThanOrEqual(60);
    expect(shorten("ground_truth_vehicle", n)).toBe("ground_t…");
    expect(shorten("car", n)).toBe("car");
  });
});
