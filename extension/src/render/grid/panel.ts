/**
 * The side panel: a filter per field (checkboxes, or a range of numbers or times); labels have
 * their own controls. Counts are the whole dataset's; once the view is narrower, the view's count
 * shows beside each ("12 / 40"), and each range says what the view spans.
 */
import type { FieldSummary } from "../../../../kernel/protocol";
import { formatCount, formatTime, formatValue, roundedRange } from "../../model/format";
import { type SampleTable, TAGS } from "../../model/samples";
import type { Filters } from "../../model/view";
import { codeCounts, extentOf } from "../../model/viewCounts";
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
  /** The count node of each listed value, by field, with the whole dataset's count. */
  private readonly countNodes = new Map<string, Map<string, { node: HTMLElement; total: number }>>();
  /** The line under each range that says what the view spans, and how to print its ends. */
  private readonly spans = new Map<string, { node: HTMLElement; format: (v: number) => string }>();

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
      if ((f.kind === "number" || f.kind === "time") && f.range)
        this.node.appendChild(this.rangeSection(f.name, f.range, f.kind === "time"));
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

  /**
   * The rows shown now (after every filter): a resumable job, run in idle time, that puts the
   * view's counts beside the totals one field at a time; it returns true when done.
   */
  showView(table: SampleTable, view: Int32Array): (stop: () => boolean) => boolean {
    const whole = view.length === table.size;
    const steps: (() => void)[] = [];
    for (const [name, nodes] of this.countNodes) {
      if (name === TAGS || !table.has(name)) continue;
      steps.push(() => {
        const inView = whole ? null : this.viewCounts(table, name, view);
        for (const [value, { node, total }] of nodes) {
          const n = inView?.get(value) ?? 0;
          node.textContent = inView ? `${formatCount(n)} / ${formatCount(total)}` : formatCount(total);
          node.title = inView ? `${formatCount(n)} in this view, ${formatCount(total)} in all` : "";
          node.classList.toggle("bs-none", inView !== null && n === 0);
        }
      });
    }
    for (const [name, { node, format }] of this.spans) {
      if (!table.has(name)) continue;
      steps.push(() => {
        const span = whole ? null : extentOf(table.numberColumn(name), view);
        node.textContent = whole ? "" : span ? `in view: ${format(span[0])} to ${format(span[1])}` : "in view: none";
      });
    }
    let next = 0;
    return (stop) => {
      while (next < steps.length) {
        steps[next++]();
        if (stop()) break;
      }
      return next >= steps.length;
    };
  }

  private viewCounts(table: SampleTable, name: string, view: Int32Array): Map<string, number> {
    const { codes, values } = table.codedColumn(name);
    const counts = codeCounts(codes, values.length, view);
    return new Map(values.map((v, code) => [v, counts[code]]));
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
    const counts = new Map<string, { node: HTMLElement; total: number }>();
    this.countNodes.set(name, counts);
    const rows = values.map(({ value, count }, i) => {
      const box = h("input", { attrs: { type: "checkbox" } });
      box.checked = chosen.has(value);
      box.addEventListener("change", () => {
        if (box.checked) chosen.add(value);
        else chosen.delete(value);
        this.emit();
      });
      const n = h("span", { class: "bs-n", text: formatCount(count) });
      counts.set(value, { node: n, total: count });
      const row = h("label", { class: "bs-check", title: value }, [
        box,
        h("span", { class: "bs-value", text: value }),
        n,
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

  /** Two inputs: numbers rounded outward to what a person reads, or times to the minute (UTC). */
  private rangeSection(name: string, [min, max]: [number, number], time: boolean): HTMLElement {
    const shown = time ? { lo: floorMinute(min), hi: ceilMinute(max), step: null } : roundedRange(min, max);
    const input = (value: number, label: string) =>
      h("input", {
        class: time ? "bs-num bs-time" : "bs-num",
        attrs: {
          type: time ? "datetime-local" : "number",
          step: time ? "60" : "any",
          value: time ? toInputTime(value) : String(value),
          "aria-label": `${name} ${label}`,
        },
      });
    const lo = input(shown.lo, time ? "from" : "minimum");
    const hi = input(shown.hi, time ? "to" : "maximum");
    const read = (el: HTMLInputElement, fallback: number) =>
      el.value === "" ? fallback : time ? Date.parse(`${el.value}Z`) : Number(el.value);
    const onChange = () => {
      const a = read(lo, min);
      const b = read(hi, max);
      // The full range is no filter: rows without a value stay visible.
      if (a <= min && b >= max) this.ranges.delete(name);
      else this.ranges.set(name, [Math.min(a, b), Math.max(a, b)]);
      this.emit();
    };
    lo.addEventListener("change", onChange);
    hi.addEventListener("change", onChange);
    const format = time ? formatTime : formatValue;
    const span = h("div", { class: "bs-n bs-span" });
    this.spans.set(name, { node: span, format });
    const range = h("div", { class: "bs-range", title: `${format(min)} to ${format(max)}${time ? " (UTC)" : ""}` }, [
      lo,
      h("span", { text: "to" }),
      hi,
    ]);
    return this.section(name, h("div", {}, [range, span]));
  }
}

const MINUTE = 60_000;
const floorMinute = (ms: number) => Math.floor(ms / MINUTE) * MINUTE;
const ceilMinute = (ms: number) => Math.ceil(ms / MINUTE) * MINUTE;

/** A datetime-local input's value for a time, in UTC ("2024-03-09T12:30"). */
function toInputTime(ms: number): string {
  return new Date(ms).toISOString().slice(0, 16);
}
