import * as aq from "arquero";
import { describe, expect, test } from "vitest";
import { MIME, type GridBundle, type TableBundle } from "../../kernel/protocol";
import { show } from "../../kernel/show";
import { linkGroup } from "../../kernel/linkGroup";
import { leakage, DUPLICATE_FIELDS } from "../../src/analyze/leakage";
import { DatasetBuilder } from "../../src/dataset/builder";
import { captureOutputs, readArrow } from "./helpers";

/** Eight samples: one exact pair and one near set across splits, three scenes in two splits, times out of order. */
function dataset() {
  const b = new DatasetBuilder("leaky", null);
  const split = ["train", "test", "train", "val", "val", "train", "test", "test"];
  const scene = ["s0", "s0", "s1", "s1", "s2", "s2", "s3", "s3"];
  const day = [1, 2, 3, 4, 5, 6, 7, 8];
  split.forEach((s, i) =>
    b.addSample({
      id: `x${i}`,
      filepath: `${i}.jpg`,
      width: 10,
      height: 10,
      split: s,
      fields: { scene: scene[i], taken: `2024-01-0${day[i]}` },
    }),
  );
  const ds = b.build();
  ds.setFields(
    aq.table({
      id: ds.samples.array("id"),
      [DUPLICATE_FIELDS.exact]: [0, 0, null, null, null, null, null, null],
      [DUPLICATE_FIELDS.near]: [null, null, 1, null, 1, 1, null, null],
    }),
  );
  return ds;
}

const idsOf = (dir: string, grid: GridBundle) => {
  const t = readArrow(dir, grid.samples);
  return Array.from({ length: t.numRows }, (_, i) => String(t.getChild("id")!.get(i)));
};

describe("show(leakage(ds))", () => {
  test("the findings table, then a grid per kind of leak in the dataset's link group, sets side by side", async () => {
    const ds = dataset();
    const r = await leakage(ds, { groups: "scene", time: "taken" });
    const { outputs, notebookDir } = captureOutputs("leakage-view");
    await show(r);
    const table = outputs[0].data[MIME.table] as TableBundle;
    expect(table.title).toBe(`Leakage in leaky: ${r.summary.samples} samples leak across splits`);
    expect(table.total).toBe(r.findings.numRows());
    const grids = outputs.slice(1).map((o) => o.data[MIME.grid] as GridBundle);
    expect(grids.map((g) => g.title)).toEqual([
      "Exact duplicates across splits: 1 pairs, each set side by side",
      "Near duplicates across splits: 2 pairs, each set side by side",
      "Groups of scene in more than one split: 3",
      "Samples dated before the latest of an earlier split (taken): 3",
    ]);
    for (const g of [table, ...grids]) expect(g.group).toBe(linkGroup(ds));
    expect(grids.map((g) => g.groupBy?.field)).toEqual([...Object.values(DUPLICATE_FIELDS), "scene", undefined]);
    expect(grids.every((g) => g.caption[0] === "split")).toBe(true);
    expect(idsOf(notebookDir, grids[0])).toEqual(["x0", "x1"]);
    expect(idsOf(notebookDir, grids[1])).toEqual(["x2", "x4", "x5"]);
    expect(idsOf(notebookDir, grids[2])).toEqual(["x0", "x1", "x2", "x3", "x4", "x5"]);
    // val samples dated before the latest train (day 6), test ones before it or the latest val (day 5), oldest first.
    expect(idsOf(notebookDir, grids[3])).toEqual(["x1", "x3", "x4"]);
  });

  test("no leak: the table says so and no grid is drawn", async () => {
    const ds = dataset();
    const r = await leakage(ds, { duplicates: false });
    const { outputs } = captureOutputs("leakage-none");
    await show(r);
    expect(outputs.length).toBe(1);
    expect((outputs[0].data[MIME.table] as TableBundle).title).toBe("Leakage in leaky: no leakage found");
  });
});
