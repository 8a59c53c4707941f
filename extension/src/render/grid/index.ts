/**
 * The grid renderer (protocol `GridBundle`, and `PatchesBundle`: one tile per box): loads the
 * samples file, then wires the toolbar, side panel, virtual tiles and gestures to the link group
 * and to tag events.
 */
import { type GridBundle, type PatchesBundle, reviewPath, type TagEvent } from "../../../../kernel/protocol";
import { type Artifacts, columnsOf } from "../../io/artifacts";
import { ReviewStore } from "../../io/reviews";
import type { GroupState, LinkBus } from "../../model/bus";
import { countLine, formatCount, formatValue } from "../../model/format";
import { type Arranged, Grouping } from "../../model/groups";
import { type Anchor, type Modifiers, pickInBand, pickOnClick } from "../../model/picking";
import { SampleTable, type SortKey, TAGS } from "../../model/samples";
import { activeFilterCount, computeView, type Filters, NO_FILTERS } from "../../model/view";
import { BlindspotRenderer, type RenderScope } from "../base";
import { h } from "../dom";
import { attachGestures } from "./gestures";
import { attachKeyboard } from "./keyboard";
import { LabelControls } from "./labelControls";
import { SampleModal } from "./modal";
import { ObjectsStore } from "./objects";
import { CropRequests, cropPath, loadPatchSamples, type PatchSamples } from "./patches";
import { SidePanel } from "./panel";
import { type Tile, TilePainter } from "./tile";
import { VirtualTiles } from "./tiles";
import { Toolbar } from "./toolbar";

const DEFAULT_TILE = 160;
/** Height of a group's header in a grouped grid. */
const GROUP_HEADER = 30;

export class GridRenderer extends BlindspotRenderer<GridBundle | PatchesBundle> {
  protected async render(bundle: GridBundle | PatchesBundle, artifacts: Artifacts, scope: RenderScope): Promise<void> {
    const { bus } = this.ctx;
    const firstPaint = this.ctx.firstPaint.hold();
    scope.add(firstPaint);
    // Tag events that arrive while the samples load are applied once they are here; listening
    // starts before the first await, so an event output rendered right after this one is seen.
    const early: TagEvent[] = [];
    let onTags: (e: TagEvent) => void = (e) => early.push(e);
    scope.add(bus.onTags(bundle.dataset, (e) => onTags(e)));
    const key = await this.joinGroup(bundle, artifacts, scope);

    // The root is there at once (tests and the benchmark time from it); the rows follow.
    const root = h("div", { class: "bs-grid bs-loading", attrs: { "data-blindspot": "grid", tabindex: "0" } }, [
      h("div", { class: "bs-message", text: `loading ${bundle.title || "samples"}…` }),
    ]);
    this.node.appendChild(root);
    const table = new SampleTable(columnsOf(await artifacts.arrow(bundle.samples, scope.signal)), bundle.fields);
    scope.check();
    root.replaceChildren();
    root.classList.remove("bs-loading");

    // Patches grids ask the kernel for the crops of the tiles on screen.
    let grid: GridView | null = null;
    const crops =
      bundle.kind === "patches"
        ? new CropRequests(this.ctx, artifacts, bundle, () => grid?.rowsOnScreen() ?? [])
        : null;
    if (crops) scope.add(() => crops.dispose());
    // Decisions on label issues, for the large view of a grid of samples.
    const review =
      bundle.kind === "grid"
        ? await ReviewStore.open(
            this.ctx.selections,
            await artifacts.serverPath(reviewPath(bundle.group)),
            bundle.group,
            bundle.dataset,
          )
        : null;
    scope.check();
    grid = new GridView(root, bus, bundle, table, artifacts, key, scope, firstPaint, crops, review);
    onTags = (e) => grid.applyTags(e);
    early.forEach(onTags);
  }
}

/** One grid on screen; lives as long as its render scope. */
class GridView {
  private readonly painter: TilePainter;
  private readonly tiles: VirtualTiles<Tile>;
  private readonly toolbar: Toolbar;
  private readonly labelControls: LabelControls;
  private readonly panel: SidePanel;
  /** Idle work: the id index, joins to charts, the panel's counts of the view. */
  private readonly idle = new IdleQueue();
  /** Counts the view of each recompute; the panel's job for an older view stops. */
  private viewGeneration = 0;
  private readonly objects: ObjectsStore | null;
  private view: Int32Array;
  /** Grouped grids (bundle.groupBy): the groups, and how the current view falls into them. */
  private readonly grouping: Grouping | null;
  private arranged: Arranged | null = null;
  private sort: SortKey | null = null;
  private filters: Filters = NO_FILTERS;
  private allowed: Uint8Array | null = null;
  private groupFilter: GroupState["filter"] = null;
  private anchor: Anchor | null = null;
  /** The tile the keys act on (display index); null until a click or a key sets it. */
  private focus: number | null = null;
  /** What was picked when a rubber band started (it adds to that with a modifier). */
  private bandBase: ReadonlySet<string> | null = null;
  private modal: SampleModal | null = null;
  /** Patches grids: the patches' samples, for the large view (loaded on the first open). */
  private patchSamples: Promise<PatchSamples> | null = null;
  /** Says why no tile is shown, when none is. */
  private readonly empty = h("div", { class: "bs-empty-view" });

  constructor(
    root: HTMLElement,
    private readonly bus: LinkBus,
    private readonly bundle: GridBundle | PatchesBundle,
    private readonly table: SampleTable,
    private readonly artifacts: Artifacts,
    private readonly key: string,
    private readonly scope: RenderScope,
    firstPaint: () => void,
    private readonly crops: CropRequests | null,
    private readonly review: ReviewStore | null,
  ) {
    this.objects = bundle.objects
      ? new ObjectsStore(bundle.objects, artifacts, scope.signal, (chunk, error) => {
          if (chunk) for (const tile of this.tiles.tiles()) if (chunk.contains(tile.row)) this.painter.paintBoxes(tile);
          if (error)
            this.toolbar.setStatus(
              `boxes not shown: ${error instanceof Error ? error.message : String(error)}; re-run the cell ` +
                `to regenerate`,
            );
        })
      : null;
    this.painter = new TilePainter(bundle, table, artifacts, this.objects, (bits) =>
      this.labelControls.setOutcomes(bits),
    );
    if (bundle.kind === "patches") {
      this.painter.imagePath = (row) => cropPath(table, row, bundle.patches.size);
      this.painter.retryMissing = true;
    }
    this.painter.frame = Math.min(Math.max(bundle.thumbSize || DEFAULT_TILE, 80), DEFAULT_TILE);
    const groupField = bundle.groupBy?.field;
    this.grouping = groupField !== undefined && table.has(groupField) ? new Grouping(table, groupField) : null;
    this.view = this.arrange(table.order(null));

    const sortFields = ["id", ...bundle.fields.map((f) => f.name), ...["width", "height"].filter((f) => table.has(f))];
    this.toolbar = new Toolbar(bundle.title, [...new Set(sortFields)], this.painter.frame, {
      sort: (key) => {
        this.sort = key;
        this.recompute(true);
      },
      size: (px) => {
        this.painter.frame = px;
        this.tiles.relayout();
      },
      clearFilter: () => this.bus.setFilter(key, null, this),
      clearPicked: () => this.setPicked([]),
      open: () => this.openPicked(),
      togglePanel: () => this.panel.node.classList.toggle("bs-hidden"),
    });
    this.labelControls = new LabelControls(
      this.painter.labels,
      bundle.objects ? bundle.labelFields : [],
      bundle.objects?.classes ?? [],
      (settings) => {
        this.painter.setLabels(settings);
        for (const tile of this.tiles.tiles()) this.painter.paintBoxes(tile);
        this.modal?.redraw();
      },
    );
    if (bundle.objects) this.toolbar.setLabelControls(this.labelControls);
    scope.add(() => this.labelControls.dispose());
    this.panel = new SidePanel(bundle.fields, table.has(TAGS), {
      filters: (filters) => {
        this.filters = filters;
        this.toolbar.setFilterCount(activeFilterCount(filters));
        this.recompute(true);
      },
    });
    this.panel.setTags(table.tagCounts());

    this.tiles = new VirtualTiles<Tile>(
      {
        count: () => this.view.length,
        tileWidth: () => this.painter.frame,
        tileHeight: () => this.painter.tileHeight,
        create: () => this.painter.create(),
        paint: (tile, i) => {
          const row = this.view[i];
          this.painter.paint(tile, row, i, this.picked().has(table.id(row)));
          tile.root.classList.toggle("bs-focus", i === this.focus);
          if (this.grouping) tile.root.dataset.group = String(table.value(this.grouping.field, row));
          this.crops?.schedule();
        },
        release: (tile) => this.painter.release(tile),
        groups: () => (this.arranged ? { starts: this.arranged.starts, headerHeight: GROUP_HEADER } : null),
        paintHeader: (node, section) => this.paintHeader(node, section),
      },
      scope,
    );
    attachGestures(
      this.tiles,
      {
        click: (index, mods) => {
          this.focus = index;
          this.pick(index, mods);
        },
        open: (index) => this.open(index),
        band: (indices, additive, done) => {
          this.bandBase ??= this.picked();
          this.setPicked(
            pickInBand(
              this.bandBase,
              indices.map((i) => table.id(this.view[i])),
              additive,
            ),
          );
          if (done) this.bandBase = null;
        },
      },
      scope,
    );

    // The viewport comes first in the DOM (the panel is placed left by CSS): it is the grid's scroller.
    root.append(this.toolbar.node, h("div", { class: "bs-body" }, [this.tiles.viewport, this.panel.node]));
    this.tiles.viewport.appendChild(this.empty);
    attachKeyboard(
      root,
      {
        layout: () => this.tiles.current,
        pageHeight: () => this.tiles.viewport.clientHeight,
        focused: () => this.focus,
        moveFocus: (index, extend) => {
          this.focus = index;
          this.tiles.reveal(index);
          if (extend) this.pick(index, { shift: true, toggle: false });
          else this.tiles.refresh();
        },
        open: (index) => (index === null ? this.openPicked() : this.open(index)),
        toggle: (index) => this.pick(index, { shift: false, toggle: true }),
        clearPicked: () => this.setPicked([]),
        busy: () => this.modal !== null,
      },
      scope,
    );
    scope.add(() => this.closeModal());
    // Idle work: the id index, then the join to each chart of the group.
    const idle = this.idle;
    scope.add(() => idle.dispose());
    idle.push((stop) => table.indexIds(stop));
    scope.add(this.bus.onSource(key, (ids) => idle.push((stop) => table.join(ids, stop))));
    scope.add(this.bus.subscribe(key, (state) => this.onGroup(state)));
    this.onGroup(this.bus.state(key, bundle.group, bundle.dataset));
    // Two frames: the viewport has its size and the first thumbnails their URLs.
    requestAnimationFrame(() =>
      requestAnimationFrame(() => void this.painter.imagesSettled([...this.tiles.tiles()]).then(firstPaint)),
    );
  }

  applyTags(event: TagEvent): void {
    if (!this.table.applyTags(event)) return;
    this.panel.setTags(this.table.tagCounts());
    for (const tile of this.tiles.tiles()) this.painter.paintTags(tile);
    // Rows tagged or untagged may enter or leave a tag filter.
    if (this.filters.values.get(TAGS)?.size || this.sort?.field === TAGS) this.recompute(false);
  }

  private picked(): ReadonlySet<string> {
    return this.bus.state(this.key, this.bundle.group, this.bundle.dataset).pickedSet;
  }

  /** A click (or Space, or Shift+arrow) on the tile at display index `index`. */
  private pick(index: number, mods: Modifiers): void {
    const r = pickOnClick(this.picked(), (i) => this.table.id(this.view[i]), this.anchor, index, mods);
    this.anchor = r.anchor;
    this.setPicked(r.picked);
  }

  private setPicked(ids: Iterable<string>): void {
    this.bus.setPicked(this.key, ids, this);
  }

  private onGroup(state: GroupState): void {
    if (state.filter !== this.groupFilter) {
      this.groupFilter = state.filter;
      const f = state.filter;
      this.allowed = !f
        ? null
        : f.origin
          ? this.table.maskOfRows(f.origin.ids, f.origin.rows)
          : this.table.maskOfIds(f.ids);
      this.toolbar.setFilter(state.filter ? state.filter.description : null);
      this.recompute(true);
    } else {
      this.tiles.refresh();
      this.updateCount();
    }
  }

  /** New order or filters: the view, its count and the tiles. */
  private recompute(toTop: boolean): void {
    this.view = this.arrange(computeView(this.table, this.sort, this.filters, this.allowed));
    this.anchor = null;
    this.focus = null;
    if (toTop) this.tiles.scrollToTop();
    this.tiles.relayout();
    this.updateCount();
    // The panel's counts come in idle time: a brush moves the tiles first, even on 10^6 rows.
    const generation = ++this.viewGeneration;
    const counts = this.panel.showView(this.table, this.view);
    this.idle.push((stop) => generation !== this.viewGeneration || counts(stop));
  }

  /** Grouped grids: the rows with each group's rows together. */
  private arrange(view: Int32Array): Int32Array {
    if (!this.grouping) return view;
    this.arranged = this.grouping.arrange(view);
    return this.arranged.view;
  }

  /** A group's header: its value, and how many of its samples are shown. */
  private paintHeader(node: HTMLElement, section: number): void {
    const { grouping, arranged } = this;
    if (!grouping || !arranged) return;
    const group = arranged.groups[section];
    const end = section + 1 < arranged.starts.length ? arranged.starts[section + 1] : this.view.length;
    const shown = end - arranged.starts[section];
    const size = grouping.sizes[group];
    const value = formatValue(this.table.value(grouping.field, grouping.firstRow[group]));
    node.dataset.group = String(this.table.value(grouping.field, grouping.firstRow[group]));
    node.replaceChildren(
      h("span", { class: "bs-group-name", text: `${grouping.field}: ${value}` }),
      h("span", {
        class: "bs-group-size",
        text: shown === size ? `${formatCount(size)} samples` : `${formatCount(shown)} of ${formatCount(size)} samples`,
      }),
    );
  }

  private updateCount(): void {
    const groups = this.arranged ? this.arranged.starts.length : null;
    this.toolbar.setCount(countLine(this.view.length, this.table.size, this.picked().size, groups));
    this.empty.hidden = this.view.length > 0;
    if (this.view.length) return;
    const why = [
      this.groupFilter && "the chart selection (clear it with × on the chip)",
      activeFilterCount(this.filters) && "the side panel's filters",
    ].filter(Boolean);
    this.empty.textContent = why.length ? `No sample passes ${why.join(" and ")}.` : "This view has no samples.";
  }

  /** Opens the first picked sample in the current order, else the first sample. */
  private openPicked(): void {
    const picked = this.table.maskOfIds([...this.picked()]);
    const index = this.view.findIndex((row) => picked[row] === 1);
    this.open(Math.max(index, 0));
  }

  /** Rows of the tiles on screen, in display order. */
  rowsOnScreen(): number[] {
    return [...this.tiles.tiles()].map((t) => t.row).filter((row) => row >= 0);
  }

  private open(index: number): void {
    this.closeModal();
    if (!this.view.length) return;
    if (this.bundle.kind === "patches") return this.openPatch(this.bundle, index);
    this.modal = new SampleModal(
      {
        bundle: this.bundle,
        table: this.table,
        artifacts: this.artifacts,
        objects: this.objects,
        painter: this.painter,
        count: () => this.view.length,
        rowAt: (i) => this.view[i],
        shown: (i) => this.tiles.reveal(i),
        review: this.review,
      },
      index,
      () => this.closeModal(),
    );
  }

  /** A patch opens its sample (every box, full image) with the patch's box highlighted. */
  private openPatch(bundle: PatchesBundle, index: number): void {
    this.patchSamples ??= loadPatchSamples(bundle, this.artifacts, this.scope.signal);
    this.patchSamples.then(
      (samples) => {
        if (this.scope.signal.aborted) return;
        this.closeModal();
        const at = (i: number) => samples.locate(this.table.id(this.view[i]));
        this.modal = new SampleModal(
          {
            bundle: samples.bundle,
            table: samples.table,
            artifacts: this.artifacts,
            objects: samples.objects,
            painter: samples.painter,
            count: () => this.view.length,
            rowAt: (i) => at(i)?.row ?? 0,
            shown: (i) => this.tiles.reveal(i),
            highlight: (i) => at(i)?.object ?? null,
          },
          index,
          () => this.closeModal(),
        );
      },
      (e: unknown) => this.toolbar.setStatus(`large view not shown: ${e instanceof Error ? e.message : String(e)}`),
    );
  }

  private closeModal(): void {
    this.modal?.dispose();
    this.modal = null;
  }
}

/** Runs resumable jobs (`job(stop)` returns true when done) in idle time, one after another. */
class IdleQueue {
  private readonly jobs: ((stop: () => boolean) => boolean)[] = [];
  private handle = 0;

  push(job: (stop: () => boolean) => boolean): void {
    this.jobs.push(job);
    if (!this.handle) this.handle = requestIdleCallback((d) => this.run(d));
  }

  dispose(): void {
    if (this.handle) cancelIdleCallback(this.handle);
    this.jobs.length = 0;
  }

  private run(deadline: IdleDeadline): void {
    this.handle = 0;
    const stop = () => deadline.timeRemaining() < 2;
    while (this.jobs.length && !stop()) if (this.jobs[0](stop)) this.jobs.shift();
    if (this.jobs.length) this.handle = requestIdleCallback((d) => this.run(d));
  }
}
