/**
 * The large view of one sample: its image at full resolution (the thumbnail first, then the
 * original through the server extension), with wheel zoom about the pointer, drag to pan and a
 * reset; its boxes mapped from image pixels at any zoom; its fields, internal ones on request.
 * Arrow keys step through the grid's current order; Escape, the close button or a click beside
 * the dialog closes it. A sample with label issues (boxLabelIssues, labelIssues) lists them with
 * their suggested corrections, drawn in their own style, to accept (A) or reject (R).
 */
import type { GridBundle } from "../../../../kernel/protocol";
import { boxStyle } from "../../model/boxes";
import { formatValue } from "../../model/format";
import { isInternalField } from "../../model/internalFields";
import { shownBoxes } from "../../model/labelSettings";
import type { Box } from "../../model/objects";
import { markSuggestions, reviewItems, type ReviewItem } from "../../model/review";
import type { SampleTable } from "../../model/samples";
import { TAGS } from "../../model/samples";
import { fitView, naturalView, panBy, wheelFactor, zoomAt, type ZoomView } from "../../model/zoom";
import type { Artifacts } from "../../io/artifacts";
import { fetchFullImage } from "../../io/images";
import type { ReviewStore } from "../../io/reviews";
import { clearBoxes, drawBoxes } from "../boxes";
import { frameThrottle, h, listen, s } from "../dom";
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
  /** Where decisions on suggested label corrections go (grids of samples). */
  review?: ReviewStore | null;
}

/** Label font size in the large view, in pixels. */
const LABEL_FONT = 13;
/** Zoom of one press of + or -. */
const ZOOM_STEP = 1.25;

export class SampleModal {
  private readonly node: HTMLDivElement;
  private readonly title: HTMLSpanElement;
  private readonly viewport: HTMLDivElement;
  private readonly img: HTMLImageElement;
  private readonly svg: SVGSVGElement;
  private readonly zoomText: HTMLSpanElement;
  private readonly note: HTMLDivElement;
  private readonly details: HTMLDivElement;
  private readonly stops: (() => void)[] = [];
  private readonly paint = frameThrottle(() => this.apply());
  private index = 0;
  private row = -1;
  private boxes: Box[] | null = null;
  /** Image size in pixels (the dataset's, else the loaded image's) and the current zoom. */
  private size: [number, number] = [NaN, NaN];
  private view: ZoomView = { scale: 1, dx: 0, dy: 0 };
  private fitted = true;
  private showInternal = false;
  /** Aborts the full image's download when the view moves on; its object URL is revoked. */
  private loading: AbortController | null = null;
  private objectUrl: string | null = null;
  /** Object id of the box to emphasise (patches grids), else null. */
  private highlight: number | null = null;
  /** The label issues offered for review on the current sample. */
  private items: ReviewItem[] = [];

  constructor(
    private readonly src: ModalSource,
    index: number,
    onClose: () => void,
  ) {
    this.title = h("span", { class: "bs-modal-title" });
    const button = (text: string, title: string, action: () => void, label = title) => {
      const b = h("button", { class: "bs-button", text, title, attrs: { type: "button", "aria-label": label } });
      b.addEventListener("click", action);
      return b;
    };
    this.zoomText = h("span", { class: "bs-zoom", attrs: { "data-blindspot": "zoom" } });
    const close = button("×", "close (Escape)", onClose, "close");
    this.img = h("img", { class: "bs-modal-img", attrs: { decoding: "async", alt: "", draggable: "false" } });
    this.svg = s("svg", { class: "bs-boxes" });
    this.viewport = h("div", { class: "bs-modal-view", attrs: { "data-blindspot": "large-view" } }, [
      this.img,
      this.svg,
    ]);
    this.note = h("div", { class: "bs-modal-note" });
    this.details = h("div", { class: "bs-modal-details" });
    const dialog = h("div", { class: "bs-modal-dialog", attrs: { role: "dialog", "aria-modal": "true" } }, [
      h("div", { class: "bs-modal-head" }, [
        this.title,
        h("span", { class: "bs-spring" }),
        button("−", "zoom out (-)", () => this.zoomBy(1 / ZOOM_STEP), "zoom out"),
        this.zoomText,
        button("+", "zoom in (+ or the mouse wheel)", () => this.zoomBy(ZOOM_STEP), "zoom in"),
        button("Fit", "whole image (0 or double-click)", () => this.reset(), "fit"),
        button("1:1", "one screen pixel per image pixel (1)", () => this.natural(), "natural size"),
        button("←", "previous (←)", () => this.show(this.index - 1), "previous"),
        button("→", "next (→)", () => this.show(this.index + 1), "next"),
        close,
      ]),
      h("div", { class: "bs-modal-body" }, [
        h("div", { class: "bs-modal-stage" }, [this.viewport, this.note]),
        this.details,
      ]),
    ]);
    this.node = h("div", { class: "bs-modal" }, [dialog]);

    this.node.addEventListener("mousedown", (e) => e.target === this.node && onClose());
    this.img.addEventListener("load", () => this.imageLoaded());
    this.attachGestures();
    this.stops.push(
      listen(
        document,
        "keydown",
        (e) => {
          if ((e.target as HTMLElement).closest?.("input, select, textarea")) return;
          if (e.key === "Escape") onClose();
          else if (e.key === "ArrowLeft") this.show(this.index - 1);
          else if (e.key === "ArrowRight") this.show(this.index + 1);
          else if (e.key === "+" || e.key === "=") this.zoomBy(ZOOM_STEP);
          else if (e.key === "-") this.zoomBy(1 / ZOOM_STEP);
          else if (e.key === "0") this.reset();
          else if (e.key === "1") this.natural();
          else if ((e.key === "a" || e.key === "r") && this.items.length)
            this.decideNext(e.key === "a" ? "accept" : "reject");
          else return;
          e.preventDefault();
          e.stopPropagation();
        },
        { capture: true },
      ),
    );
    const resize = new ResizeObserver(() => (this.fitted ? this.reset() : this.paint.schedule()));
    resize.observe(this.viewport);
    this.stops.push(() => resize.disconnect());
    document.body.appendChild(this.node);
    this.show(index);
    close.focus();
  }

  dispose(): void {
    for (const stop of this.stops.splice(0)) stop();
    this.paint.cancel();
    this.dropFullImage();
    this.node.remove();
  }

  /** The label controls changed: draw the boxes again. */
  redraw(): void {
    this.paint.schedule();
    if (this.boxes) this.renderDetails(this.row, this.boxes);
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
    this.boxes = null;
    clearBoxes(this.svg);
    this.dropFullImage();
    this.size = this.src.painter.imageSize(row, this.img);
    this.fitted = true;
    this.img.removeAttribute("src");
    this.img.dataset.resolution = "none";
    const thumb = table.text("thumb", row);
    if (thumb) {
      void artifacts.url(thumb).then((url) => {
        if (this.row !== row || this.img.dataset.resolution === "full") return;
        this.img.dataset.resolution = "thumbnail";
        this.img.src = url;
      });
    }
    this.loadFullImage(row);
    this.reset();
    this.renderDetails(row, null);
    if (!this.src.objects) return;
    void this.src.objects.chunkOf(row).then((chunk) => {
      if (this.row !== row) return;
      this.boxes = chunk?.boxes(row) ?? [];
      this.paint.schedule();
      this.renderDetails(row, this.boxes);
    });
  }

  /** The original file through the server extension; the thumbnail stays when it cannot come. */
  private loadFullImage(row: number): void {
    const root = this.src.bundle.imageRoot;
    const file = this.src.table.text("file", row);
    if (!root || !file) {
      this.setNote("thumbnail only: this output names no image folder (re-run the cell with this blindspot)");
      return;
    }
    this.setNote("loading the full-resolution image…");
    const loading = (this.loading = new AbortController());
    fetchFullImage(this.src.artifacts, root, file, loading.signal)
      .then((blob) => {
        if (loading.signal.aborted) return;
        this.objectUrl = URL.createObjectURL(blob);
        // Decoded off screen first, so the thumbnail stays until the photo can replace it at once.
        const full = new Image();
        full.src = this.objectUrl;
        return full.decode().then(() => {
          if (loading.signal.aborted) return;
          this.img.dataset.resolution = "full";
          this.img.src = full.src;
        });
      })
      .catch((e: unknown) => {
        if (!loading.signal.aborted) this.setNote(`thumbnail only: the full image could not be loaded (${message(e)})`);
      });
  }

  private dropFullImage(): void {
    this.loading?.abort();
    this.loading = null;
    if (this.objectUrl) URL.revokeObjectURL(this.objectUrl);
    this.objectUrl = null;
  }

  private imageLoaded(): void {
    const { naturalWidth: w, naturalHeight: hgt } = this.img;
    if (this.img.dataset.resolution === "full") this.setNote(`full resolution, ${w} × ${hgt} pixels`);
    // Without a size in the samples, the loaded image gives it (a thumbnail has the same aspect).
    if (!(this.size[0] > 0) || this.img.dataset.resolution === "full") {
      const changed = this.size[0] !== w || this.size[1] !== hgt;
      this.size = [w, hgt];
      if (changed && this.fitted) this.reset();
    }
    this.paint.schedule();
  }

  private attachGestures(): void {
    const vp = this.viewport;
    vp.addEventListener(
      "wheel",
      (e) => {
        e.preventDefault();
        const r = vp.getBoundingClientRect();
        this.setView(
          zoomAt(this.view, wheelFactor(e.deltaY, e.deltaMode), e.clientX - r.left, e.clientY - r.top, this.fitScale()),
        );
      },
      { passive: false },
    );
    let last: [number, number] | null = null;
    vp.addEventListener("pointerdown", (e) => {
      if (e.button !== 0) return;
      last = [e.clientX, e.clientY];
      vp.setPointerCapture(e.pointerId);
      vp.classList.add("bs-panning");
    });
    vp.addEventListener("pointermove", (e) => {
      if (!last) return;
      this.setView(panBy(this.view, e.clientX - last[0], e.clientY - last[1]));
      last = [e.clientX, e.clientY];
    });
    const end = () => {
      last = null;
      vp.classList.remove("bs-panning");
    };
    vp.addEventListener("pointerup", end);
    vp.addEventListener("pointercancel", end);
    vp.addEventListener("dblclick", () => (this.fitted ? this.natural() : this.reset()));
  }

  private viewportSize(): [number, number] {
    return [this.viewport.clientWidth, this.viewport.clientHeight];
  }

  private fitScale(): number {
    return fitView(...this.size, ...this.viewportSize()).scale;
  }

  private reset(): void {
    this.view = fitView(...this.size, ...this.viewportSize());
    this.fitted = true;
    this.paint.schedule();
  }

  private natural(): void {
    this.setView(naturalView(this.view, ...this.viewportSize()));
  }

  private zoomBy(factor: number): void {
    const [w, hgt] = this.viewportSize();
    this.setView(zoomAt(this.view, factor, w / 2, hgt / 2, this.fitScale()));
  }

  private setView(view: ZoomView): void {
    this.view = view;
    this.fitted = false;
    this.paint.schedule();
  }

  /** Places the image and draws the boxes for the current zoom (once per frame). */
  private apply(): void {
    const [w, hgt] = this.size;
    const { scale, dx, dy } = this.view;
    this.zoomText.textContent = `${Math.round(scale * 100)}%`;
    if (!(w > 0 && hgt > 0)) return;
    // The thumbnail is laid out at the image's full size too, so the switch moves nothing.
    this.img.style.width = `${w}px`;
    this.img.style.height = `${hgt}px`;
    this.img.style.transform = `translate(${dx}px, ${dy}px) scale(${scale})`;
    const [vw, vh] = this.viewportSize();
    const { painter } = this.src;
    drawBoxes(this.svg, shownBoxes(markSuggestions(this.boxes ?? []), painter.labels), {
      imageWidth: w,
      imageHeight: hgt,
      frameWidth: vw,
      frameHeight: vh,
      fit: this.view,
      roles: painter.roles,
      labels: "detail",
      scores: painter.labels.scores,
      fontSize: LABEL_FONT,
      highlight: this.highlight,
    });
  }

  private setNote(text: string): void {
    this.note.textContent = text;
  }

  private renderDetails(row: number, boxes: Box[] | null): void {
    const { table, bundle } = this.src;
    const fixed = ["id", "file", "width", "height", TAGS].filter((f) => table.has(f));
    const names = [...fixed, ...bundle.fields.map((f) => f.name).filter((f) => !fixed.includes(f))];
    const internal = names.filter((name) => isInternalField(name, table.value(name, row)));
    const shown = this.showInternal ? names : names.filter((name) => !internal.includes(name));
    const rows = shown.map((name) =>
      h("tr", {}, [h("th", { text: name }), h("td", { text: formatValue(table.value(name, row)) })]),
    );
    const parts: HTMLElement[] = [h("table", { class: "bs-fields" }, [h("tbody", {}, rows)])];
    if (internal.length) {
      const toggle = h("button", {
        class: "bs-link",
        text: this.showInternal ? "hide internal fields" : `show ${internal.length} internal fields (hashes)`,
        attrs: { type: "button", "data-blindspot": "internal-fields" },
      });
      toggle.addEventListener("click", () => {
        this.showInternal = !this.showInternal;
        this.renderDetails(row, boxes);
      });
      parts.push(toggle);
    }
    if (boxes === null && this.src.objects) parts.push(h("div", { class: "bs-empty", text: "loading boxes…" }));
    this.items = this.src.review && (boxes || !this.src.objects) ? this.reviewItemsOf(row, boxes ?? []) : [];
    if (this.items.length) parts.push(this.reviewPanel());
    const drawn = boxes && shownBoxes(boxes, this.src.painter.labels);
    if (drawn?.length) parts.push(this.boxTable(drawn, boxes!.length));
    this.details.replaceChildren(...parts);
  }

  private reviewItemsOf(row: number, boxes: Box[]): ReviewItem[] {
    const { table } = this.src;
    const flagged = table.text("label_issue", row) === "true";
    const suggested = table.has("suggested_label") ? table.text("suggested_label", row) : null;
    return reviewItems(boxes, { id: table.id(row), flagged, suggested });
  }

  /** The label issues of the sample, each with its decision and the buttons to make it. */
  private reviewPanel(): HTMLElement {
    const review = this.src.review!;
    const rows = this.items.map((item) => {
      const decided = review.decision(item.key)?.decision ?? null;
      const button = (decision: "accept" | "reject", text: string) => {
        const b = h("button", {
          class: "bs-button",
          text,
          attrs: { type: "button", "data-blindspot": decision, "aria-pressed": String(decided === decision) },
        });
        b.addEventListener("click", () => this.decide(item, decision));
        return b;
      };
      return h("tr", { attrs: { "data-key": item.key, "data-decision": decided ?? "none" } }, [
        h("td", { text: item.issue }),
        h("td", { text: item.text }),
        h("td", { text: decided ? `${decided}ed` : "—" }),
        h("td", {}, [button("accept", "Accept (A)"), button("reject", "Reject (R)")]),
      ]);
    });
    const note = review.problem
      ? [h("div", { class: "bs-empty", text: `decisions are not saved: ${review.problem}` })]
      : [];
    return h("div", { class: "bs-review", attrs: { "data-blindspot": "review" } }, [
      h("div", { class: "bs-review-head", text: "Label issues: accept or reject each suggestion" }),
      h("table", { class: "bs-objects" }, [h("tbody", {}, rows)]),
      ...note,
    ]);
  }

  /** A or R: decides the first issue not decided yet (or the last one, to change it). */
  private decideNext(decision: "accept" | "reject"): void {
    const review = this.src.review!;
    const item = this.items.find((i) => !review.decision(i.key)) ?? this.items[this.items.length - 1];
    this.decide(item, decision);
  }

  private decide(item: ReviewItem, decision: "accept" | "reject"): void {
    const review = this.src.review!;
    void review
      .decide(item.key, decision, item.issue)
      .catch((e: unknown) => this.setNote(`decision not saved: ${message(e)}`));
    this.renderDetails(this.row, this.boxes);
  }

  private boxTable(boxes: Box[], total: number): HTMLElement {
    const head = h(
      "tr",
      {},
      ["field", "label", "score", "outcome", "x, y, w, h (px)"].map((t) => h("th", { text: t })),
    );
    const [w, hgt] = this.size;
    const body = boxes.map((b) => {
      const style = boxStyle(b, this.src.painter.roles.get(b.field));
      const swatch = h("span", { class: "bs-swatch" });
      swatch.style.background = style.color;
      // Pixels of the original image, as the dataset stores them.
      const px = [b.x * w, b.y * hgt, b.w * w, b.h * hgt];
      return h("tr", b.id != null && b.id === this.highlight ? { class: "bs-highlight" } : {}, [
        h("td", { text: b.field }),
        h("td", {}, [swatch, document.createTextNode(b.label + (b.crowd ? " (crowd)" : ""))]),
        h("td", { text: formatValue(b.confidence) }),
        h("td", { text: b.outcome ?? "—" }),
        h("td", { text: px.map(pixelText).join(", ") }),
      ]);
    });
    const caption =
      boxes.length < total ? [h("caption", { text: `${boxes.length} of ${total} boxes (label controls)` })] : [];
    return h("table", { class: "bs-objects" }, [...caption, h("thead", {}, [head]), h("tbody", {}, body)]);
  }
}

/** A box coordinate in pixels: whole numbers as they are, others to a tenth (float32 noise hidden). */
function pixelText(v: number): string {
  if (!Number.isFinite(v)) return "—";
  const tenth = Math.round(v * 10) / 10;
  return Number.isInteger(tenth) ? String(tenth) : tenth.toFixed(1);
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
