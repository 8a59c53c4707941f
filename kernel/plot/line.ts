import { categories, isNumeric, numbers } from "./columns";
import { Plot, type PlotData } from "./plot";
import { plotSource, type PlotInput } from "./source";
import { chartSpec, overWhat, STATIC_MAX_LINE_POINTS, type PlotOptions } from "./spec";

export interface LineOptions extends PlotOptions {
  x: string;
  y: string;
  /** One line per value of this field (a model, a class). */
  color?: string;
  /**
   * Samples behind each line: clicking a line (or its legend entry) selects the samples whose
   * `values` entry equals the line's `color` value (e.g. the samples of a PR curve's class).
   */
  samplesOf?: { ids: ArrayLike<string>; values: ArrayLike<unknown> };
}

/** Curves (precision against recall, a metric over thresholds or time); linked to samples through `samplesOf`. */
export function line(input: PlotInput, options: LineOptions): Plot {
  const { color } = options;
  const source = plotSource(
    input,
    color === undefined ? [options.x, options.y] : [options.x, options.y, color],
    options,
  );
  const xValues = source.column(options.x);
  const x = isNumeric(xValues) ? numbers(xValues, options.x, "a line chart") : categories(xValues);
  const y = numbers(source.column(options.y), options.y, "a line chart");
  const c = color === undefined ? null : categories(source.column(color));
  const points: PlotData = { rows: source.rows, columns: { x, y, ...(c && { color: c }) } };

  const title = options.title ?? `${options.y} against ${options.x}`;
  const linked = options.samplesOf !== undefined && c !== null;
  const link = linked
    ? {
        rows: {
          rows: options.samplesOf!.ids.length,
          columns: { id: Array.from(options.samplesOf!.ids), color: categories(options.samplesOf!.values) },
        },
        param: "pick",
        type: "point" as const,
        fields: { color: "color" },
        highlight: null,
      }
    : null;
  const spec = (data: string, rows: number) =>
    chartSpec(title, {
      data: { name: data },
      mark: { type: "line", point: rows <= 200, tooltip: true },
      ...(linked && { params: [{ name: "pick", select: { type: "point", fields: ["color"] }, bind: "legend" }] }),
      encoding: {
        x:
          x instanceof Float64Array
            ? { field: "x", type: "quantitative", title: options.x, scale: { zero: false } }
            : { field: "x", type: looksTemporal(x) ? "temporal" : "ordinal", title: options.x },
        y: { field: "y", type: "quantitative", title: options.y, scale: { zero: false } },
        ...(color !== undefined && { color: { field: "color", type: "nominal", title: color } }),
        ...(linked && { opacity: { condition: { param: "pick", value: 1 }, value: 0.2 } }),
      },
    });
  return new Plot({
    kind: "line",
    title,
    summary:
      `Line chart of ${options.y} against ${options.x}${color === undefined ? "" : ` per ${color}`} ` +
      `${overWhat(source)}.`,
    spec: spec("points", source.rows),
    data: { points },
    link,
    dataset: source.dataset,
    group: options.group ?? source.dataset,
    staticVersion:
      source.rows > STATIC_MAX_LINE_POINTS
        ? { spec: spec("points", STATIC_MAX_LINE_POINTS), data: { points: thinned(points, STATIC_MAX_LINE_POINTS) } }
        : null,
  });
}

function looksTemporal(values: string[]): boolean {
  return values.length > 0 && values.every((v) => /^\d{4}-\d{2}-\d{2}/.test(v));
}

/** Every k-th row, so about `limit` remain (curves are smooth; the static image loses little). */
function thinned(data: PlotData, limit: number): PlotData {
  const stride = Math.ceil(data.rows / limit);
  const keep = Array.from({ length: Math.ceil(data.rows / stride) }, (_, i) => i * stride);
  const columns = Object.fromEntries(
    Object.entries(data.columns).map(([name, values]) => [
      name,
      values instanceof Float64Array ? Float64Array.from(keep, (i) => values[i]) : keep.map((i) => values[i]),
    ]),
  );
  return { rows: keep.length, columns };
}
