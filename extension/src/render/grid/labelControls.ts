/**
 * The grid's label controls (FiftyOne's label toggles), a popover under the toolbar's "Labels"
 * button: each label field, each class, scores on or off and a confidence threshold. The TP /
 * FP / FN legend beside the button lists the outcomes the tiles draw, and only those.
 */
import type { LabelField } from "../../../../kernel/protocol";
import { boxStyle, OUTCOME_COLORS } from "../../model/boxes";
import { formatCount } from "../../model/format";
import { activeLabelSettings, type LabelSettings, toggled } from "../../model/labelSettings";
import { h, listen, s } from "../dom";
import { OUTCOME_BITS } from "../boxes";

/** A search box appears above the class list when it is longer than this. */
const SEARCH_FROM = 12;

export class LabelControls {
  /** The button and the legend, for the toolbar. */
  readonly button: HTMLButtonElement;
  readonly legend: HTMLSpanElement;
  private readonly popover: HTMLDivElement;
  private stopOutside: (() => void) | null = null;

  constructor(
    private settings: LabelSettings,
    labelFields: readonly LabelField[],
    classes: readonly { value: string; count: number }[],
    private readonly onChange: (settings: LabelSettings) => void,
  ) {
    this.button = h("button", {
      class: "bs-button",
      title: "label fields, classes, scores and confidence shown on the tiles and in the large view",
      attrs: { type: "button", "aria-haspopup": "dialog", "aria-expanded": "false", "data-blindspot": "labels" },
    });
    this.legend = h("span", { class: "bs-legend", attrs: { "data-blindspot": "legend" } });
    this.legend.hidden = true;
    this.popover = h("div", {
      class: "bs-popover bs-label-controls",
      attrs: { role: "dialog", "aria-label": "label controls", "data-blindspot": "label-controls" },
    });
    this.popover.hidden = true;
    this.popover.append(...this.fieldSection(labelFields), ...this.scoreSection(labelFields));
    if (classes.length) this.popover.append(...this.classSection(classes));
    this.button.addEventListener("click", () => this.toggle());
    this.popover.addEventListener("keydown", (e) => {
      if (e.key !== "Escape") return;
      this.close();
      this.button.focus();
      e.stopPropagation();
    });
    this.updateButton();
  }

  /** The popover's node: placed by the toolbar, under its button. */
  get node(): HTMLDivElement {
    return this.popover;
  }

  /** The outcomes drawn (OUTCOME_BITS): their legend entries, or no legend when there are none. */
  setOutcomes(bits: number): void {
    const shown = Object.keys(OUTCOME_COLORS).filter((o) => bits & OUTCOME_BITS[o]);
    if (this.legend.dataset.outcomes === shown.join(",")) return;
    this.legend.dataset.outcomes = shown.join(",");
    this.legend.hidden = !shown.length;
    this.legend.replaceChildren(...shown.map((o) => legendEntry(o)));
  }

  dispose(): void {
    this.stopOutside?.();
  }

  private toggle(): void {
    if (this.popover.hidden) this.open();
    else this.close();
  }

  private open(): void {
    this.popover.hidden = false;
    this.button.setAttribute("aria-expanded", "true");
    // A click anywhere else closes it.
    this.stopOutside = listen(document, "mousedown", (e) => {
      const t = e.target as Node;
      if (!this.popover.contains(t) && !this.button.contains(t)) this.close();
    });
    this.popover.querySelector("input")?.focus();
  }

  private close(): void {
    this.popover.hidden = true;
    this.button.setAttribute("aria-expanded", "false");
    this.stopOutside?.();
    this.stopOutside = null;
  }

  private change(next: Partial<LabelSettings>): void {
    this.settings = { ...this.settings, ...next };
    this.updateButton();
    this.onChange(this.settings);
  }

  private updateButton(): void {
    const n = activeLabelSettings(this.settings);
    this.button.textContent = n ? `Labels (${n})` : "Labels";
  }

  private fieldSection(fields: readonly LabelField[]): HTMLElement[] {
    if (!fields.length) return [];
    const rows = fields.map((f) =>
      checkRow(
        f.name,
        !this.settings.hiddenFields.has(f.name),
        `${f.role === "prediction" ? "dashed" : "solid"}`,
        (on) => this.change({ hiddenFields: toggled(this.settings.hiddenFields, f.name, !on) }),
      ),
    );
    return [h("div", { class: "bs-popover-head", text: "Label fields" }), ...rows];
  }

  private scoreSection(fields: readonly LabelField[]): HTMLElement[] {
    if (!fields.some((f) => f.role === "prediction")) return [];
    const scores = checkRow("scores", this.settings.scores, "in the labels", (on) => this.change({ scores: on }));
    const value = h("span", { class: "bs-n", text: this.settings.minConfidence.toFixed(2) });
    const slider = h("input", {
      class: "bs-confidence",
      attrs: {
        type: "range",
        min: "0",
        max: "1",
        step: "0.01",
        value: String(this.settings.minConfidence),
        "aria-label": "lowest confidence shown",
        "data-blindspot": "confidence",
      },
    });
    slider.addEventListener("input", () => {
      value.textContent = Number(slider.value).toFixed(2);
      this.change({ minConfidence: Number(slider.value) });
    });
    const threshold = h("label", { class: "bs-check", title: "predictions with a lower confidence are hidden" }, [
      h("span", { text: "confidence ≥" }),
      slider,
      value,
    ]);
    return [h("div", { class: "bs-popover-head", text: "Predictions" }), scores, threshold];
  }

  private classSection(classes: readonly { value: string; count: number }[]): HTMLElement[] {
    const rows = classes.map(({ value, count }) =>
      checkRow(value, !this.settings.hiddenClasses.has(value), formatCount(count), (on) =>
        this.change({ hiddenClasses: toggled(this.settings.hiddenClasses, value, !on) }),
      ),
    );
    const setAll = (visible: boolean) => {
      rows.forEach((r) => (r.querySelector("input")!.checked = visible));
      this.change({ hiddenClasses: visible ? new Set() : new Set(classes.map((c) => c.value)) });
    };
    const all = h("button", { class: "bs-link", text: "all", attrs: { type: "button" } });
    const none = h("button", { class: "bs-link", text: "none", attrs: { type: "button" } });
    all.addEventListener("click", () => setAll(true));
    none.addEventListener("click", () => setAll(false));
    const head = h("div", { class: "bs-popover-head" }, [
      h("span", { text: `Classes (${formatCount(classes.length)})` }),
      h("span", { class: "bs-spring" }),
      all,
      none,
    ]);
    const list = h("div", { class: "bs-class-list" }, rows);
    if (classes.length <= SEARCH_FROM) return [head, list];
    const search = h("input", {
      class: "bs-search",
      attrs: { type: "search", placeholder: "find a class", "aria-label": "find a class" },
    });
    search.addEventListener("input", () => {
      const q = search.value.toLowerCase();
      rows.forEach((r, i) => (r.hidden = !classes[i].value.toLowerCase().includes(q)));
    });
    return [head, search, list];
  }
}

/** A checkbox row: name as text (it comes from the notebook), a note on the right. */
function checkRow(name: string, checked: boolean, note: string, onChange: (on: boolean) => void): HTMLLabelElement {
  const box = h("input", { attrs: { type: "checkbox" } });
  box.checked = checked;
  box.addEventListener("change", () => onChange(box.checked));
  return h("label", { class: "bs-check", title: name }, [
    box,
    h("span", { class: "bs-value", text: name }),
    h("span", { class: "bs-n", text: note }),
  ]);
}

/** A legend entry: a line in the outcome's colour and pattern, and its name. */
function legendEntry(outcome: string): HTMLSpanElement {
  const box = { field: "", label: "", x: 0, y: 0, w: 0, h: 0, confidence: NaN, outcome, crowd: false };
  const style = boxStyle(box, outcome === "fp" ? "prediction" : "ground_truth");
  const line = s("line", { attrs: { x1: "1", y1: "5", x2: "21", y2: "5", stroke: style.color } });
  line.setAttribute("stroke-width", String(style.width));
  if (style.dash) line.setAttribute("stroke-dasharray", style.dash);
  const swatch = s("svg", { class: "bs-legend-line", attrs: { width: "22", height: "10", "aria-hidden": "true" } });
  swatch.appendChild(line);
  return h("span", { class: "bs-legend-entry", attrs: { "data-outcome": outcome } }, [
    swatch,
    document.createTextNode(outcome.toUpperCase()),
  ]);
}
