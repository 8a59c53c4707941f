import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { HAS_SHARED, removeTmpDirs, SHARED, tmpDir } from "../helpers/data";

const BIN = path.resolve(__dirname, "../../bin/blindspot.js");
const cli = (...args: string[]) => spawnSync(process.execPath, [BIN, ...args], { encoding: "utf8" });

afterAll(removeTmpDirs);

describe.skipIf(!HAS_SHARED)("blindspot plant", () => {
  it("copies an image folder with near copies beside their sources and writes planted.json", () => {
    const src = tmpDir("plant-cli-src");
    for (const c of ["0", "5"]) {
      const from = path.join(SHARED, "sign-digits/Dataset", c);
      fs.mkdirSync(path.join(src, c));
      for (const f of fs.readdirSync(from).sort().slice(0, 5))
        fs.copyFileSync(path.join(from, f), path.join(src, c, f));
    }
    const out = path.join(tmpDir("plant-cli-out"), "planted");
    const r = cli("plant", src, "--out", out, "--count", "4", "--seed", "3");
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/10 originals, 4 near copies \(2 in another split than their source\)/);
    const m = JSON.parse(fs.readFileSync(path.join(out, "planted.json"), "utf8"));
    expect(m.seed).toBe(3);
    for (const p of m.pairs) {
      expect(path.dirname(p.copy)).toBe(path.dirname(p.source));
      expect(fs.existsSync(path.join(out, p.copy))).toBe(true);
    }
  });

  it("refuses missing arguments, a count over the images and --out equal to DIR, writing nothing", () => {
    const out = path.join(tmpDir("plant-cli-bad"), "never");
    const voc = path.join(SHARED, "voc100/images");
    for (const [args, message] of [
      [["plant", voc, "--out", out], /plant needs DIR, --out and --count/],
      [["plant", voc, "--out", out, "--count", "101"], /count must be a whole number from 0 to 100/],
      [["plant", voc, "--out", voc, "--count", "1"], /--out is the source folder/],
      [["plant", voc, "--out", out, "--count", "1", "--sed", "2"], /unknown option --sed/],
    ] as const) {
      const r = cli(...args);
      expect(r.status).toBe(1);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).not.toMatch(/^\s+at /m);
    }
    expect(fs.existsSync(out)).toBe(false);
  });
});
