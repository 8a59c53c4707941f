/** The side panel: a filter per field (checkboxes or a number range); labels have their own controls. */
import type { FieldSummary } from "../../../../kernel/protocol";
import { formatCount, formatValue } from "../../model/format";
import { TAGS } from "../../model/samples";
import type { Filters } from "../../model/view";
import { clear, h } from "../dom";

export interface PanelHandlers {
  filters(filters: Filters): void;
}

/** Values listed before the "more" toggle of a field. */
const SHOWN_VALUES = 12;

export class SidePanel {
  readonly node: HTMLDivElement;
  private readonly values = new Map<string, Set<string>>();
  private readonly ranges = new Map<string, readonly [number, number]>();
  private tagList: HTMLDivElement | null = null;

  constructor(
    fields: readonly FieldSummary[],
    hasTags: boolean,
    private readonly handlers: PanelHandlers,
  ) {
    this.node = h("div", { class: "bs-panel" });
    // The tags column gets its own section with live counts, unless the fields list it.
    if (hasTags && !fields.some((f) => f.name === TAGS)) {
      this.node.appendChild(this.section(TAGS, (this.tagList = h("div"))));
    }
    for (const f of fields) {
      if (f.kind === "number" && f.range) this.node.appendChild(this.rangeSection(f.name, f.range));
      else if (f.kind === "tags" && f.name === TAGS)
        this.node.appendChild(this.section(TAGS, (this.tagList = h("div"))));
      else if (f.values?.length) this.node.appendChild(this.section(f.name, this.checkboxes(f.name, f.values)));
    }
  }

  /** New tag counts (a tag event changed them). */
  setTags(counts: ReadonlyMap<string, number>): void {
    if (!this.tagList) return;
    clear(this.tagList);
    const values = [...counts]
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
      .map(([value, count]) => ({ value, count }));
    if (!values.length) this.tagList.appendChild(h("div", { class: "bs-empty", text: "no tags" }));
    else this.tagList.appendChild(this.checkboxes(TAGS, values));
  }

  private emit(): void {
    this.handlers.filters({ values: new Map(this.values), ranges: new Map(this.ranges) });
  }

  private section(title: string, body: HTMLElement): HTMLElement {
    return h("details", { class: "bs-section", attrs: { open: "" } }, [h("summary", { text: title }), body]);
  }

  private checkboxes(name: string, values: readonly { value: string; count: number }[]): HTMLElement {
    const chosen = this.values.get(name) ?? new Set<string>();
    this.values.set(name, chosen);
    const rows = values.map(({ value, count }, i) => {
      const box = h("input", { attrs: { type: "checkbox" } });
      box.checked = chosen.has(value);
      box.addEventListener("change", () => {
        if (box.checked) chosen.add(value);
        else chosen.delete(value);
        this.emit();
      });
      const row = h("label", { class: "bs-check", title: value }, [
        box,
        h("span", { class: "bs-value", text: value }),
        h("span", { class: "bs-n", text: formatCount(count) }),
      ]);
      row.hidden = i >= SHOWN_VALUES;
      return row;
    });
    const body = h("div", {}, rows);
    if (values.length > SHOWN_VALUES) {
      const more = h("button", {
        class: "bs-link",
        text: `${values.length - SHOWN_VALUES} more`,
        attrs: { type: "button" },
      });
      more.addEventListener("click", () => {
        rows.forEach((r) => (r.hidden = false));
        more.remove();
      });
      body.appendChild(more);
    }
    return body;
  }

  private rangeSection(name: string, [min, max]: [number, number]): HTMLElement {
    const input = (value: number, label: string) =>
      h("input", {
        class: "bs-num",
        attrs: { type: "number", step: "any", value: String(value), "aria-label": `${name} ${label}` },
      });
    const lo = input(min, "minimum");
    const hi = input(max, "maximum");
    const onChange = () => {
      const a = lo.value === "" ? min : Number(lo.value);
      const b = hi.value === "" ? max : Number(hi.value);
      // The full range is no filter: rows without a value stay visible.
      if (a <= min && b >= max) this.ranges.delete(name);
      else this.ranges.set(name, [Math.min(a, b), Math.max(a, b)]);
      this.emit();
    };
    lo.addEventListener("change", onChange);
    hi.addEventListener("change", onChange);
    return this.section(
      name,
      h("div", { class: "bs-range", title: `${formatValue(min)} to ${formatValue(max)}` }, [
        lo,
        h("span", { text: "to" }),
        hi,
      ]),
    );
  }
}
