import { describe, expect, it } from "vitest";
import { groupByRow, ObjectChunk } from "../../extension/src/model/objects";
import { boxPixels, boxStyle, fitContain, labelColor, OUTCOME_COLORS } from "../../extension/src/model/boxes";
import { columnsOf, roundTrip } from "./arrow";

describe("object chunks", () => {
  it("groups a chunk's objects by sample row, in file order", () => {
    const { offsets, order } = groupByRow([12, 10, 12, 11, 99], 10, 3);
    expect(Array.from(offsets)).toEqual([0, 1, 2, 4]);
    expect(Array.from(order)).toEqual([1, 3, 0, 2]);
  });

  it("returns a row's boxes with label fields, scores and outcomes from Arrow", () => {
    const t = roundTrip({
      row: Int32Array.from([100, 101, 100]),
      field: ["ground_truth", "ground_truth", "model"],
      label: ["cat", "dog", "<img src=x onerror=alert(1)>"],
      x: Float32Array.from([0.1, 0, 0.5]),
      y: Float32Array.from([0.2, 0, 0.5]),
      w: Float32Array.from([0.3, 1, 0.25]),
      h: Float32Array.from([0.4, 1, 0.25]),
      confidence: Float32Array.from([NaN, NaN, 0.875]),
      outcome: [null, "fn", "fp"],
      crowd: [false, true, false],
    });
    const chunk = new ObjectChunk(100, 50, columnsOf(t));
    expect(chunk.contains(149)).toBe(true);
    expect(chunk.contains(150)).toBe(false);
    const boxes = chunk.boxes(100);
    expect(boxes.map((b) => [b.field, b.label, b.outcome])).toEqual([
      ["ground_truth", "cat", null],
      ["model", "<img src=x onerror=alert(1)>", "fp"],
    ]);
    expect(boxes[0].x).toBeCloseTo(0.1);
    expect(boxes[0].confidence).toBeNaN();
    expect(boxes[1].confidence).toBe(0.875);
    expect(chunk.boxes(100, new Set(["model"]))).toHaveLength(1);
    expect(chunk.boxes(101)[0].crowd).toBe(true);
    expect(chunk.boxes(102)).toEqual([]);
  });

  it("gives each box its object id when the file has them (the large view highlights a patch's box by it)", () => {
    const base = { row: Int32Array.from([0, 0]), field: ["m", "m"], label: ["a", "b"] };
    const geometry = { x: Float32Array.from([0, 0]), y: Float32Array.from([0, 0]), w: Float32Array.from([1, 1]) };
    const t = roundTrip({ ...base, ...geometry, h: Float32Array.from([1, 1]), id: Int32Array.from([41, 7]) });
    expect(new ObjectChunk(0, 1, columnsOf(t)).boxes(0).map((b) => b.id)).toEqual([41, 7]);
    const old = roundTrip({ ...base, ...geometry, h: Float32Array.from([1, 1]) });
    expect(new ObjectChunk(0, 1, columnsOf(old)).boxes(0).map((b) => b.id)).toEqual([null, null]);
  });
});

describe("box drawing", () => {
  it("places an image like object-fit: contain and maps box fractions to pixels", () => {
    const fit = fitContain(640, 480, 160, 160);
    expect(fit).toEqual({ scale: 0.25, dx: 0, dy: 20 });
    const px = boxPixels(
      { field: "", label: "", x: 0.5, y: 0.5, w: 0.25, h: 0.5, confidence: NaN, outcome: null, crowd: false },
      640,
      480,
      fit,
    );
    expect(px).toEqual({ x: 80, y: 80, width: 40, height: 60 });
    expect(fitContain(0, 10, 100, 100).scale).toBe(0);
  });

  it("draws ground truth solid, predictions dashed with their score, outcomes in their colours", () => {
    const box = { field: "m", label: "cat", x: 0, y: 0, w: 1, h: 1, confidence: 0.8765, outcome: null, crowd: false };
    expect(boxStyle(box, "ground_truth")).toEqual({
      color: labelColor("cat"),
      dash: null,
      width: 2,
      text: "cat",
      detail: "cat",
    });
    expect(boxStyle(box, "prediction")).toEqual({
      color: labelColor("cat"),
      dash: "6 3",
      width: 2,
      text: "cat 0.88",
      detail: "cat 0.88",
    });
    expect(boxStyle({ ...box, outcome: "fp" }, "prediction")).toMatchObject({
      color: OUTCOME_COLORS.fp,
      text: "cat 0.88",
      detail: "cat 0.88 FP",
    });
    expect(boxStyle({ ...box, outcome: "fn", crowd: true }, "ground_truth").detail).toBe("cat FN (crowd)");
    expect(boxStyle(box, "prediction", false).text).toBe("cat");
    expect(labelColor("cat")).toBe(labelColor("cat"));
  });
});
