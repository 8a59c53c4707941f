/** Draws boxes and their labels into an SVG laid over an image (tiles and the large view). */
import type { LabelField } from "../../../kernel/protocol";
import { boxPixels, boxStyle, fitContain } from "../model/boxes";
import type { Box } from "../model/objects";
import { s } from "./dom";

export interface DrawOptions {
  /** Width and height of the image the box fractions refer to. */
  imageWidth: number;
  imageHeight: number;
  /** The frame the image is drawn into with object-fit: contain. */
  frameWidth: number;
  frameHeight: number;
  roles: ReadonlyMap<string, LabelField["role"]>;
  /** Labels drawn as text: none (small tiles), short (label and score) or with the outcome. */
  labels: "none" | "short" | "detail";
  /** Object id of a box to emphasise (the patch a large view was opened from); the others fade. */
  highlight?: number | null;
}

/**
 * Draws into `svg`, reusing its rect and text nodes: tiles are repainted on every scrolled row,
 * and new nodes each time would feed the garbage collector (long pauses beside a 10^5-point chart).
 * Rects come first and labels after them, so every label is above every box.
 */
export function drawBoxes(svg: SVGSVGElement, boxes: readonly Box[], o: DrawOptions): void {
  svg.setAttribute("viewBox", `0 0 ${o.frameWidth} ${o.frameHeight}`);
  const fit = fitContain(o.imageWidth, o.imageHeight, o.frameWidth, o.frameHeight);
  const nodes = nodesOf(svg);
  let rects = 0;
  let texts = 0;
  // Ground truth first, so predictions are drawn on top.
  const sorted = fit.scale
    ? [...boxes].sort((a, b) => rolePriority(o.roles.get(a.field)) - rolePriority(o.roles.get(b.field)))
    : [];
  for (const box of sorted) {
    // Boxes of images of unknown size have NaN coordinates (protocol): they cannot be placed.
    if (![box.x, box.y, box.w, box.h].every(Number.isFinite)) continue;
    const style = boxStyle(box, o.roles.get(box.field));
    const r = boxPixels(box, o.imageWidth, o.imageHeight, fit);
    // New rects go below the labels; new labels on top.
    const rect =
      nodes.rects[rects++] ??
      add(
        svg,
        nodes.rects,
        s("rect", { attrs: { "data-blindspot": "box", fill: "none", "stroke-width": "2" } }),
        nodes.texts[0],
      );
    set(rect, "x", num(r.x));
    set(rect, "y", num(r.y));
    set(rect, "width", num(Math.max(r.width, 1)));
    set(rect, "height", num(Math.max(r.height, 1)));
    set(rect, "stroke", style.color);
    set(rect, "stroke-dasharray", style.dashed ? "5 3" : "none");
    const emphasis = o.highlight == null ? null : box.id === o.highlight;
    set(rect, "stroke-width", emphasis ? "4" : "2");
    set(rect, "stroke-opacity", emphasis === false ? "0.45" : "1");
    if (emphasis) rect.setAttribute("data-highlight", "true");
    else rect.removeAttribute("data-highlight");
    if (o.labels === "none") continue;
    const text = nodes.texts[texts++] ?? add(svg, nodes.texts, s("text", { class: "bs-box-label" }));
    const label = o.labels === "short" ? style.text : style.detail;
    if (text.textContent !== label) text.textContent = label;
    set(text, "x", num(r.x + 2));
    set(text, "y", num(Math.max(r.y - 3, 10)));
    set(text, "fill", style.color);
  }
  for (const n of nodes.rects.splice(rects)) n.remove();
  for (const n of nodes.texts.splice(texts)) n.remove();
}

/** Removes every box and label. */
export function clearBoxes(svg: SVGSVGElement): void {
  svg.replaceChildren();
  svgNodes.delete(svg);
}

function add<E extends SVGElement>(svg: SVGSVGElement, list: E[], el: E, before?: SVGElement): E {
  svg.insertBefore(el, before ?? null);
  list.push(el);
  return el;
}

interface SvgNodes {
  rects: SVGRectElement[];
  texts: SVGTextElement[];
}

const svgNodes = new WeakMap<SVGSVGElement, SvgNodes>();

function nodesOf(svg: SVGSVGElement): SvgNodes {
  let nodes = svgNodes.get(svg);
  if (!nodes) svgNodes.set(svg, (nodes = { rects: [], texts: [] }));
  return nodes;
}

/** Sets an attribute only when it changes (no style invalidation otherwise). */
function set(el: Element, name: string, value: string): void {
  if (el.getAttribute(name) !== value) el.setAttribute(name, value);
}

function rolePriority(role: LabelField["role"] | undefined): number {
  return role === "prediction" ? 1 : 0;
}

function num(v: number): string {
  return v.toFixed(1);
}
