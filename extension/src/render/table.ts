/**
 * The table renderer (protocol `TableBundle`): rows inline or from Arrow, sorted by clicking a
 * header, shown a page at a time; with an id column, clicking a row picks that sample in the group.
 */
import type { TableBundle } from "../../../kernel/protocol";
import { type Artifacts, columnsOf } from "../io/artifacts";
import { formatCount, formatValue } from "../model/format";
import { type Cell, inlineSource, pageRange, TableModel, type TableSource } from "../model/table";
import { BlindspotRenderer, type RenderScope } from "./base";
import { clear, h } from "./dom";

export class TableRenderer extends BlindspotRenderer<TableBundle> {
  protected async render(bundle: TableBundle, artifacts: Artifacts, scope: RenderScope): Promise<void> {
    const source = bundle.rows ? inlineSource(bundle.rows) : await arrowSource(bundle, artifacts, scope);
    scope.check();
    const model = new TableModel(bundle.columns, source);
    const { bus } = this.ctx;
    const key = await this.joinGroup(bundle, artifacts, scope);
    scope.check();
    const idIndex = bundle.idColumn === null ? -1 : bundle.columns.findIndex((c) => c.name === bundle.idColumn);

    let sortColumn: number | null = null;
    let descending = false;
    let page = 0;
    const headers = bundle.columns.map((col, c) => {
      const button = h("button", {
        class: "bs-th",
        text: col.name,
        title: `sort by ${col.name}`,
        attrs: { type: "button" },
      });
      button.addEventListener("click", () => {
        descending = sortColumn === c ? !descending : false;
        sortColumn = c;
        page = 0;
        draw();
      });
      return h("th", { class: col.type === "number" ? "bs-num-cell" : "" }, [button]);
    });
    const body = h("tbody");
    const pager = h("div", { class: "bs-pager" });
    const prev = h("button", { class: "bs-button", text: "‹ previous", attrs: { type: "button" } });
    const next = h("button", { class: "bs-button", text: "next ›", attrs: { type: "button" } });
    const where = h("span");
    pager.append(prev, where, next);
    prev.addEventListener("click", () => ((page -= 1), draw()));
    next.addEventListener("click", () => ((page += 1), draw()));

    const draw = () => {
      const order = model.order(sortColumn, descending);
      const range = pageRange(page, order.length);
      page = range.page;
      headers.forEach((th, c) =>
        th.setAttribute("aria-sort", c !== sortColumn ? "none" : descending ? "descending" : "ascending"),
      );
      const picked = bus.state(key, bundle.group, bundle.dataset).pickedSet;
      clear(body);
      for (let i = range.start; i < range.end; i++) {
        const row = order[i];
        const tr = h(
          "tr",
          {},
          bundle.columns.map((col, c) =>
            h("td", { class: col.type === "number" ? "bs-num-cell" : "", text: formatValue(source.cell(row, c)) }),
          ),
        );
        if (idIndex >= 0) {
          const id = String(source.cell(row, idIndex));
          tr.dataset.id = id;
          tr.classList.add("bs-pickable");
          tr.classList.toggle("bs-selected", picked.has(id));
        }
        body.appendChild(tr);
      }
      where.textContent =
        `rows ${formatCount(range.start + (range.end > range.start ? 1 : 0))}` +
        `–${formatCount(range.end)} of ${formatCount(order.length)}`;
      prev.disabled = range.page === 0;
      next.disabled = range.page >= range.pages - 1;
      pager.hidden = range.pages <= 1;
    };

    body.addEventListener("click", (e) => {
      const tr = e.target instanceof Element ? e.target.closest<HTMLElement>("tr[data-id]") : null;
      if (!tr?.dataset.id) return;
      const id = tr.dataset.id;
      const picked = new Set(bus.state(key, bundle.group, bundle.dataset).pickedSet);
      if (e.ctrlKey || e.metaKey) {
        if (picked.has(id)) picked.delete(id);
        else picked.add(id);
        bus.setPicked(key, picked, this);
      } else {
        bus.setPicked(key, [id], this);
      }
    });
    scope.add(bus.subscribe(key, draw));

    this.node.appendChild(
      h("div", { class: "bs-table", attrs: { "data-blindspot": "table" } }, [
        bundle.title ? h("div", { class: "bs-title", text: bundle.title }) : null,
        h("div", { class: "bs-table-scroll" }, [h("table", {}, [h("thead", {}, [h("tr", {}, headers)]), body])]),
        pager,
      ]),
    );
    draw();
  }
}

async function arrowSource(bundle: TableBundle, artifacts: Artifacts, scope: RenderScope): Promise<TableSource> {
  if (!bundle.path) throw new Error("the table has neither rows nor a file");
  const cols = columnsOf(await artifacts.arrow(bundle.path, scope.signal));
  const sources = bundle.columns.map((c) => {
    const col = cols.get(c.name);
    if (!col) throw new Error(`${bundle.path} has no column ${JSON.stringify(c.name)}`);
    return col;
  });
  return {
    rowCount: sources[0]?.length ?? 0,
    cell: (r, c) => cell(sources[c].at(r)),
    column: (c) => sources[c].toArray(),
  };
}

function cell(v: unknown): Cell {
  if (v === null || v === undefined) return null;
  if (typeof v === "bigint") return Number(v);
  return typeof v === "number" || typeof v === "boolean" || typeof v === "string" ? v : String(v);
}
