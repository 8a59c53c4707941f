import * as aq from "arquero";
import { describe, expect, test } from "vitest";
import { plot } from "../../kernel/plot";
import { renderSvg } from "../../src/report/vega";
import { MIME, type ChartBundle } from "../../kernel/protocol";
import { show } from "../../kernel/show";
import { values } from "../../src/dataset/columns";
import { BlindspotError } from "../../src/errors";
import { linkGroup } from "../../kernel/linkGroup";
import { captureOutputs, demoDataset, lastOf, readArrow } from "./helpers";

const SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json";

async function shown(name: string, make: () => ReturnType<typeof plot.histogram>) {
  const { outputs, notebookDir } = captureOutputs(name);
  await show(make());
  const out = outputs[outputs.length - 1].data;
  return { out, chart: out[MIME.chart] as ChartBundle, svg: out["image/svg+xml"] as string, notebookDir };
}

/** Marks drawn by a chart's main layer (vega names its group `layer_0_marks` or `layer_0_layer_0_marks`). */
function markCount(svg: string, type: string): number {
  const groups = svg.split(new RegExp(`class="mark-${type} role-mark (?:layer_0_)+marks"`)).slice(1);
  return groups.reduce((n, g) => n + (g.split("</g>")[0].match(/<path /g)?.length ?? 0), 0);
}

describe("plots", () => {
  test("histogram: chart, svg and text; binned counts; brush linked to the rows file", async () => {
    const ds = await demoDataset();
    const { out, chart, svg, notebookDir } = await shown("hist", () => plot.histogram(ds, "confidence", { bins: 10 }));
    expect(Object.keys(out).sort()).toEqual([MIME.chart, "image/svg+xml", "text/plain"].sort());
    expect(chart).toMatchObject({
      version: 1,
      kind: "chart",
      group: linkGroup(ds),
      dataset: linkGroup(ds),
      title: "Distribution of confidence",
    });
    expect(chart.spec.$schema).toBe(SCHEMA);
    expect(svg.startsWith("<svg")).toBe(true);
    expect(markCount(svg, "rect")).toBeGreaterThan(5);
    expect(svg).toContain("confidence");

    // Counts cover every predicted box; the link selects by the brushed range of `x`.
    const bins = (chart.spec.datasets as Record<string, { count: number }[]>).bins;
    const predictions = ds.objects.filter("d => d.confidence != null").numRows();
    expect(bins.reduce((n, b) => n + b.count, 0)).toBe(predictions);
    expect(chart.link).toMatchObject({
      param: "brush",
      type: "interval",
      fields: { bin_start: "x" },
      highlight: "highlight",
    });
    const rows = readArrow(notebookDir, chart.link!.rows);
    expect(rows.numRows).toBe(ds.objects.numRows());
    expect(rows.getChild("id").toArray()).toEqual(Array.from(values(ds.objects, "sample_id")));
    expect(out["text/plain"]).toContain("Histogram of confidence");
  });

  test("the histogram's highlight layer bins selected rows like the kernel binned all rows", async () => {
    const ds = await demoDataset();
    const p = plot.histogram(ds, "confidence", { bins: 10 });
    const rows = p.link!.rows.columns;
    const selected = Array.from({ length: 300 }, (_, i) => ({
      id: (rows.id as string[])[i],
      x: (rows.x as Float64Array)[i],
    }));
    const highlighted = await renderSvg({ ...p.spec, datasets: { bins: [], highlight: selected } });
    const drawn = await renderSvg({ ...p.spec, datasets: { bins: [], highlight: [] } });
    expect(markCount(highlighted, "rect")).toBeGreaterThan(markCount(drawn, "rect"));
  });

  test("bar: counts by a field stacked by another; click selects by both", async () => {
    const ds = await demoDataset();
    const { chart, svg, notebookDir } = await shown("bar", () =>
      plot.bar(ds, "label", { stack: "weather", labelField: "ground_truth" }),
    );
    const counts = (chart.spec.datasets as Record<string, { x: string; stack: string; count: number }[]>).counts;
    const truth = ds.objects.filter("d => d.field === 'ground_truth'");
    expect(counts.reduce((n, c) => n + c.count, 0)).toBe(truth.numRows());
    expect(chart.link).toMatchObject({ param: "pick", type: "point", fields: { x: "x", stack: "stack" } });
    const rows = readArrow(notebookDir, chart.link!.rows);
    expect(rows.getChild("x").toArray()).toEqual(Array.from(values(truth, "label")));
    expect(new Set(rows.getChild("stack").toArray())).toEqual(new Set(["clear", "rain", "fog", "snow"]));
    expect(markCount(svg, "rect")).toBeGreaterThanOrEqual(counts.length);
  });

  test("heatmap: counts of pairs, click on a cell selects by both fields", async () => {
    const ds = await demoDataset();
    const { chart, svg } = await shown("heat", () => plot.heatmap(ds, { x: "weather", y: "time_of_day" }));
    const cells = (chart.spec.datasets as Record<string, { count: number }[]>).cells;
    expect(cells.reduce((n, c) => n + c.count, 0)).toBe(200);
    expect(chart.link).toMatchObject({ param: "pick", type: "point", fields: { x: "x", y: "y" } });
    expect(markCount(svg, "rect")).toBe(cells.length);
  });

  test(
    "scatter: small data inline; large data in an Arrow file that is also the link's rows, " + "drawn binned",
    async () => {
      const ds = await demoDataset();
      const small = await shown("scatter-small", () => plot.scatter(ds.limit(50), { x: "width", y: "height" }));
      expect((small.chart.spec.datasets as Record<string, unknown[]>).points).toHaveLength(50);
      expect(small.chart.data).toEqual({});
      expect(markCount(small.svg, "symbol")).toBe(50);

      const n = 20_000;
      const table = aq.table({
        id: Array.from({ length: n }, (_, i) => `s${i}`),
        umap_x: Float64Array.from({ length: n }, (_, i) => Math.cos(i) * (i % 97)),
        umap_y: Float64Array.from({ length: n }, (_, i) => Math.sin(i) * (i % 89)),
        label: Array.from({ length: n }, (_, i) => ["car", "person", "dog"][i % 3]),
      });
      const big = await shown("scatter-big", () =>
        plot.scatter(table, { x: "umap_x", y: "umap_y", color: "label", group: "g" }),
      );
      expect(big.chart.group).toBe("g");
      expect(big.chart.data.points.rows).toBe(n);
      expect(big.chart.data.points.path).toBe(big.chart.link!.rows);
      const points = readArrow(big.notebookDir, big.chart.data.points.path);
      expect(points.getChild("id").toArray()).toEqual(Array.from(values(table, "id")));
      expect(Array.from(points.getChild("x").toArray() as Float64Array)).toEqual(
        Array.from(values<number>(table, "umap_x")),
      );
      expect(big.svg).toContain("binned");
      expect(markCount(big.svg, "symbol")).toBe(0);
      expect(big.svg.length).toBeLessThan(150_000);
      console.log(
        `scatter of ${n} points: svg ${big.svg.length} bytes, chart json ${JSON.stringify(big.chart).length} bytes`,
      );
    },
  );

  test("line: curves from a table, not linked", async () => {
    const curve = aq.table({
      recall: [0, 0.5, 1, 0, 0.5, 1],
      precision: [1, 0.8, 0.4, 1, 0.9, 0.6],
      model: ["a", "a", "a", "b", "b", "b"],
    });
    const { chart, svg } = await shown("line", () => plot.line(curve, { x: "recall", y: "precision", color: "model" }));
    expect(chart.link).toBeNull();
    expect(chart.dataset).toBeNull();
    expect(markCount(svg, "line")).toBe(2);
  });

  test("labels are text in the svg, never markup", async () => {
    const t = aq.table({ id: ["a", "b"], label: ["<img src=x onerror=alert(1)>", "ok"] });
    const { svg } = await shown("bar-evil", () => plot.bar(t, "label"));
    expect(svg).not.toMatch(/<script/i);
    expect(svg).not.toContain("<img");
    // Axis labels are escaped (and cut to the label limit).
    expect(svg).toContain("&lt;img src=x on");
  });

  test("unknown fields and wrong types fail with the fields listed", async () => {
    const ds = await demoDataset();
    expect(() => plot.histogram(ds, "confidance")).toThrow(BlindspotError);
    expect(() => plot.histogram(ds, "confidance")).toThrow(/object fields: .*confidence/);
    expect(() => plot.histogram(ds, "weather")).toThrow(/a histogram needs numbers, but field "weather" holds "/);
    expect(() => plot.bar(ds, "label", { labelField: "modle" })).toThrow(/label fields: ground_truth, model/);
    expect(() => plot.scatter("nope" as never, { x: "a", y: "b" })).toThrow(/cannot plot a string/);
    expect(() => plot.heatmap(aq.table({ a: [1] }), { x: "a", y: "b" })).toThrow(
      /no column "b" in the table\n {2}fix: columns: a/,
    );
  });

  test("a chart of a table joins the group of the latest output", async () => {
    const { outputs } = captureOutputs("chart-group");
    const ds = await demoDataset();
    await show(ds.limit(3));
    await show(plot.line(aq.table({ x: [1, 2], y: [3, 4] }), { x: "x", y: "y" }));
    expect(lastOf<ChartBundle>(outputs, MIME.chart).group).toBe(linkGroup(ds));
  });
});
