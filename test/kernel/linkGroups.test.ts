import * as fs from "node:fs";
import * as path from "node:path";
import { afterEach, beforeAll, describe, expect, test } from "vitest";
import { linkGroup } from "../../kernel/linkGroup";
import { plot } from "../../kernel/plot";
import { MIME, selectionPath, type ChartBundle, type GridBundle, type TagEvent } from "../../kernel/protocol";
import { selection } from "../../kernel/selection";
import { show } from "../../kernel/show";
import { generateDemo } from "../../src/demo";
import type { Dataset } from "../../src/dataset/dataset";
import { tmpDir } from "../helpers/data";
import { captureOutputs, lastOf } from "./helpers";

/** Writes what the extension writes when tiles are picked in the outputs of `group`. */
function pick(notebookDir: string, group: string, ids: string[]): void {
  const file = path.join(notebookDir, selectionPath(group));
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(
    file,
    JSON.stringify({ version: 1, group, dataset: group, picked: ids, filter: null, updated: new Date().toISOString() }),
  );
}

/** Runs `body` as the kernel of the notebook `notebook` (Jupyter names it in JPY_SESSION_NAME). */
async function inNotebook<T>(notebook: string, body: () => Promise<T> | T): Promise<T> {
  process.env.JPY_SESSION_NAME = notebook;
  try {
    return await body();
  } finally {
    delete process.env.JPY_SESSION_NAME;
  }
}

describe("link groups come from a dataset's content, location and notebook", () => {
  // Two demos of the same name ("blindspot-demo"), as two notebooks beside each other made them.
  let big: Dataset, small: Dataset;
  beforeAll(async () => {
    const root = tmpDir("link-groups");
    big = (await generateDemo({ samples: 300, out: path.join(root, "demo300") })).dataset;
    small = (await generateDemo({ samples: 200, out: path.join(root, "demo200") })).dataset;
  }, 120_000);
  afterEach(() => delete process.env.JPY_SESSION_NAME);

  test("two datasets of one name get their own group, and a selection in one is not the other's", async () => {
    expect(big.name).toBe(small.name);
    const { outputs, notebookDir } = captureOutputs("link-groups-names");
    await show(big);
    const bigGrid = lastOf<GridBundle>(outputs, MIME.grid);
    await show(small);
    const smallGrid = lastOf<GridBundle>(outputs, MIME.grid);
    expect(bigGrid.group).not.toBe(smallGrid.group);
    expect(bigGrid.group).toMatch(/^blindspot-demo-[0-9a-f]{10}$/);
    expect(bigGrid.dataset).toBe(bigGrid.group);
    pick(notebookDir, bigGrid.group, ["s000001", "s000002"]);
    expect(selection(big)).toEqual(["s000001", "s000002"]);
    expect(selection(small)).toEqual([]);
    // Charts of a dataset join its grid's group.
    await show(plot.bar(small, "camera"));
    expect(lastOf<ChartBundle>(outputs, MIME.chart).group).toBe(smallGrid.group);
  });

  test("the same dataset in two notebooks of one folder shares nothing", async () => {
    const { outputs, notebookDir } = captureOutputs("link-groups-notebooks");
    const quickstart = await inNotebook(
      "quickstart.ipynb",
      async () => (await show(big), lastOf<GridBundle>(outputs, MIME.grid)),
    );
    const evaluation = await inNotebook(
      "evaluation.ipynb",
      async () => (await show(big), lastOf<GridBundle>(outputs, MIME.grid)),
    );
    expect(quickstart.group).not.toBe(evaluation.group);
    pick(notebookDir, quickstart.group, ["s000003"]);
    expect(await inNotebook("quickstart.ipynb", () => selection(big))).toEqual(["s000003"]);
    expect(await inNotebook("evaluation.ipynb", () => selection(big))).toEqual([]);
    // Tag events name the dataset by the same key, so grids of the other notebook ignore them.
    await inNotebook("quickstart.ipynb", () => big.tag(["s000003"], "review"));
    expect(lastOf<TagEvent>(outputs, MIME.event).dataset).toBe(quickstart.group);
  });

  test("tags and new fields keep the group; a re-generated copy elsewhere does not share it", async () => {
    const before = linkGroup(small);
    small.tag(["s000001"], "seen");
    small.setFields(small.samples.select("id").derive({ extra: () => 1 }));
    expect(linkGroup(small)).toBe(before);
    const copy = (await generateDemo({ samples: 200, out: path.join(tmpDir("link-groups-copy"), "demo200") })).dataset;
    expect(linkGroup(copy)).not.toBe(before);
  }, 60_000);
});
