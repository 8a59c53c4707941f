import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { tmpDir } from "../helpers/data";
import { executeNotebooks } from "./nbconvert";

/**
 * The model-failures notebook, executed by nbconvert with the real tslab kernel: no cell writes to
 * stderr or fails; the planted weak camera is the least fair group and in the top slices; the
 * production batch drifts in weather and light, the test split does not, and only the production
 * month drifts; most planted overconfident boxes rank first among the confident errors.
 */
const NOTEBOOK = "model-failures.ipynb";

interface Output {
  output_type: string;
  name?: string;
  text?: string | string[];
}

describe("model-failures notebook executed by nbconvert", () => {
  it("runs every cell without stderr and finds the planted failures", () => {
    const dir = tmpDir("nbconvert-model-failures");
    fs.copyFileSync(path.resolve(__dirname, "../../notebooks", NOTEBOOK), path.join(dir, NOTEBOOK));
    const [ran] = executeNotebooks<{ cells: { cell_type: string; outputs?: Output[] }[] }>(dir, ["model-failures"]);
    const outputs = ran.cells.flatMap((c) => c.outputs ?? []);
    const text = (o: Output) => (Array.isArray(o.text) ? o.text.join("") : (o.text ?? ""));
    expect(outputs.filter((o) => o.output_type === "error")).toEqual([]);
    expect(outputs.filter((o) => o.name === "stderr").map(text)).toEqual([]);
    const printed = outputs
      .filter((o) => o.name === "stdout")
      .map(text)
      .join("");
    console.log(printed);
    expect(printed).toMatch(/worst camera by recall: cam_e/);
    const top = printed.match(/top slices:\n((?: {2}\d\. .*\n?)+)/)![1];
    expect(top).toMatch(/camera = cam_e/);
    expect(printed).toMatch(/worst of \d clusters: \d+ images/);
    expect(printed).toMatch(/drift train -> test: none/);
    expect(printed).toMatch(/drift train -> production: (time_of_day, weather|weather, time_of_day)/);
    expect(printed).toMatch(/drifted months: 2024-05\n/);
    const [, planted, among] = printed.match(/planted overconfident boxes among the first (\d+): (\d+)/)!.map(Number);
    expect(among / planted).toBeGreaterThanOrEqual(0.6);
  }, 900_000);
});
