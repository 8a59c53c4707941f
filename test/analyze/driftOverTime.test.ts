import { beforeAll, describe, expect, it } from "vitest";
import { drift } from "../../src/analyze/drift";
import { driftOverTime, type DriftOverTime } from "../../src/analyze/drift/overTime";
import { timeWindows } from "../../src/analyze/time/windows";
import { values } from "../../src/dataset/columns";
import { DatasetBuilder } from "../../src/dataset/builder";
import { plannedDemo } from "../helpers/plannedDemo";

const demo = plannedDemo(2000);
const fields = ["camera", "time_of_day", "weather", "location"];

describe("driftOverTime on the demo (2,000 samples, planned without pixels)", () => {
  const train = demo.where("split", "train");
  let result: DriftOverTime, windows: Record<string, unknown>[];
  beforeAll(async () => {
    result = await driftOverTime(demo, { time: "capture_time", window: "month", reference: train, fields });
    windows = result.windows.objects() as Record<string, unknown>[];
  });

  it("cuts the capture times into calendar months, empty months kept, each sample in its month", async () => {
    const months = Array.from(values<string>(demo.samples, "capture_time"), (t) => t.slice(0, 7));
    const counts = new Map<string, number>();
    for (const m of months) counts.set(m, (counts.get(m) ?? 0) + 1);
    expect(windows.map((w) => w.window)).toEqual([
      ...Array.from({ length: 12 }, (_, m) => `2023-${String(m + 1).padStart(2, "0")}`),
      "2024-01",
      "2024-02",
      "2024-03",
      "2024-04",
      "2024-05",
    ]);
    for (const w of windows) expect(w.samples, w.window as string).toBe(counts.get(w.window as string) ?? 0);
    expect(windows.filter((w) => w.status === "no samples").map((w) => w.window)).toEqual([
      "2024-01",
      "2024-02",
      "2024-03",
      "2024-04",
    ]);
    const ids = Array.from(values<string>(result.members, "id"));
    const member = Array.from(values<string>(result.members, "window"));
    expect(ids.length).toBe(2000);
    const month = new Map(Array.from(values<string>(demo.samples, "id"), (id, r) => [id, months[r]]));
    expect(member.every((w, i) => w === month.get(ids[i]))).toBe(true);
  });

  it("finds the planted production month, and no drift in the months of the training period", async () => {
    expect(result.summary.drifted).toEqual(["2024-05"]);
    const may = windows.find((w) => w.window === "2024-05")!;
    expect(String(may.drifted_fields).split(", ").sort()).toEqual(["time_of_day", "weather"]);
    expect(result.summary.compared).toBe(13);
    // Each window is drift() of that window's samples against the reference.
    const direct = drift(
      train,
      demo.view().ids(result.members.filter((d: { window: string }) => d.window === "2024-05").array("id") as string[]),
      { fields },
    );
    const rows = result.fields.filter((d: { window: string }) => d.window === "2024-05").objects() as Record<
      string,
      unknown
    >[];
    expect(rows.map((r) => [r.field, r.score])).toEqual(
      (direct.fields.objects() as Record<string, unknown>[]).map((r) => [r.field, r.score]),
    );
  });

  it("without a reference, compares with the first window that has enough samples", async () => {
    const r = await driftOverTime(demo, { time: "capture_time", window: "quarter", fields });
    expect(r.summary.reference).toBe("2023-Q1");
    expect(r.windows.objects()[0]).toMatchObject({ window: "2023-Q1", status: "reference" });
    expect(r.summary.drifted).toEqual(["2024-Q2"]);
  });
});

describe("driftOverTime: bad input", () => {
  const build = (times: unknown[], extra: (i: number) => Record<string, unknown> = () => ({})) => {
    const b = new DatasetBuilder("t", "/nonexistent");
    times.forEach((t, i) =>
      b.addSample({ id: `s${i}`, filepath: `${i}.jpg`, fields: { at: t, kind: i % 3 ? "a" : "b", ...extra(i) } }),
    );
    return b.build();
  };
  const days = (n: number, from = 0) =>
    Array.from({ length: n }, (_, i) => new Date(Date.UTC(2024, 0, 1 + from + (i % 3))).toISOString());

  it("names unparsable times with their samples; missing times are counted, not compared", async () => {
    const ds = build([...days(40), "yesterday", "2024-13-45"]);
    await expect(driftOverTime(ds, { time: "at", window: "day", minSamples: 5 })).rejects.toThrow(
      /time "at": 2 of 42 values are not times \(sample s40: "yesterday"; sample s41: "2024-13-45"\)[\s\S]*fix:/,
    );
    const missing = await driftOverTime(build([...days(40), null, null]), { time: "at", window: "day", minSamples: 5 });
    expect(missing.summary.withoutTime).toBe(2);
    expect((missing.windows.objects() as { samples: number }[]).reduce((s, w) => s + w.samples, 0)).toBe(40);
  });

  it("states the skip of empty and small windows, with no NaN in the table", async () => {
    const ds = build([...days(60), ...days(4, 10)]);
    const r = await driftOverTime(ds, { time: "at", window: "week", minSamples: 10 });
    const statuses = (r.windows.objects() as { status: string; share: number | null }[]).map((w) => [
      w.status,
      w.share,
    ]);
    expect(statuses).toEqual([
      ["reference", null],
      ["too few samples", null],
    ]);
    const daily = await driftOverTime(ds, { time: "at", window: "day", minSamples: 10 });
    expect((daily.windows.objects() as { status: string }[]).map((w) => w.status)).toEqual([
      "reference",
      "compared",
      "compared",
      ...new Array(7).fill("no samples"),
      "too few samples",
      "too few samples",
      "too few samples",
    ]);
    for (const w of daily.windows.objects() as Record<string, unknown>[])
      for (const v of Object.values(w)) expect(Number.isNaN(v)).toBe(false);
  });

  it("refuses a reference of one sample, an unknown window, and a calendar window on plain numbers", async () => {
    const ds = build(days(30));
    await expect(driftOverTime(ds, { time: "at", reference: ds.view().limit(1) })).rejects.toThrow(
      /the reference set has 1 sample: no distribution to compare with/,
    );
    await expect(driftOverTime(ds, { time: "at", window: "fortnight" as "week" })).rejects.toThrow(
      /unknown window "fortnight"/,
    );
    const frames = build(Array.from({ length: 30 }, (_, i) => i * 10));
    await expect(driftOverTime(frames, { time: "at", window: "day" })).rejects.toThrow(/holds numbers, not dates/);
    expect((await driftOverTime(frames, { time: "at", window: 100, minSamples: 5 })).summary.windows).toBe(3);
    await expect(driftOverTime(ds, { time: "when" })).rejects.toThrow(/time: no field "when"/);
    expect(() => timeWindows(ds.samples, "at", 1, "x")).toThrow(/more than 10000 windows/);
  });
});
