/**
 * The chart renderer (protocol `ChartBundle`): Vega-Lite 6 through vega-embed, loaded on first
 * use. Named datasets are filled from Arrow files; the link parameter's brush or click filters
 * the group, and a highlight dataset shows the group's selection.
 */
import type { Table } from "@uwdata/flechette";
import type { LoggerInterface } from "vega";
import type { ChartBundle } from "../../../kernel/protocol";
import { type Artifacts, columnsOf } from "../io/artifacts";
import type { GroupFilter, GroupState } from "../model/bus";
import { describeSelection, fieldTitles, type LinkColumn, linkColumn, selectRows } from "../model/chartSelect";
import { formatCount } from "../model/format";
import { toRecords } from "../model/records";
import { BlindspotRenderer, type RenderScope } from "./base";
import { brushSignals, clearSelection } from "./chartClear";
import { isDarkTheme, onThemeChange, themed } from "./chartTheme";
import { frameThrottle, h } from "./dom";

const NONE: readonly string[] = [];
/** Longest wait for the grids of the page to show their first thumbnails. */
const FIRST_PAINT_WAIT_MS = 2000;

/** Title, axes and padding around a chart's plot area, roughly; and a chart of unknown height. */
const CHART_FRAME = 70;
const DEFAULT_CHART_HEIGHT = 320;

/** Above this many rows the chart draws on a canvas (an SVG node per point gets slow). */
const CANVAS_ROWS = 2000;

type View = Awaited<ReturnType<typeof import("vega-embed").default>>["view"];

export class ChartRenderer extends BlindspotRenderer<ChartBundle> {
  protected async render(bundle: ChartBundle, artifacts: Artifacts, scope: RenderScope): Promise<void> {
    const root = h("div", { class: "bs-chart", attrs: { "data-blindspot": "chart" } });
    const target = h("div", { class: "bs-chart-view" });
    const status = h("div", { class: "bs-status" });
    root.append(target, status);
    // Room for the chart while it waits and loads, so the outputs below do not jump.
    const height = bundle.spec.height;
    target.style.minHeight = `${typeof height === "number" ? height + CHART_FRAME : DEFAULT_CHART_HEIGHT}px`;
    this.node.appendChild(root);

    await this.ctx.firstPaint.settled(FIRST_PAINT_WAIT_MS);
    scope.check();
    const names = Object.keys(bundle.data);
    const [{ default: embed }, vega, tables, key] = await Promise.all([
      import("vega-embed"),
      import("vega"),
      Promise.all(names.map((n) => artifacts.arrow(bundle.data[n].path, scope.signal))),
      this.joinGroup(bundle, artifacts, scope),
    ]);
    scope.check();
    const rows = Object.values(bundle.data).reduce((n, d) => n + d.rows, 0);
    const dark = isDarkTheme();
    // JupyterLab's theme switch redraws the chart in the new theme's colours.
    scope.add(onThemeChange(() => this.rerender()));
    // The spec is the output's data: copied, never changed in place. Its named datasets are filled
    // before the first run (Vega-Lite keeps the arrays, no copy), so no scale sees an empty domain.
    const spec = themed(JSON.parse(JSON.stringify(bundle.spec)), dark);
    spec.datasets = { ...spec.datasets };
    // Each column is decoded once; the link below reuses the arrays of a shared file.
    const arrays = tables.map(arraysOf);
    arrays.forEach((cols, i) => (spec.datasets[names[i]] = toRecords([...cols.keys()], [...cols.values()])));
    const result = await embed(target, spec, {
      renderer: rows > CANVAS_ROWS ? "canvas" : "svg",
      // No editor or source links: they would post the spec to an outside site.
      actions: { export: true, source: false, compiled: false, editor: false },
      ...(dark ? { theme: "dark" as const } : {}),
      config: { background: "transparent" },
      logger: quietLogger(vega.logger(vega.Warn)),
    });
    scope.add(() => result.finalize());
    target.style.minHeight = "";
    const view = result.view;
    scope.check();
    if (!bundle.link) return;
    // The link rows are often one of the data files: no second read then.
    const shared = names.findIndex((n) => bundle.data[n].path === bundle.link!.rows);
    const linkRows = shared >= 0 ? arrays[shared] : arraysOf(await artifacts.arrow(bundle.link.rows, scope.signal));
    scope.check();
    const brushes = bundle.link.type === "interval" ? brushSignals(result.vgSpec, bundle.link.param) : [];
    this.link(bundle, bundle.link, view, brushes, key, linkRows, root, status, scope);
  }

  private link(
    bundle: ChartBundle,
    link: NonNullable<ChartBundle["link"]>,
    view: View,
    brushes: readonly string[],
    key: string,
    cols: Map<string, ArrayLike<unknown>>,
    root: HTMLElement,
    status: HTMLElement,
    scope: RenderScope,
  ): void {
    const { bus } = this.ctx;
    const idColumn = cols.get("id");
    if (!idColumn) throw new Error(`${link.rows} has no id column`);
    const ids = idColumn as ArrayLike<unknown> & object;
    const linkColumns = new Map<string, LinkColumn>();
    for (const name of new Set(Object.values(link.fields))) {
      const c = cols.get(name);
      if (!c) throw new Error(`${link.rows} has no column ${JSON.stringify(name)} (link field)`);
      linkColumns.set(name, linkColumn(c));
    }

    const titles = fieldTitles(bundle.spec);
    // Brushing fires many signal changes per frame; the group is updated at most once a frame. The
    // listener runs inside Vega's dataflow, before it redraws: the first change of a frame updates
    // the grids at once, ahead of the (on 10^5 points, long) canvas redraw.
    let value: unknown = null;
    let own: GroupFilter | null = null;
    /** While the chart clears its own selection, its changes are not the user's. */
    let muted = false;
    const apply = frameThrottle(() => {
      const selected = selectRows(linkColumns, link, value);
      const state = bus.state(key, bundle.group, bundle.dataset);
      if (!selected) {
        if (own && state.filter === own) bus.setFilter(key, null, this);
        own = null;
        status.textContent = "";
        return;
      }
      own = {
        // A chart of boxes has one row per box: an id can repeat (protocol), the filter is a set.
        ids: [...new Set(Array.from(selected, (r) => String(ids[r])))],
        description: describeSelection(link, value, titles),
        origin: { ids, rows: selected },
      };
      status.textContent = `${formatCount(selected.length)} selected: ${own.description}`;
      bus.setFilter(key, own, this);
    }, true);
    scope.add(() => apply.cancel());
    scope.add(bus.addSource(key, ids));
    try {
      view.addSignalListener(link.param, (_name, v) => {
        value = v;
        // The parameter's value as Vega-Lite gives it, for tests and for the curious.
        root.dataset.selection = JSON.stringify(v ?? null);
        if (!muted) apply.schedule();
      });
    } catch {
      throw new Error(`the chart has no parameter ${JSON.stringify(link.param)} to link`);
    }

    // The brush or click whose filter the grid's chip cleared, or another chart replaced: its
    // marks and caption go too (the group has one filter at a time).
    scope.add(
      bus.subscribe(key, (state) => {
        if (!own || state.filter === own) return;
        own = null;
        apply.cancel();
        status.textContent = "";
        muted = true;
        void clearSelection(view, link, brushes).finally(() => (muted = false));
      }),
    );

    const highlight = link.highlight;
    if (!highlight) return;
    const names = [...cols.keys()];
    const arrays = [...cols.values()];
    let rowsOf: Map<string, number[]> | null = null;
    let shown: readonly string[] | null = null;
    const update = (state: GroupState) => {
      // The chart's own brush is already visible; highlighting it again would redraw every point.
      const selection = state.picked.length
        ? state.picked
        : state.filter && state.filter !== own
          ? state.filter.ids
          : NONE;
      if (selection === shown) return;
      shown = selection;
      if (!rowsOf) {
        rowsOf = new Map();
        for (let i = 0; i < ids.length; i++) {
          const id = String(ids[i]);
          const list = rowsOf.get(id);
          if (list) list.push(i);
          else rowsOf.set(id, [i]);
        }
      }
      const rows: number[] = [];
      for (const id of selection) rows.push(...(rowsOf.get(id) ?? []));
      fill(view, highlight, toRecords(names, arrays, rows));
      void view.runAsync();
    };
    scope.add(bus.subscribe(key, update));
    update(bus.state(key, bundle.group, bundle.dataset));
  }
}

/** Vega's logger, minus the warning every empty highlight layer gives on each redraw. */
function quietLogger(base: LoggerInterface): LoggerInterface {
  const self: LoggerInterface = {
    level: ((level?: number) =>
      level === undefined ? base.level() : (base.level(level), self)) as LoggerInterface["level"],
    error: (...args) => (base.error(...args), self),
    warn: (...args) => (String(args[0]).startsWith("Infinite extent") || base.warn(...args), self),
    info: (...args) => (base.info(...args), self),
    debug: (...args) => (base.debug(...args), self),
  };
  return self;
}

function arraysOf(table: Table): Map<string, ArrayLike<unknown>> {
  return new Map([...columnsOf(table)].map(([name, col]) => [name, col.toArray()]));
}

function fill(view: View, name: string, records: Record<string, unknown>[]): void {
  try {
    view.data(name, records);
  } catch {
    throw new Error(`the chart spec has no dataset named ${JSON.stringify(name)}`);
  }
}
