import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { hasReference, inCI, PYTHON } from "./reference";

const ROOT = path.resolve(__dirname, "../..");
const MISSING = path.join(ROOT, "test/.tmp/no-such-venv/bin/python");

/** Runs one test file in a child vitest, with the reference Python at `python`. */
function runSuite(file: string, python: string, ci: boolean) {
  const env = { ...process.env, BLINDSPOT_REFERENCE_PYTHON: python, CI: ci ? "true" : "" };
  const run = spawnSync("npx", ["vitest", "run", file], { cwd: ROOT, env, encoding: "utf8", timeout: 110_000 });
  return { status: run.status, output: `${run.stdout}\n${run.stderr}` };
}

describe("live reference tools", () => {
  it("CI is CI=true or CI=1, in any case", () => {
    expect([{ CI: "true" }, { CI: "1" }, { CI: "TRUE" }].map(inCI)).toEqual([true, true, true]);
    expect([{}, { CI: "" }, { CI: "false" }, { CI: "0" }].map(inCI)).toEqual([false, false, false, false]);
  });

  it("a missing tool is skipped with a message, except under CI=true where it is an error", () => {
    expect(hasReference(PYTHON, "the reference Python", {})).toBe(true);
    expect(hasReference(MISSING, "the reference Python", {})).toBe(false);
    expect(() => hasReference(MISSING, "the reference Python", { CI: "true" })).toThrow(
      /not found at .*no-such-venv.*scripts\/setup\.sh.*CI=true/,
    );
  });

  it("a live suite without its Python fails the run under CI=true and skips otherwise", () => {
    const suite = "test/embed/projectPca.test.ts";
    const ci = runSuite(suite, MISSING, true);
    expect(ci.status, ci.output).not.toBe(0);
    expect(ci.output).toMatch(/not found at .*no-such-venv/);
    const local = runSuite(suite, MISSING, false);
    expect(local.status, local.output).toBe(0);
    expect(local.output).toMatch(/[1-9]\d* skipped/);
  });
});
