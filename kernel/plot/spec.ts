import type { PlotData, PlotLink, Spec } from "./plot";
import type { PlotSource, SourceOptions } from "./source";

/** Options every plot builder takes. */
export interface PlotOptions extends SourceOptions {
  title?: string;
  /** Link group (default: the dataset's name; for a table, the group of the latest output). */
  group?: string;
}

const VEGA_LITE_SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json";
/** Dataset the renderer fills with the selected rows. */
const HIGHLIGHT = "highlight";
/**
 * Style of the marks that show the group's selection. Their colour lives in the spec's config,
 * not on the marks, so the renderer can swap it for a dark theme (protocol `ChartLink.highlight`).
 */
export const HIGHLIGHT_STYLE = "highlight";
// Not one of the category palette's colours, so a highlight never reads as a category.
export const HIGHLIGHT_COLOUR = "#1b1b1b";
export const MAIN_COLOUR = "#4c78a8";
/**
 * Points a static SVG draws one by one (~130 bytes each); a scatter plot with more is drawn
 * binned, so the notebook stays small.
 */
export const STATIC_MAX_POINTS = 1000;
/** Rows of a line chart's static SVG; more are thinned (a line costs ~15 bytes a point). */
export const STATIC_MAX_LINE_POINTS = 5000;

/** A top-level spec with the project's defaults. */
export function chartSpec(title: string, body: Spec): Spec {
  const config = { style: { [HIGHLIGHT_STYLE]: { color: HIGHLIGHT_COLOUR, stroke: HIGHLIGHT_COLOUR } } };
  return { $schema: VEGA_LITE_SCHEMA, title, width: 400, height: 260, config, ...body };
}

/**
 * The chart's layers: the main one, plus the highlight layer when rows link to samples (a
 * table without sample ids links to nothing).
 */
export function withHighlight(main: Spec, highlight: Spec, link: PlotLink | null): Spec {
  return { layer: link ? [main, { data: { name: HIGHLIGHT }, ...highlight }] : [main] };
}

/** The link of a chart whose rows are the source's rows; null when they have no sample ids. */
export function sourceLink(
  source: PlotSource,
  columns: PlotData["columns"],
  select: Omit<PlotLink, "rows" | "highlight">,
): PlotLink | null {
  if (source.ids === null) return null;
  return {
    rows: { rows: source.rows, columns: { id: Array.from(source.ids), ...columns } },
    highlight: HIGHLIGHT,
    ...select,
  };
}

/** "over 1,234 samples of "demo"" */
export function overWhat(source: PlotSource): string {
  return (
    `over ${source.rows.toLocaleString("en-US")} ` +
    `${source.unit}${source.dataset === null ? "" : ` of ${JSON.stringify(source.dataset)}`}`
  );
}
