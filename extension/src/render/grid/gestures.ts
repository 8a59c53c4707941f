/**
 * Mouse gestures on the grid: click, shift-click, ctrl/cmd-click, double-click, and a rubber band
 * (a drag of more than a few pixels) that picks every tile it touches.
 */
import { itemsInRect, type Rect } from "../../model/layout";
import type { Modifiers } from "../../model/picking";
import type { RenderScope } from "../base";
import { frameThrottle, h, listen } from "../dom";
import type { VirtualTiles } from "./tiles";

export interface GestureHandlers {
  click(index: number, mods: Modifiers): void;
  open(index: number): void;
  /** A band over display indices; `done` on mouse up. */
  band(indices: number[], additive: boolean, done: boolean): void;
}

const DRAG_THRESHOLD = 4;

function indexOf(target: EventTarget | null): number | null {
  const tile = target instanceof Element ? target.closest<HTMLElement>(".bs-tile") : null;
  return tile?.dataset.index !== undefined ? Number(tile.dataset.index) : null;
}

function modifiers(e: MouseEvent): Modifiers {
  return { shift: e.shiftKey, toggle: e.ctrlKey || e.metaKey };
}

export function attachGestures<T extends { root: HTMLElement }>(
  tiles: VirtualTiles<T>,
  handlers: GestureHandlers,
  scope: RenderScope,
): void {
  const viewport = tiles.viewport;
  const bandEl = h("div", { class: "bs-band" });
  bandEl.hidden = true;
  viewport.appendChild(bandEl);

  let start: { x: number; y: number; clientX: number; clientY: number; additive: boolean } | null = null;
  let last: MouseEvent | null = null;
  let dragging = false;
  let stopDrag: (() => void)[] = [];

  const bandRect = (): Rect | null => {
    if (!start || !last) return null;
    const p = tiles.toVirtual(last.clientX, last.clientY);
    return {
      x: Math.min(start.x, p.x),
      y: Math.min(start.y, p.y),
      width: Math.abs(p.x - start.x),
      height: Math.abs(p.y - start.y),
    };
  };

  const drawBand = frameThrottle(() => {
    const rect = bandRect();
    if (!rect || !start) return;
    const screen = tiles.toScreen(rect);
    Object.assign(bandEl.style, {
      transform: `translate(${screen.x}px, ${screen.y}px)`,
      width: `${screen.width}px`,
      height: `${screen.height}px`,
    });
    bandEl.hidden = false;
    handlers.band(itemsInRect(tiles.current, rect), start.additive, false);
  });

  const end = () => {
    for (const f of stopDrag.splice(0)) f();
    drawBand.cancel();
    bandEl.hidden = true;
    start = null;
    last = null;
    dragging = false;
  };
  scope.add(end);

  scope.add(
    listen(viewport, "mousedown", (e) => {
      if (e.button !== 0) return;
      // Keep the focus in the grid (for Escape) and no text selection while dragging.
      viewport.focus({ preventScroll: true });
      e.preventDefault();
      const p = tiles.toVirtual(e.clientX, e.clientY);
      start = { ...p, clientX: e.clientX, clientY: e.clientY, additive: e.shiftKey || e.ctrlKey || e.metaKey };
      last = e;
      stopDrag = [
        listen(document, "mousemove", (m) => {
          last = m;
          if (!dragging && start && Math.hypot(m.clientX - start.clientX, m.clientY - start.clientY) > DRAG_THRESHOLD)
            dragging = true;
          if (dragging) drawBand.schedule();
        }),
        listen(document, "mouseup", (u) => {
          if (dragging) {
            last = u;
            const rect = bandRect();
            if (rect && start) handlers.band(itemsInRect(tiles.current, rect), start.additive, true);
          } else {
            const index = indexOf(u.target);
            if (index !== null) handlers.click(index, modifiers(u));
          }
          end();
        }),
        // The band follows the content while the wheel scrolls during a drag.
        listen(viewport, "scroll", () => dragging && drawBand.schedule(), { passive: true }),
      ];
    }),
  );
  scope.add(
    listen(viewport, "dblclick", (e) => {
      const index = indexOf(e.target);
      if (index !== null) handlers.open(index);
    }),
  );
}
