import { describe, expect, it } from "vitest";
import {
  activeLabelSettings,
  boxShown,
  SHOW_ALL_LABELS,
  shownBoxes,
  toggled,
} from "../../extension/src/model/labelSettings";
import type { Box } from "../../extension/src/model/objects";

const box = (field: string, label: string, confidence = NaN): Box => ({
  field,
  label,
  x: 0,
  y: 0,
  w: 0.5,
  h: 0.5,
  confidence,
  outcome: null,
  crowd: false,
});

describe("label settings", () => {
  const boxes = [
    box("ground_truth", "car"),
    box("model", "car", 0.9),
    box("model", "person", 0.3),
    box("model", "dog", 0.6),
  ];

  it("shows everything by default", () => {
    expect(shownBoxes(boxes, SHOW_ALL_LABELS)).toEqual(boxes);
    expect(activeLabelSettings(SHOW_ALL_LABELS)).toBe(0);
  });

  it("hides a label field, a class, and predictions under the confidence threshold; never ground truth", () => {
    const noModel = { ...SHOW_ALL_LABELS, hiddenFields: toggled(SHOW_ALL_LABELS.hiddenFields, "model", true) };
    expect(shownBoxes(boxes, noModel)).toEqual([boxes[0]]);
    const noCar = { ...SHOW_ALL_LABELS, hiddenClasses: new Set(["car"]) };
    expect(shownBoxes(boxes, noCar).map((b) => b.label)).toEqual(["person", "dog"]);
    const confident = { ...SHOW_ALL_LABELS, minConfidence: 0.5 };
    expect(shownBoxes(boxes, confident)).toEqual([boxes[0], boxes[1], boxes[3]]);
    expect(boxShown(box("model", "cat", 0.5), confident)).toBe(true);
    expect(activeLabelSettings({ ...confident, scores: false, hiddenClasses: new Set(["car"]) })).toBe(3);
  });

  it("toggling returns a new set and leaves the old one as it was", () => {
    const before = new Set(["a"]);
    const after = toggled(before, "b", true);
    expect([...after]).toEqual(["a", "b"]);
    expect([...before]).toEqual(["a"]);
    expect([...toggled(after, "a", false)]).toEqual(["b"]);
  });
});
