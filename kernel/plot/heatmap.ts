import { checkPositiveInteger } from "../show/checks";
import { categories, largestCategories } from "./columns";
import { Plot } from "./plot";
import { plotSource, type PlotInput } from "./source";
import { chartSpec, HIGHLIGHT_COLOUR, overWhat, sourceLink, withHighlight, type PlotOptions } from "./spec";

export interface HeatmapOptions extends PlotOptions {
  x: string;
  y: string;
  /** Categories kept per axis, largest first (default 100). */
  limit?: number;
}

/** Cells small enough to print their count. */
const LABELLED_CELLS = 400;

/**
 * Counts of every pair of values of two fields (a confusion matrix: truth against prediction;
 * a coverage table: class against weather). Clicking a cell selects the samples behind it.
 */
export function heatmap(input: PlotInput, options: HeatmapOptions): Plot {
  const limit = checkPositiveInteger(options.limit ?? 100, "limit");
  const source = plotSource(input, [options.x, options.y], options);
  const x = categories(source.column(options.x));
  const y = categories(source.column(options.y));
  // Alphabetical on both axes, so the same classes line up on the diagonal.
  const xKept = largestCategories(x, limit).kept.sort();
  const yKept = largestCategories(y, limit).kept.sort();
  const xShown = new Set(xKept), yShown = new Set(yKept);

  const cells = new Map<string, { x: string; y: string; count: number }>();
  for (let i = 0; i < x.length; i++) {
    if (!xShown.has(x[i]) || !yShown.has(y[i])) continue;
    const key = `${x[i]}\u0000${y[i]}`;
    const cell = cells.get(key) ?? { x: x[i], y: y[i], count: 0 };
    cell.count++;
    cells.set(key, cell);
  }
  const rows = [...cells.values()];
  const max = rows.reduce((m, r) => Math.max(m, r.count), 0);

  const link = sourceLink(source, { x, y }, { param: "pick", type: "point", fields: { x: "x", y: "y" } });
  const axes = {
    x: { field: "x", type: "nominal", sort: xKept, title: options.x, axis: { labelLimit: 120 } },
    y: { field: "y", type: "nominal", sort: yKept, title: options.y, axis: { labelLimit: 120 } },
  };
  const cellsLayer = {
    mark: { type: "rect" },
    params: [{ name: "pick", select: { type: "point", fields: ["x", "y"] } }],
    encoding: {
      ...axes,
      color: { field: "count", type: "quantitative", title: source.unit, scale: { scheme: "blues" } },
      tooltip: [
        { field: "x", type: "nominal", title: options.x },
        { field: "y", type: "nominal", title: options.y },
        { field: "count", type: "quantitative", title: source.unit },
      ],
    },
  };
  const labels = {
    mark: { type: "text", fontSize: 9 },
    encoding: {
      ...axes,
      text: { field: "count", type: "quantitative" },
      color: { condition: { test: `datum.count > ${max / 2}`, value: "white" }, value: "black" },
    },
  };
  const main = { data: { name: "cells" }, layer: rows.length <= LABELLED_CELLS ? [cellsLayer, labels] : [cellsLayer] };
  // Cells holding selected rows get an outline.
  const highlight = {
    transform: [
      { filter: { field: "x", oneOf: xKept } },
      { filter: { field: "y", oneOf: yKept } },
      { aggregate: [{ op: "count", as: "count" }], groupby: ["x", "y"] },
    ],
    mark: { type: "rect", fill: "transparent", stroke: HIGHLIGHT_COLOUR, strokeWidth: 2 },
    encoding: axes,
  };
  const title = options.title ?? `${options.y} by ${options.x}`;
  return new Plot({
    kind: "heatmap", title,
    summary: `Heatmap of ${options.y} against ${options.x} ${overWhat(source)}: ${xKept.length} x ${yKept.length} cells.`,
    spec: chartSpec(title, { ...withHighlight(main, highlight, link), width: { step: 22 }, height: { step: 22 } }),
    data: { cells: { rows: rows.length, columns: { x: rows.map((r) => r.x), y: rows.map((r) => r.y), count: Float64Array.from(rows, (r) => r.count) } } },
    link, dataset: source.dataset, group: options.group ?? source.dataset, staticVersion: null,
  });
}
