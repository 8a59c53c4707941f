/**
 * Keys on the grid: arrows, Home, End and the page keys move the focus tile (with Shift they
 * extend the selection), Enter opens it large, Space picks or unpicks it, Escape clears the
 * selection. Handled keys stop here, so JupyterLab's notebook shortcuts do not also run.
 */
import { FOCUS_KEYS, nextFocus } from "../../model/focus";
import type { GridLayout } from "../../model/layout";
import type { RenderScope } from "../base";
import { listen } from "../dom";

export interface KeyHandlers {
  layout(): GridLayout;
  pageHeight(): number;
  focused(): number | null;
  /** Focus tile `index`; `extend`: Shift was held, the selection grows to it. */
  moveFocus(index: number, extend: boolean): void;
  open(index: number | null): void;
  toggle(index: number): void;
  clearPicked(): void;
  /** True while the large view is open: it has keys of its own. */
  busy(): boolean;
}

export function attachKeyboard(root: HTMLElement, handlers: KeyHandlers, scope: RenderScope): void {
  scope.add(
    listen(root, "keydown", (e) => {
      if (handlers.busy() || e.altKey || e.ctrlKey || e.metaKey || isTextInput(e.target)) return;
      const focused = handlers.focused();
      if (FOCUS_KEYS.has(e.key)) {
        if (!handlers.layout().count) return;
        handlers.moveFocus(nextFocus(handlers.layout(), focused, e.key, handlers.pageHeight()), e.shiftKey);
      } else if (e.key === "Enter") {
        handlers.open(focused);
      } else if (e.key === " ") {
        if (focused === null) return;
        handlers.toggle(focused);
      } else if (e.key === "Escape") {
        handlers.clearPicked();
      } else {
        return;
      }
      e.preventDefault();
      e.stopPropagation();
    }),
  );
}

/** The toolbar's and the side panel's fields keep their own keys. */
function isTextInput(target: EventTarget | null): boolean {
  return (
    target instanceof HTMLInputElement || target instanceof HTMLSelectElement || target instanceof HTMLButtonElement
  );
}
