import * as fs from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { boxLabelIssues } from "../../src/analyze/boxIssues";
import { applyCorrections } from "../../src/analyze/review/applyCorrections";
import { exportLabelIssues } from "../../src/analyze/review/exportIssues";
import type { Dataset } from "../../src/dataset/dataset";
import { generateDemo } from "../../src/demo";
import { importLabels } from "../../src/formats/api";
import { removeTmpDirs, tmpDir } from "../helpers/data";

afterAll(removeTmpDirs);

interface Obj {
  id: number;
  sample_id: string;
  field: string;
  label: string;
  x: number;
  y: number;
  w: number;
  h: number;
  label_issue_type: string | null;
  label_issue_fix: number | null;
}

const objects = (ds: Dataset) => ds.objects.objects() as Obj[];
const key = (o: Obj) => `${o.sample_id} ${o.label} ${[o.x, o.y, o.w, o.h].map((v) => v.toFixed(2)).join(",")}`;

describe("review: corrections and the round trip through CVAT", () => {
  let ds: Dataset;
  beforeAll(async () => {
    ({ dataset: ds } = await generateDemo({ samples: 200, seed: 7, out: tmpDir("demo") }));
    boxLabelIssues(ds, { predictions: "model" });
  }, 120_000);

  it("applyCorrections changes exactly the accepted labels, in a new field, the original kept", () => {
    const flagged = objects(ds).filter((o) => o.label_issue_type !== null);
    const pick = (type: string) => flagged.find((o) => o.label_issue_type === type)!;
    const swap = pick("swap"),
      badloc = pick("badloc"),
      loose = pick("loose"),
      overlooked = pick("overlooked");
    const rejected = flagged.find((o) => o.label_issue_type === "swap" && o.id !== swap.id)!;
    const before = objects(ds).filter((o) => o.field === "ground_truth");
    const result = applyCorrections(ds, {
      from: [
        { kind: "object", id: swap.id, decision: "accept", issue: "swap" },
        { kind: "object", id: badloc.id, decision: "accept", issue: "badloc" },
        { kind: "object", id: loose.id, decision: "accept", issue: "loose" },
        { kind: "object", id: overlooked.id, decision: "accept", issue: "overlooked" },
        { kind: "object", id: rejected.id, decision: "reject", issue: "swap" },
      ],
    });
    expect(result.summary).toEqual({ accepted: 4, rejected: 1, applied: 4, skipped: [] });
    const after = objects(ds);
    expect(after.filter((o) => o.field === "ground_truth")).toEqual(before);
    const reviewed = after.filter((o) => o.field === "ground_truth_reviewed");
    expect(reviewed).toHaveLength(before.length + 1);
    const byId = new Map(after.map((o) => [o.id, o]));
    const fixOf = (o: Obj) => byId.get(o.label_issue_fix!)!;
    // Every reviewed box equals its original but the four accepted ones.
    const beforeKeys = before.map(key).sort();
    const expected = before
      .map((o) => {
        if (o.id === swap.id) return key({ ...o, label: fixOf(o).label });
        if (o.id === badloc.id || o.id === loose.id)
          return key({ ...o, x: fixOf(o).x, y: fixOf(o).y, w: fixOf(o).w, h: fixOf(o).h });
        return key(o);
      })
      .concat(key({ ...overlooked, field: "ground_truth" }))
      .sort();
    expect(reviewed.map(key).sort()).toEqual(expected);
    expect(expected).not.toEqual(beforeKeys);
    const changes = result.changes.objects() as { object_id: number; issue_type: string }[];
    expect(changes.map((c) => [c.object_id, c.issue_type])).toEqual([
      [swap.id, "swap"],
      [badloc.id, "badloc"],
      [loose.id, "loose"],
      [overlooked.id, "overlooked"],
    ]);
    expect(() => applyCorrections(ds, { from: [] })).toThrow(/already has a field "ground_truth_reviewed"/);
  });

  it("the flagged images go out as a CVAT task and come back to the same boxes", async () => {
    const out = tmpDir("cvat");
    const exported = await exportLabelIssues(ds, out);
    const flaggedIds = (ds.samples.objects() as { id: string; label_issue: boolean | null }[])
      .filter((s) => s.label_issue)
      .map((s) => s.id);
    expect(exported.samples).toBe(flaggedIds.length);
    expect(fs.readFileSync(exported.images, "utf8").trim().split("\n")).toHaveLength(flaggedIds.length);
    await importLabels(ds, exported.annotations, { format: "cvat", field: "reannotated" });
    const all = objects(ds);
    const flagged = new Set(flaggedIds);
    const given = all.filter((o) => o.field === "ground_truth" && flagged.has(o.sample_id)).map(key);
    const back = all.filter((o) => o.field === "reannotated").map(key);
    expect(back.sort()).toEqual(given.sort());
    expect(back.length).toBeGreaterThan(0);
  });
});
