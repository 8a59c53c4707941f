/**
 * Where box labels go on a tile or the large view: inside the frame, never over each other. Each
 * label tries a few spots around its box (above it, inside its top, below it, inside its bottom),
 * pushed inside the frame; a label that fits nowhere is dropped and counted ("+3" in the
 * bottom-right corner). Labels come in priority order, so the ones dropped are the least important.
 */

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface LabelFont {
  /** Font size in pixels (the label's height is this plus the padding). */
  size: number;
  /** Advance of one character in ems: labels use a monospace font, so widths need no measuring. */
  charWidth: number;
  padding: number;
}

export interface Placement {
  /** Top-left corner and size of each placed label (null when dropped), by input index. */
  spots: (Rect | null)[];
  dropped: number;
  /** Where "+<dropped>" goes (the frame's bottom-right corner, clear of every label); null if none dropped. */
  count: Rect | null;
}

/** Pixel size of a label's background. */
export function labelSize(text: string, font: LabelFont): { width: number; height: number } {
  return { width: text.length * font.size * font.charWidth + 2 * font.padding, height: font.size + font.padding };
}

/**
 * Places `texts[i]` near `boxes[i]` inside a frame of `frameWidth` x `frameHeight`. `order`
 * lists indices from the most to the least important (default: input order). Labels wider than
 * the frame are kept to the frame's width by the caller (`shorten`). At most `limit` labels are
 * placed: a small tile covered in text shows nothing of its image.
 */
export function placeLabels(
  boxes: readonly Rect[],
  texts: readonly string[],
  frameWidth: number,
  frameHeight: number,
  font: LabelFont,
  order?: readonly number[],
  limit = Infinity,
): Placement {
  const spots: (Rect | null)[] = new Array(boxes.length).fill(null);
  const placed: Rect[] = [];
  let dropped = 0;
  for (const i of order ?? boxes.keys()) {
    const b = boxes[i];
    const { width, height } = labelSize(texts[i], font);
    const spot = placed.length < limit ? freeSpot(b, width, height, frameWidth, frameHeight, placed) : null;
    if (spot && width <= frameWidth && height <= frameHeight) {
      placed.push(spot);
      spots[i] = spot;
    } else dropped++;
  }
  if (!dropped) return { spots, dropped, count: null };
  // The count takes the corner: labels under it give way (and are counted too).
  let count = countSpot(dropped, frameWidth, frameHeight, font);
  for (let k = 0; k < spots.length; k++) {
    if (spots[k] && overlaps(spots[k]!, count)) {
      spots[k] = null;
      count = countSpot(++dropped, frameWidth, frameHeight, font);
      k = -1;
    }
  }
  return { spots, dropped, count };
}

/** Rows of labels stacked above or below a box before giving up. */
const STACK = 3;

/** The first spot clear of the placed labels: above the box, inside its top, below it, inside its bottom. */
function freeSpot(b: Rect, width: number, height: number, frameWidth: number, frameHeight: number, placed: Rect[]) {
  const xs = [b.x, b.x + b.width - width].map((x) => clamp(x, 0, frameWidth - width));
  for (let k = 0; k < STACK; k++) {
    const ys = [
      b.y - height * (k + 1),
      b.y + height * k,
      b.y + b.height + height * k,
      b.y + b.height - height * (k + 1),
    ];
    for (const y of ys) {
      for (const x of xs) {
        const r = { x, y: clamp(y, 0, frameHeight - height), width, height };
        if (!placed.some((p) => overlaps(p, r))) return r;
      }
    }
  }
  return null;
}

/** The count's text: "+3". */
export function countText(dropped: number): string {
  return `+${dropped}`;
}

function countSpot(dropped: number, frameWidth: number, frameHeight: number, font: LabelFont): Rect {
  const { width, height } = labelSize(countText(dropped), font);
  return { x: frameWidth - width, y: frameHeight - height, width, height };
}

/** A label cut to `maxChars` characters with an ellipsis (a long class name on a small tile). */
export function shorten(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text;
  return maxChars <= 1 ? "…" : text.slice(0, maxChars - 1) + "…";
}

/** Characters of a label that fit in `width` pixels. */
export function charsThatFit(width: number, font: LabelFont): number {
  return Math.max(1, Math.floor((width - 2 * font.padding) / (font.size * font.charWidth)));
}

function overlaps(a: Rect, b: Rect): boolean {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}

function clamp(v: number, lo: number, hi: number): number {
  return Math.max(lo, Math.min(v, hi));
}
