/** One tile of the grid: thumbnail, boxes, tags and caption lines; nodes are reused while scrolling. */
import type { GridBundle, LabelField, PatchesBundle } from "../../../../kernel/protocol";
import { type Artifacts } from "../../io/artifacts";
import { formatValue } from "../../model/format";
import { type LabelSettings, SHOW_ALL_LABELS, shownBoxes } from "../../model/labelSettings";
import { markSuggestions } from "../../model/review";
import type { SampleTable } from "../../model/samples";
import { TAGS } from "../../model/samples";
import { clearBoxes, drawBoxes } from "../boxes";
import { h, s } from "../dom";
import type { ObjectsStore } from "./objects";

export const CAPTION_LINE = 16;
const TAGS_SHOWN = 3;
/** Labels are drawn as text only on tiles at least this large. */
const LABEL_TEXT_MIN = 120;
/** Label font size on tiles, in pixels: readable, and small enough to leave the objects visible. */
const TILE_FONT = { min: 10, max: 12 };
/** Tile side per label drawn: a 160 px tile shows 5 labels and counts the rest. */
const PIXELS_PER_LABEL = 32;
/** A patch's crop not made yet is asked for again this often, this many times (the kernel makes it on request). */
const RETRY_MS = 400;
const RETRIES = 75;

export interface Tile {
  root: HTMLDivElement;
  img: HTMLImageElement;
  svg: SVGSVGElement;
  tags: HTMLDivElement;
  note: HTMLDivElement;
  captions: HTMLDivElement[];
  /** Row shown, -1 while in the pool. */
  row: number;
  /** Thumbnail path shown (to skip reloading the same image). */
  thumb: string | null;
  /** Loads of `thumb` that failed so far. */
  failures: number;
}

export class TilePainter {
  /** Side of the square frame of the thumbnail, in pixels. */
  frame = 150;
  /** What the label controls show, on tiles and in the large view. */
  labels: LabelSettings = SHOW_ALL_LABELS;
  readonly roles: Map<string, LabelField["role"]>;
  /** Label fields not hidden: boxes of the others are never read from the chunk. */
  private visibleFields: ReadonlySet<string>;
  /** Outcomes drawn since the labels last changed (OUTCOME_BITS), for the legend. */
  private outcomes = 0;
  /** Path of a row's image: its thumbnail, or in a patches grid its crop. */
  imagePath = (row: number): string | null => this.table.text("thumb", row);
  /** Patches grids: a missing image is a crop the kernel is still making, loaded again shortly. */
  retryMissing = false;

  constructor(
    private readonly bundle: GridBundle | PatchesBundle,
    private readonly table: SampleTable,
    private readonly artifacts: Artifacts,
    private readonly objects: ObjectsStore | null,
    /** New outcomes were drawn (the legend lists them). */
    private readonly onOutcomes: (outcomes: number) => void,
  ) {
    this.roles = new Map(bundle.labelFields.map((f) => [f.name, f.role]));
    this.visibleFields = new Set(this.roles.keys());
  }

  /** New label settings: the legend starts over with what the repaint draws. */
  setLabels(settings: LabelSettings): void {
    this.labels = settings;
    this.visibleFields = new Set([...this.roles.keys()].filter((f) => !settings.hiddenFields.has(f)));
    this.outcomes = 0;
    this.onOutcomes(0);
  }

  get tileHeight(): number {
    return this.frame + this.bundle.caption.length * CAPTION_LINE + 4;
  }

  create(): Tile {
    const img = h("img", { class: "bs-thumb", attrs: { decoding: "async", alt: "", draggable: "false" } });
    const svg = s("svg", { class: "bs-boxes" });
    const tags = h("div", { class: "bs-tile-tags" });
    const note = h("div", { class: "bs-tile-note" });
    const captions = this.bundle.caption.map(() => h("div", { class: "bs-caption" }));
    const frame = h("div", { class: "bs-frame" }, [img, svg, tags, note]);
    const tile: Tile = {
      root: h("div", { class: "bs-tile" }, [frame, ...captions]),
      img,
      svg,
      tags,
      note,
      captions,
      row: -1,
      thumb: null,
      failures: 0,
    };
    img.addEventListener("load", () => this.paintBoxes(tile));
    img.addEventListener("error", () => {
      const thumb = tile.thumb;
      if (!thumb) return;
      if (this.retryMissing && ++tile.failures <= RETRIES) {
        window.setTimeout(() => {
          if (tile.thumb !== thumb) return;
          void this.artifacts.url(thumb).then((url) => {
            if (tile.thumb === thumb) tile.img.src = `${url}${url.includes("?") ? "&" : "?"}try=${tile.failures}`;
          });
        }, RETRY_MS);
        return;
      }
      this.showNote(tile, "thumbnail file missing: re-run the cell to regenerate");
    });
    return tile;
  }

  /** Fills a tile for a row; `index` is its position in the grid's current order. */
  paint(tile: Tile, row: number, index: number, picked: boolean): void {
    const { root } = tile;
    root.classList.toggle("bs-selected", picked);
    root.dataset.index = String(index);
    if (tile.row === row) return;
    tile.row = row;
    const id = this.table.id(row);
    root.dataset.id = id;
    root.title = id;
    this.paintImage(tile, row);
    this.paintTags(tile);
    this.bundle.caption.forEach((name, i) => {
      const text = `${name}: ${formatValue(this.table.value(name, row))}`;
      tile.captions[i].textContent = text;
      tile.captions[i].title = text;
    });
    this.paintBoxes(tile);
  }

  /** A tile goes back to the pool: hidden, and no longer found by its id. */
  release(tile: Tile): void {
    delete tile.root.dataset.id;
    delete tile.root.dataset.index;
    tile.root.classList.remove("bs-selected");
    tile.row = -1;
  }

  paintTags(tile: Tile): void {
    const tags = tile.row >= 0 && this.table.has(TAGS) ? this.table.list(TAGS, tile.row) : [];
    tile.tags.replaceChildren(
      ...tags.slice(0, TAGS_SHOWN).map((t) => h("span", { class: "bs-tag", text: t })),
      ...(tags.length > TAGS_SHOWN ? [h("span", { class: "bs-tag", text: `+${tags.length - TAGS_SHOWN}` })] : []),
    );
  }

  paintBoxes(tile: Tile): void {
    const row = tile.row;
    const chunk = row >= 0 ? this.objects?.get(row) : undefined;
    const [w, hgt] = this.imageSize(row, tile.img);
    if (!chunk || !(w > 0 && hgt > 0)) {
      clearBoxes(tile.svg);
      return;
    }
    const boxes = markSuggestions(chunk.boxes(row, this.visibleFields));
    const drawn = drawBoxes(tile.svg, shownBoxes(boxes, this.labels), {
      imageWidth: w,
      imageHeight: hgt,
      frameWidth: this.frame,
      frameHeight: this.frame,
      roles: this.roles,
      labels: this.frame >= LABEL_TEXT_MIN ? "short" : "none",
      scores: this.labels.scores,
      fontSize: Math.min(Math.max(Math.round(this.frame / 14), TILE_FONT.min), TILE_FONT.max),
      maxLabels: Math.floor(this.frame / PIXELS_PER_LABEL),
    });
    if ((drawn | this.outcomes) !== this.outcomes) this.onOutcomes((this.outcomes |= drawn));
  }

  /** Resolves once the thumbnails these tiles show have loaded or failed. */
  imagesSettled(tiles: Tile[]): Promise<void> {
    return Promise.all(
      tiles.map(
        ({ img }) =>
          new Promise<void>((resolve) => {
            if (!img.getAttribute("src") || img.complete) return resolve();
            img.addEventListener("load", () => resolve(), { once: true });
            img.addEventListener("error", () => resolve(), { once: true });
          }),
      ),
    ).then(() => undefined);
  }

  /** The image's size from the samples, else the thumbnail's own (same aspect ratio). */
  imageSize(row: number, img: HTMLImageElement): [number, number] {
    const w = this.table.numberAt("width", row);
    const hgt = this.table.numberAt("height", row);
    if (w > 0 && hgt > 0) return [w, hgt];
    return img.complete && img.naturalWidth ? [img.naturalWidth, img.naturalHeight] : [NaN, NaN];
  }

  private paintImage(tile: Tile, row: number): void {
    const thumb = this.imagePath(row);
    tile.note.hidden = true;
    if (thumb === tile.thumb && thumb) return;
    tile.thumb = thumb;
    tile.failures = 0;
    if (!thumb) {
      tile.img.removeAttribute("src");
      tile.img.hidden = true;
      // The kernel says why (protocol `thumb_missing`); older files do not.
      const why = this.table.text("thumb_missing", row) ?? "no thumbnail (image over the size limit or unreadable)";
      const file = this.table.text("file", row);
      this.showNote(tile, file ? `${why}: ${file}` : why);
      return;
    }
    tile.img.hidden = false;
    const known = this.artifacts.knownUrl(thumb);
    if (known) {
      tile.img.src = known;
      return;
    }
    tile.img.removeAttribute("src");
    void this.artifacts.url(thumb).then((url) => {
      if (tile.thumb === thumb) tile.img.src = url;
    });
  }

  private showNote(tile: Tile, text: string): void {
    tile.note.textContent = text;
    tile.note.hidden = false;
  }
}
