/** How a box looks on a thumbnail: where (object-fit: contain), in which colour, with which text. */
import type { LabelField } from "../../../kernel/protocol";
import type { Box } from "./objects";

export interface Fit {
  scale: number;
  dx: number;
  dy: number;
}

/** Placement of an image of w x h drawn with object-fit: contain into a frame. */
export function fitContain(w: number, h: number, frameW: number, frameH: number): Fit {
  if (!(w > 0 && h > 0)) return { scale: 0, dx: 0, dy: 0 };
  const scale = Math.min(frameW / w, frameH / h);
  return { scale, dx: (frameW - w * scale) / 2, dy: (frameH - h * scale) / 2 };
}

/** A box in frame pixels (the image is w x h, drawn with `fit`). */
export function boxPixels(box: Box, w: number, h: number, fit: Fit) {
  return {
    x: fit.dx + box.x * w * fit.scale,
    y: fit.dy + box.y * h * fit.scale,
    width: box.w * w * fit.scale,
    height: box.h * h * fit.scale,
  };
}

/**
 * Outcome colours from Okabe-Ito, chosen so every pair stays apart under deuteranopia and
 * protanopia (test/extension/colorVision.test.ts); FP and FN also differ by line (dashed, dotted).
 */
export const OUTCOME_COLORS: Readonly<Record<string, string>> = {
  tp: "#009e73",
  fp: "#d55e00",
  fn: "#0072b2",
};

/** Outline patterns: predictions dashed, ground truth solid, missed objects dotted and thicker. */
const DASH = { solid: null, dashed: "6 3", dotted: "2 2" } as const;

const PALETTE = [
  "#4e79a7",
  "#f28e2b",
  "#e15759",
  "#76b7b2",
  "#59a14f",
  "#edc948",
  "#b07aa1",
  "#ff9da7",
  "#9c755f",
  "#bab0ac",
];

/** A stable colour per label (same label, same colour in every tile and output). */
export function labelColor(label: string): string {
  let h = 2166136261;
  for (let i = 0; i < label.length; i++) h = Math.imul(h ^ label.charCodeAt(i), 16777619);
  return PALETTE[(h >>> 0) % PALETTE.length];
}

export interface BoxStyle {
  color: string;
  /** SVG stroke-dasharray, null for a solid line. */
  dash: string | null;
  /** Line width in screen pixels. */
  width: number;
  /** Label, with the score when asked (the colour says the outcome): drawn on tiles. */
  text: string;
  /** Also outcome and crowd flag: the large view and tooltips. */
  detail: string;
}

/** Ground truth solid, predictions dashed with their score; outcome colours when evaluated. */
export function boxStyle(box: Box, role: LabelField["role"] | undefined, scores = true): BoxStyle {
  const prediction = role === "prediction";
  const color = (box.outcome && OUTCOME_COLORS[box.outcome]) || labelColor(box.label);
  let text = box.label;
  if (scores && prediction && !Number.isNaN(box.confidence)) text += ` ${box.confidence.toFixed(2)}`;
  let detail = text;
  if (box.outcome) detail += ` ${box.outcome.toUpperCase()}`;
  if (box.crowd) detail += " (crowd)";
  if (box.issue) {
    text += ` [${box.issue}]`;
    detail += ` [${box.issue}]`;
  }
  if (box.suggested) {
    // The suggested correction of a label issue: its own colour and line, whatever its label.
    return { color: SUGGESTED_COLOR, dash: DASH.dotted, width: 3, text: `fix: ${text}`, detail: `fix: ${detail}` };
  }
  const missed = box.outcome === "fn";
  const dash = missed ? DASH.dotted : prediction || box.outcome === "fp" ? DASH.dashed : DASH.solid;
  return { color, dash, width: missed || box.issue ? 3 : 2, text, detail };
}

/** Okabe-Ito's reddish purple: apart from the outcome colours under colour-vision deficiencies. */
export const SUGGESTED_COLOR = "#cc79a7";

/** Black or white, whichever reads better on a background colour (WCAG relative luminance). */
export function textColorOn(background: string): string {
  const [r, g, b] = [1, 3, 5].map((i) => {
    const c = parseInt(background.slice(i, i + 2), 16) / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  const luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b;
  // Contrast with black (L + 0.05) / 0.05 against white 1.05 / (L + 0.05): equal at L = 0.179.
  return luminance > 0.179 ? "#000000" : "#ffffff";
}
