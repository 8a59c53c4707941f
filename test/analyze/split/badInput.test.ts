import { describe, expect, it } from "vitest";
import { split, type SplitOptions } from "../../../src/analyze/split";
import { DatasetBuilder } from "../../../src/dataset/builder";
import { values } from "../../../src/dataset/columns";
import { BlindspotError } from "../../../src/errors";
import { caseDataset } from "./cases";

const small = () =>
  caseDataset(
    {
      labels: ["cat", "cat", "cat", "dog", "dog", "cat", "cat", "dog", "cat", "bird"],
      groups: [0, 0, 1, 1, 2, 2, 3, 3, 4, 4],
      times: [5, 1, 2, 3, 4, 5, 6, 7, 8, 9],
    },
    { camera: ["a", "b", "a", "b", "a", "b", "a", "b", "a", "b"] },
  );

/** The error `split` throws for `options`, after checking that the dataset was left as it was. */
function refused(options: SplitOptions, ds = small()): BlindspotError {
  const before = ds.samples.columnNames();
  let error: unknown;
  try {
    split(ds, options);
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(BlindspotError);
  // Nothing written: no new column, and the split column untouched.
  expect(ds.samples.columnNames()).toEqual(before);
  expect(Array.from(values(ds.samples, "split"))).toEqual(new Array(ds.count()).fill(null));
  return error as BlindspotError;
}

describe("split refuses bad input with a clear error and writes nothing", () => {
  it("a grouping field that does not exist: lists the fields and suggests the closest", () => {
    const e = refused({ k: 2, groups: "camra" });
    expect(e.message).toContain('no field "camra"; did you mean "camera"?');
    expect(e.message).toMatch(/fields are: .*camera/);
    expect(e.message).toContain("groups");
  });

  it("ratios that do not sum to 1", () => {
    const e = refused({ ratios: [0.7, 0.2, 0.2] });
    expect(e.message).toContain("the ratios 0.7, 0.2, 0.2 sum to 1.1, not 1");
    expect(e.hint).toContain("0.6364, 0.1818, 0.1818");
    expect(refused({ ratios: [0.5, -0.5, 1] }).message).toContain("positive numbers");
  });

  it("k larger than a class: names the class and its count", () => {
    const e = refused({ k: 3, stratify: true });
    expect(e.message).toContain('k=3 is larger than class "bird" of ground_truth, which has 1 sample');
    expect(refused({ k: 11 }).message).toContain("k=11 folds but only 10 samples");
    expect(refused({ k: 1 }).message).toContain("k must be a whole number of folds, 2 or more");
  });

  it("a time field with unreadable values: those samples are counted, named and left out, the rest split", () => {
    const ds = small();
    ds.setFields(
      ds.samples.select("id").derive({
        when: (d: { id: string }) =>
          d.id === "s3.jpg" ? "not a date" : d.id === "s7.jpg" ? null : "2024-05-1" + d.id[1],
      }),
    );
    const result = split(ds, { k: 2, time: "when" });
    expect(result.summary.unreadableTimes).toEqual({ count: 2, ids: ["s3.jpg", "s7.jpg"] });
    const fold = Array.from(values<number | null>(ds.samples, "fold"));
    expect(fold[3]).toBeNull();
    expect(fold[7]).toBeNull();
    expect(fold.filter((f) => f !== null).length).toBeGreaterThan(0);
    // All unreadable: an error.
    ds.setFields(ds.samples.select("id").derive({ when: () => "soon" }));
    expect(refused({ k: 2, time: "when" }, ds).message).toContain('none of the 10 values of "when" reads as a time');
  });

  it("an empty dataset", () => {
    const empty = new DatasetBuilder("empty", null).build();
    expect(refused({}, empty).message).toContain("the dataset has no samples to split");
  });

  it("ratios and k together, stratified time splits, an unknown label field", () => {
    expect(refused({ k: 2, ratios: [0.5, 0.5] }).message).toContain("either ratios or k");
    expect(refused({ time: "t", stratify: true }).message).toContain("cannot also be stratified");
    expect(refused({ stratify: "grund_truth" }).message).toContain('did you mean "ground_truth"');
  });
});
