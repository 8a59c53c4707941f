/**
 * blindspot's JupyterLab extension: renderers for the grid, chart, table and event outputs that
 * the blindspot kernel library writes. A normal plugin (not a MIME extension), so the renderers
 * reach the app's contents API to write selection files.
 */
import type { JupyterFrontEnd, JupyterFrontEndPlugin } from "@jupyterlab/application";
import { IRenderMimeRegistry } from "@jupyterlab/rendermime";
import type { IRenderMime } from "@jupyterlab/rendermime-interfaces";
import { MIME } from "../../kernel/protocol";
import { type BlindspotContext, createContext } from "./context";
import { RANK } from "./render/base";
import { ChartRenderer } from "./render/chart";
import { EventRenderer } from "./render/event";
import { GridRenderer } from "./render/grid/index";
import { TableRenderer } from "./render/table";

export const PLUGIN_ID = "blindspot-jupyterlab:renderers";

function factories(ctx: BlindspotContext): IRenderMime.IRendererFactory[] {
  // safe: the renderers never run scripts from outputs, so untrusted notebooks show them too.
  const factory = (mime: string, create: (o: IRenderMime.IRendererOptions) => IRenderMime.IRenderer) => ({
    safe: true,
    mimeTypes: [mime],
    defaultRank: RANK,
    createRenderer: create,
  });
  return [
    factory(MIME.grid, (o) => new GridRenderer(o, ctx, "grid")),
    factory(MIME.patches, (o) => new GridRenderer(o, ctx, "patches")),
    factory(MIME.chart, (o) => new ChartRenderer(o, ctx, "chart")),
    factory(MIME.table, (o) => new TableRenderer(o, ctx, "table")),
    factory(MIME.event, (o) => new EventRenderer(o, ctx)),
  ];
}

const plugin: JupyterFrontEndPlugin<void> = {
  id: PLUGIN_ID,
  description: "Renders blindspot grids, linked Vega-Lite 6 charts and tables in notebooks.",
  autoStart: true,
  requires: [IRenderMimeRegistry],
  activate: (app: JupyterFrontEnd, rendermime: IRenderMimeRegistry) => {
    const ctx = createContext(app.serviceManager.contents);
    for (const f of factories(ctx)) rendermime.addFactory(f, RANK);
  },
};

export default plugin;
