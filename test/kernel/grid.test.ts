import * as fs from "node:fs";
import * as path from "node:path";
import sharp from "sharp";
import { describe, expect, test } from "vitest";
import { show } from "../../kernel/show";
import { ARTIFACTS_DIR, IMAGE_ROOTS_FILE, MIME, type GridBundle } from "../../kernel/protocol";
import { values } from "../../src/dataset/columns";
import { DatasetBuilder } from "../../src/dataset/builder";
import { BlindspotError } from "../../src/errors";
import { tmpDir } from "../helpers/data";
import { linkGroup } from "../../kernel/linkGroup";
import { captureOutputs, demoDataset, lastOf, readArrow } from "./helpers";

const EVIL = "<img src=x onerror=alert(1)>";

/** A small dataset whose labels, fields and file names try to inject markup. */
async function hostileDataset() {
  const images = tmpDir("kernel-hostile-images");
  const jpeg = await sharp({ create: { width: 64, height: 48, channels: 3, background: "#808080" } })
    .jpeg()
    .toBuffer();
  const names = ["a.jpg", "b.jpg", `x"><svg onload=alert(1)>.jpg`, "copy-of-a.jpg", "broken.jpg", "gone.jpg"];
  for (const n of names.slice(0, 4)) fs.writeFileSync(path.join(images, n), jpeg);
  fs.writeFileSync(path.join(images, "broken.jpg"), Buffer.from("not an image at all"));
  const b = new DatasetBuilder(`ds ${EVIL}`, images);
  b.declareField({ name: "ground_truth", kind: "detections", predicted: false });
  b.declareField({ name: "model", kind: "detections", predicted: true });
  for (const n of names) b.addSample({ filepath: n, width: 64, height: 48, fields: { note: EVIL } });
  b.addObject({ sampleId: "a.jpg", field: "ground_truth", label: EVIL, x: 8, y: 12, w: 32, h: 24 });
  b.addObject({ sampleId: "a.jpg", field: "model", label: "car", x: 0, y: 0, w: 64, h: 48, confidence: 0.5 });
  return b.build();
}

describe("show(dataset) grid", () => {
  test("one output with the grid, html and text types; JSON as objects; versioned MIME names", async () => {
    const { outputs } = captureOutputs("grid-bundle");
    const ds = await demoDataset();
    const returned = await show(ds);
    expect(returned).toBeUndefined();
    // Besides the grid, only a thumbnail progress bar (when making them took over a second).
    const grids = outputs.filter((o) => MIME.grid in o.data);
    expect(grids).toHaveLength(1);
    for (const o of outputs.filter((o) => !(MIME.grid in o.data)))
      expect(o.data["text/plain"]).toMatch(/^thumbnails \[/);
    const { data, update } = grids[0];
    expect(update).toBe(false);
    expect(Object.keys(data).sort()).toEqual([MIME.grid, "text/html", "text/plain"].sort());
    expect(MIME.grid).toMatch(/\.v1\+json$/);
    expect(typeof data[MIME.grid]).toBe("object");
    expect(typeof data["text/html"]).toBe("string");
    expect(data["text/plain"]).toContain("200 samples");
    const grid = data[MIME.grid] as GridBundle;
    expect(grid).toMatchObject({
      version: 1,
      kind: "grid",
      group: linkGroup(ds),
      dataset: linkGroup(ds),
      total: 200,
      missingThumbs: 0,
      thumbSize: 256,
    });
    expect(grid.labelFields).toEqual([
      { name: "ground_truth", role: "ground_truth" },
      { name: "model", role: "prediction" },
    ]);
    const weather = grid.fields.find((f) => f.name === "weather")!;
    expect(weather.kind).toBe("category");
    expect(weather.values!.reduce((n, v) => n + v.count, 0)).toBe(200);
    expect(grid.fields.find((f) => f.name === "tags")?.kind).toBe("tags");
    // Capture times are a range for the side panel (one checkbox per timestamp is no filter).
    const times = (ds.samples.array("capture_time") as string[]).map((t) => Date.parse(t));
    expect(grid.fields.find((f) => f.name === "capture_time")).toEqual({
      name: "capture_time",
      kind: "time",
      range: [Math.min(...times), Math.max(...times)],
    });
  });

  test("samples and objects files read back to the view's ids, thumbnails and boxes", async () => {
    const { outputs, notebookDir } = captureOutputs("grid-files");
    const ds = await demoDataset();
    const view = ds.filter("d => d.weather !== 'clear'").sort("camera");
    await show(view, { caption: ["weather"] });
    const grid = lastOf<GridBundle>(outputs, MIME.grid);
    expect(grid.samples).toMatch(/^blindspot-artifacts\/views\/[0-9a-f]+\/samples\.arrow$/);
    const samples = readArrow(notebookDir, grid.samples);
    const ids = Array.from(values<string>(view.samples(), "id"));
    expect(samples.getChild("id").toArray()).toEqual(ids);
    expect(samples.getChild("weather").toArray()).toEqual(Array.from(values(view.samples(), "weather")));
    for (const thumb of samples.getChild("thumb").toArray() as string[]) {
      expect(thumb).toMatch(/^blindspot-artifacts\/thumbs\/[0-9a-f]{2}\/[0-9a-f]{64}\.webp$/);
      expect(fs.existsSync(path.join(notebookDir, thumb))).toBe(true);
    }
    const meta = await sharp(path.join(notebookDir, samples.getChild("thumb").at(0) as string)).metadata();
    expect(Math.max(meta.width!, meta.height!)).toBe(256);

    // Boxes: every object of the view's samples, in row order, as fractions of the image.
    const objects = grid.objects!;
    const expected = view.objects();
    expect(objects.count).toBe(expected.numRows());
    const rowOf = new Map(ids.map((id, i) => [id, i]));
    const want = Array.from(values<string>(expected, "sample_id"), (sid, i) => ({
      row: rowOf.get(sid)!,
      label: expected.get("label", i),
      x: (expected.get("x", i) as number) / 320,
      h: (expected.get("h", i) as number) / 240,
    })).sort((a, b) => a.row - b.row);
    const got: typeof want = [];
    objects.files.forEach((file, k) => {
      const t = readArrow(notebookDir, file);
      const rows = t.getChild("row").toArray() as Int32Array;
      for (let i = 0; i < t.numRows; i++) {
        expect(rows[i]).toBeGreaterThanOrEqual(k * objects.rowsPerFile);
        expect(rows[i]).toBeLessThan((k + 1) * objects.rowsPerFile);
        got.push({
          row: rows[i],
          label: t.getChild("label").at(i),
          x: t.getChild("x").at(i) as number,
          h: t.getChild("h").at(i) as number,
        });
      }
    });
    expect(got.map((g) => [g.row, g.label])).toEqual(want.map((w) => [w.row, w.label]));
    got.forEach((g, i) => {
      expect(g.x).toBeCloseTo(want[i].x, 5);
      expect(g.h).toBeCloseTo(want[i].h, 5);
    });
  });

  test("a second show reads and encodes no image again; files are named by content", async () => {
    const { outputs, notebookDir } = captureOutputs("grid-reuse");
    const ds = await demoDataset();
    await show(ds.limit(30));
    const thumbsDir = path.join(notebookDir, "blindspot-artifacts/thumbs");
    const listThumbs = () =>
      fs
        .readdirSync(thumbsDir, { recursive: true })
        .map(String)
        .filter((f) => f.endsWith(".webp"))
        .sort();
    const first = listThumbs();
    const mtimes = first.map((f) => fs.statSync(path.join(thumbsDir, f)).mtimeMs);
    const firstGrid = lastOf<GridBundle>(outputs, MIME.grid);

    await show(ds.limit(30));
    expect(listThumbs()).toEqual(first);
    expect(first.map((f) => fs.statSync(path.join(thumbsDir, f)).mtimeMs)).toEqual(mtimes);
    // Same view data, same content key: the grid names the same files.
    expect(lastOf<GridBundle>(outputs, MIME.grid).samples).toBe(firstGrid.samples);
    const texts = outputs.filter((o) => MIME.grid in o.data).map((o) => o.data["text/plain"]);
    expect(texts[1]).toBe(texts[0]);
  });

  test("identical image bytes share one thumbnail; unreadable and missing images say why", async () => {
    const { outputs, notebookDir } = captureOutputs("grid-hostile");
    const ds = await hostileDataset();
    await show(ds);
    const grid = lastOf<GridBundle>(outputs, MIME.grid);
    expect(grid.missingThumbs).toBe(2);
    const samples = readArrow(notebookDir, grid.samples);
    const thumbs = samples.getChild("thumb").toArray() as (string | null)[];
    const missing = samples.getChild("thumb_missing").toArray() as (string | null)[];
    // a.jpg, b.jpg, the hostile name and copy-of-a.jpg hold the same bytes: one file.
    expect(new Set(thumbs.slice(0, 4)).size).toBe(1);
    expect(thumbs.slice(4)).toEqual([null, null]);
    expect(missing[4]).toMatch(/^unreadable image/);
    expect(missing[5]).toMatch(/^image file not found \(ENOENT\)/);
    expect(missing.slice(0, 4)).toEqual([null, null, null, null]);
  });

  test("the html fallback has no script or event attribute and escapes what the data says", async () => {
    const { outputs } = captureOutputs("grid-escape");
    const ds = await hostileDataset();
    await show(ds, { caption: ["note"], title: EVIL });
    const html = lastOf<string>(outputs, "text/html");
    expect(html).not.toMatch(/<script/i);
    // Attribute values are quoted and cannot hold a quote; outside them no tag has an on* attribute.
    expect(html.replace(/="[^"]*"/g, '=""')).not.toMatch(/<[^>]*\son\w+\s*=/i);
    expect(html).not.toMatch(/javascript:/i);
    expect(html).not.toContain(EVIL);
    expect(html).toContain("&lt;img src=x onerror=alert(1)&gt;");
    // Thumbnails inline as small JPEGs, boxes as SVG rects, with the count and how to get the rest.
    expect(html.match(/src="data:image\/jpeg;base64,/g)).toHaveLength(4);
    expect(html).toContain("<rect");
    expect(html).toContain("6 samples");
    expect(html).toContain("JupyterLab extension");
    expect(html).toContain("blindspot-artifacts/");
    expect(lastOf<string>(outputs, "text/plain")).toContain("2 samples without thumbnail");
  });

  test("maxThumbs limits distinct images; tiles beyond it say why", async () => {
    const { outputs, notebookDir } = captureOutputs("grid-limit");
    const ds = await demoDataset();
    await show(ds.limit(20), { maxThumbs: 5, thumbSize: 64 });
    const grid = lastOf<GridBundle>(outputs, MIME.grid);
    expect(grid.thumbSize).toBe(64);
    expect(grid.missingThumbs).toBe(15);
    const missing = readArrow(notebookDir, grid.samples).getChild("thumb_missing").toArray() as (string | null)[];
    expect(missing[19]).toContain("over the limit of 5 thumbnails");
  });

  test("tag changes after the first show become event outputs", async () => {
    const { outputs } = captureOutputs("grid-tags");
    const ds = await demoDataset();
    await show(ds.limit(5));
    await show(ds.limit(5));
    ds.tag(["s000001", "s000002"], "review");
    ds.untag(["s000001"], "review");
    ds.tag(["s000001"], "review");
    const events = outputs.filter((o) => MIME.event in o.data);
    expect(events.map((e) => e.data["text/plain"])).toEqual([
      "Tagged 2 samples 'review'",
      "Untagged 1 sample 'review'",
      "Tagged 1 sample 'review'",
    ]);
    expect(events[0].data[MIME.event]).toEqual({
      version: 1,
      kind: "tags",
      dataset: linkGroup(ds),
      tag: "review",
      action: "add",
      ids: ["s000001", "s000002"],
    });
    ds.untag(["s000001", "s000002"], "review");
  });

  test("bad options fail with the fields listed", async () => {
    captureOutputs("grid-errors");
    const ds = await demoDataset();
    const err = await show(ds, { caption: ["wether"] }).catch((e) => e);
    expect(err).toBeInstanceOf(BlindspotError);
    expect(err.message).toMatch(/^caption: no field "wether"; did you mean "weather"\?/);
    await expect(show(ds, { thumbSize: 0 })).rejects.toThrow(/thumbSize must be a positive integer/);
    await expect(show(42 as never)).rejects.toThrow(/cannot show a number/);
    // What show accepts, when handed nothing at all.
    await expect(show(undefined as never)).rejects.toThrow(
      /^show\(\) was given undefined: nothing to show\n {2}fix: show\(\) takes a dataset, a view/,
    );
    await expect(show(null as never)).rejects.toThrow(/was given null/);
  });

  test("an empty view shows an empty grid", async () => {
    const { outputs, notebookDir } = captureOutputs("grid-empty");
    const ds = await demoDataset();
    await show(ds.filter("d => false"));
    const grid = lastOf<GridBundle>(outputs, MIME.grid);
    expect(grid.total).toBe(0);
    expect(grid.objects).toBeNull();
    expect(readArrow(notebookDir, grid.samples).numRows).toBe(0);
    expect(lastOf<string>(outputs, "text/html")).toContain("0 samples");
  });

  test("a shown dataset's image folder is registered beside the artifacts, once, with the others kept", async () => {
    const { outputs, notebookDir } = captureOutputs("grid-image-roots");
    const registry = path.join(notebookDir, ARTIFACTS_DIR, IMAGE_ROOTS_FILE);
    fs.mkdirSync(path.dirname(registry), { recursive: true });
    fs.writeFileSync(registry, JSON.stringify({ version: 1, roots: ["/data/other"] }));
    const ds = await demoDataset();
    await show(ds);
    await show(ds.filter("d => d.weather == 'rain'"));
    const grid = lastOf<GridBundle>(outputs, MIME.grid);
    const real = fs.realpathSync(ds.imagesDir!);
    expect(grid.imageRoot).toBe(real);
    expect(JSON.parse(fs.readFileSync(registry, "utf8"))).toEqual({ version: 1, roots: ["/data/other", real] });
    // Every file of the grid lies in the registered folder.
    const files = readArrow(notebookDir, grid.samples).getChild("file")!.toArray() as string[];
    expect(files.every((f) => fs.existsSync(path.join(real, f)))).toBe(true);
  });

  test("the bundle lists the view's box labels with their counts, most frequent first", async () => {
    const { outputs } = captureOutputs("grid-classes");
    const ds = await demoDataset();
    const view = ds.filter("d => d.weather == 'rain'");
    await show(view);
    const grid = lastOf<GridBundle>(outputs, MIME.grid);
    const labels = values<string>(view.objects(), "label");
    const expected = new Map<string, number>();
    for (const l of labels) expected.set(l, (expected.get(l) ?? 0) + 1);
    const classes = grid.objects!.classes!;
    expect(new Map(classes.map((c) => [c.value, c.count]))).toEqual(expected);
    expect(classes.map((c) => c.count)).toEqual([...classes.map((c) => c.count)].sort((a, b) => b - a));
  });
});
