import { checkPositiveInteger } from "../show/checks";
import { extent } from "../values";
import { axisValues } from "./columns";
import { Plot } from "./plot";
import { plotSource, type PlotInput } from "./source";
import { chartSpec, HIGHLIGHT_STYLE, MAIN_COLOUR, overWhat, sourceLink, withHighlight, type PlotOptions } from "./spec";

export interface HistogramOptions extends PlotOptions {
  /** About this many bins, on round boundaries (default 30). */
  bins?: number;
}

/**
 * Distribution of a numeric field (of samples, or of boxes for a box field such as
 * `confidence`). Brushing a range of bins selects the samples in it.
 */
export function histogram(input: PlotInput, field: string, options: HistogramOptions = {}): Plot {
  const wanted = checkPositiveInteger(options.bins ?? 30, "bins");
  const source = plotSource(input, [field], options);
  const { values: x, temporal } = axisValues(source.column(field), field, "a histogram");
  const type = temporal ? "temporal" : "quantitative";
  const bins = binsOf(x, wanted);
  const title = options.title ?? `Distribution of ${field}`;

  const link = sourceLink(source, { x }, { param: "brush", type: "interval", fields: { bin_start: "x" } });
  const encoding = {
    x: { field: "bin_start", bin: "binned", type, title: field },
    x2: { field: "bin_end" },
    y: { field: "count", type: "quantitative", title: source.unit },
  };
  const main = {
    data: { name: "bins" },
    mark: { type: "bar", color: MAIN_COLOUR },
    params: [{ name: "brush", select: { type: "interval", encodings: ["x"] } }],
    encoding: {
      ...encoding,
      // Bins inside the brush stay full, the others fade.
      fillOpacity: { condition: { param: "brush", empty: true, value: 1 }, value: 0.35 },
      tooltip: [
        { field: "bin_start", type, title: "from" },
        { field: "bin_end", type, title: "to" },
        { field: "count", type: "quantitative", title: source.unit },
      ],
    },
  };
  // The selected rows binned exactly as the kernel binned all rows.
  const highlight = {
    transform: [
      { filter: "isValid(datum.x) && isFinite(datum.x)" },
      {
        calculate: `${bins.lo} + min(floor((datum.x - ${bins.lo}) / ${bins.step}), ${bins.count - 1}) * ${bins.step}`,
        as: "bin_start",
      },
      { calculate: `datum.bin_start + ${bins.step}`, as: "bin_end" },
      { aggregate: [{ op: "count", as: "count" }], groupby: ["bin_start", "bin_end"] },
    ],
    mark: { type: "bar", style: HIGHLIGHT_STYLE },
    encoding,
  };
  return new Plot({
    kind: "histogram",
    title,
    summary: `Histogram of ${field} ${overWhat(source)} in ${bins.count} bins of ${bins.step}.`,
    spec: chartSpec(title, withHighlight(main, highlight, link)),
    data: { bins: { rows: bins.count, columns: { bin_start: bins.starts, bin_end: bins.ends, count: bins.counts } } },
    link,
    dataset: source.dataset,
    group: options.group ?? source.dataset,
    staticVersion: null,
  });
}

interface Bins {
  lo: number;
  step: number;
  count: number;
  starts: Float64Array;
  ends: Float64Array;
  counts: Float64Array;
}

/** About `wanted` bins of a round width (1, 2 or 5 times a power of ten) covering the finite values. */
function binsOf(x: Float64Array, wanted: number): Bins {
  const range = extent(x) ?? [0, 1];
  const step = roundStep((range[1] - range[0]) / wanted || Math.abs(range[0]) / 10 || 1);
  const lo = Math.floor(range[0] / step) * step;
  const count = Math.max(1, Math.ceil((range[1] - lo) / step));
  const counts = new Float64Array(count);
  for (const v of x) {
    if (Number.isFinite(v)) counts[Math.min(count - 1, Math.floor((v - lo) / step))]++;
  }
  // Rounded so that edges print as 0.3, not 0.30000000000000004.
  const edge = (k: number) => Number((lo + k * step).toPrecision(12));
  return {
    lo,
    step,
    count,
    counts,
    starts: Float64Array.from({ length: count }, (_, k) => edge(k)),
    ends: Float64Array.from({ length: count }, (_, k) => edge(k + 1)),
  };
}

function roundStep(raw: number): number {
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const norm = raw / magnitude;
  return (norm <= 1 ? 1 : norm <= 2 ? 2 : norm <= 5 ? 5 : 10) * magnitude;
}
