import * as aq from "arquero";
import * as fs from "node:fs";
import * as path from "node:path";
import { expect, test } from "vitest";
import { plot } from "../../kernel/plot";
import { MIME, type ChartBundle, type GridBundle } from "../../kernel/protocol";
import { show } from "../../kernel/show";
import { values } from "../../src/dataset/columns";
import { Dataset } from "../../src/dataset/dataset";
import { captureOutputs, demoDataset, readArrow } from "./helpers";

const COPIES = 5000;

let million: Promise<Dataset> | null = null;

/**
 * The 200-sample demo repeated 5,000 times: 10^6 samples (distinct ids) over 200 image files, with their ground-truth
 * boxes.
 */
function millionSamples(): Promise<Dataset> {
  million ??= buildMillion();
  return million;
}

async function buildMillion(): Promise<Dataset> {
  const demo = await demoDataset();
  const base = demo.samples;
  const n = base.numRows() * COPIES;
  const repeat = (name: string) => {
    const v = values<unknown>(base, name);
    return Array.from({ length: n }, (_, i) => v[i % v.length]);
  };
  const baseIds = values<string>(base, "id");
  const ids = Array.from({ length: n }, (_, i) => `${baseIds[i % baseIds.length]}-${Math.floor(i / baseIds.length)}`);
  const samples = aq.table({
    id: ids,
    filepath: repeat("filepath"),
    width: repeat("width"),
    height: repeat("height"),
    split: repeat("split"),
    tags: Array.from({ length: n }, () => []),
    weather: repeat("weather"),
    time_of_day: repeat("time_of_day"),
    score: Float64Array.from({ length: n }, (_, i) => (i % 1000) / 1000),
    emb_x: Float64Array.from({ length: n }, (_, i) => Math.cos(i) * Math.sqrt(i % 977)),
    emb_y: Float64Array.from({ length: n }, (_, i) => Math.sin(i) * Math.sqrt(i % 953)),
  });
  const truth = demo.objects.filter("d => d.field === 'ground_truth'");
  const m = truth.numRows();
  const rowOf = new Map(Array.from(baseIds, (id, i) => [id, i]));
  const sampleRow = Array.from(values<string>(truth, "sample_id"), (id) => rowOf.get(id)!);
  const cycle = (name: string) => {
    const v = values<number>(truth, name);
    return Float64Array.from({ length: m * COPIES }, (_, i) => v[i % m]);
  };
  const labels = values<string>(truth, "label");
  const objects = aq.table({
    id: Int32Array.from({ length: m * COPIES }, (_, i) => i),
    sample_id: Array.from({ length: m * COPIES }, (_, i) => ids[Math.floor(i / m) * baseIds.length + sampleRow[i % m]]),
    field: Array.from({ length: m * COPIES }, () => "ground_truth"),
    label: Array.from({ length: m * COPIES }, (_, i) => labels[i % m]),
    x: cycle("x"),
    y: cycle("y"),
    w: cycle("w"),
    h: cycle("h"),
    confidence: new Float64Array(m * COPIES).fill(NaN),
    iscrowd: new Int8Array(m * COPIES),
  });
  return new Dataset({
    name: "million",
    samples,
    objects,
    categories: demo.categories,
    fields: demo.fields.slice(0, 1),
    imagesDir: demo.imagesDir,
    problems: [],
  });
}

test("a 1,000,000-sample grid: write time and notebook size (measured, printed)", async () => {
  const { outputs, notebookDir } = captureOutputs("million");
  const ds = await millionSamples();
  let t = performance.now();
  await show(ds);
  const first = performance.now() - t;
  // Again with the thumbnails cached and the view files removed: the cost of writing the view.
  fs.rmSync(path.join(notebookDir, "blindspot-artifacts/views"), { recursive: true });
  t = performance.now();
  await show(ds);
  const again = performance.now() - t;

  const output = outputs.filter((o) => MIME.grid in o.data).pop()!;
  const grid = output.data[MIME.grid] as GridBundle;
  const outputBytes = JSON.stringify(output.data).length;
  const viewDir = path.join(notebookDir, path.dirname(grid.samples));
  const viewBytes = fs.readdirSync(viewDir).reduce((n, f) => n + fs.statSync(path.join(viewDir, f)).size, 0);
  console.log(
    `1M-sample grid (${grid.objects!.count.toLocaleString("en-US")} boxes in ${grid.objects!.files.length} files): ` +
      `first show ${(first / 1000).toFixed(1)} s (200 thumbnails made), show with cached thumbnails ` +
      `${(again / 1000).toFixed(1)} s; ` +
      `output in the notebook ${(outputBytes / 1024).toFixed(1)} KB (html ` +
      `${((output.data["text/html"] as string).length / 1024).toFixed(1)} KB, ` +
      `grid JSON ${(JSON.stringify(grid).length / 1024).toFixed(1)} KB); view files ${(viewBytes / 1e6).toFixed(1)} MB`,
  );
  expect(grid.total).toBe(1_000_000);
  expect(grid.missingThumbs).toBe(0);
  expect(outputBytes).toBeLessThan(100_000);
  const samples = readArrow(notebookDir, grid.samples);
  expect(samples.numRows).toBe(1_000_000);
  expect(samples.getChild("id").at(999_999)).toBe("s000199-4999");
  // 200 files, some of them byte-identical copies (the demo plants duplicates): one thumbnail each content.
  expect(new Set(samples.getChild("thumb").toArray()).size).toBeLessThanOrEqual(200);
  const lastObjects = readArrow(notebookDir, grid.objects!.files[grid.objects!.files.length - 1]);
  expect(lastObjects.getChild("row").at(lastObjects.numRows - 1)).toBeLessThan(1_000_000);
});

test("a 1,000,000-point scatter plot: data in one Arrow file, a small binned image (measured, printed)", async () => {
  const { outputs, notebookDir } = captureOutputs("million-scatter");
  const ds = await millionSamples();
  const t = performance.now();
  await show(plot.scatter(ds, { x: "emb_x", y: "emb_y", color: "weather" }));
  const ms = performance.now() - t;
  const out = outputs[outputs.length - 1].data;
  const chart = out[MIME.chart] as ChartBundle;
  const bytes = JSON.stringify(out).length;
  const file = fs.statSync(path.join(notebookDir, chart.data.points.path)).size;
  console.log(
    `1M-point scatter: built and shown in ${(ms / 1000).toFixed(1)} s; output ${(bytes / 1024).toFixed(1)} KB (svg ` +
      `${((out["image/svg+xml"] as string).length / 1024).toFixed(1)} KB); points file ${(file / 1e6).toFixed(1)} MB`,
  );
  expect(chart.data.points.rows).toBe(1_000_000);
  expect(chart.link!.rows).toBe(chart.data.points.path);
  expect(bytes).toBeLessThan(150_000);
});
