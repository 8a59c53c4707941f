import * as aq from "arquero";
import { describe, expect, it } from "vitest";
import { DatasetBuilder } from "../../src/dataset/builder";
import type { Dataset } from "../../src/dataset/dataset";
import { mulberry32 } from "../../src/dataset/view";
import { evaluateDetections } from "../../src/eval/detection";
import { bySlice } from "../../src/eval/slices";

/**
 * Slices: metrics per value of sample fields (and per object size for detection), models side
 * by side, bootstrap intervals; a slice's metrics equal an evaluation of that slice alone.
 */
function scene(seed: number, only?: (camera: string) => boolean): Dataset {
  const rand = mulberry32(seed);
  const b = new DatasetBuilder("cams", null);
  b.declareField({ name: "ground_truth", kind: "detections", predicted: false });
  for (const m of ["good", "bad"]) b.declareField({ name: m, kind: "detections", predicted: true });
  for (let i = 0; i < 90; i++) {
    const camera = ["north", "south", "west"][i % 3];
    // Drawn for every sample, kept or not, so a subset has the same objects as the whole.
    const objects: [string, number, number, number, number | null][] = [];
    for (let k = 0; k < 4; k++) {
      const size = [12, 50, 150][k % 3];
      const x = rand() * 400,
        y = rand() * 300;
      objects.push(["ground_truth", x, y, size, null]);
      // "good" finds nearly everything; "bad" misses most objects on the west camera.
      if (rand() < 0.95) objects.push(["good", x + rand() * 2, y, size, rand()]);
      if (rand() < (camera === "west" ? 0.3 : 0.9)) objects.push(["bad", x + rand() * 2, y, size, rand()]);
    }
    if (only && !only(camera)) continue;
    const id = b.addSample({
      id: `s${i}.jpg`,
      filepath: `s${i}.jpg`,
      width: 640,
      height: 480,
      fields: { camera, hour: i },
    });
    for (const [field, x, y, size, confidence] of objects)
      b.addObject({ sampleId: id, field, label: "car", x, y, w: size, h: size, confidence });
  }
  return b.build();
}

describe("bySlice", () => {
  it("ranks the weak camera first, counts samples, and brackets each metric with a bootstrap interval", () => {
    const ds = scene(1);
    const ev = evaluateDetections(ds, "bad");
    const t = bySlice(ev, "camera", { bootstrap: 100 });
    const rows = t.objects() as Record<string, number | string>[];
    expect(rows.map((r) => r.camera)).toHaveLength(3);
    expect(rows[0].camera).toBe("west");
    expect(rows.map((r) => r.samples)).toEqual([30, 30, 30]);
    for (const r of rows) {
      for (const m of ev.metrics) {
        expect(r[`${m}_low`] as number).toBeLessThanOrEqual(r[m] as number);
        expect(r[`${m}_high`] as number).toBeGreaterThanOrEqual(r[m] as number);
      }
    }
    // Reproducible: the same seed gives the same intervals.
    expect(bySlice(ev, "camera", { bootstrap: 100 }).objects()).toEqual(rows);
  });

  it("gives a slice the metrics of an evaluation of that slice alone", () => {
    const ev = evaluateDetections(scene(2), "bad");
    const alone = evaluateDetections(
      scene(2, (c) => c === "west"),
      "bad",
    );
    const west = (bySlice(ev, "camera", { bootstrap: 0 }).objects() as Record<string, number | string | null>[]).find(
      (r) => r.camera === "west",
    )!;
    expect(west.mAP).toBe(alone.stats[0]);
    expect(west.AP50).toBe(alone.stats[1]);
    expect(west.AR100).toBe(alone.stats[8]);
    expect(west.mAP_low).toBeNull();
  });

  it("puts models side by side, crosses fields, splits objects by COCO size, and bins numeric fields", () => {
    const ds = scene(3);
    const good = evaluateDetections(ds, "good"),
      bad = evaluateDetections(ds, "bad");
    const both = bySlice([good, bad], "camera", { bootstrap: 0 }).objects() as Record<string, unknown>[];
    expect(both).toHaveLength(6);
    expect(new Set(both.map((r) => r.model))).toEqual(new Set(["good", "bad"]));
    const overall = bySlice([good, bad], [], { bootstrap: 0 }).objects() as Record<string, number>[];
    expect(overall.map((r) => r.mAP)).toEqual([bad.stats[0], good.stats[0]]);
    const sizes = bySlice(bad, "object_size", { bootstrap: 0 }).objects() as Record<string, number | string>[];
    const bySize = Object.fromEntries(sizes.map((r) => [r.object_size, r.mAP]));
    expect(bySize).toEqual({ small: bad.stats[3], medium: bad.stats[4], large: bad.stats[5] });
    const crossed = bySlice(bad, ["camera", "object_size"], { bootstrap: 0 });
    expect(crossed.numRows()).toBe(9);
    const hours = bySlice(bad, "hour", { bootstrap: 0 });
    expect(hours.numRows()).toBe(5);
    expect(aq.from(hours).array("hour")).toContain("[0, 17.8)");
  });

  it("names the sample fields there are when asked for one that is not", () => {
    const ev = evaluateDetections(scene(4), "bad");
    expect(() => bySlice(ev, "weather")).toThrow(/no sample field "weather".*\n.*camera.*object_size/);
  });
});
