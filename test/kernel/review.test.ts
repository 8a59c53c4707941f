import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, test } from "vitest";
import { linkGroup } from "../../kernel/linkGroup";
import { reviewPath } from "../../kernel/protocol";
import { applyCorrections, reviewDecisions } from "../../kernel/review";
import { DatasetBuilder } from "../../src/dataset/builder";
import { boxLabelIssues } from "../../src/analyze/boxIssues";
import { BlindspotError } from "../../src/errors";
import { captureOutputs } from "./helpers";

/** Two images: a car labelled person (a swap the model fixes), and a clean one. */
function scene() {
  const b = new DatasetBuilder("review", "/nowhere");
  b.declareField({ name: "ground_truth", kind: "detections", predicted: false });
  b.declareField({ name: "model", kind: "detections", predicted: true });
  for (const c of ["car", "person"]) b.category(c);
  for (let i = 0; i < 4; i++) {
    const sampleId = b.addSample({ id: `s${i}`, filepath: `s${i}.jpg`, width: 200, height: 200 });
    b.addObject({ sampleId, field: "ground_truth", label: "car", x: 10, y: 10, w: 50, h: 40 });
    b.addObject({ sampleId, field: "model", label: "car", x: 10, y: 11, w: 50, h: 40, confidence: 0.99 });
    b.addObject({ sampleId, field: "ground_truth", label: "person", x: 100, y: 100, w: 20, h: 60 });
    b.addObject({ sampleId, field: "model", label: "person", x: 100, y: 100, w: 20, h: 61, confidence: 0.98 });
  }
  b.addObject({ sampleId: "s0", field: "ground_truth", label: "person", x: 120, y: 10, w: 50, h: 40 });
  b.addObject({ sampleId: "s0", field: "model", label: "car", x: 120, y: 10, w: 50, h: 40, confidence: 0.99 });
  const ds = b.build();
  boxLabelIssues(ds, { predictions: "model" });
  return ds;
}

function writeReview(notebookDir: string, group: string, text: string) {
  const file = path.join(notebookDir, reviewPath(group));
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
}

describe("reviewDecisions and applyCorrections", () => {
  test("no file yet: no decisions; decisions read back in time order, then applied", () => {
    const { notebookDir } = captureOutputs("review-read");
    const ds = scene();
    expect(reviewDecisions(ds).numRows()).toBe(0);
    const swapped = (ds.objects.objects() as { id: number; label_issue_type: string | null }[]).find(
      (o) => o.label_issue_type === "swap",
    )!;
    const decisions = {
      [`object:${swapped.id}`]: { decision: "accept", issue: "swap", at: "2026-12-06T10:00:02Z" },
      "object:0": { decision: "reject", issue: "badloc", at: "2026-12-06T10:00:01Z" },
    };
    writeReview(
      notebookDir,
      linkGroup(ds),
      JSON.stringify({ version: 1, group: linkGroup(ds), dataset: null, decisions }),
    );
    expect(reviewDecisions(ds).objects()).toEqual([
      {
        kind: "object",
        object_id: 0,
        sample_id: "s0",
        issue_type: "badloc",
        decision: "reject",
        decided_at: "2026-12-06T10:00:01Z",
      },
      {
        kind: "object",
        object_id: swapped.id,
        sample_id: "s0",
        issue_type: "swap",
        decision: "accept",
        decided_at: "2026-12-06T10:00:02Z",
      },
    ]);
    const fixed = applyCorrections(ds, { from: "review" });
    expect(fixed.changes.objects()).toMatchObject([
      { object_id: swapped.id, label_before: "person", label_after: "car" },
    ]);
  });

  test("a review file edited into something else is an error naming the file and the fix; the file is kept", () => {
    const { notebookDir } = captureOutputs("review-corrupt");
    const ds = scene();
    const group = linkGroup(ds);
    writeReview(notebookDir, group, '{ "version": 1, "decisions": {');
    expect(() => reviewDecisions(ds)).toThrow(BlindspotError);
    expect(() => reviewDecisions(ds)).toThrow(
      /reviews\/.*\.json: the review file is not valid JSON[\s\S]*fix: the large view writes/,
    );
    expect(fs.readFileSync(path.join(notebookDir, reviewPath(group)), "utf8")).toBe('{ "version": 1, "decisions": {');
    const valid = (decisions: unknown) => JSON.stringify({ version: 1, group, dataset: null, decisions });
    writeReview(notebookDir, group, valid({ "object:1": { decision: "maybe", issue: "swap", at: "t" } }));
    expect(() => reviewDecisions(ds)).toThrow(/the decision on object:1 is "maybe"/);
    writeReview(notebookDir, group, valid({ "box 1": { decision: "accept", issue: "swap", at: "t" } }));
    expect(() => reviewDecisions(ds)).toThrow(/not object:<id> or sample:<id>/);
    expect(() => applyCorrections(ds, { from: "review" })).toThrow(BlindspotError);
  });
});
