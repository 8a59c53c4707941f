import * as aq from "arquero";
import { describe, expect, it } from "vitest";
import { brushSignals } from "../../extension/src/render/chartClear";
import { themed } from "../../extension/src/render/chartTheme";
import { plot } from "../../kernel/plot";

/** vega-lite as the extension bundles it (named by a variable: its types need ESM resolution). */
const VEGA_LITE = "vega-lite";
const compile = async (spec: unknown): Promise<unknown> =>
  ((await import(VEGA_LITE)) as { compile(s: unknown): { spec: unknown } }).compile(spec).spec;

const table = aq.table({ id: ["a", "b", "c"], x: [1, 2, 3], y: [4, 5, 6], n: [0.1, 0.5, 0.9] });

describe("clearing a chart's selection from outside", () => {
  it("finds the pixel extents of a brush, whatever the fields are named", async () => {
    // Fields named x and y: Vega-Lite gives the data extents brush_x, brush_y and the pixel ones brush_x_1, brush_y_1.
    const scatter = await compile(plot.scatter(table, { x: "x", y: "y" }).spec);
    expect(brushSignals(scatter, "brush").sort()).toEqual(["brush_x_1", "brush_y_1"]);
    const histogram = await compile(plot.histogram(table, "n").spec);
    expect(brushSignals(histogram, "brush")).toEqual(["brush_x"]);
  });
});

describe("charts in JupyterLab's theme", () => {
  it("a dark theme swaps the highlight colour in a copy of the spec", () => {
    const spec = plot.bar(table, "x").spec;
    const dark = themed(spec, true) as { config: { style: { highlight: { color: string } } } };
    expect(dark.config.style.highlight.color).toBe("#f2f2f2");
    expect((spec.config as typeof dark.config).style.highlight.color).toBe("#1b1b1b");
    expect(themed(spec, false)).toBe(spec);
  });
});
