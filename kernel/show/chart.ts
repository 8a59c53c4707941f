import type { Column } from "@uwdata/flechette";
import { categoryColumn, encodeArrow, typedColumn, utf8Column } from "../artifacts/arrow";
import { writeDataFile } from "../artifacts/contentFiles";
import type { MimeData } from "../display/display";
import type { Plot, PlotData, Spec } from "../plot/plot";
import { renderSvg } from "../../src/report/vega";
import { MIME, type ChartBundle, type ChartLink } from "../protocol";
import { defaultGroup } from "../linkGroup";
import { latestGroup } from "../session";

export interface ChartOptions {
  /** Link group (default: the plot's dataset, else the group of the latest output). */
  group?: string;
  title?: string;
}

/** Datasets up to this many rows travel inside the spec (~50 bytes a row); larger ones in Arrow files. */
const INLINE_ROWS = 1000;

export async function chartOutput(plot: Plot, options: ChartOptions): Promise<{ data: MimeData; group: string }> {
  const group = options.group ?? plot.group ?? latestGroup() ?? defaultGroup();
  const title = options.title ?? plot.title;
  // A scatter plot's points are also its link rows: encoded and written once.
  const written = new Map<PlotData, string>();
  const fileOf = (d: PlotData): string => {
    let path = written.get(d);
    if (path === undefined) written.set(d, (path = writeDataFile("charts", encodePlotData(d))));
    return path;
  };
  const datasets: Record<string, unknown[]> = {};
  const files: ChartBundle["data"] = {};
  for (const [name, d] of Object.entries(plot.data)) {
    if (d.rows <= INLINE_ROWS) {
      datasets[name] = rowObjects(d);
    } else {
      files[name] = { path: fileOf(d), rows: d.rows };
      datasets[name] = [];
    }
  }
  let link: ChartLink | null = null;
  if (plot.link) {
    const { rows, param, type, fields, highlight } = plot.link;
    link = { rows: fileOf(rows), param, type, fields, highlight };
    if (highlight !== null) datasets[highlight] = [];
  }
  const spec: Spec = { ...plot.spec, title, datasets };
  const bundle: ChartBundle = {
    version: 1,
    kind: "chart",
    group,
    dataset: plot.dataset,
    title,
    spec,
    data: files,
    link,
  };

  // The static image: every dataset inline, or the plot's smaller version when the data is large.
  const drawn = plot.staticVersion ?? { spec: { ...plot.spec, title }, data: plot.data };
  const svg = await renderSvg({
    ...drawn.spec,
    datasets: Object.fromEntries(Object.entries(drawn.data).map(([name, d]) => [name, rowObjects(d)])),
  });
  const selects = link
    ? ` ${link.type === "interval" ? "Brushing" : "Clicking"} selects samples; selection(${JSON.stringify(group)}) ` +
      `returns their ids.`
    : "";
  const text =
    `${plot.summary} Link group "${group}".${selects} The interactive chart needs the blindspot ` +
    `JupyterLab extension.`;
  return { data: { [MIME.chart]: bundle, "image/svg+xml": svg, "text/plain": text }, group };
}

/** Rows as objects for an inline dataset; NaN (no value) becomes null, which JSON can hold. */
function rowObjects(d: PlotData): Record<string, unknown>[] {
  const entries = Object.entries(d.columns);
  return Array.from({ length: d.rows }, (_, i) => {
    const row: Record<string, unknown> = {};
    for (const [name, values] of entries) {
      const v = values[i];
      row[name] = typeof v === "number" && !Number.isFinite(v) ? null : v;
    }
    return row;
  });
}

function encodePlotData(d: PlotData): Uint8Array {
  const columns: Record<string, Column<unknown>> = {};
  for (const [name, values] of Object.entries(d.columns)) {
    // Sample ids are distinct; other text columns are categories.
    columns[name] =
      values instanceof Float64Array
        ? typedColumn(values)
        : name === "id"
          ? utf8Column(values)
          : categoryColumn(values);
  }
  return encodeArrow(columns);
}
