import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { removeTmpDirs, tmpDir } from "./helpers/data";

/**
 * The dependency check (`npm run check:deps`, run by `npm test` and CI) with the repository's own
 * configuration: it passes on the tree, and fails on a small tree of the same layout that breaks
 * one rule.
 */
const root = path.resolve(__dirname, "..");
const depcruise = path.join(root, "node_modules", ".bin", "depcruise");
const config = path.join(root, ".dependency-cruiser.cjs");

afterAll(removeTmpDirs);

function check(cwd: string, targets: string[]): { status: number | null; output: string } {
  const r = spawnSync(depcruise, ["--config", config, "--output-type", "err", ...targets], { cwd, encoding: "utf8" });
  return { status: r.status, output: r.stdout + r.stderr };
}

/** A tree with the repository's layout whose files import as `imports` says (file -> its import paths). */
function treeWith(imports: Record<string, string[]>): string {
  const dir = tmpDir("layering");
  fs.copyFileSync(path.join(root, "tsconfig.json"), path.join(dir, "tsconfig.json"));
  for (const [file, from] of Object.entries(imports)) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    const lines = from.map((p, i) => `import * as m${i} from "${p}";\nexport const v${i} = m${i};`);
    fs.writeFileSync(path.join(dir, file), [...lines, "export const here = 1;", ""].join("\n"));
  }
  return dir;
}

const allowed = {
  "src/engine.ts": ["./errors"],
  "src/errors.ts": [],
  "kernel/protocol.ts": [],
  "kernel/show.ts": ["../src/engine", "./protocol"],
  "extension/src/render.ts": ["../../kernel/protocol", "./model"],
  "extension/src/model.ts": [],
};

it("passes on the repository", () => {
  const r = check(root, ["src", "kernel", "bench", "extension/src"]);
  expect(r.output).toContain("no dependency violations found");
  expect(r.status).toBe(0);
});

it("passes on a tree that keeps the rules", () => {
  const r = check(treeWith(allowed), ["src", "kernel", "extension/src"]);
  expect(r.output).toContain("no dependency violations found");
  expect(r.status).toBe(0);
});

describe("fails on an import that breaks a rule", () => {
  it.each([
    ["src-imports-no-kernel-or-extension", "src/engine.ts", ["../kernel/show"]],
    ["src-imports-no-kernel-or-extension", "src/engine.ts", ["../extension/src/model"]],
    ["extension-imports-only-the-protocol", "extension/src/render.ts", ["../../src/errors"]],
    ["extension-imports-only-the-protocol", "extension/src/render.ts", ["../../kernel/show"]],
    ["protocol-stands-alone", "kernel/protocol.ts", ["../src/errors"]],
    ["no-unresolvable-imports", "src/engine.ts", ["./missing"]],
  ])("%s: %s importing %j", (rule, file, imports) => {
    const r = check(treeWith({ ...allowed, [file]: imports }), ["src", "kernel", "extension/src"]);
    expect(r.output).toContain(`error ${rule}: ${file}`);
    expect(r.status).not.toBe(0);
  });
});
