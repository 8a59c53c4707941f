import * as aq from "arquero";
import { describe, expect, test } from "vitest";
import { MIME, type TableBundle } from "../../kernel/protocol";
import { show } from "../../kernel/show";
import { captureOutputs, lastOf, readArrow } from "./helpers";

describe("show(table)", () => {
  test("small tables inline, with typed columns, html and text fallbacks", async () => {
    const { outputs } = captureOutputs("table-small");
    const t = aq.table({
      id: ["a", "b", "c"],
      score: [0.5, NaN, 2],
      ok: [true, false, null],
      label: ["<b>x</b>", null, "y"],
    });
    await show(t, { title: "Scores" });
    const table = lastOf<TableBundle>(outputs, MIME.table);
    expect(table).toMatchObject({
      version: 1,
      kind: "table",
      dataset: null,
      title: "Scores",
      total: 3,
      idColumn: "id",
      path: null,
      group: "default",
    });
    expect(table.columns).toEqual([
      { name: "id", type: "string" },
      { name: "score", type: "number" },
      { name: "ok", type: "boolean" },
      { name: "label", type: "string" },
    ]);
    expect(table.rows).toEqual([
      ["a", 0.5, true, "<b>x</b>"],
      ["b", null, false, null],
      ["c", 2, null, "y"],
    ]);
    const html = lastOf<string>(outputs, "text/html");
    expect(html).toContain("&lt;b&gt;x&lt;/b&gt;");
    expect(html).not.toContain("<b>");
    expect(lastOf<string>(outputs, "text/plain")).toBe(
      'blindspot table "Scores": 3 rows, 4 columns (id, score, ok, label).',
    );
  });

  test("large tables go to an Arrow file; the html shows the first 50 rows", async () => {
    const { outputs, notebookDir } = captureOutputs("table-large");
    const n = 5000;
    const t = aq.table({
      sample: Array.from({ length: n }, (_, i) => `s${i}`),
      value: Float64Array.from({ length: n }, (_, i) => i / 2),
    });
    await show(t, { idColumn: "sample", group: "g" });
    const table = lastOf<TableBundle>(outputs, MIME.table);
    expect(table).toMatchObject({ rows: null, total: n, idColumn: "sample", group: "g" });
    expect(table.path).toMatch(/^blindspot-artifacts\/tables\/[0-9a-f]+\.arrow$/);
    const back = readArrow(notebookDir, table.path!);
    expect(back.getChild("sample").at(4999)).toBe("s4999");
    expect(back.getChild("value").at(3)).toBe(1.5);
    expect(lastOf<string>(outputs, "text/html").match(/<tr>/g)).toHaveLength(51);
    await expect(show(t, { idColumn: "nope" })).rejects.toThrow(/no field "nope"[\s\S]*sample, value/);
  });
});
