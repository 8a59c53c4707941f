/**
 * The large view of one sample: its image with every box and label, and every field value.
 * Arrow keys step through the grid's current order; Escape, the close button or a click beside
 * the dialog closes it.
 */
import type { GridBundle } from "../../../../kernel/protocol";
import { boxStyle } from "../../model/boxes";
import { formatValue } from "../../model/format";
import type { Box } from "../../model/objects";
import type { SampleTable } from "../../model/samples";
import { TAGS } from "../../model/samples";
import type { Artifacts } from "../../io/artifacts";
import { clearBoxes, drawBoxes } from "../boxes";
import { h, listen, s } from "../dom";
import type { ObjectsStore } from "./objects";
import type { TilePainter } from "./tile";

export interface ModalSource {
  bundle: GridBundle;
  table: SampleTable;
  artifacts: Artifacts;
  objects: ObjectsStore | null;
  painter: TilePainter;
  /** Number of rows in the grid's current order and the row at a display index. */
  count(): number;
  rowAt(index: number): number;
  /** The large view moved to another sample (the grid scrolls to it). */
  shown(index: number): void;
  /** Patches grids: the object id of the box to highlight at a display index. */
  highlight?(index: number): number | null;
}

const FRAME = 640;

export class SampleModal {
  private readonly node: HTMLDivElement;
  private readonly title: HTMLSpanElement;
  private readonly img: HTMLImageElement;
  private readonly svg: SVGSVGElement;
  private readonly details: HTMLDivElement;
  private readonly stops: (() => void)[] = [];
  private index = 0;
  private row = -1;
  private boxes: Box[] = [];
  private highlight: number | null = null;

  constructor(
    private readonly src: ModalSource,
    index: number,
    onClose: () => void,
  ) {
    this.title = h("span", { class: "bs-modal-title" });
    const prev = h("button", { class: "bs-button", text: "←", title: "previous (←)", attrs: { type: "button" } });
    const next = h("button", { class: "bs-button", text: "→", title: "next (→)", attrs: { type: "button" } });
    const close = h("button", {
      class: "bs-button",
      text: "×",
      title: "close (Escape)",
      attrs: { type: "button", "aria-label": "close" },
    });
    this.img = h("img", { class: "bs-modal-img", attrs: { decoding: "async", alt: "" } });
    this.svg = s("svg", { class: "bs-boxes" });
    this.details = h("div", { class: "bs-modal-details" });
    const dialog = h("div", { class: "bs-modal-dialog", attrs: { role: "dialog", "aria-modal": "true" } }, [
      h("div", { class: "bs-modal-head" }, [this.title, h("span", { class: "bs-spring" }), prev, next, close]),
      h("div", { class: "bs-modal-body" }, [h("div", { class: "bs-modal-frame" }, [this.img, this.svg]), this.details]),
    ]);
    this.node = h("div", { class: "bs-modal" }, [dialog]);

    prev.addEventListener("click", () => this.show(this.index - 1));
    next.addEventListener("click", () => this.show(this.index + 1));
    close.addEventListener("click", onClose);
    this.node.addEventListener("mousedown", (e) => e.target === this.node && onClose());
    this.img.addEventListener("load", () => this.drawBoxes());
    this.stops.push(
      listen(
        document,
        "keydown",
        (e) => {
          if (e.key === "Escape") onClose();
          else if (e.key === "ArrowLeft") this.show(this.index - 1);
          else if (e.key === "ArrowRight") this.show(this.index + 1);
          else return;
          e.preventDefault();
          e.stopPropagation();
        },
        { capture: true },
      ),
    );
    document.body.appendChild(this.node);
    this.show(index);
    close.focus();
  }

  dispose(): void {
    for (const stop of this.stops.splice(0)) stop();
    this.node.remove();
  }

  private show(index: number): void {
    const n = this.src.count();
    if (!n) return;
    this.index = Math.min(Math.max(index, 0), n - 1);
    const row = (this.row = this.src.rowAt(this.index));
    this.highlight = this.src.highlight?.(this.index) ?? null;
    this.src.shown(this.index);
    const { table, artifacts } = this.src;
    this.title.textContent = `${table.id(row)}  (${this.index + 1} of ${formatValue(n)})`;
    const thumb = table.text("thumb", row);
    this.boxes = [];
    clearBoxes(this.svg);
    if (thumb) void artifacts.url(thumb).then((url) => this.row === row && (this.img.src = url));
    else this.img.removeAttribute("src");
    this.renderDetails(row, null);
    void this.src.objects?.chunkOf(row).then((chunk) => {
      if (this.row !== row) return;
      this.boxes = chunk?.boxes(row) ?? [];
      this.drawBoxes();
      this.renderDetails(row, this.boxes);
    });
  }

  private drawBoxes(): void {
    const [w, hgt] = this.src.painter.imageSize(this.row, this.img);
    if (!(w > 0 && hgt > 0)) return;
    // Every label field, whatever the grid's toggles hide.
    drawBoxes(this.svg, this.boxes, {
      imageWidth: w,
      imageHeight: hgt,
      frameWidth: FRAME,
      frameHeight: FRAME,
      roles: this.src.painter.roles,
      labels: "detail",
      highlight: this.highlight,
    });
  }

  private renderDetails(row: number, boxes: Box[] | null): void {
    const { table, bundle } = this.src;
    const fixed = ["id", "file", "width", "height", TAGS].filter((f) => table.has(f));
    const names = [...fixed, ...bundle.fields.map((f) => f.name).filter((f) => !fixed.includes(f))];
    const rows = names.map((name) =>
      h("tr", {}, [h("th", { text: name }), h("td", { text: formatValue(table.value(name, row)) })]),
    );
    const parts: HTMLElement[] = [h("table", { class: "bs-fields" }, [h("tbody", {}, rows)])];
    if (boxes === null && this.src.objects) parts.push(h("div", { class: "bs-empty", text: "loading boxes…" }));
    if (boxes?.length) {
      const head = h(
        "tr",
        {},
        ["field", "label", "score", "outcome", "box (x, y, w, h)"].map((t) => h("th", { text: t })),
      );
      const body = boxes.map((b) => {
        const style = boxStyle(b, this.src.painter.roles.get(b.field));
        const swatch = h("span", { class: "bs-swatch" });
        swatch.style.background = style.color;
        return h("tr", b.id != null && b.id === this.highlight ? { class: "bs-highlight" } : {}, [
          h("td", { text: b.field }),
          h("td", {}, [swatch, document.createTextNode(b.label + (b.crowd ? " (crowd)" : ""))]),
          h("td", { text: formatValue(b.confidence) }),
          h("td", { text: b.outcome ?? "—" }),
          h("td", { text: [b.x, b.y, b.w, b.h].map((v) => (Number.isFinite(v) ? v.toFixed(3) : "—")).join(", ") }),
        ]);
      });
      parts.push(h("table", { class: "bs-objects" }, [h("thead", {}, [head]), h("tbody", {}, body)]));
    }
    this.details.replaceChildren(...parts);
  }
}
