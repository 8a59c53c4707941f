/**
 * Geometry of the virtual grid: fixed-size tiles in rows. Coordinates are "virtual" (as if every
 * row existed); browsers cap an element's height (about 33 million pixels in Chromium, less in
 * Firefox), so beyond MAX_SCROLL_HEIGHT the scroll range is compressed and a scroll position maps
 * proportionally onto the virtual content.
 */

export const MAX_SCROLL_HEIGHT = 8_000_000;

export interface GridLayout {
  count: number;
  columns: number;
  rows: number;
  tileWidth: number;
  tileHeight: number;
  gap: number;
  /** Height of all rows. */
  contentHeight: number;
  /** Height of the spacer that gives the viewport its scroll range. */
  scrollHeight: number;
}

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export function gridLayout(
  viewportWidth: number,
  tileWidth: number,
  tileHeight: number,
  gap: number,
  count: number,
): GridLayout {
  const columns = Math.max(1, Math.floor((viewportWidth - gap) / (tileWidth + gap)));
  const rows = Math.ceil(count / columns);
  const contentHeight = rows ? gap + rows * (tileHeight + gap) : 0;
  return {
    count,
    columns,
    rows,
    tileWidth,
    tileHeight,
    gap,
    contentHeight,
    scrollHeight: Math.min(contentHeight, MAX_SCROLL_HEIGHT),
  };
}

/** Virtual y at the top of the viewport for a scroll position. */
export function virtualTop(layout: GridLayout, scrollTop: number, viewportHeight: number): number {
  const { contentHeight, scrollHeight } = layout;
  if (contentHeight === scrollHeight) return scrollTop;
  const range = scrollHeight - viewportHeight;
  if (range <= 0) return 0;
  return (Math.min(Math.max(scrollTop, 0), range) * (contentHeight - viewportHeight)) / range;
}

/** Scroll position that puts virtual y at the top of the viewport (inverse of virtualTop). */
export function scrollTopFor(layout: GridLayout, y: number, viewportHeight: number): number {
  const { contentHeight, scrollHeight } = layout;
  if (contentHeight === scrollHeight) return y;
  const span = contentHeight - viewportHeight;
  return span <= 0 ? 0 : (y * (scrollHeight - viewportHeight)) / span;
}

/** Items [first, end) intersecting the viewport, plus `overscan` rows above and below. */
export function visibleItems(
  layout: GridLayout,
  top: number,
  viewportHeight: number,
  overscan = 1,
): { first: number; end: number } {
  const pitch = layout.tileHeight + layout.gap;
  const firstRow = Math.max(0, Math.floor((top - layout.gap) / pitch) - overscan);
  const endRow = Math.min(layout.rows, Math.ceil((top + viewportHeight) / pitch) + overscan);
  const first = Math.min(layout.count, firstRow * layout.columns);
  return { first, end: Math.max(first, Math.min(layout.count, endRow * layout.columns)) };
}

/** Virtual box of item i. */
export function itemRect(layout: GridLayout, i: number): Rect {
  const col = i % layout.columns;
  const row = Math.floor(i / layout.columns);
  return {
    x: layout.gap + col * (layout.tileWidth + layout.gap),
    y: layout.gap + row * (layout.tileHeight + layout.gap),
    width: layout.tileWidth,
    height: layout.tileHeight,
  };
}

/** Items whose box intersects a virtual rectangle (a rubber band), in display order. */
export function itemsInRect(layout: GridLayout, rect: Rect): number[] {
  const { gap, tileWidth, tileHeight, columns } = layout;
  const x0 = rect.x;
  const x1 = rect.x + rect.width;
  const y0 = rect.y;
  const y1 = rect.y + rect.height;
  const colPitch = tileWidth + gap;
  const rowPitch = tileHeight + gap;
  // A column c spans [gap + c*pitch, gap + c*pitch + tileWidth].
  const c0 = Math.max(0, Math.ceil((x0 - gap - tileWidth) / colPitch));
  const c1 = Math.min(columns - 1, Math.floor((x1 - gap) / colPitch));
  const r0 = Math.max(0, Math.ceil((y0 - gap - tileHeight) / rowPitch));
  const r1 = Math.min(layout.rows - 1, Math.floor((y1 - gap) / rowPitch));
  const out: number[] = [];
  for (let r = r0; r <= r1; r++) {
    for (let c = c0; c <= c1; c++) {
      const i = r * columns + c;
      if (i < layout.count) out.push(i);
    }
  }
  return out;
}
