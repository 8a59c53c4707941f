import * as aq from "arquero";
import { describe, expect, test } from "vitest";
import { plot } from "../../kernel/plot";
import { renderSvg } from "../../src/report/vega";
import type { Spec } from "../../kernel/plot/plot";
import { EMPHASIS_MAX_POINTS } from "../../kernel/plot/scatter";
import { demoDataset } from "./helpers";

/** The spec with its datasets inline, as the static image and the renderer draw it. */
function inline(p: ReturnType<typeof plot.heatmap>, extra: Record<string, unknown[]> = {}): Spec {
  const datasets: Record<string, unknown[]> = { ...extra };
  for (const [name, d] of Object.entries(p.data)) {
    const cols = Object.entries(d.columns);
    datasets[name] = Array.from({ length: d.rows }, (_, i) => Object.fromEntries(cols.map(([c, v]) => [c, v[i]])));
  }
  return { ...p.spec, datasets };
}

/** Texts of an SVG with their font size and rotation. */
function texts(svg: string): { text: string; size: number; angle: number }[] {
  return [...svg.matchAll(/<text([^>]*)>([^<]*)<\/text>/g)].map(([, attrs, text]) => ({
    text,
    size: Number(attrs.match(/font-size="(\d+(?:\.\d+)?)px"/)?.[1] ?? NaN),
    angle: Number(attrs.match(/rotate\((-?\d+(?:\.\d+)?)\)/)?.[1] ?? 0),
  }));
}

/** The marks of one type of an SVG, group by group (axes and legends left out). */
function markGroups(svg: string, type: string): string[] {
  const groups = svg.split(new RegExp(`class="mark-${type} role-mark [a-z_0-9]*marks"`)).slice(1);
  return groups.map((g) => g.split("</g>")[0]);
}

/** Sides of the cells ("M0,0h36v36h-36Z") of the first group of rect marks. */
function cellSides(svg: string): number[] {
  const rects = markGroups(svg, "rect")[0].matchAll(/<path[^>]*d="M-?[\d.]+,-?[\d.]+h([\d.]+)v([\d.]+)h-[\d.]+Z"/g);
  return [...rects].map((m) => Math.min(Number(m[1]), Number(m[2])));
}

describe("readable charts", () => {
  test("a heatmap prints counts at the body font size in 36 px cells or more, short labels upright", async () => {
    const ds = await demoDataset();
    const svg = await renderSvg(inline(plot.heatmap(ds, { x: "weather", y: "time_of_day" })));
    // The text marks of the cells (not the legend's or the axes' numbers).
    const marks = markGroups(svg, "text");
    expect(marks).toHaveLength(1);
    const counts = texts(marks[0]);
    expect(counts.length).toBeGreaterThan(4);
    for (const c of counts) expect(c.size).toBe(13);
    expect(Math.min(...cellSides(svg))).toBeGreaterThanOrEqual(36);
    // "clear", "fog", "rain", ...: they fit in a cell, so they are not turned.
    const weathers = new Set(ds.samples.array("weather") as string[]);
    const xLabels = texts(svg).filter((t) => weathers.has(t.text));
    expect(xLabels.length).toBe(weathers.size);
    for (const l of xLabels) expect(l.angle).toBe(0);
  });

  test("labels too long for a cell lean 45 degrees, never 90", async () => {
    const n = 60;
    const table = aq.table({
      predicted: Array.from({ length: n }, (_, i) => ["traffic light", "motorcycle", "(background)"][i % 3]),
      truth: Array.from({ length: n }, (_, i) => ["traffic light", "motorcycle", "(background)"][(i * 7) % 3]),
    });
    const svg = await renderSvg(inline(plot.heatmap(table, { x: "predicted", y: "truth" })));
    const xLabels = texts(svg).filter((t) => t.text === "motorcycle" && t.angle !== 0);
    expect(xLabels).toHaveLength(1);
    expect((xLabels[0].angle + 360) % 360).toBe(315);
  });

  test("time-like fields go on a temporal axis in scatter plots and histograms", async () => {
    const ds = await demoDataset();
    const hist = plot.histogram(ds, "capture_time", { bins: 12 });
    const layers = hist.spec.layer as { encoding: { x: { type: string } } }[];
    expect(layers[0].encoding.x.type).toBe("temporal");
    const svg = await renderSvg(inline(hist));
    // Axis labels are dates (a year or a month name), not milliseconds.
    const months = "January|February|March|April|May|June|July|August|September|October|November|December";
    const dateLabel = new RegExp(`^(20\\d\\d|${months})$`);
    expect(texts(svg).some((t) => dateLabel.test(t.text))).toBe(true);
    expect(texts(svg).some((t) => /^\d{12,}/.test(t.text.replace(/,/g, "")))).toBe(false);

    const t = ["2024-01-05T10:00:00Z", "2024-03-01T08:30:00Z", null];
    const table = aq.table({ id: ["a", "b", "c"], t, v: [1, 2, 3] });
    const scatter = plot.scatter(table, { x: "t", y: "v" });
    const main = (scatter.spec.layer as { encoding: { x: { type: string }; y: { type: string } } }[])[0];
    expect(main.encoding.x.type).toBe("temporal");
    expect(main.encoding.y.type).toBe("quantitative");
    const x = Array.from(scatter.link!.rows.columns.x as Float64Array);
    expect(x).toEqual([Date.parse(t[0]!), Date.parse(t[1]!), NaN]);
  });

  test("a brush fades the points outside it, up to EMPHASIS_MAX_POINTS points", async () => {
    const small = aq.table({ id: ["a", "b"], x: [1, 2], y: [3, 4] });
    const main = (p: ReturnType<typeof plot.scatter>) =>
      (p.spec.layer as { encoding: Record<string, unknown> }[])[0].encoding;
    const emphasis = { condition: { param: "brush", empty: true, value: 0.8 }, value: 0.12 };
    expect(main(plot.scatter(small, { x: "x", y: "y" })).opacity).toEqual(emphasis);
    const n = EMPHASIS_MAX_POINTS + 1;
    const ids = Array.from({ length: n }, (_, i) => `s${i}`);
    const big = aq.table({ id: ids, x: new Float64Array(n), y: new Float64Array(n) });
    expect(main(plot.scatter(big, { x: "x", y: "y" })).opacity).toBeUndefined();
  });

  test("highlight marks take their colour from the spec's config, so a dark theme can swap it", async () => {
    const ds = await demoDataset();
    const p = plot.bar(ds, "camera");
    const selected = (ds.samples.array("camera") as string[]).slice(0, 30).map((x) => ({ x }));
    const light = await renderSvg(inline(p, { highlight: selected }));
    expect(light).toContain('fill="#1b1b1b"');
    const config = p.spec.config as { style: Record<string, Record<string, string>> };
    const dark = { ...config, style: { ...config.style, highlight: { color: "#f2f2f2", stroke: "#f2f2f2" } } };
    const swapped = await renderSvg({ ...inline(p, { highlight: selected }), config: dark });
    expect(swapped).toContain('fill="#f2f2f2"');
    expect(swapped).not.toContain('fill="#1b1b1b"');
  });
});

describe("a metric by slice shows the group's selection", () => {
  test("the samples of the selection per slice, printed over the slice's bars", async () => {
    const ds = await demoDataset();
    const table = aq.table({ camera: ["cam_a", "cam_b"], model: ["m", "m"], mAP: [0.4, 0.6], samples: [10, 20] });
    const p = plot.metric(table, { by: "camera", dataset: ds });
    expect(p.link?.highlight).toBe("highlight");
    const selected = [...Array(7).fill({ slice: "cam_a" }), ...Array(3).fill({ slice: "cam_b" })];
    const svg = await renderSvg(inline(p, { highlight: selected }));
    const printed = markGroups(svg, "text").flatMap((g) => texts(g).map((t) => t.text));
    expect(printed.sort()).toEqual(["3", "7"]);
  });
});
