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
  /** Groups of items, each under a header and starting a new row; null: one run of items. */
  sections: Sections | null;
}

/**
 * A grouped grid: section s holds items [starts[s], starts[s + 1]) (the last one up to `count`)
 * under a header of `headerHeight` pixels; its tiles start a new row below the header.
 */
export interface Sections {
  starts: Int32Array;
  headerHeight: number;
  /** Virtual y of each section's header. */
  tops: Float64Array;
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
  groups: { starts: Int32Array; headerHeight: number } | null = null,
): GridLayout {
  const columns = Math.max(1, Math.floor((viewportWidth - gap) / (tileWidth + gap)));
  if (groups) return sectionLayout(columns, tileWidth, tileHeight, gap, count, groups.starts, groups.headerHeight);
  const rows = Math.ceil(count / columns);
  return layoutOf(
    { count, columns, rows, tileWidth, tileHeight, gap },
    rows ? gap + rows * (tileHeight + gap) : 0,
    null,
  );
}

/** A layout from its measures and content height (the scroll height is capped). */
function layoutOf(
  measures: Pick<GridLayout, "count" | "columns" | "rows" | "tileWidth" | "tileHeight" | "gap">,
  contentHeight: number,
  sections: GridLayout["sections"],
): GridLayout {
  return { ...measures, contentHeight, scrollHeight: Math.min(contentHeight, MAX_SCROLL_HEIGHT), sections };
}

/** Each section: its header, then its tiles in rows of `columns`; O(sections). */
function sectionLayout(
  columns: number,
  tileWidth: number,
  tileHeight: number,
  gap: number,
  count: number,
  starts: Int32Array,
  headerHeight: number,
): GridLayout {
  const tops = new Float64Array(starts.length);
  const pitch = tileHeight + gap;
  let y = 0;
  let rows = 0;
  for (let s = 0; s < starts.length; s++) {
    tops[s] = y;
    const n = sectionEnd(starts, count, s) - starts[s];
    const r = Math.ceil(n / columns);
    rows += r;
    y += headerHeight + r * pitch;
  }
  return layoutOf({ count, columns, rows, tileWidth, tileHeight, gap }, starts.length ? y + gap : 0, {
    starts,
    headerHeight,
    tops,
  });
}

function sectionEnd(starts: Int32Array, count: number, s: number): number {
  return s + 1 < starts.length ? starts[s + 1] : count;
}

/** Last index k with keys[k] <= v (0 when none). */
function lastAtMost(keys: ArrayLike<number>, v: number): number {
  let lo = 0;
  let hi = keys.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (keys[mid] <= v) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** Section of display index i. */
export function sectionOf(layout: GridLayout, i: number): number {
  return layout.sections ? lastAtMost(layout.sections.starts, i) : 0;
}

/** Sections [first, end) whose header or tiles intersect [top, top + height). */
export function visibleSections(layout: GridLayout, top: number, height: number): { first: number; end: number } {
  const sec = layout.sections;
  if (!sec || !sec.starts.length) return { first: 0, end: 0 };
  const first = lastAtMost(sec.tops, top);
  let end = first;
  while (end < sec.tops.length && sec.tops[end] < top + height) end++;
  return { first, end: Math.max(end, first + 1) };
}

/** Items of section s whose rows intersect [y0, y1), as a display index range. */
function sectionItems(layout: GridLayout, s: number, y0: number, y1: number): { first: number; end: number } {
  const sec = layout.sections!;
  const pitch = layout.tileHeight + layout.gap;
  const start = sec.starts[s];
  const stop = sectionEnd(sec.starts, layout.count, s);
  const base = sec.tops[s] + sec.headerHeight;
  const rows = Math.ceil((stop - start) / layout.columns);
  const r0 = Math.max(0, Math.floor((y0 - base) / pitch));
  const r1 = Math.min(rows, Math.ceil((y1 - base) / pitch));
  const first = Math.min(stop, start + r0 * layout.columns);
  return { first, end: Math.max(first, Math.min(stop, start + r1 * layout.columns)) };
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
  if (layout.sections) {
    if (!layout.count) return { first: 0, end: 0 };
    const y0 = top - overscan * pitch;
    const y1 = top + viewportHeight + overscan * pitch;
    const { first: s0, end: s1 } = visibleSections(layout, Math.max(0, y0), y1 - Math.max(0, y0));
    const first = sectionItems(layout, s0, y0, y1).first;
    return { first, end: Math.max(first, sectionItems(layout, s1 - 1, y0, y1).end) };
  }
  const firstRow = Math.max(0, Math.floor((top - layout.gap) / pitch) - overscan);
  const endRow = Math.min(layout.rows, Math.ceil((top + viewportHeight) / pitch) + overscan);
  const first = Math.min(layout.count, firstRow * layout.columns);
  return { first, end: Math.max(first, Math.min(layout.count, endRow * layout.columns)) };
}

/** Virtual box of item i. */
export function itemRect(layout: GridLayout, i: number): Rect {
  const sec = layout.sections;
  if (sec) {
    const s = lastAtMost(sec.starts, i);
    const local = i - sec.starts[s];
    return {
      x: layout.gap + (local % layout.columns) * (layout.tileWidth + layout.gap),
      y: sec.tops[s] + sec.headerHeight + Math.floor(local / layout.columns) * (layout.tileHeight + layout.gap),
      width: layout.tileWidth,
      height: layout.tileHeight,
    };
  }
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
  if (layout.sections) {
    const out: number[] = [];
    const { first: s0, end: s1 } = visibleSections(layout, rect.y, rect.height);
    for (let s = s0; s < s1; s++) {
      const { first, end } = sectionItems(layout, s, rect.y, rect.y + rect.height);
      for (let i = first; i < end; i++) {
        const r = itemRect(layout, i);
        const inside =
          r.x < rect.x + rect.width && r.x + r.width > rect.x && r.y < rect.y + rect.height && r.y + r.height > rect.y;
        if (inside) out.push(i);
      }
    }
    return out;
  }
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
