/**
 * The chart renderer (protocol `ChartBundle`): Vega-Lite 6 through vega-embed, loaded on first
 * use. Named datasets are filled from Arrow files; the link parameter's brush or click filters
 * the group, and a highlight dataset shows the group's selection.
 */
import type { ChartBundle } from "../../../kernel/protocol";
import { type Artifacts, columnsOf } from "../io/artifacts";
import type { GroupFilter, GroupState } from "../model/bus";
import { describeSelection, type LinkColumn, linkColumn, selectRows } from "../model/chartSelect";
import { formatCount } from "../model/format";
import { toRecords } from "../model/records";
import { BlindspotRenderer, type RenderScope } from "./base";
import { frameThrottle, h } from "./dom";

/** Above this many rows the chart draws on a canvas (an SVG node per point gets slow). */
const CANVAS_ROWS = 2000;

type View = Awaited<ReturnType<typeof import("vega-embed").default>>["view"];

export class ChartRenderer extends BlindspotRenderer<ChartBundle> {
  protected async render(bundle: ChartBundle, artifacts: Artifacts, scope: RenderScope): Promise<void> {
    const root = h("div", { class: "bs-chart", attrs: { "data-blindspot": "chart" } });
    const target = h("div", { class: "bs-chart-view" });
    const status = h("div", { class: "bs-status" });
    root.append(target, status);
    this.node.appendChild(root);

    const names = Object.keys(bundle.data);
    const [{ default: embed }, tables, key] = await Promise.all([
      import("vega-embed"),
      Promise.all(names.map((n) => artifacts.arrow(bundle.data[n].path, scope.signal))),
      this.joinGroup(bundle, artifacts, scope),
    ]);
    scope.check();
    const rows = Object.values(bundle.data).reduce((n, d) => n + d.rows, 0);
    const dark = document.body.dataset.jpThemeLight === "false";
    // The spec is the output's data: copied, never changed in place.
    const spec = JSON.parse(JSON.stringify(bundle.spec));
    const result = await embed(target, spec, {
      renderer: rows > CANVAS_ROWS ? "canvas" : "svg",
      // No editor or source links: they would post the spec to an outside site.
      actions: { export: true, source: false, compiled: false, editor: false },
      ...(dark ? { theme: "dark" as const } : {}),
      config: { background: "transparent" },
    });
    scope.add(() => result.finalize());
    const view = result.view;
    tables.forEach((t, i) => {
      const cols = columnsOf(t);
      const colNames = [...cols.keys()];
      fill(view, names[i], toRecords(colNames, colNames.map((c) => cols.get(c)!.toArray())));
    });
    await view.runAsync();
    scope.check();
    if (bundle.link) await this.link(bundle, bundle.link, view, key, artifacts, root, status, scope);
  }

  private async link(
    bundle: ChartBundle,
    link: NonNullable<ChartBundle["link"]>,
    view: View,
    key: string,
    artifacts: Artifacts,
    root: HTMLElement,
    status: HTMLElement,
    scope: RenderScope,
  ): Promise<void> {
    const { bus } = this.ctx;
    const cols = columnsOf(await artifacts.arrow(link.rows, scope.signal));
    scope.check();
    const idColumn = cols.get("id");
    if (!idColumn) throw new Error(`${link.rows} has no id column`);
    const ids = idColumn.toArray() as ArrayLike<unknown> & object;
    const linkColumns = new Map<string, LinkColumn>();
    for (const name of new Set(Object.values(link.fields))) {
      const c = cols.get(name);
      if (!c) throw new Error(`${link.rows} has no column ${JSON.stringify(name)} (link field)`);
      linkColumns.set(name, linkColumn(c.toArray()));
    }

    // Brushing fires many signal changes per frame; the group is updated at most once a frame.
    let value: unknown = null;
    let own: GroupFilter | null = null;
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
        ids: Array.from(selected, (r) => String(ids[r])),
        description: describeSelection(link, value),
        origin: { ids, rows: selected },
      };
      status.textContent = `${formatCount(selected.length)} selected: ${own.description}`;
      bus.setFilter(key, own, this);
    });
    scope.add(() => apply.cancel());
    try {
      view.addSignalListener(link.param, (_name, v) => {
        value = v;
        // The parameter's value as Vega-Lite gives it, for tests and for the curious.
        root.dataset.selection = JSON.stringify(v ?? null);
        apply.schedule();
      });
    } catch {
      throw new Error(`the chart has no parameter ${JSON.stringify(link.param)} to link`);
    }

    const highlight = link.highlight;
    if (!highlight) return;
    const names = [...cols.keys()];
    const arrays = names.map((n) => cols.get(n)!.toArray() as ArrayLike<unknown>);
    let rowOf: Map<string, number> | null = null;
    let shown: readonly string[] | null = null;
    const update = (state: GroupState) => {
      // The chart's own brush is already visible; highlighting it again would redraw every point.
      const selection = state.picked.length ? state.picked : state.filter && state.filter !== own ? state.filter.ids : [];
      if (selection === shown) return;
      shown = selection;
      if (!rowOf) {
        rowOf = new Map();
        for (let i = 0; i < ids.length; i++) rowOf.set(String(ids[i]), i);
      }
      const rows: number[] = [];
      for (const id of selection) {
        const r = rowOf.get(id);
        if (r !== undefined) rows.push(r);
      }
      fill(view, highlight, toRecords(names, arrays, rows));
      void view.runAsync();
    };
    scope.add(bus.subscribe(key, update));
    update(bus.state(key, bundle.group, bundle.dataset));
  }
}

function fill(view: View, name: string, records: Record<string, unknown>[]): void {
  try {
    view.data(name, records);
  } catch {
    throw new Error(`the chart spec has no dataset named ${JSON.stringify(name)}`);
  }
}
