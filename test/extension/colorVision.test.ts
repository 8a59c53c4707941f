import { describe, expect, it } from "vitest";
import { boxStyle, OUTCOME_COLORS, textColorOn } from "../../extension/src/model/boxes";

/**
 * Machado, Oliveira and Fernandes (2009), severity 1.0, on linear RGB: what a reader with
 * deuteranopia or protanopia sees. Colours are compared by CIE76 distance in CIELAB (D65).
 */
const SIMULATIONS: Record<string, number[][] | null> = {
  normal: null,
  deuteranopia: [
    [0.367322, 0.860646, -0.227968],
    [0.280085, 0.672501, 0.047413],
    [-0.01182, 0.04294, 0.968881],
  ],
  protanopia: [
    [0.152286, 1.052583, -0.204868],
    [0.114503, 0.786281, 0.099216],
    [-0.003882, -0.048116, 1.051998],
  ],
};

const linear = (c: number) => (c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);

function seen(hex: string, m: number[][] | null): number[] {
  const rgb = [1, 3, 5].map((i) => linear(parseInt(hex.slice(i, i + 2), 16) / 255));
  return m ? m.map((row) => Math.min(1, Math.max(0, row[0] * rgb[0] + row[1] * rgb[1] + row[2] * rgb[2]))) : rgb;
}

function lab([r, g, b]: number[]): number[] {
  const f = (t: number) => (t > 0.008856 ? Math.cbrt(t) : 7.787 * t + 16 / 116);
  const x = f((0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047);
  const y = f(0.2126 * r + 0.7152 * g + 0.0722 * b);
  const z = f((0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883);
  return [116 * y - 16, 500 * (x - y), 200 * (y - z)];
}

const distance = (a: number[], b: number[]) => Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]);

/** Colours this far apart in CIELAB are told apart at a glance, even as a 2 px outline. */
const APART = 30;

describe("TP / FP / FN colours", () => {
  it("every pair stays apart for normal vision, deuteranopia and protanopia", () => {
    const outcomes = ["tp", "fp", "fn"];
    for (const [vision, m] of Object.entries(SIMULATIONS)) {
      for (let i = 0; i < outcomes.length; i++) {
        for (let j = i + 1; j < outcomes.length; j++) {
          const [a, b] = [outcomes[i], outcomes[j]];
          const d = distance(lab(seen(OUTCOME_COLORS[a], m)), lab(seen(OUTCOME_COLORS[b], m)));
          expect(d, `${a} vs ${b} under ${vision}`).toBeGreaterThan(APART);
        }
      }
    }
  });

  it("FP and FN also differ by line pattern and width, so they read on small tiles", () => {
    const box = { field: "m", label: "car", x: 0, y: 0, w: 1, h: 1, confidence: 0.9, outcome: null, crowd: false };
    const fp = boxStyle({ ...box, outcome: "fp" }, "prediction");
    const fn = boxStyle({ ...box, outcome: "fn" }, "ground_truth");
    const tp = boxStyle({ ...box, outcome: "tp" }, "ground_truth");
    expect(fp.dash).not.toBeNull();
    expect(fn.dash).not.toBeNull();
    expect(fp.dash).not.toBe(fn.dash);
    expect(tp.dash).toBeNull();
    expect(fn.width).toBeGreaterThan(fp.width);
  });

  it("label text is black on light colours and white on dark ones", () => {
    expect(textColorOn("#ffffff")).toBe("#000000");
    expect(textColorOn("#000000")).toBe("#ffffff");
    expect(textColorOn(OUTCOME_COLORS.fn)).toBe("#ffffff");
    expect(textColorOn("#edc948")).toBe("#000000");
  });
});
