import { describe, expect, it } from "vitest";
import type { FieldSummary } from "../../kernel/protocol";
import { hashString, IdIndex, stringKeys, utf8BatchesOf, utf8Keys } from "../../extension/src/model/idIndex";
import { SampleTable } from "../../extension/src/model/samples";
import { activeFilterCount, computeView, NO_FILTERS } from "../../extension/src/model/view";
import { utf8 } from "@uwdata/flechette";
import { columnsOf, roundTrip } from "./arrow";

const FIELDS: FieldSummary[] = [
  { name: "score", kind: "number", range: [0.1, 0.9] },
  {
    name: "weather",
    kind: "category",
    values: [
      { value: "rain", count: 2 },
      { value: "sun", count: 2 },
    ],
  },
  { name: "night", kind: "boolean" },
];

function table() {
  const t = roundTrip({
    id: ["a", "b", "c", "d", "e"],
    thumb: ["t/a.webp", null, "t/c.webp", "t/d.webp", "t/e.webp"],
    file: ["a.jpg", "b.jpg", "c.jpg", "d.jpg", "e.jpg"],
    width: [640, 320, null, 100, 100],
    height: [480, 240, null, 100, 100],
    tags: [["review"], [], ["review", "hard"], null, []],
    score: [0.9, 0.1, null, 0.5, 0.3],
    weather: ["rain", "sun", "rain", null, "sun"],
    night: ["true", "false", "false", "true", "false"],
  });
  return new SampleTable(columnsOf(t), FIELDS);
}

const ids = (t: SampleTable, rows: Int32Array) => Array.from(rows, (r) => t.id(r));

describe("sample table and view", () => {
  it("reads cells lazily as text, numbers and lists", () => {
    const t = table();
    expect(t.size).toBe(5);
    expect(t.text("thumb", 1)).toBeNull();
    expect(t.numberAt("width", 0)).toBe(640);
    expect(t.numberAt("width", 2)).toBeNaN();
    expect(t.list("tags", 2)).toEqual(["review", "hard"]);
    expect(t.list("tags", 3)).toEqual([]);
    expect(t.value("score", 2)).toBeNull();
    expect(t.value("tags", 0)).toEqual(["review"]);
  });

  it("sorts by numbers, categories and ids, missing values last in both directions", () => {
    const t = table();
    expect(ids(t, computeView(t, { field: "score", descending: false }, NO_FILTERS, null))).toEqual([
      "b",
      "e",
      "d",
      "a",
      "c",
    ]);
    expect(ids(t, computeView(t, { field: "score", descending: true }, NO_FILTERS, null))).toEqual([
      "a",
      "d",
      "e",
      "b",
      "c",
    ]);
    expect(ids(t, computeView(t, { field: "weather", descending: false }, NO_FILTERS, null))).toEqual([
      "a",
      "c",
      "b",
      "e",
      "d",
    ]);
    expect(ids(t, computeView(t, { field: "id", descending: true }, NO_FILTERS, null))).toEqual([
      "e",
      "d",
      "c",
      "b",
      "a",
    ]);
    expect(ids(t, computeView(t, { field: "width", descending: false }, NO_FILTERS, null))).toEqual([
      "d",
      "e",
      "b",
      "a",
      "c",
    ]);
  });

  it("filters by category values, number ranges, tags and the group's mask together", () => {
    const t = table();
    const filters = {
      values: new Map([
        ["weather", new Set(["rain", "sun"])],
        ["night", new Set(["false"])],
      ]),
      ranges: new Map([["score", [0.2, 1] as const]]),
    };
    expect(activeFilterCount(filters)).toBe(3);
    // c has no score, b's is below the range, a and d are at night.
    expect(ids(t, computeView(t, null, filters, null))).toEqual(["e"]);
    const tagged = { values: new Map([["tags", new Set(["review"])]]), ranges: new Map() };
    expect(ids(t, computeView(t, null, tagged, null))).toEqual(["a", "c"]);
    expect(ids(t, computeView(t, null, tagged, t.maskOfIds(["c", "d"])))).toEqual(["c"]);
    // An empty set of values is no filter.
    expect(computeView(t, null, { values: new Map([["weather", new Set()]]), ranges: new Map() }, null).length).toBe(5);
  });

  it("applies tag events by id, keeps counts, and re-sorts by tags", () => {
    const t = table();
    expect(Object.fromEntries(t.tagCounts())).toEqual({ review: 2, hard: 1 });
    expect(ids(t, computeView(t, { field: "tags", descending: true }, NO_FILTERS, null))[0]).toBe("c");
    expect(t.applyTags({ tag: "review", action: "add", ids: ["a", "b", "zzz"] })).toBe(1);
    expect(t.list("tags", 1)).toEqual(["review"]);
    expect(t.applyTags({ tag: "hard", action: "remove", ids: ["c", "d"] })).toBe(1);
    expect(t.list("tags", 2)).toEqual(["review"]);
    expect(Object.fromEntries(t.tagCounts())).toEqual({ review: 3 });
    const tagged = { values: new Map([["tags", new Set(["review"])]]), ranges: new Map() };
    expect(ids(t, computeView(t, null, tagged, null))).toEqual(["a", "b", "c"]);
  });

  it("builds the id index in slices and maps a chart's rows through a cached join", () => {
    const n = 10_000;
    const big = new SampleTable(columnsOf(roundTrip({ id: Array.from({ length: n }, (_, i) => `s${i}`) })), []);
    let calls = 0;
    expect(big.indexIds(() => ++calls >= 1)).toBe(false);
    while (!big.indexIds(() => true));
    expect(big.rowOf("s9999")).toBe(9999);
    const chartIds = ["s5", "nope", "s7", "s5000"];
    expect(big.join(chartIds, () => true)).toBe(true);
    const mask = big.maskOfRows(chartIds, Int32Array.from([0, 1, 3]));
    expect([...mask.keys()].filter((i) => mask[i])).toEqual([5, 5000]);
    expect(Array.from(big.maskOfIds(["s7"])).indexOf(1)).toBe(7);
  });
});

describe("id index", () => {
  const ids = Array.from({ length: 20_000 }, (_, i) => (i % 7 ? `id-${i}` : `ünï-${i}-😀`));

  it("finds every id and misses unknown ones, reading Arrow UTF-8 bytes in place", () => {
    const col = roundTrip({ id: ids }, { types: { id: utf8() } }).getChild("id");
    const batches = utf8BatchesOf(col);
    expect(batches).not.toBeNull();
    const index = new IdIndex(utf8Keys(batches!));
    expect(index.build(() => true)).toBe(false);
    expect(ids.every((id, r) => index.get(id) === r)).toBe(true);
    expect(index.complete).toBe(true);
    expect(index.get("id-20000")).toBeUndefined();
    expect(index.get("")).toBeUndefined();
  });

  it("reads other columns as strings, and survives hash collisions", () => {
    expect(utf8BatchesOf(roundTrip({ n: [1, 2] }).getChild("n"))).toBeNull();
    const index = new IdIndex(stringKeys(ids.length, (r) => ids[r]));
    expect(ids.every((id, r) => index.get(id) === r)).toBe(true);
    // 16 buckets for 3 rows: chains are walked.
    const few = ["a", "q", "\u0000"];
    const small = new IdIndex(stringKeys(3, (r) => few[r]));
    expect(few.map((id) => small.get(id))).toEqual([0, 1, 2]);
    expect(hashString("a")).not.toBe(hashString("b"));
  });
});
