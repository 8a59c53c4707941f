import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { tmpDir } from "../helpers/data";
import { executeNotebooks } from "./nbconvert";

/**
 * The label-errors notebook, executed by nbconvert with the real tslab kernel: no cell writes to
 * stderr or fails; most of the 50 planted time-of-day flips and of the demo's mislabeled and missing
 * boxes are found; the CVAT task reads back. (The review itself is driven in review.test.ts.)
 */
const NOTEBOOK = "label-errors.ipynb";

interface Output {
  output_type: string;
  name?: string;
  text?: string | string[];
}

describe("label-errors notebook executed by nbconvert", () => {
  it("runs every cell without stderr and finds the planted label errors", () => {
    const dir = tmpDir("nbconvert-label-errors");
    fs.copyFileSync(path.resolve(__dirname, "../../notebooks", NOTEBOOK), path.join(dir, NOTEBOOK));
    const [ran] = executeNotebooks<{ cells: { cell_type: string; outputs?: Output[] }[] }>(dir, ["label-errors"]);
    const outputs = ran.cells.flatMap((c) => c.outputs ?? []);
    const text = (o: Output) => (Array.isArray(o.text) ? o.text.join("") : (o.text ?? ""));
    expect(outputs.filter((o) => o.output_type === "error")).toEqual([]);
    expect(outputs.filter((o) => o.name === "stderr").map(text)).toEqual([]);
    const printed = outputs
      .filter((o) => o.name === "stdout")
      .map(text)
      .join("");
    console.log(printed);
    const [, caught, flipped] = printed.match(/(\d+) of the (\d+) flipped ones/)!.map(Number);
    expect(flipped).toBe(50);
    expect(caught).toBeGreaterThanOrEqual(35);
    const found = (what: string) =>
      printed
        .match(new RegExp(`${what}: (\\d+) of (\\d+)`))!
        .slice(1)
        .map(Number);
    const [swaps, mislabeled] = found("mislabeled boxes found as swaps");
    expect(swaps / mislabeled).toBeGreaterThanOrEqual(0.6);
    const [overlooked, missing] = found("missing boxes found as overlooked");
    expect(overlooked / missing).toBeGreaterThanOrEqual(0.5);
    expect(printed).toMatch(/0 decisions so far/);
    expect(printed).toMatch(/read back: [1-9]\d* boxes/);
  }, 900_000);
});
