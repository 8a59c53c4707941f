import { describe, expect, it } from "vitest";
import { DatasetBuilder } from "../../src/dataset/builder";
import { values } from "../../src/dataset/columns";

function street() {
  const b = new DatasetBuilder("street", null);
  b.declareField({ name: "ground_truth", kind: "detections", predicted: false });
  const weather = ["rain", "sun", "fog", "sun"];
  for (let i = 0; i < 40; i++) {
    const id = b.addSample({
      filepath: `s${String(i).padStart(2, "0")}.jpg`,
      width: 640,
      height: 480,
      split: i < 30 ? "train" : "test",
      fields: { weather: weather[i % 4], brightness: i },
    });
    b.addObject({
      sampleId: id,
      field: "ground_truth",
      label: i % 5 === 0 ? "bicycle" : "car",
      x: 0,
      y: 0,
      w: i % 5 === 0 && i % 2 === 0 ? 20 : 100,
      h: 20,
    });
  }
  return b.build();
}

describe("views", () => {
  const ds = street();
  const ids = (v: { samples(): any }) => Array.from(values<string>(v.samples(), "id"));

  it("filter by expression, by value, by id list; count and distinct", () => {
    expect(ds.filter("d => d.brightness >= 30").count()).toBe(10);
    expect(ds.where("weather", "sun").count()).toBe(20);
    expect(ds.where("weather", ["rain", "fog"]).count()).toBe(20);
    expect(ids(ds.ids(["s03.jpg", "s01.jpg", "nope"]))).toEqual(["s01.jpg", "s03.jpg"]);
    expect(ds.countBy("weather")).toEqual({ sun: 20, rain: 10, fog: 10 });
    expect(ds.distinct("split")).toEqual(["test", "train"]);
    expect(ds.filter("d => d.brightness < 12").distinct("brightness")).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    expect(ds.countBy("label")).toEqual({ car: 32, bicycle: 8 });
  });

  it("sort, skip, limit compose", () => {
    expect(ids(ds.sort("brightness", { descending: true }).skip(2).limit(3))).toEqual([
      "s37.jpg",
      "s36.jpg",
      "s35.jpg",
    ]);
  });

  it("seeded random samples are reproducible and distinct", () => {
    const a = ids(ds.take(7, 42)),
      b = ids(ds.take(7, 42)),
      c = ids(ds.take(7, 43));
    expect(a).toEqual(b);
    expect(new Set(a).size).toBe(7);
    expect(a).not.toEqual(c);
  });

  it("match objects: samples with a bicycle smaller than 32 px", () => {
    const v = ds.matchObjects("d => d.label === 'bicycle' && d.w < 32");
    expect(ids(v)).toEqual(["s00.jpg", "s10.jpg", "s20.jpg", "s30.jpg"]);
    expect(v.objects().numRows()).toBe(4);
    expect(ds.filterObjects("d => d.label === 'bicycle'").countBy("label", { of: "objects" })).toEqual({ bicycle: 8 });
  });

  it("views copy no data and see tags added later", () => {
    const rainy = ds.where("weather", "rain");
    expect(rainy.samples().column("weather")).toBe(ds.samples.column("weather"));
    const review = ds.tagged("review");
    expect(review.count()).toBe(0);
    expect(ds.tag(rainy.limit(4), "review")).toBe(4);
    expect(review.count()).toBe(4);
    expect(ds.countBy("tags")).toEqual({ review: 4 });
    expect(ds.untag(ds.ids(["s01.jpg"]), "review")).toBe(0);
    expect(ds.untag(["s00.jpg"], "review")).toBe(1);
    expect(review.count()).toBe(3);
  });

  it("select keeps id and filepath", () => {
    expect(ds.select("weather").samples().columnNames()).toEqual(["id", "filepath", "weather"]);
  });
});
