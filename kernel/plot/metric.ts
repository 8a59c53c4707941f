import type { ColumnTable } from "arquero";
import type { Dataset } from "../../src/dataset/dataset";
import { values } from "../../src/dataset/columns";
import { BlindspotError } from "../../src/errors";
import { categories } from "./columns";
import { Plot } from "./plot";
import { chartSpec, HIGHLIGHT_COLOUR, HIGHLIGHT_STYLE, MAIN_COLOUR, type PlotOptions } from "./spec";
import { linkGroup } from "../linkGroup";

export interface MetricOptions extends PlotOptions {
  /** The slice field of the table (a column of `bySlice`'s result). */
  by: string;
  /** The metric drawn (default: the table's first metric column, e.g. mAP or accuracy). */
  metric?: string;
  /** The dataset the slices come from: clicking a bar then selects that slice's samples. */
  dataset?: Dataset;
  /** Each sample's slice, where `by` is not one of its fields (an intersection of fields); null: in none. */
  sampleSlices?: readonly (string | null)[];
  /** Each slice's samples, where a sample can lie in several slices: one (id, slice) pair per row. */
  members?: { ids: readonly string[]; slices: readonly string[] };
}

/**
 * A metric per slice (the result of `bySlice`), one bar per slice value and model, with its
 * bootstrap interval as an error bar and the sample count in the tooltip.
 */
export function metric(table: ColumnTable, options: MetricOptions): Plot {
  const names = table.columnNames();
  const name =
    options.metric ??
    names.find((c) => !["model", "samples", options.by].includes(c) && !c.endsWith("_low") && !c.endsWith("_high"));
  for (const c of [options.by, "model", "samples", name ?? "a metric"]) {
    if (!names.includes(c))
      throw new BlindspotError({
        place: c,
        message: `the table has no column ${JSON.stringify(c)}`,
        hint: `pass a table from bySlice(...); its columns: ${names.join(", ")}`,
      });
  }
  const m = name!;
  const n = table.numRows();
  const num = (col: string) => Float64Array.from(values<number | null>(table, col), (v) => (v === null ? NaN : v));
  const bars = {
    slice: categories(values(table, options.by)),
    model: categories(values(table, "model")),
    value: num(m),
    low: names.includes(`${m}_low`) ? num(`${m}_low`) : new Float64Array(n).fill(NaN),
    high: names.includes(`${m}_high`) ? num(`${m}_high`) : new Float64Array(n).fill(NaN),
    samples: num("samples"),
  };
  // Slices in the table's order (worst first), so the eye lands on the weakest one.
  const order = [...new Set(bars.slice)];
  const models = new Set(bars.model).size;
  const ds = options.dataset;
  const sliceOfSample =
    ds === undefined || options.members
      ? null
      : (options.sampleSlices ??
        (ds.samples.columnNames().includes(options.by) ? values(ds.samples, options.by) : null));
  const linkRows = options.members
    ? {
        rows: options.members.ids.length,
        columns: { id: [...options.members.ids], slice: categories(options.members.slices) },
      }
    : sliceOfSample !== null && ds !== undefined
      ? {
          rows: ds.count(),
          columns: { id: Array.from(values<string>(ds.samples, "id")), slice: categories(sliceOfSample) },
        }
      : null;
  const link =
    ds !== undefined && linkRows !== null
      ? {
          rows: linkRows,
          param: "pick",
          type: "point" as const,
          fields: { slice: "slice" },
          highlight: "highlight",
        }
      : null;
  const x = {
    field: "slice",
    type: "nominal",
    sort: order,
    title: options.by,
    axis: { labelAngle: -35, labelLimit: 120 },
  };
  const offset = models > 1 ? { xOffset: { field: "model", type: "nominal" } } : {};
  const tooltip = [
    { field: "slice", type: "nominal", title: options.by },
    { field: "model", type: "nominal" },
    { field: "value", type: "quantitative", title: m, format: ".3f" },
    { field: "low", type: "quantitative", title: "interval low", format: ".3f" },
    { field: "high", type: "quantitative", title: "interval high", format: ".3f" },
    { field: "samples", type: "quantitative" },
  ];
  const layers: Record<string, unknown>[] = [
    {
      mark: { type: "bar" },
      ...(link && { params: [{ name: "pick", select: { type: "point", fields: ["slice"] } }] }),
      encoding: {
        x,
        ...offset,
        y: { field: "value", type: "quantitative", title: m },
        color: models > 1 ? { field: "model", type: "nominal" } : { value: MAIN_COLOUR },
        ...(link && { fillOpacity: { condition: { param: "pick", value: 1 }, value: 0.35 } }),
        tooltip,
      },
    },
    {
      mark: { type: "rule", color: HIGHLIGHT_COLOUR },
      encoding: { x, ...offset, y: { field: "low", type: "quantitative" }, y2: { field: "high" } },
    },
  ];
  // The group's selection: how many of its samples each slice holds, above the slice's bars.
  if (link) {
    layers.push({
      data: { name: "highlight" },
      transform: [{ aggregate: [{ op: "count", as: "selected" }], groupby: ["slice"] }],
      mark: { type: "text", style: HIGHLIGHT_STYLE, baseline: "top", dy: 2, fontWeight: "bold" },
      encoding: { x, y: { value: 0 }, text: { field: "selected", type: "quantitative", format: "," } },
    });
  }
  const title =
    options.title ??
    `${m} by ${options.by}${bars.low.some((v) => !Number.isNaN(v)) ? " (bars: bootstrap interval)" : ""}`;
  return new Plot({
    kind: "bar",
    title,
    summary:
      `Bar chart of ${m} for ${order.length} values of ` +
      `${options.by}${models > 1 ? ` and ${models} models` : ""}, worst first: ` +
      `${order.slice(0, 3).join(", ")}${order.length > 3 ? ", ..." : ""}.`,
    spec: chartSpec(title, { data: { name: "bars" }, layer: layers }),
    data: { bars: { rows: n, columns: bars } },
    link,
    dataset: ds ? linkGroup(ds) : null,
    group: options.group ?? (ds ? linkGroup(ds) : null),
    staticVersion: null,
  });
}
