/**
 * blindspot in a notebook: everything of the engine plus the helpers a cell calls to show
 * datasets, views, tables and charts.
 */
export * from "../src/index";
