import * as fs from "node:fs";
import * as path from "node:path";
import { createHash } from "node:crypto";
import { beforeAll, describe, expect, test } from "vitest";
import { generateDemo } from "../src/demo";
import { DEMO_FILE } from "../src/demo/folder";
import { saveDataset } from "../src/dataset/persist";
import { BlindspotError } from "../src/errors";
import { tmpDir } from "./helpers/data";

const digest = (file: string) => createHash("sha256").update(fs.readFileSync(file)).digest("hex");

/** Digest of every file a demo folder holds, to see that a refused run changed none of them. */
function folderDigest(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    const file = path.join(entry.parentPath, entry.name);
    if (entry.isFile()) out[path.relative(dir, file)] = digest(file);
  }
  return out;
}

describe("a demo never overwrites another", () => {
  let dir: string;
  beforeAll(async () => {
    dir = path.join(tmpDir("demo-folder"), "demo-data");
    await generateDemo({ samples: 200, seed: 1, out: dir });
  }, 120_000);

  test("another seed or size in the same folder is refused, naming both demos, and changes no file", async () => {
    const before = folderDigest(dir);
    await expect(generateDemo({ samples: 200, seed: 2, out: dir })).rejects.toThrow(BlindspotError);
    await expect(generateDemo({ samples: 300, seed: 1, out: dir })).rejects.toThrow(
      new RegExp(
        String.raw`demo-data: the folder holds the demo of 200 samples \(seed 1, 320 x 240\); ` +
          String.raw`the demo of 300 samples \(seed 1, 320 x 240\) would replace[\s\S]*fix: pass another folder, ` +
          'e.g. out: "demo-data-300-seed1"',
      ),
    );
    expect(folderDigest(dir)).toEqual(before);
  });

  test("the same demo again is written in place: the same images and truth, byte for byte", async () => {
    const before = folderDigest(dir);
    const again = await generateDemo({ samples: 200, seed: 1, out: dir });
    expect(again.dataset.count()).toBe(200);
    const after = folderDigest(dir);
    const images = (d: Record<string, string>) =>
      Object.entries(d).filter(([f]) => f.startsWith("images/") || f === "truth.json");
    expect(images(after)).toEqual(images(before));
    expect(images(after).length).toBeGreaterThan(150);
  }, 120_000);

  test("a demo saved before the demo file existed is recognised by its manifest", async () => {
    const old = path.join(tmpDir("demo-folder-old"), "demo-data");
    const { dataset } = await generateDemo({ samples: 200, seed: 1, out: old });
    fs.rmSync(path.join(old, DEMO_FILE));
    saveDataset(dataset, old);
    await expect(generateDemo({ samples: 200, seed: 4, out: old })).rejects.toThrow(
      /holds the demo of 200 samples \(seed 1\)/,
    );
  }, 120_000);

  test("a folder of other files is refused", async () => {
    const other = tmpDir("demo-folder-other");
    fs.writeFileSync(path.join(other, "notes.txt"), "mine");
    await expect(generateDemo({ samples: 200, out: other })).rejects.toThrow(
      /the folder holds files that are not a blindspot demo/,
    );
    expect(fs.readdirSync(other)).toEqual(["notes.txt"]);
  });
});
