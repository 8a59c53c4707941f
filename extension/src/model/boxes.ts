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

// Colour-blind friendly (Okabe-Ito) for outcomes; Tableau 10 for labels.
export const OUTCOME_COLORS: Readonly<Record<string, string>> = {
  tp: "#009e73",
  fp: "#d55e00",
  fn: "#e69f00",
};

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
  dashed: boolean;
  /** Label and score, drawn on tiles (the colour says the outcome). */
  text: string;
  /** Also outcome and crowd flag: the large view and tooltips. */
  detail: string;
}

/** Ground truth solid, predictions dashed with their score; outcome colours when evaluated. */
export function boxStyle(box: Box, role: LabelField["role"] | undefined): BoxStyle {
  const prediction = role === "prediction";
  const color = (box.outcome && OUTCOME_COLORS[box.outcome]) || labelColor(box.label);
  let text = box.label;
  if (prediction && !Number.isNaN(box.confidence)) text += ` ${box.confidence.toFixed(2)}`;
  let detail = text;
  if (box.outcome) detail += ` ${box.outcome.toUpperCase()}`;
  if (box.crowd) detail += " (crowd)";
  return { color, dashed: prediction, text, detail };
}
