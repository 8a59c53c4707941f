/**
 * blindspot in a notebook: everything of the engine plus the helpers a cell calls to show
 * datasets, views, tables and charts.
 */
import { setDefaultProgress } from "../src/progress";
import { tslabDisplayWriter } from "./display/tslab";
import { phaseBars } from "./progressBars";

export * from "../src/index";
export { show, type ShowOptions } from "./show";
export type { GridOptions } from "./show/grid";
export type { TableOptions } from "./show/table";
export type { ChartOptions } from "./show/chart";
export type { EvaluationViewOptions } from "./show/evaluation";
export * from "./plot";
export { progress, type Progress, type ProgressOptions } from "./progress";
export { selection } from "./selection";
// The notebook's applyCorrections also takes { from: "review" }: it shadows the engine's.
export { reviewDecisions, applyCorrections } from "./review";
export { linkGroup } from "./linkGroup";
export { display, LiveDisplay, type MimeData } from "./display/display";
export { setDisplaySink } from "./display/sink";
export type { DisplayBundle, DisplaySink } from "./display/bundle";
export { setNotebookDir } from "./artifacts/location";
export * as protocol from "./protocol";

// The engine's long runs (load, computeQuality, knn, ...) show progress bars in the cell, and the
// kernel's stop button ends them, unless the caller passes an onProgress of its own.
setDefaultProgress(phaseBars);

// Inside a tslab kernel, order the kernel's output messages from the first cell on (display/zeromqOrder.ts).
tslabDisplayWriter();
