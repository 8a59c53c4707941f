import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, test } from "vitest";
import { readSelectionFile, selectionPath, type SelectionFile } from "../../kernel/protocol";
import { selection } from "../../kernel/selection";
import { show } from "../../kernel/show";
import * as aq from "arquero";
import { BlindspotError } from "../../src/errors";
import { captureOutputs } from "./helpers";

function writeSelection(notebookDir: string, group: string, content: Partial<SelectionFile> | string) {
  const file = path.join(notebookDir, selectionPath(group));
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const full = {
    version: 1,
    group,
    dataset: null,
    picked: [],
    filter: null,
    updated: new Date().toISOString(),
    ...(typeof content === "string" ? {} : content),
  };
  fs.writeFileSync(file, typeof content === "string" ? content : JSON.stringify(full));
}

describe("selection", () => {
  test("picked ids first, else the filter's ids, else none", () => {
    const { notebookDir } = captureOutputs("selection-read");
    const group = "street scenes/2024 <v2>";
    expect(selection(group)).toEqual([]);
    writeSelection(notebookDir, group, { filter: { ids: ["a", "b"], description: "weather = rain" } });
    expect(selection(group)).toEqual(["a", "b"]);
    writeSelection(notebookDir, group, { picked: ["c"], filter: { ids: ["a", "b"], description: "" } });
    expect(selection(group)).toEqual(["c"]);
  });

  test("the default group is the latest output's", async () => {
    const { notebookDir } = captureOutputs("selection-default");
    await show(aq.table({ x: [1] }), { group: "latest" });
    writeSelection(notebookDir, "latest", { picked: ["z"] });
    expect(selection()).toEqual(["z"]);
  });

  test("a damaged file is an error naming the file and the fix", () => {
    const { notebookDir } = captureOutputs("selection-corrupt");
    writeSelection(notebookDir, "g", "{ not json");
    expect(() => selection("g")).toThrow(BlindspotError);
    expect(() => selection("g")).toThrow(
      /blindspot-artifacts\/selections\/g\.json: the selection file is not valid JSON[\s\S]*fix: select again/,
    );
    writeSelection(notebookDir, "g", { picked: [1, 2] as unknown as string[] });
    expect(() => selection("g")).toThrow(/"picked" is not a list of sample ids/);
    writeSelection(notebookDir, "g", { version: 2 as 1 });
    expect(() => selection("g")).toThrow(/not a selection file of version 1 \(version 2\)/);
  });

  test("the kernel refuses every file the extension refuses (one check, in the protocol)", () => {
    const { notebookDir } = captureOutputs("selection-contract");
    const damaged: [string, Partial<SelectionFile> | string, RegExp][] = [
      ["no description", { filter: { ids: ["a"] } as SelectionFile["filter"] }, /"filter.description" is not a text/],
      ["no group", { group: 7 as unknown as string }, /"group" is not a text/],
      ["no filter", { filter: undefined }, /"filter.ids" is not a list of sample ids/],
      ["not an object", "null", /not a selection file of version 1/],
    ];
    for (const [what, content, message] of damaged) {
      writeSelection(notebookDir, "g", content);
      const text = fs.readFileSync(path.join(notebookDir, selectionPath("g")), "utf8");
      expect(readSelectionFile(text).file, what).toBeUndefined();
      expect(() => selection("g"), what).toThrow(message);
    }
  });
});
