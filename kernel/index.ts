/**
 * blindspot in a notebook: everything of the engine plus the helpers a cell calls to show
 * datasets, views, tables and charts.
 */
import { tslabDisplayWriter } from "./display/tslab";

export * from "../src/index";
// Shadow the engine's long runs with versions that show progress bars.
export { computeQuality, computeEmbeddings, generateDemo, load, knn, umap, tsne, pca } from "./engine";
export { show, type ShowOptions } from "./show";
export type { GridOptions } from "./show/grid";
export type { TableOptions } from "./show/table";
export type { ChartOptions } from "./show/chart";
export type { EvaluationViewOptions } from "./show/evaluation";
export * from "./plot";
export { progress, type Progress, type ProgressOptions } from "./progress";
export { selection } from "./selection";
export { linkGroup } from "./linkGroup";
export { display, LiveDisplay, type MimeData } from "./display/display";
export { setDisplaySink } from "./display/sink";
export type { DisplayBundle, DisplaySink } from "./display/bundle";
export { setNotebookDir } from "./artifacts/location";
export * as protocol from "./protocol";

// Inside a tslab kernel, order the kernel's output messages from the first cell on (display/zeromqOrder.ts).
tslabDisplayWriter();
