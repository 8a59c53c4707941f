import { checkPositiveInteger } from "../show/checks";
import { categories, largestCategories } from "./columns";
import { Plot } from "./plot";
import { plotSource, type PlotInput } from "./source";
import { chartSpec, HIGHLIGHT_STYLE, overWhat, sourceLink, withHighlight, type PlotOptions } from "./spec";

export interface HeatmapOptions extends PlotOptions {
  x: string;
  y: string;
  /** Categories kept per axis, largest first (default 100). */
  limit?: number;
  /**
   * "rows": colour each cell by its share of its row (y value), so a rare row's concentration
   * shows as strongly as a common one's; the counts stay printed. Default: colour by count.
   */
  normalize?: "rows";
}

/** Cells small enough to print their count. */
const LABELLED_CELLS = 400;
/** Counts print at JupyterLab's body font size; axis labels one pixel smaller, as Vega draws them. */
const COUNT_FONT = 13;
const LABEL_FONT = 12;
/** Average width of a character, as a share of the font size (for sizing cells and labels). */
const CHAR_WIDTH = 0.6;
/** Smallest cell side, in pixels: with a count printed inside, and without (many cells). */
const MIN_CELL = 36;
const MIN_BARE_CELL = 16;

/**
 * Side of a cell: room for the longest count at the body font size. X labels stay horizontal
 * when the longest fits in a cell and lean 45 degrees otherwise (never 90: read sideways).
 */
export function heatmapLayout(
  xLabels: readonly string[],
  maxCount: number,
  labelled: boolean,
): { step: number; labelAngle: number } {
  const digits = maxCount.toLocaleString("en-US").length;
  const step = labelled ? Math.max(MIN_CELL, Math.ceil(digits * COUNT_FONT * CHAR_WIDTH) + 12) : MIN_BARE_CELL;
  const longest = xLabels.reduce((n, l) => Math.max(n, l.length), 0);
  return { step, labelAngle: longest * LABEL_FONT * CHAR_WIDTH <= step ? 0 : -45 };
}

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
  const xShown = new Set(xKept),
    yShown = new Set(yKept);

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
  const rowTotals = new Map<string, number>();
  for (const r of rows) rowTotals.set(r.y, (rowTotals.get(r.y) ?? 0) + r.count);
  const shares = Float64Array.from(rows, (r) => r.count / rowTotals.get(r.y)!);
  const byShare = options.normalize === "rows";

  const link = sourceLink(source, { x, y }, { param: "pick", type: "point", fields: { x: "x", y: "y" } });
  const labelled = rows.length <= LABELLED_CELLS;
  const { step, labelAngle } = heatmapLayout(xKept, max, labelled);
  const axis = { labelLimit: 160, labelFontSize: LABEL_FONT, titleFontSize: LABEL_FONT };
  const axes = {
    x: { field: "x", type: "nominal", sort: xKept, title: options.x, axis: { ...axis, labelAngle } },
    y: { field: "y", type: "nominal", sort: yKept, title: options.y, axis },
  };
  const cellsLayer = {
    mark: { type: "rect" },
    params: [{ name: "pick", select: { type: "point", fields: ["x", "y"] } }],
    encoding: {
      ...axes,
      color: byShare
        ? {
            field: "share",
            type: "quantitative",
            title: `share of the ${options.y}'s total`,
            scale: { scheme: "blues", domain: [0, 1] },
            legend: { format: ".0%" },
          }
        : { field: "count", type: "quantitative", title: source.unit, scale: { scheme: "blues" } },
      // A clicked cell stays full, the others fade.
      opacity: { condition: { param: "pick", empty: true, value: 1 }, value: 0.4 },
      tooltip: [
        { field: "x", type: "nominal", title: options.x },
        { field: "y", type: "nominal", title: options.y },
        { field: "count", type: "quantitative", title: source.unit },
        ...(byShare
          ? [{ field: "share", type: "quantitative", title: `share of the ${options.y}'s`, format: ".1%" }]
          : []),
      ],
    },
  };
  const labels = {
    mark: { type: "text", fontSize: COUNT_FONT },
    encoding: {
      ...axes,
      text: { field: "count", type: "quantitative", format: "," },
      color: {
        condition: { test: byShare ? "datum.share > 0.5" : `datum.count > ${max / 2}`, value: "white" },
        value: "black",
      },
    },
  };
  const main = { data: { name: "cells" }, layer: labelled ? [cellsLayer, labels] : [cellsLayer] };
  // Cells holding selected rows get an outline.
  const highlight = {
    transform: [
      { filter: { field: "x", oneOf: xKept } },
      { filter: { field: "y", oneOf: yKept } },
      { aggregate: [{ op: "count", as: "count" }], groupby: ["x", "y"] },
    ],
    mark: { type: "rect", fill: "transparent", style: HIGHLIGHT_STYLE, strokeWidth: 2 },
    encoding: axes,
  };
  const title = options.title ?? `${options.y} by ${options.x}`;
  return new Plot({
    kind: "heatmap",
    title,
    summary:
      `Heatmap of ${options.y} against ${options.x} ${overWhat(source)}: ${xKept.length} x ` + `${yKept.length} cells.`,
    spec: chartSpec(title, { ...withHighlight(main, highlight, link), width: { step }, height: { step } }),
    data: {
      cells: {
        rows: rows.length,
        columns: {
          x: rows.map((r) => r.x),
          y: rows.map((r) => r.y),
          count: Float64Array.from(rows, (r) => r.count),
          share: shares,
        },
      },
    },
    link,
    dataset: source.dataset,
    group: options.group ?? source.dataset,
    staticVersion: null,
  });
}
