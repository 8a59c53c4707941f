import * as aq from "arquero";
import { describe, expect, it } from "vitest";
import { DatasetBuilder } from "../../src/dataset/builder";
import { values } from "../../src/dataset/columns";
import { BlindspotError } from "../../src/errors";

function threeSamples() {
  const b = new DatasetBuilder("x", null);
  for (const f of ["a.jpg", "b.jpg", "c.jpg"]) b.addSample({ filepath: f });
  return b.build();
}

describe("setFields", () => {
  it("adds columns by sample id, in the samples' order, null where a sample has no row", () => {
    const ds = threeSamples();
    ds.setFields(aq.table({ id: ["c.jpg", "a.jpg"], score: [3, 1], note: ["z", "x"] }));
    expect(Array.from(values(ds.samples, "score"))).toEqual([1, null, 3]);
    expect(Array.from(values(ds.samples, "note"))).toEqual(["x", null, "z"]);
    // A second call replaces the column.
    ds.setFields(aq.table({ key: ["b.jpg"], score: [2] }), { on: "key" });
    expect(Array.from(values(ds.samples, "score"))).toEqual([null, 2, null]);
    expect(ds.where("note", "z").count()).toBe(1);
  });

  it("refuses unknown ids, repeated ids, a missing key column and core columns, naming them", () => {
    const ds = threeSamples();
    const refused = (t: aq.ColumnTable, pattern: RegExp) => {
      let error: unknown;
      try {
        ds.setFields(t);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(BlindspotError);
      expect(String((error as Error).message)).toMatch(pattern);
    };
    refused(aq.table({ id: ["a.jpg", "nope.jpg"], s: [1, 2] }), /1 rows name samples.*"nope.jpg"/);
    refused(aq.table({ id: ["a.jpg", "a.jpg"], s: [1, 2] }), /1 sample ids appear more than once/);
    refused(aq.table({ sample: ["a.jpg"], s: [1] }), /no column "id"/);
    refused(aq.table({ id: ["a.jpg"], filepath: ["../x"] }), /filepath/);
    expect(ds.samples.columnNames()).not.toContain("s");
  });
});

describe("asLabels", () => {
  it("declares a column of class names a classification field; refuses core, missing and non-text columns", () => {
    const ds = threeSamples();
    ds.setFields(aq.table({ id: ["a.jpg", "b.jpg"], scene: ["day", "night"], count: [1, 2] }));
    ds.asLabels("scene").asLabels("scene");
    expect(ds.fields).toEqual([{ name: "scene", kind: "classification", predicted: false }]);
    expect(() => ds.asLabels("split")).toThrow(/no sample column "split"/);
    expect(() => ds.asLabels("nope")).toThrow(BlindspotError);
    expect(() => ds.asLabels("count")).toThrow(/holds 1, not a class name/);
    // A label column is no longer overwritten by setFields.
    expect(() => ds.setFields(aq.table({ id: ["a.jpg"], scene: ["dusk"] }))).toThrow(/scene/);
  });
});
