/** Keyboard focus in the grid: which tile the arrow keys, Home, End and the page keys move to. */
import { type GridLayout, itemRect, itemsInRect } from "./layout";

/** Keys that move the focus tile. */
export const FOCUS_KEYS = new Set([
  "ArrowLeft",
  "ArrowRight",
  "ArrowUp",
  "ArrowDown",
  "Home",
  "End",
  "PageUp",
  "PageDown",
]);

/**
 * Display index the focus moves to from `index` on `key`; `pageHeight` is the viewport's height
 * (PageUp/PageDown move by as many rows as it shows). Up and down keep the column, also across
 * the headers of a grouped grid, and land on the nearest tile of a shorter row.
 */
export function nextFocus(layout: GridLayout, index: number | null, key: string, pageHeight: number): number {
  const last = layout.count - 1;
  if (index === null || index > last) return key === "End" ? last : 0;
  switch (key) {
    case "ArrowLeft":
      return Math.max(0, index - 1);
    case "ArrowRight":
      return Math.min(last, index + 1);
    case "Home":
      return 0;
    case "End":
      return last;
    case "ArrowUp":
    case "ArrowDown":
      return verticalStep(layout, index, key === "ArrowUp" ? -1 : 1);
    case "PageUp":
    case "PageDown": {
      const rows = Math.max(1, Math.floor(pageHeight / (layout.tileHeight + layout.gap)));
      let i = index;
      for (let k = 0; k < rows; k++) i = verticalStep(layout, i, key === "PageUp" ? -1 : 1);
      return i;
    }
    default:
      return index;
  }
}

/** The tile in the row above (-1) or below (1) nearest to item `index`'s column; itself at an edge. */
function verticalStep(layout: GridLayout, index: number, direction: -1 | 1): number {
  const from = itemRect(layout, index);
  // The next row is at most one row and one group header away.
  const reach = layout.tileHeight + layout.gap + (layout.sections?.headerHeight ?? 0);
  const width = layout.gap + layout.columns * (layout.tileWidth + layout.gap);
  const band =
    direction < 0
      ? { x: 0, y: from.y - reach, width, height: reach - 1 }
      : { x: 0, y: from.y + from.height + 1, width, height: reach };
  let best = index;
  let bestRow = Infinity;
  let bestColumn = Infinity;
  for (const i of itemsInRect(layout, band)) {
    const r = itemRect(layout, i);
    const row = Math.abs(r.y - from.y);
    const column = Math.abs(r.x - from.x);
    if (row === 0) continue;
    if (row < bestRow || (row === bestRow && column < bestColumn)) {
      best = i;
      bestRow = row;
      bestColumn = column;
    }
  }
  return best;
}
