import * as fs from "node:fs";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { tmpDir } from "../helpers/data";
import { codeNotebook, executeNotebooks } from "./nbconvert";

/**
 * Cells that fail, run by the real tslab kernel (nbconvert, errors allowed), as a notebook
 * shows them: tslab prints an uncaught error to the cell's stderr with console.error.
 */

interface Output {
  output_type: string;
  name?: string;
  text?: string | string[];
}
interface Cell {
  source: string | string[];
  execution_count: number | null;
  outputs: Output[];
}

const SETUP = [
  `import * as bs from "blindspot";`,
  `const b = new bs.DatasetBuilder("cams", null);`,
  `for (const camera of ["cam_a", "cam_b"]) b.addSample({ filepath: camera + ".jpg", width: 8, height: 8, fields: { ` +
    `camera } });`,
  `const ds = b.build();`,
].join("\n");
const MISTYPED = `ds.where("camra", "cam_a").count()`;
const NOTHING = `await bs.show(undefined);`;

describe("errors in notebook cells, from the real tslab kernel", () => {
  // One notebook per failing cell, which comes last: tslab drops the requests that arrive
  // within 200 ms of a failed cell, and nbconvert sends the next one at once.
  const cells: Cell[] = [];
  beforeAll(() => {
    const dir = tmpDir("e2e-cell-errors");
    const names = [MISTYPED, NOTHING].map((failing, i) => {
      fs.writeFileSync(path.join(dir, `errors${i}.ipynb`), codeNotebook([SETUP, failing]));
      return `errors${i}`;
    });
    for (const ran of executeNotebooks<{ cells: Cell[] }>(dir, names, { allowErrors: true })) cells.push(...ran.cells);
  }, 300_000);

  const text = (source: string | string[]) => (Array.isArray(source) ? source.join("") : source);
  const stderr = (source: string) =>
    cells
      .find((c) => text(c.source) === source)!
      .outputs.filter((o) => o.name === "stderr")
      .map((o) => (Array.isArray(o.text) ? o.text.join("") : o.text))
      .join("");

  it("a mistyped field prints its message, the close field and the fix: no stack frames, no dumped object", () => {
    expect(stderr(MISTYPED)).toBe(
      'BlindspotError: where: no sample field "camra"; did you mean "camera"?\n' +
        "  fix: sample fields are: id, filepath, width, height, split, tags, problems, camera\n",
    );
  });

  it("show(undefined) says what show takes", () => {
    expect(stderr(NOTHING)).toMatch(
      /^BlindspotError: show\(\) was given undefined: nothing to show\n {2}fix: show\(\) takes a dataset, a view/,
    );
    expect(stderr(NOTHING)).not.toMatch(/\n\s+at |file: undefined/);
  });

  it("cells that ran keep the kernel's execution count", () => {
    expect(cells.map((c) => c.execution_count)).toEqual([1, 2, 1, 2]);
  });
});
