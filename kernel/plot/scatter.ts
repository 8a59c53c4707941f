import { extent } from "../values";
import { axisValues, categories, isNumeric, numbers } from "./columns";
import { Plot, type PlotData, type Spec } from "./plot";
import { plotSource, type PlotInput } from "./source";
import { chartSpec, HIGHLIGHT_STYLE, overWhat, sourceLink, STATIC_MAX_POINTS, withHighlight } from "./spec";
import type { PlotOptions } from "./spec";

export interface ScatterOptions extends PlotOptions {
  x: string;
  y: string;
  /** Colour by a field: categories get a palette, numbers a gradient. */
  color?: string;
}

/** Cells per axis of the binned static image of a large scatter plot. */
const STATIC_CELLS = 32;
/**
 * Points up to which a brush fades the points outside it. Above, every brush move would restyle
 * every point before the grids update; the brush's rectangle alone shows what it holds.
 */
export const EMPHASIS_MAX_POINTS = 20_000;
const BRUSH_EMPHASIS = { condition: { param: "brush", empty: true, value: 0.8 }, value: 0.12 };

/**
 * Points of two numeric fields (an embedding projection, width against height). Brushing a
 * rectangle selects its samples. Up to millions of points: their data goes to an Arrow file.
 */
export function scatter(input: PlotInput, options: ScatterOptions): Plot {
  const { color } = options;
  const source = plotSource(
    input,
    color === undefined ? [options.x, options.y] : [options.x, options.y, color],
    options,
  );
  const xAxis = axisValues(source.column(options.x), options.x, "a scatter plot");
  const yAxis = axisValues(source.column(options.y), options.y, "a scatter plot");
  const x = xAxis.values,
    y = yAxis.values;
  const colourValues = color === undefined ? null : source.column(color);
  const numericColour = colourValues !== null && isNumeric(colourValues);
  const c =
    colourValues === null ? null : numericColour ? numbers(colourValues, color!, "colour") : categories(colourValues);
  const columns = { x, y, ...(c && { color: c }) };
  // The link's rows are the points themselves: one file serves the drawing and the link.
  const link = sourceLink(source, columns, { param: "brush", type: "interval", fields: { x: "x", y: "y" } });
  const points: PlotData = link?.rows ?? { rows: source.rows, columns };

  const colourType = numericColour ? "quantitative" : "nominal";
  const title = options.title ?? `${options.y} against ${options.x}`;
  const size = source.rows > 10_000 ? 6 : source.rows > 1000 ? 14 : 30;
  const axisType = (temporal: boolean) => (temporal ? "temporal" : "quantitative");
  const axes = {
    x: { field: "x", type: axisType(xAxis.temporal), title: options.x, scale: { zero: false } },
    y: { field: "y", type: axisType(yAxis.temporal), title: options.y, scale: { zero: false } },
  };
  const main = {
    data: { name: "points" },
    mark: { type: "circle", size, opacity: 0.7 },
    params: [{ name: "brush", select: { type: "interval", encodings: ["x", "y"] } }],
    encoding: {
      ...axes,
      // Viridis: Vega-Lite's default gradient fades to white, and low values vanish on the background.
      ...(color !== undefined && {
        color: {
          field: "color",
          type: colourType,
          title: color,
          ...(numericColour && { scale: { scheme: "viridis" } }),
        },
      }),
      ...(source.rows <= EMPHASIS_MAX_POINTS && { opacity: BRUSH_EMPHASIS }),
      tooltip: [
        ...(source.ids ? [{ field: "id", type: "nominal", title: "sample" }] : []),
        { field: "x", type: axisType(xAxis.temporal), title: options.x },
        { field: "y", type: axisType(yAxis.temporal), title: options.y },
        ...(color === undefined ? [] : [{ field: "color", type: colourType, title: color }]),
      ],
    },
  };
  const highlight = {
    mark: { type: "circle", size: size * 2, style: HIGHLIGHT_STYLE, strokeWidth: 0.5 },
    encoding: axes,
  };
  return new Plot({
    kind: "scatter",
    title,
    summary:
      `Scatter plot of ${options.y} against ${options.x}${color === undefined ? "" : ` coloured by ${color}`} ` +
      `${overWhat(source)}.`,
    spec: chartSpec(title, withHighlight(main, highlight, link)),
    data: { points },
    link,
    dataset: source.dataset,
    group: options.group ?? source.dataset,
    staticVersion: source.rows > STATIC_MAX_POINTS ? binnedScatter(title, options, axes, x, y, c) : null,
  });
}

/**
 * The static image of a large scatter plot: a grid of cells coloured by how many points fall in
 * them, or by their most frequent colour category (the fewer points, the paler).
 */
function binnedScatter(
  title: string,
  options: ScatterOptions,
  axes: { x: Spec; y: Spec },
  x: Float64Array,
  y: Float64Array,
  c: Float64Array | string[] | null,
): { spec: Spec; data: Record<string, PlotData> } {
  const [x0, x1] = extent(x) ?? [0, 1];
  const [y0, y1] = extent(y) ?? [0, 1];
  const dx = (x1 - x0) / STATIC_CELLS || 1,
    dy = (y1 - y0) / STATIC_CELLS || 1;
  const cells = new Map<number, { count: number; colours: Map<string, number>; sum: number }>();
  for (let i = 0; i < x.length; i++) {
    if (!Number.isFinite(x[i]) || !Number.isFinite(y[i])) continue;
    const key =
      Math.min(STATIC_CELLS - 1, Math.floor((x[i] - x0) / dx)) * STATIC_CELLS +
      Math.min(STATIC_CELLS - 1, Math.floor((y[i] - y0) / dy));
    let cell = cells.get(key);
    if (!cell) cells.set(key, (cell = { count: 0, colours: new Map(), sum: 0 }));
    cell.count++;
    if (c instanceof Float64Array) cell.sum += c[i];
    else if (c) cell.colours.set(c[i], (cell.colours.get(c[i]) ?? 0) + 1);
  }
  const keys = [...cells.keys()];
  const column = (f: (key: number) => number) => Float64Array.from(keys, f);
  const colourOf = (cell: { colours: Map<string, number> }) =>
    [...cell.colours].reduce((a, b) => (b[1] > a[1] ? b : a))[0];
  const data: PlotData = {
    rows: keys.length,
    columns: {
      x0: column((k) => x0 + Math.floor(k / STATIC_CELLS) * dx),
      x1: column((k) => x0 + (Math.floor(k / STATIC_CELLS) + 1) * dx),
      y0: column((k) => y0 + (k % STATIC_CELLS) * dy),
      y1: column((k) => y0 + ((k % STATIC_CELLS) + 1) * dy),
      count: column((k) => cells.get(k)!.count),
      ...(c instanceof Float64Array && { color: column((k) => cells.get(k)!.sum / cells.get(k)!.count) }),
      ...(Array.isArray(c) && { color: keys.map((k) => colourOf(cells.get(k)!)) }),
    },
  };
  const count = { field: "count", type: "quantitative", title: "points", scale: { type: "log" } };
  const spec = chartSpec(`${title} (${x.length.toLocaleString("en-US")} points, binned)`, {
    data: { name: "cells" },
    mark: { type: "rect" },
    encoding: {
      x: { ...axes.x, field: "x0" },
      x2: { field: "x1" },
      y: { ...axes.y, field: "y0" },
      y2: { field: "y1" },
      ...(c === null
        ? { color: count }
        : {
            color: {
              field: "color",
              type: c instanceof Float64Array ? "quantitative" : "nominal",
              title: options.color,
              ...(c instanceof Float64Array && { scale: { scheme: "viridis" } }),
            },
            opacity: { ...count, legend: null, scale: { type: "log", range: [0.25, 1] } },
          }),
    },
  });
  return { spec, data: { cells: data } };
}
