/** Draws boxes and their labels into an SVG laid over an image (tiles and the large view). */
import type { LabelField } from "../../../kernel/protocol";
import { boxPixels, boxStyle, fitContain } from "../model/boxes";
import type { Box } from "../model/objects";
import { clear, s } from "./dom";

export interface DrawOptions {
  /** Width and height of the image the box fractions refer to. */
  imageWidth: number;
  imageHeight: number;
  /** The frame the image is drawn into with object-fit: contain. */
  frameWidth: number;
  frameHeight: number;
  roles: ReadonlyMap<string, LabelField["role"]>;
  /** Labels drawn as text (small tiles leave them out). */
  labels: boolean;
}

export function drawBoxes(svg: SVGSVGElement, boxes: readonly Box[], o: DrawOptions): void {
  clear(svg);
  svg.setAttribute("viewBox", `0 0 ${o.frameWidth} ${o.frameHeight}`);
  const fit = fitContain(o.imageWidth, o.imageHeight, o.frameWidth, o.frameHeight);
  if (!fit.scale) return;
  // Ground truth first, so predictions are drawn on top.
  const sorted = [...boxes].sort((a, b) => rolePriority(o.roles.get(a.field)) - rolePriority(o.roles.get(b.field)));
  for (const box of sorted) {
    const style = boxStyle(box, o.roles.get(box.field));
    const r = boxPixels(box, o.imageWidth, o.imageHeight, fit);
    const g = s("g", { class: "bs-box", attrs: { "data-blindspot": "box" } });
    const title = s("title", { text: `${box.field}: ${style.text}` });
    const rect = s("rect", {
      attrs: {
        x: num(r.x),
        y: num(r.y),
        width: num(Math.max(r.width, 1)),
        height: num(Math.max(r.height, 1)),
        stroke: style.color,
        fill: "none",
        "stroke-width": "2",
      },
    });
    if (style.dashed) rect.setAttribute("stroke-dasharray", "5 3");
    g.append(title, rect);
    if (o.labels) {
      const text = s("text", { class: "bs-box-label", text: style.text, attrs: { x: num(r.x + 2), y: num(Math.max(r.y - 3, 10)), fill: style.color } });
      g.appendChild(text);
    }
    svg.appendChild(g);
  }
}

function rolePriority(role: LabelField["role"] | undefined): number {
  return role === "prediction" ? 1 : 0;
}

function num(v: number): string {
  return v.toFixed(1);
}
