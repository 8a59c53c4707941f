import { describe, expect, it } from "vitest";
import { readSelectionFile, selectionPath } from "../../kernel/protocol";
import { LinkBus, toSelectionFile, type GroupState } from "../../extension/src/model/bus";

const KEY = `nb/${selectionPath("demo")}`;

describe("link bus", () => {
  it("shares filter and picks between the outputs of a group, not other groups", () => {
    const bus = new LinkBus();
    const grid = {},
      chart = {};
    bus.state(KEY, "demo", "demo");
    bus.state("other", "other", null);
    const seen: GroupState[] = [];
    const others: GroupState[] = [];
    const stop = bus.subscribe(KEY, (s) => seen.push(s));
    bus.subscribe("other", (s) => others.push(s));
    bus.setFilter(KEY, { ids: ["a", "b"], description: "x 1–2" }, chart);
    bus.setPicked(KEY, ["a", "a", "c"], grid);
    expect(seen.map((s) => s.revision)).toEqual([1, 2]);
    expect(seen[1].filter?.ids).toEqual(["a", "b"]);
    expect(seen[1].picked).toEqual(["a", "c"]);
    expect(seen[1].pickedSet.has("c")).toBe(true);
    expect(seen[1].source).toBe(grid);
    expect(others).toEqual([]);
    stop();
    bus.setPicked(KEY, [], grid);
    expect(seen).toHaveLength(2);
  });

  it("applies a persisted selection only to a group unchanged in this page, and does not re-persist it", () => {
    const bus = new LinkBus();
    const changes: GroupState[] = [];
    bus.onChange((s) => changes.push(s));
    bus.state(KEY, "demo", null);
    const file = { version: 1 as const, group: "demo", dataset: "demo", picked: ["x"], filter: null, updated: "" };
    expect(bus.load(KEY, file)).toBe(true);
    expect(bus.state(KEY, "demo", null).picked).toEqual(["x"]);
    expect(bus.state(KEY, "demo", null).dataset).toBe("demo");
    expect(changes).toEqual([]);
    bus.setPicked(KEY, ["y"], {});
    expect(bus.load(KEY, { ...file, picked: ["z"] })).toBe(false);
    expect(bus.state(KEY, "demo", null).picked).toEqual(["y"]);
    expect(changes).toHaveLength(1);
  });

  it("sends tag events to the listeners of that dataset", () => {
    const bus = new LinkBus();
    const got: string[] = [];
    const stop = bus.onTags("ds", (e) => got.push(e.tag));
    bus.onTags("other", () => got.push("wrong"));
    bus.emitTags({ version: 1, kind: "tags", dataset: "ds", tag: "review", action: "add", ids: ["a"] });
    stop();
    bus.emitTags({ version: 1, kind: "tags", dataset: "ds", tag: "late", action: "add", ids: ["a"] });
    expect(got).toEqual(["review"]);
  });

  it("tells grids about the charts of their group, earlier ones first", () => {
    const bus = new LinkBus();
    const a = ["a"],
      b = ["b"];
    const stopA = bus.addSource(KEY, a);
    const seen: unknown[] = [];
    bus.onSource(KEY, (ids) => seen.push(ids));
    bus.addSource(KEY, b);
    bus.addSource("other", ["c"]);
    expect(seen).toEqual([a, b]);
    stopA();
    const late: unknown[] = [];
    bus.onSource(KEY, (ids) => late.push(ids));
    expect(late).toEqual([b]);
  });

  it("writes and reads selection files, refusing malformed ones", () => {
    const bus = new LinkBus();
    bus.state(KEY, "demo", "demo");
    bus.setFilter(KEY, { ids: ["a"], description: "d", origin: { ids: ["a"], rows: Int32Array.from([0]) } }, {});
    bus.setPicked(KEY, ["b"], {});
    const file = toSelectionFile(bus.state(KEY, "demo", null), new Date("2026-01-02T03:04:05Z"));
    expect(file).toEqual({
      version: 1,
      group: "demo",
      dataset: "demo",
      picked: ["b"],
      filter: { ids: ["a"], description: "d" },
      updated: "2026-01-02T03:04:05.000Z",
    });
    expect(readSelectionFile(JSON.stringify(file)).file).toEqual(file);
    expect(readSelectionFile("{").file).toBeUndefined();
    expect(readSelectionFile(JSON.stringify({ ...file, version: 2 })).file).toBeUndefined();
    expect(readSelectionFile(JSON.stringify({ ...file, picked: [1] })).file).toBeUndefined();
    expect(readSelectionFile(JSON.stringify({ ...file, filter: { ids: "a" } })).file).toBeUndefined();
  });
});
