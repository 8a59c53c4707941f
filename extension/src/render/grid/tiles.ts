/**
 * The virtual scroller: a viewport with a tall spacer and only the visible tiles (plus a row of
 * overscan) as absolutely positioned nodes, recycled through a pool. Scroll and resize are handled
 * once per animation frame.
 */
import {
  type GridLayout,
  type Rect,
  gridLayout,
  itemRect,
  scrollTopFor,
  virtualTop,
  visibleItems,
  visibleSections,
} from "../../model/layout";
import { frameThrottle, h, listen } from "../dom";
import type { RenderScope } from "../base";

const GAP = 8;

export interface TileHost<T extends { root: HTMLElement }> {
  count(): number;
  tileWidth(): number;
  tileHeight(): number;
  create(): T;
  /** Fill a tile for display index `index`. */
  paint(tile: T, index: number): void;
  /** A tile leaves the screen (back to the pool). */
  release(tile: T): void;
  /** Grouped grids: where each group starts in display order, and the height of a group's header. */
  groups?(): { starts: Int32Array; headerHeight: number } | null;
  /** Fill the header of section `section` (grouped grids). */
  paintHeader?(node: HTMLElement, section: number): void;
}

export class VirtualTiles<T extends { root: HTMLElement }> {
  readonly viewport: HTMLDivElement;
  private readonly spacer: HTMLDivElement;
  private readonly active = new Map<number, T>();
  private readonly pool: T[] = [];
  /** Group headers on screen, by section, and spare ones. */
  private readonly headers = new Map<number, HTMLElement>();
  private readonly headerPool: HTMLElement[] = [];
  private layout: GridLayout;
  private readonly frame = frameThrottle(() => this.update());
  /** Viewport size, from the resize observer: reading it after DOM writes would force a layout. */
  private width = 0;
  private height = 0;

  constructor(
    private readonly host: TileHost<T>,
    scope: RenderScope,
  ) {
    this.spacer = h("div", { class: "bs-spacer" });
    this.viewport = h("div", { class: "bs-viewport", attrs: { tabindex: "-1" } }, [this.spacer]);
    this.layout = this.computeLayout();
    scope.add(listen(this.viewport, "scroll", () => this.frame.schedule(), { passive: true }));
    const resize = new ResizeObserver(([entry]) => {
      const { width, height } = entry.contentRect;
      const widthChanged = width !== this.width;
      this.width = width;
      this.height = height;
      if (widthChanged) this.relayout();
      else this.update();
    });
    resize.observe(this.viewport);
    scope.add(() => resize.disconnect());
    scope.add(() => this.frame.cancel());
  }

  get current(): GridLayout {
    return this.layout;
  }

  /** After a change of count or tile size: new geometry, every tile repainted. */
  relayout(): void {
    this.layout = this.computeLayout();
    this.spacer.style.height = `${this.layout.scrollHeight}px`;
    for (const [i, tile] of this.active) this.recycle(i, tile);
    for (const [s, node] of this.headers) this.recycleHeader(s, node);
    this.update();
  }

  /** Repaints the tiles on screen (selection, tags or boxes changed). */
  refresh(): void {
    for (const [i, tile] of this.active) this.host.paint(tile, i);
  }

  tiles(): IterableIterator<T> {
    return this.active.values();
  }

  /** Virtual content coordinates of a point on screen. */
  toVirtual(clientX: number, clientY: number): { x: number; y: number } {
    const r = this.viewport.getBoundingClientRect();
    return { x: clientX - r.left + this.viewport.scrollLeft, y: clientY - r.top + this.top() };
  }

  /** Screen rectangle (relative to the viewport's content box) of a virtual rectangle. */
  toScreen(rect: Rect): Rect {
    return { ...rect, y: rect.y - this.top() + this.viewport.scrollTop };
  }

  scrollToTop(): void {
    this.viewport.scrollTop = 0;
  }

  /** Scrolls so that item `index` is visible. */
  reveal(index: number): void {
    const r = itemRect(this.layout, index);
    const top = this.top();
    const height = this.height;
    if (r.y < top) this.viewport.scrollTop = scrollTopFor(this.layout, r.y - GAP, height);
    else if (r.y + r.height > top + height)
      this.viewport.scrollTop = scrollTopFor(this.layout, r.y + r.height + GAP - height, height);
  }

  update(): void {
    // The one geometry read of a frame, before any write.
    const scrollTop = this.viewport.scrollTop;
    const top = virtualTop(this.layout, scrollTop, this.height);
    const { first, end } = visibleItems(this.layout, top, this.height || 600, 1);
    for (const [i, tile] of this.active) if (i < first || i >= end) this.recycle(i, tile);
    let added = false;
    for (let i = first; i < end; i++) {
      let tile = this.active.get(i);
      if (!tile) {
        added = true;
        // Oldest first: after a relayout the DOM order is the display order again.
        tile = this.pool.shift() ?? this.host.create();
        this.active.set(i, tile);
        tile.root.style.width = `${this.layout.tileWidth}px`;
        tile.root.style.height = `${this.layout.tileHeight}px`;
        this.host.paint(tile, i);
        if (!tile.root.parentNode) this.viewport.appendChild(tile.root);
        tile.root.hidden = false;
      }
      const r = itemRect(this.layout, i);
      // Positions are relative to the scroll position, so a compressed scroll range still works.
      tile.root.style.transform = `translate(${r.x}px, ${r.y - top + scrollTop}px)`;
    }
    if (added) this.orderNodes(first, end);
    this.updateHeaders(top, scrollTop);
  }

  /** Headers of the sections on screen, positioned like the tiles. */
  private updateHeaders(top: number, scrollTop: number): void {
    const sections = this.layout.sections;
    if (!sections) return;
    const { first, end } = visibleSections(this.layout, top, this.height || 600);
    for (const [s, node] of this.headers) if (s < first || s >= end) this.recycleHeader(s, node);
    for (let s = first; s < end; s++) {
      let node = this.headers.get(s);
      if (!node) {
        node =
          this.headerPool.pop() ?? h("div", { class: "bs-group-header", attrs: { "data-blindspot": "group-header" } });
        node.style.height = `${sections.headerHeight}px`;
        this.host.paintHeader?.(node, s);
        if (!node.parentNode) this.viewport.appendChild(node);
        node.hidden = false;
        this.headers.set(s, node);
      }
      node.style.transform = `translate(0px, ${sections.tops[s] - top + scrollTop}px)`;
    }
  }

  private recycleHeader(s: number, node: HTMLElement): void {
    this.headers.delete(s);
    node.hidden = true;
    this.headerPool.push(node);
  }

  /** Keeps the DOM order of the tiles on screen the display order (what tests and readers expect). */
  private orderNodes(first: number, end: number): void {
    let prev: HTMLElement | null = null;
    for (let i = first; i < end; i++) {
      const node = this.active.get(i)!.root;
      if (prev && prev.nextElementSibling !== node) prev.after(node);
      prev = node;
    }
  }

  private recycle(i: number, tile: T): void {
    this.active.delete(i);
    tile.root.hidden = true;
    this.host.release(tile);
    this.pool.push(tile);
  }

  private top(): number {
    return virtualTop(this.layout, this.viewport.scrollTop, this.height);
  }

  private computeLayout(): GridLayout {
    return gridLayout(
      this.width || 800,
      this.host.tileWidth(),
      this.host.tileHeight(),
      GAP,
      this.host.count(),
      this.host.groups?.() ?? null,
    );
  }
}
