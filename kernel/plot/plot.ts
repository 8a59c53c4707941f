/** The kinds of chart `plot` builds. */
export type PlotKind = "histogram" | "bar" | "scatter" | "heatmap" | "line";

/** A Vega-Lite spec, as JSON. */
export type Spec = Record<string, unknown>;

/** Named data of a chart: columns of equal length (numbers as Float64Array, text as strings). */
export interface PlotData {
  rows: number;
  columns: Record<string, Float64Array | (string | null)[]>;
}

/** How the chart's selection parameter maps to samples (ChartLink in protocol.ts, before files are written). */
export interface PlotLink {
  /** `id` (sample ids) plus the columns named in `fields`. */
  rows: PlotData;
  param: string;
  type: "interval" | "point";
  fields: Record<string, string>;
  /** Dataset of the spec that the renderer fills with the selected rows; null for none. */
  highlight: string | null;
}

export interface PlotInit {
  kind: PlotKind;
  title: string;
  /** One sentence saying what is drawn, for the text fallback. */
  summary: string;
  /** Vega-Lite 6 spec; its data are the named datasets of `data`. */
  spec: Spec;
  data: Record<string, PlotData>;
  link: PlotLink | null;
  /** Dataset the rows come from, null for a table. */
  dataset: string | null;
  /** Link group; null: the group of the latest output. */
  group: string | null;
  /** A smaller chart of the same data (binned, thinned) for the static image when `data` is large. */
  staticVersion: { spec: Spec; data: Record<string, PlotData> } | null;
}

/** A chart: `show(plot)` draws it, linked to the grids of its group. */
export class Plot implements PlotInit {
  readonly kind: PlotKind;
  readonly title: string;
  readonly summary: string;
  readonly spec: Spec;
  readonly data: Record<string, PlotData>;
  readonly link: PlotLink | null;
  readonly dataset: string | null;
  readonly group: string | null;
  readonly staticVersion: PlotInit["staticVersion"];

  constructor(init: PlotInit) {
    this.kind = init.kind;
    this.title = init.title;
    this.summary = init.summary;
    this.spec = init.spec;
    this.data = init.data;
    this.link = init.link;
    this.dataset = init.dataset;
    this.group = init.group;
    this.staticVersion = init.staticVersion;
  }
}
