import * as aq from "arquero";
import { describe, expect, test } from "vitest";
import { MIME, type GridBundle } from "../../kernel/protocol";
import { show } from "../../kernel/show";
import { groupSamples } from "../../kernel/show/groups";
import { DatasetBuilder } from "../../src/dataset/builder";
import { captureOutputs, readArrow } from "./helpers";

/** Ten samples; `group` as computeQuality writes duplicate sets (a number or null). */
function withGroups() {
  const b = new DatasetBuilder("dups", null);
  b.declareField({ name: "ground_truth", kind: "detections", predicted: false });
  const group = [null, 1, 0, 1, null, 0, 0, NaN, 2, 2];
  const camera = ["a", "b", "a", "b", "c", "a", "c", "c", "b", "a"];
  group.forEach((g, i) =>
    b.addSample({ filepath: `${i}.jpg`, width: 10, height: 10, fields: { group: g, camera: camera[i] } }),
  );
  b.addObject({ sampleId: "5.jpg", field: "ground_truth", label: "car", x: 1, y: 1, w: 5, h: 5 });
  b.addObject({ sampleId: "4.jpg", field: "ground_truth", label: "car", x: 1, y: 1, w: 5, h: 5 });
  return b.build();
}

const idsOf = (notebookDir: string, grid: GridBundle) => {
  const t = readArrow(notebookDir, grid.samples);
  return Array.from({ length: t.numRows }, (_, i) => String(t.getChild("id")!.get(i)));
};

describe("show(view, { groupBy })", () => {
  test("only samples with a group, largest group first, each group's samples together in view order", async () => {
    const { outputs, notebookDir } = captureOutputs("grid-groups");
    await show(withGroups(), { groupBy: "group" });
    const grid = outputs.at(-1)!.data[MIME.grid] as GridBundle;
    expect(grid.groupBy).toEqual({ field: "group", groups: 3 });
    expect(grid.total).toBe(7);
    expect(grid.title).toBe("dups grouped by group");
    // Group 0 has three samples; groups 1 and 2 two each, in order of value.
    expect(idsOf(notebookDir, grid)).toEqual(["2.jpg", "5.jpg", "6.jpg", "1.jpg", "3.jpg", "8.jpg", "9.jpg"]);
    const t = readArrow(notebookDir, grid.samples);
    expect(Array.from({ length: 7 }, (_, i) => t.getChild("group")!.get(i))).toEqual([0, 0, 0, 1, 1, 2, 2]);
    // Boxes follow their samples' new rows; boxes of samples left out are not written.
    expect(grid.objects!.count).toBe(1);
    const objects = readArrow(notebookDir, grid.objects!.files[0]);
    expect(objects.getChild("row")!.get(0)).toBe(1);
    expect(outputs.at(-1)!.data["text/plain"]).toMatch(/7 samples in 3 groups of group of dataset "dups"/);
    // The static preview names each tile's group first.
    expect(outputs.at(-1)!.data["text/html"]).toMatch(/group: 0[\s\S]*group: 1[\s\S]*group: 2/);
  });

  test("any field groups; minGroupSize drops small groups; a view is grouped as it is", async () => {
    const ds = withGroups();
    const { outputs, notebookDir } = captureOutputs("grid-groups-any");
    await show(ds, { groupBy: "camera" });
    let grid = outputs.at(-1)!.data[MIME.grid] as GridBundle;
    expect(grid.groupBy).toEqual({ field: "camera", groups: 3 });
    // a: 4 samples; b and c: 3 each, by value.
    expect(idsOf(notebookDir, grid)).toEqual([
      "0.jpg",
      "2.jpg",
      "5.jpg",
      "9.jpg",
      "1.jpg",
      "3.jpg",
      "8.jpg",
      "4.jpg",
      "6.jpg",
      "7.jpg",
    ]);
    await show(ds, { groupBy: "group", minGroupSize: 3 });
    grid = outputs.at(-1)!.data[MIME.grid] as GridBundle;
    expect(idsOf(notebookDir, grid)).toEqual(["2.jpg", "5.jpg", "6.jpg"]);
    await show(ds.filter("d => d.camera !== 'c'").sort("id", { descending: true }), { groupBy: "group" });
    grid = outputs.at(-1)!.data[MIME.grid] as GridBundle;
    // Without camera c every group has two samples: by value, each in the view's (descending) order.
    expect(idsOf(notebookDir, grid)).toEqual(["5.jpg", "2.jpg", "3.jpg", "1.jpg", "9.jpg", "8.jpg"]);
    expect(grid.groupBy).toEqual({ field: "group", groups: 3 });
  });

  test("no group at all gives an empty grid that says so", async () => {
    const ds = withGroups();
    ds.setFields(aq.table({ id: ds.samples.array("id") as string[], group: Array(10).fill(null) }));
    const { outputs } = captureOutputs("grid-groups-empty");
    await show(ds, { groupBy: "group" });
    const grid = outputs.at(-1)!.data[MIME.grid] as GridBundle;
    expect(grid).toMatchObject({ total: 0, groupBy: { field: "group", groups: 0 } });
  });

  test("refuses an unknown field and minGroupSize alone", async () => {
    const ds = withGroups();
    captureOutputs("grid-groups-errors");
    await expect(show(ds, { groupBy: "quality_near_duplicate_group" })).rejects.toThrow(
      /no sample field "quality_near_duplicate_group" to group by[\s\S]*computeQuality/,
    );
    await expect(show(ds, { minGroupSize: 2 })).rejects.toThrow(/minGroupSize needs groupBy/);
    await expect(show(ds, { groupBy: "group", minGroupSize: 0 })).rejects.toThrow(
      /minGroupSize must be a positive integer/,
    );
  });

  test("groups 10^6 rows in well under a second, typed columns kept typed", () => {
    const n = 1_000_000;
    const group = new Float64Array(n);
    for (let i = 0; i < n; i++) group[i] = i % 3 === 0 ? NaN : Math.floor(i / 4);
    const t = aq.table({ id: Array.from({ length: n }, (_, i) => `s${i}`), group });
    const started = performance.now();
    const out = groupSamples(t, "group", 2);
    const ms = performance.now() - started;
    expect(out.samples.numRows()).toBeGreaterThan(n / 2);
    expect(out.samples.column("group")).toBeInstanceOf(Float64Array);
    expect(ms).toBeLessThan(3000);
  });
});
