import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { MIME } from "../../kernel/protocol";
import { tmpDir } from "../helpers/data";
import { codeNotebook, executeNotebooks } from "./nbconvert";

/** The README's "In a notebook" snippet, pasted on its own into a new notebook and run by tslab. */
const README = path.resolve(__dirname, "../../README.md");

interface Output {
  output_type: string;
  name?: string;
  text?: string | string[];
  data?: Record<string, unknown>;
}

function snippet(): string {
  const readme = fs.readFileSync(README, "utf8");
  const section = readme.slice(readme.indexOf("## In a notebook"));
  const code = /```ts\n([\s\S]*?)```/.exec(section)?.[1];
  if (!code) throw new Error("README.md has no ts code block under '## In a notebook'");
  return code;
}

describe("the README's notebook snippet", () => {
  it("runs on its own in a new notebook: a grid, two charts, a table, no error", () => {
    const dir = tmpDir("e2e-readme-snippet");
    fs.writeFileSync(path.join(dir, "snippet.ipynb"), codeNotebook([snippet()]));
    const [ran] = executeNotebooks<{ cells: { outputs: Output[] }[] }>(dir, ["snippet"], { allowErrors: true });
    const outputs = ran.cells[0].outputs;
    const stderr = outputs
      .filter((o) => o.name === "stderr" || o.output_type === "error")
      .map((o) => JSON.stringify(o));
    expect(stderr).toEqual([]);
    const kinds = outputs.flatMap((o) =>
      Object.keys(o.data ?? {}).filter((k) => k.startsWith("application/vnd.blindspot")),
    );
    expect(kinds.filter((k) => k === MIME.grid)).toHaveLength(1);
    expect(kinds.filter((k) => k === MIME.chart)).toHaveLength(2);
    expect(kinds.filter((k) => k === MIME.table)).toHaveLength(1);
  }, 900_000);
});
