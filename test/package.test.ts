import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { expect, it } from "vitest";

/**
 * The built package loads in plain Node as a notebook loads it (CommonJS `require` of the
 * compiled files, which vitest's own TypeScript transform does not exercise: strict-mode
 * errors such as octal escapes only show here).
 */
it("the built package loads with require and exposes its entry points", () => {
  const main = path.resolve(__dirname, "../dist/kernel/index.js");
  const r = spawnSync(
    process.execPath,
    [
      "-e",
      `const bs = require(${JSON.stringify(main)}); console.log(["show", "evaluateDetections", "computeQuality", ` +
        `"computeEmbeddings", "decodeImage", "knn"].map((k) => typeof bs[k]).join(","))`,
    ],
    { encoding: "utf8" },
  );
  expect(r.stderr).toBe("");
  expect(r.stdout.trim()).toBe("function,function,function,function,function,function");
});
