import { describe, expect, it } from "vitest";
import { DatasetBuilder } from "../../src/dataset/builder";
import { values } from "../../src/dataset/columns";

describe("dataset builder", () => {
  it("keeps both entries of a repeated image, with a problem naming the second", () => {
    const b = new DatasetBuilder("x", null);
    expect(b.addSample({ filepath: "a.jpg" })).toBe("a.jpg");
    expect(b.addSample({ filepath: "a.jpg" })).toBe("a.jpg#2");
    expect(b.addSample({ filepath: "a.jpg" })).toBe("a.jpg#3");
    const ds = b.build();
    expect(ds.count()).toBe(3);
    expect(ds.problems.map((p) => [p.kind, p.sampleId])).toEqual([
      ["duplicate-sample", "a.jpg#2"],
      ["duplicate-sample", "a.jpg#3"],
    ]);
    expect(Array.from(values(ds.samples, "problems"))).toEqual([[], ["duplicate-sample"], ["duplicate-sample"]]);
  });

  it("free fields cannot replace core columns (a checked file path stays the checked one)", () => {
    const b = new DatasetBuilder("x", null);
    const fields = Object.create(null) as Record<string, unknown>;
    fields.filepath = "../../etc/passwd";
    fields.split = 7;
    fields["__proto__"] = "kept";
    b.addSample({ filepath: "a.jpg", split: "train", fields });
    const row = b.build().samples.objects()[0] as Record<string, unknown>;
    expect(row).toMatchObject({
      filepath: "a.jpg",
      split: "train",
      filepath_field: "../../etc/passwd",
      split_field: 7,
      __proto___field: "kept",
    });
  });
});
