import { bar } from "./bar";
import { coverageHeatmap } from "./coverage";
import { embeddings } from "./embeddings";
import { heatmap } from "./heatmap";
import { histogram } from "./histogram";
import { issues } from "./issues";
import { line } from "./line";
import { metric } from "./metric";
import { scatter } from "./scatter";

/** Chart builders; `show(plot.histogram(ds, "confidence"))` draws one linked to the dataset's grids. */
export const plot = { histogram, bar, scatter, heatmap, line, metric, issues, embeddings, coverage: coverageHeatmap };

export { Plot, type PlotKind, type PlotData, type PlotLink, type Spec } from "./plot";
export type { HistogramOptions } from "./histogram";
export type { BarOptions } from "./bar";
export type { ScatterOptions } from "./scatter";
export type { HeatmapOptions } from "./heatmap";
export type { CoveragePlotOptions } from "./coverage";
export type { LineOptions } from "./line";
export type { MetricOptions } from "./metric";
export type { EmbeddingsPlotOptions } from "./embeddings";
export type { PlotOptions } from "./spec";
export type { PlotInput } from "./source";
