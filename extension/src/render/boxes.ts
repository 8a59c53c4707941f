/** Draws boxes and their labels into an SVG laid over an image (tiles and the large view). */
import type { LabelField } from "../../../kernel/protocol";
import { boxPixels, boxStyle, type Fit, fitContain, OUTCOME_COLORS, textColorOn } from "../model/boxes";
import { charsThatFit, countText, type LabelFont, placeLabels, type Rect, shorten } from "../model/labelPlacement";
import type { Box } from "../model/objects";
import { s } from "./dom";

export interface DrawOptions {
  /** Width and height of the image the box fractions refer to. */
  imageWidth: number;
  imageHeight: number;
  /** The frame the labels stay inside, in screen pixels. */
  frameWidth: number;
  frameHeight: number;
  /** Where the image lies in the frame (the large view's zoom); default object-fit: contain. */
  fit?: Fit;
  roles: ReadonlyMap<string, LabelField["role"]>;
  /** Labels drawn as text: none (small tiles), short (label and score) or with the outcome. */
  labels: "none" | "short" | "detail";
  /** Scores in the label text. */
  scores: boolean;
  /** Label font size in pixels. */
  fontSize: number;
  /** Most labels drawn (the rest are counted); default all that fit. */
  maxLabels?: number;
  /** Object id of a box to emphasise (the patch a large view was opened from); the others fade. */
  highlight?: number | null;
}

/** Outcomes drawn, as bits (OUTCOME_BITS): the grid shows the legend only for what it drew. */
export const OUTCOME_BITS: Readonly<Record<string, number>> = Object.fromEntries(
  Object.keys(OUTCOME_COLORS).map((o, i) => [o, 1 << i]),
);

/** Labels are monospace (one width per character, no measuring) with a little padding. */
const CHAR_WIDTH = 0.62;
const PADDING = 2;
/** Background of the count of labels left out. */
const MORE_COLOR = "#333333";

/**
 * Draws into `svg`, reusing its nodes: tiles are repainted on every scrolled row, and new nodes
 * each time would feed the garbage collector (long pauses beside a 10^5-point chart). Boxes,
 * label backgrounds and label texts are three layers, so every label is above every box.
 * Returns the outcomes drawn (OUTCOME_BITS).
 */
export function drawBoxes(svg: SVGSVGElement, boxes: readonly Box[], o: DrawOptions): number {
  set(svg, "viewBox", `0 0 ${o.frameWidth} ${o.frameHeight}`);
  const fit = o.fit ?? fitContain(o.imageWidth, o.imageHeight, o.frameWidth, o.frameHeight);
  const layers = layersOf(svg);
  const font: LabelFont = { size: o.fontSize, charWidth: CHAR_WIDTH, padding: PADDING };
  const maxChars = charsThatFit(o.frameWidth, font);
  // Ground truth first, so predictions are drawn on top.
  const drawn = fit.scale
    ? boxes
        .filter((b) => Number.isFinite(b.x) && Number.isFinite(b.y) && Number.isFinite(b.w) && Number.isFinite(b.h))
        .sort((a, b) => rolePriority(o.roles.get(a.field)) - rolePriority(o.roles.get(b.field)))
    : [];
  const rects: Rect[] = [];
  const texts: string[] = [];
  const colors: string[] = [];
  let outcomes = 0;
  drawn.forEach((box, i) => {
    const style = boxStyle(box, o.roles.get(box.field), o.scores);
    const r = boxPixels(box, o.imageWidth, o.imageHeight, fit);
    const rect = layers.boxes.node(i, "rect", { "data-blindspot": "box", fill: "none" });
    set(rect, "x", num(r.x));
    set(rect, "y", num(r.y));
    set(rect, "width", num(Math.max(r.width, 1)));
    set(rect, "height", num(Math.max(r.height, 1)));
    set(rect, "stroke", style.color);
    const emphasis = o.highlight == null ? null : box.id === o.highlight;
    set(rect, "stroke-width", String(emphasis ? style.width * 2 : style.width));
    set(rect, "stroke-opacity", emphasis === false ? "0.45" : "1");
    if (emphasis) rect.setAttribute("data-highlight", "true");
    else rect.removeAttribute("data-highlight");
    set(rect, "stroke-dasharray", style.dash ?? "none");
    outcomes |= (box.outcome && OUTCOME_BITS[box.outcome]) || 0;
    rects.push(r);
    texts.push(shorten(o.labels === "detail" ? style.detail : style.text, maxChars));
    colors.push(style.color);
  });
  layers.boxes.trim(drawn.length);

  let labels = 0;
  if (o.labels !== "none" && drawn.length) {
    const { spots, count, dropped } = placeLabels(
      rects,
      texts,
      o.frameWidth,
      o.frameHeight,
      font,
      labelOrder(drawn),
      o.maxLabels,
    );
    spots.forEach((spot, i) => {
      if (spot) drawLabel(layers, labels++, spot, texts[i], colors[i], font);
    });
    // What did not fit is counted in the bottom-right corner.
    if (count) {
      const text = drawLabel(layers, labels++, count, countText(dropped), MORE_COLOR, font);
      text.setAttribute("data-blindspot", "more-labels");
    }
  }
  layers.backs.trim(labels);
  layers.texts.trim(labels);
  return outcomes;
}

/** Removes every box and label. */
export function clearBoxes(svg: SVGSVGElement): void {
  svg.replaceChildren();
  svgLayers.delete(svg);
}

function drawLabel(layers: Layers, k: number, spot: Rect, label: string, color: string, font: LabelFont) {
  const back = layers.backs.node(k, "rect", { class: "bs-box-label-back" });
  set(back, "x", num(spot.x));
  set(back, "y", num(spot.y));
  set(back, "width", num(spot.width));
  set(back, "height", num(spot.height));
  set(back, "fill", color);
  const text = layers.texts.node(k, "text", { class: "bs-box-label" });
  if (text.textContent !== label) text.textContent = label;
  // Only the count's text is marked; a reused node loses the mark.
  if (text.hasAttribute("data-blindspot")) text.removeAttribute("data-blindspot");
  set(text, "x", num(spot.x + PADDING));
  // The baseline: the font's descent (~0.2 em) above the background's bottom.
  set(text, "y", num(spot.y + spot.height - PADDING / 2 - font.size * 0.2));
  set(text, "font-size", String(font.size));
  set(text, "fill", textColorOn(color));
  return text;
}

/** Errors first (what a failure analysis looks for), then by confidence; ground truth as sure. */
function labelOrder(boxes: readonly Box[]): number[] {
  const key = (b: Box) =>
    (b.outcome === "fp" || b.outcome === "fn" ? 2 : 0) + (Number.isNaN(b.confidence) ? 1 : b.confidence);
  return boxes.map((_, i) => i).sort((a, b) => key(boxes[b]) - key(boxes[a]));
}

/** A layer of reusable nodes of one kind. */
class Layer {
  private readonly nodes: SVGElement[] = [];

  constructor(readonly group: SVGGElement) {}

  node<K extends "rect" | "text">(i: number, tag: K, attrs: Record<string, string>): SVGElementTagNameMap[K] {
    let el = this.nodes[i];
    if (!el) {
      el = s(tag, { attrs });
      this.group.appendChild(el);
      this.nodes.push(el);
    }
    return el as SVGElementTagNameMap[K];
  }

  /** Removes the nodes past the first `n`. */
  trim(n: number): void {
    for (const el of this.nodes.splice(n)) el.remove();
  }
}

interface Layers {
  boxes: Layer;
  backs: Layer;
  texts: Layer;
}

const svgLayers = new WeakMap<SVGSVGElement, Layers>();

function layersOf(svg: SVGSVGElement): Layers {
  let layers = svgLayers.get(svg);
  if (!layers) {
    const [boxes, backs, texts] = [0, 1, 2].map(() => new Layer(svg.appendChild(s("g"))));
    svgLayers.set(svg, (layers = { boxes, backs, texts }));
  }
  return layers;
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
