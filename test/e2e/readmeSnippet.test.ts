import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { MIME } from "../../kernel/protocol";
import { tmpDir } from "../helpers/data";
import { JUPYTER } from "./lab";

/** The README's "In a notebook" snippet, pasted on its own into a new notebook and run by tslab. */
const README = path.resolve(__dirname, "../../README.md");
const CONFIG = path.resolve(__dirname, "../../scripts/nbconvert_config.py");

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
    const notebook = {
      cells: [{ cell_type: "code", execution_count: null, metadata: {}, outputs: [], source: snippet() }],
      metadata: { kernelspec: { name: "tslab", display_name: "TypeScript (blindspot)", language: "typescript" } },
      nbformat: 4,
      nbformat_minor: 5,
    };
    fs.writeFileSync(path.join(dir, "snippet.ipynb"), JSON.stringify(notebook));
    execFileSync(
      JUPYTER,
      [
        "nbconvert",
        "--config",
        CONFIG,
        "--to",
        "notebook",
        "--execute",
        "--allow-errors",
        "--ExecutePreprocessor.timeout=600",
        "snippet.ipynb",
        "--output",
        "ran.ipynb",
      ],
      { cwd: dir, stdio: "pipe" },
    );
    const outputs = (
      JSON.parse(fs.readFileSync(path.join(dir, "ran.ipynb"), "utf8")) as { cells: { outputs: Output[] }[] }
    ).cells[0].outputs;
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
