import { checkPositiveInteger } from "../show/checks";
import { categories, largestCategories } from "./columns";
import { Plot } from "./plot";
import { plotSource, type PlotInput } from "./source";
import { chartSpec, HIGHLIGHT_STYLE, MAIN_COLOUR, overWhat, sourceLink, withHighlight, type PlotOptions } from "./spec";

export interface BarOptions extends PlotOptions {
  /** A second field splitting each bar (e.g. `weather` for bars of `label`). */
  stack?: string;
  /** Bars drawn at most, largest first (default 50). */
  limit?: number;
  /** What a bar counts, for the axis title (default: samples, objects or rows, as the input has). */
  unit?: string;
  /** Stacked bars as shares of each bar (the class mix of each split), not counts. */
  normalize?: boolean;
  /** Bars in this order (values not listed follow, largest first); default largest first. */
  order?: readonly string[];
}

/** Counts of the values of a field, optionally stacked by a second one. Clicking a bar selects its samples. */
export function bar(input: PlotInput, field: string, options: BarOptions = {}): Plot {
  const limit = checkPositiveInteger(options.limit ?? 50, "limit");
  const stack = options.stack;
  const source = plotSource(input, stack === undefined ? [field] : [field, stack], options);
  const unit = options.unit ?? source.unit;
  const normalize = options.normalize === true;
  const yTitle = normalize ? `share of ${unit}` : unit;
  const x = categories(source.column(field));
  const s = stack === undefined ? null : categories(source.column(stack));
  const { kept, distinct } = largestCategories(x, limit);
  if (options.order) {
    const rank = (v: string) => (options.order!.includes(v) ? options.order!.indexOf(v) : options.order!.length);
    kept.sort((a, b) => rank(a) - rank(b));
  }
  const shown = new Set(kept);

  const cells = new Map<string, { x: string; stack: string | null; count: number }>();
  for (let i = 0; i < x.length; i++) {
    if (!shown.has(x[i])) continue;
    const key = s === null ? x[i] : `${x[i]}\u0000${s[i]}`;
    const cell = cells.get(key) ?? { x: x[i], stack: s?.[i] ?? null, count: 0 };
    cell.count++;
    cells.set(key, cell);
  }
  const rows = [...cells.values()];
  const counts = {
    x: rows.map((r) => r.x),
    ...(s && { stack: rows.map((r) => r.stack) }),
    count: Float64Array.from(rows, (r) => r.count),
  };

  const fields: Record<string, string> = s === null ? { x: "x" } : { x: "x", stack: "stack" };
  const link = sourceLink(source, { x, ...(s && { stack: s }) }, { param: "pick", type: "point", fields });
  const xEncoding = {
    field: "x",
    type: "nominal",
    sort: kept,
    title: field,
    axis: { labelAngle: -35, labelLimit: 120 },
  };
  const main = {
    data: { name: "counts" },
    mark: { type: "bar" },
    params: [{ name: "pick", select: { type: "point", fields: Object.keys(fields) } }],
    encoding: {
      x: xEncoding,
      y: { field: "count", type: "quantitative", title: yTitle, ...(normalize && { stack: "normalize" }) },
      color: stack === undefined ? { value: MAIN_COLOUR } : { field: "stack", type: "nominal", title: stack },
      fillOpacity: { condition: { param: "pick", value: 1 }, value: 0.35 },
      tooltip: [
        { field: "x", type: "nominal", title: field },
        ...(stack === undefined ? [] : [{ field: "stack", type: "nominal", title: stack }]),
        { field: "count", type: "quantitative", title: unit },
      ],
    },
  };
  // Selected rows per bar, drawn over the bars (not stacked); normalized, as a share of the bar.
  const totals = new Map<string, number>();
  for (const r of rows) totals.set(r.x, (totals.get(r.x) ?? 0) + r.count);
  const highlight = {
    transform: [
      { filter: { field: "x", oneOf: kept } },
      { aggregate: [{ op: "count", as: "count" }], groupby: ["x"] },
      ...(normalize
        ? [
            { lookup: "x", from: { data: { name: "totals" }, key: "x", fields: ["total"] } },
            { calculate: "datum.count / datum.total", as: "count" },
          ]
        : []),
    ],
    mark: { type: "bar", style: HIGHLIGHT_STYLE, width: { band: 0.5 } },
    encoding: { x: xEncoding, y: { field: "count", type: "quantitative" } },
  };
  const more = distinct > kept.length ? ` (the ${kept.length} largest of ${distinct})` : "";
  const counted = `${field}${stack === undefined ? "" : ` by ${stack}`}`;
  const title =
    options.title ?? `${normalize ? `Shares of ${stack ?? field} per ${field}` : `Counts of ${counted}`}${more}`;
  return new Plot({
    kind: "bar",
    title,
    summary:
      `Bar chart of ${field}${stack === undefined ? "" : ` stacked by ${stack}`} ${overWhat(source)}: ` +
      `${kept.length} bars${more}.`,
    spec: chartSpec(title, withHighlight(main, highlight, link)),
    data: {
      counts: { rows: rows.length, columns: counts },
      ...(normalize && {
        totals: { rows: totals.size, columns: { x: [...totals.keys()], total: Float64Array.from(totals.values()) } },
      }),
    },
    link,
    dataset: source.dataset,
    group: options.group ?? source.dataset,
    staticVersion: null,
  });
}
