import { describe, expect, it } from "vitest";
import { DatasetBuilder } from "../../src/dataset/builder";
import { plantBoxErrors } from "../../src/plant/boxErrors";

function boxes(n: number) {
  const b = new DatasetBuilder("boxes", "/nowhere");
  b.declareField({ name: "ground_truth", kind: "detections", predicted: false });
  b.declareField({ name: "model", kind: "detections", predicted: true });
  for (let i = 0; i < n; i++) {
    const sampleId = b.addSample({ id: `s${i}`, filepath: `s${i}.jpg`, width: 100, height: 100 });
    b.addObject({
      sampleId,
      field: "ground_truth",
      label: ["car", "person", "dog"][i % 3],
      x: i % 90,
      y: 5,
      w: 20,
      h: 30,
    });
    b.addObject({ sampleId, field: "model", label: "car", x: 1, y: 1, w: 5, h: 5, confidence: 0.9 });
  }
  b.addObject({ sampleId: "s0", field: "ground_truth", label: "person", x: 0, y: 0, w: 100, h: 100, iscrowd: 1 });
  return b.build();
}

describe("plantBoxErrors", () => {
  it("drops, swaps and loosens exact shares of the labels, each box once, reproducibly", () => {
    const ds = boxes(200);
    const before = ds.objects.objects() as {
      id: number;
      field: string;
      label: string;
      x: number;
      w: number;
      iscrowd: number;
    }[];
    const planted = plantBoxErrors(ds, { drop: 0.1, swap: 0.05, loosen: 0.05, seed: 3 });
    expect([planted.dropped.length, planted.swapped.length, planted.loosened.length]).toEqual([20, 10, 10]);
    const touched = [...planted.dropped, ...planted.swapped, ...planted.loosened].map((p) => p.objectId);
    expect(new Set(touched).size).toBe(40);
    const byId = new Map((ds.objects.objects() as typeof before).map((o) => [o.id, o]));
    expect(byId.size).toBe(before.length - 20);
    for (const d of planted.dropped) expect(byId.has(d.objectId)).toBe(false);
    for (const s of planted.swapped) {
      expect(s.to).not.toBe(s.from);
      expect(byId.get(s.objectId)!.label).toBe(s.to);
    }
    for (const l of planted.loosened) {
      const [x, y, w, h] = l.loose;
      expect(x).toBeGreaterThanOrEqual(0);
      expect(y).toBeGreaterThanOrEqual(0);
      expect(x + w).toBeLessThanOrEqual(100);
      expect(y + h).toBeLessThanOrEqual(100);
      expect(w * h).toBeGreaterThan(l.box[2] * l.box[3]);
      expect(l.growth).toBeGreaterThanOrEqual(1.2);
      expect(l.growth).toBeLessThan(1.4);
    }
    // Predictions and crowd regions are left alone.
    expect(touched.every((id) => before.find((o) => o.id === id)!.field === "ground_truth")).toBe(true);
    expect(touched.some((id) => before.find((o) => o.id === id)!.iscrowd)).toBe(false);
    expect(plantBoxErrors(boxes(200), { drop: 0.1, swap: 0.05, loosen: 0.05, seed: 3 })).toEqual(planted);
  });

  it("refuses shares outside [0, 1] or summing above 1", () => {
    expect(() => plantBoxErrors(boxes(5), { drop: 0.8, swap: 0.3 })).toThrow(/sum to at most 1/);
    expect(() => plantBoxErrors(boxes(5), { loosen: -0.1 })).toThrow(/shares in \[0, 1\]/);
  });
});
