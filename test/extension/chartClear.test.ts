import * as aq from "arquero";
import { compile } from "vega-lite";
import { describe, expect, it } from "vitest";
import { brushSignals } from "../../extension/src/render/chartClear";
import { themed } from "../../extension/src/render/chartTheme";
import { plot } from "../../kernel/plot";

const table = aq.table({ id: ["a", "b", "c"], x: [1, 2, 3], y: [4, 5, 6], n: [0.1, 0.5, 0.9] });

describe("clearing a chart's selection from outside", () => {
  it("finds the pixel extents of a brush, whatever the fields are named", () => {
    // Fields named x and y: Vega-Lite gives the data extents brush_x, brush_y and the pixel ones brush_x_1, brush_y_1.
    const scatter = compile(plot.scatter(table, { x: "x", y: "y" }).spec as never).spec;
    expect(brushSignals(scatter, "brush").sort()).toEqual(["brush_x_1", "brush_y_1"]);
    const histogram = compile(plot.histogram(table, "n").spec as never).spec;
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
