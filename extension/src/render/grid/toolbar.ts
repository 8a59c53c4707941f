/** The grid's toolbar: title, counts, the group-filter chip, sort, tile size and actions. */
import type { SortKey } from "../../model/samples";
import { h } from "../dom";
import type { LabelControls } from "./labelControls";

export interface ToolbarHandlers {
  sort(key: SortKey | null): void;
  size(px: number): void;
  clearFilter(): void;
  clearPicked(): void;
  open(): void;
  togglePanel(): void;
}

export class Toolbar {
  readonly node: HTMLDivElement;
  private readonly count: HTMLSpanElement;
  private readonly chip: HTMLSpanElement;
  private readonly chipText: HTMLSpanElement;
  private readonly status: HTMLSpanElement;
  private readonly panelButton: HTMLButtonElement;
  private readonly labelSlot: HTMLSpanElement;

  constructor(title: string, sortFields: string[], initialSize: number, handlers: ToolbarHandlers) {
    this.count = h("span", { class: "bs-count", attrs: { "data-blindspot": "count" } });
    this.chipText = h("span", { class: "bs-chip-text" });
    const chipClear = h("button", {
      class: "bs-chip-clear",
      text: "×",
      title: "show all rows again",
      attrs: { type: "button", "aria-label": "clear chart filter" },
    });
    this.chip = h("span", { class: "bs-chip" }, [this.chipText, chipClear]);
    this.chip.hidden = true;
    this.status = h("span", { class: "bs-status" });
    this.labelSlot = h("span", { class: "bs-label-slot" });

    const sort = h("select", { class: "bs-sort", title: "sort by", attrs: { "aria-label": "sort by" } }, [
      h("option", { text: "view order", attrs: { value: "" } }),
      ...sortFields.map((f) => h("option", { text: f, attrs: { value: f } })),
    ]);
    const dir = h("button", {
      class: "bs-button",
      text: "↑",
      title: "ascending (click for descending)",
      attrs: { type: "button" },
    });
    let descending = false;
    const emitSort = () => handlers.sort(sort.value ? { field: sort.value, descending } : null);
    const size = h("input", {
      class: "bs-size",
      title: "tile size",
      attrs: {
        type: "range",
        min: "80",
        max: "320",
        step: "10",
        value: String(initialSize),
        "aria-label": "tile size",
      },
    });
    const panel = (this.panelButton = h("button", {
      class: "bs-button",
      text: "Filters",
      title: "show or hide the side panel",
      attrs: { type: "button" },
    }));
    const open = h("button", {
      class: "bs-button",
      text: "Open",
      title: "open the selected sample large (or double-click a tile)",
      attrs: { type: "button" },
    });
    const clearPicked = h("button", {
      class: "bs-button",
      text: "Clear selection",
      title: "clear the selection (Escape)",
      attrs: { type: "button" },
    });

    chipClear.addEventListener("click", () => handlers.clearFilter());
    sort.addEventListener("change", emitSort);
    dir.addEventListener("click", () => {
      descending = !descending;
      dir.textContent = descending ? "↓" : "↑";
      dir.title = descending ? "descending (click for ascending)" : "ascending (click for descending)";
      emitSort();
    });
    size.addEventListener("input", () => handlers.size(Number(size.value)));
    panel.addEventListener("click", () => handlers.togglePanel());
    open.addEventListener("click", () => handlers.open());
    clearPicked.addEventListener("click", () => handlers.clearPicked());

    this.node = h("div", { class: "bs-toolbar" }, [
      h("span", { class: "bs-title", text: title }),
      this.count,
      this.chip,
      this.status,
      h("span", { class: "bs-spring" }),
      this.labelSlot,
      panel,
      h("label", { class: "bs-label", text: "Sort " }, [sort]),
      dir,
      size,
      open,
      clearPicked,
    ]);
  }

  /** The label controls' button and legend, with their popover under the toolbar. */
  setLabelControls(controls: LabelControls): void {
    this.labelSlot.replaceChildren(controls.legend, controls.button);
    this.node.appendChild(controls.node);
  }

  setCount(text: string): void {
    this.count.textContent = text;
  }

  /** Shows the group's chart filter, or hides the chip when there is none. */
  setFilter(description: string | null): void {
    this.chip.hidden = description === null;
    this.chipText.textContent = description === null ? "" : `filtered by chart: ${description || "selection"}`;
    // The whole description on hover, when the chip shows it cut.
    this.chipText.title = this.chipText.textContent;
  }

  /** The Filters button says how many side-panel filters are on. */
  setFilterCount(n: number): void {
    this.panelButton.textContent = n ? `Filters (${n})` : "Filters";
  }

  setStatus(text: string): void {
    this.status.textContent = text;
  }
}
