import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";

/**
 * The teaching notebooks as committed: without outputs or execution counts (outputs hold
 * thumbnails and a run's numbers, and every run would change the files), checkpoints ignored
 * by git, and each one named in the README's layout.
 */
const ROOT = path.resolve(__dirname, "..");
const NOTEBOOKS = path.join(ROOT, "notebooks");

interface Notebook {
  cells: { cell_type: string; outputs?: unknown[]; execution_count?: number | null }[];
}

/** Why a notebook is not clean, one line per cell that ran; empty when it is. */
function runTraces(name: string, nb: Notebook): string[] {
  return nb.cells.flatMap((c, i) =>
    c.cell_type === "code" && ((c.outputs?.length ?? 0) > 0 || (c.execution_count ?? null) !== null)
      ? [`${name}: cell ${i + 1} has ${c.outputs?.length ?? 0} outputs and execution count ${c.execution_count}`]
      : [],
  );
}

const notebooks = fs
  .readdirSync(NOTEBOOKS)
  .filter((f) => f.endsWith(".ipynb"))
  .sort();

describe("committed notebooks", () => {
  it("have no outputs and no execution counts", () => {
    expect(notebooks.length).toBeGreaterThanOrEqual(3);
    const traces = notebooks.flatMap((f) =>
      runTraces(f, JSON.parse(fs.readFileSync(path.join(NOTEBOOKS, f), "utf8")) as Notebook),
    );
    expect(traces, "clear them: jupyter nbconvert --clear-output --inplace notebooks/*.ipynb").toEqual([]);
  });

  it("the check sees a notebook that ran", () => {
    const ran: Notebook = {
      cells: [
        { cell_type: "markdown" },
        { cell_type: "code", outputs: [{ output_type: "stream" }], execution_count: 3 },
      ],
    };
    expect(runTraces("ran.ipynb", ran)).toEqual(["ran.ipynb: cell 2 has 1 outputs and execution count 3"]);
  });

  it("checkpoints and the notebooks' demo data are ignored by git", () => {
    const ignored = (file: string) => {
      try {
        execFileSync("git", ["check-ignore", "-q", file], { cwd: ROOT });
        return true;
      } catch {
        return false;
      }
    };
    for (const file of [
      "notebooks/.ipynb_checkpoints/quickstart-checkpoint.ipynb",
      ".ipynb_checkpoints/x.ipynb",
      "notebooks/demo-data/demo2000/truth.json",
      "notebooks/blindspot-artifacts/thumbs/index.json",
    ]) {
      expect(ignored(file), file).toBe(true);
    }
    expect(ignored("notebooks/quickstart.ipynb")).toBe(false);
  });

  it("the README's layout names every notebook", () => {
    const readme = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");
    const layout = readme.slice(readme.indexOf("## Layout"));
    for (const f of notebooks) expect(layout, f).toContain(f);
  });
});
