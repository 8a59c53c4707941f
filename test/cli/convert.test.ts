import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { tmpDir, writeImage, writeText } from "../helpers/data";

/** `blindspot convert`: what the input could not give is reported, not only written around. */
const BIN = path.resolve(__dirname, "../../bin/blindspot.js");

function cli(...args: string[]) {
  return spawnSync(process.execPath, [BIN, ...args], { encoding: "utf8" });
}

describe("blindspot convert", () => {
  it("reports a YOLO label file without an image, and writes background images as samples", async () => {
    const root = tmpDir("convert-yolo");
    await writeImage(path.join(root, "images/train/a.jpg"), 100, 50);
    await writeImage(path.join(root, "images/train/empty.jpg"), 60, 40);
    writeText(path.join(root, "data.yaml"), "names: [cat]\n");
    writeText(path.join(root, "labels/train/a.txt"), "0 0.5 0.5 0.2 0.2\n");
    writeText(path.join(root, "labels/train/gone.txt"), "0 0.5 0.5 0.2 0.2\n");
    const r = cli("convert", root, path.join(root, "out.jsonl"), "--to", "jsonl");
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain("3 samples, 1 objects");
    expect(r.stderr).toContain(`warning: ${path.join(root, "labels/train/gone.txt")}: label file without an image`);
  });

  it("summarises many problems of one kind with a count and a few examples", async () => {
    const root = tmpDir("convert-outside");
    await writeImage(path.join(root, "images/a.jpg"), 100, 50);
    writeText(path.join(root, "data.yaml"), "names: [cat]\n");
    writeText(path.join(root, "labels/a.txt"), "0 1.5 0.5 0.2 0.2\n".repeat(40));
    const r = cli("convert", root, path.join(root, "out.jsonl"), "--to", "jsonl");
    expect(r.status, r.stderr).toBe(0);
    const lines = r.stderr.trim().split("\n");
    expect(lines[0]).toBe("warning: 40 box-outside-image problems, for example:");
    expect(lines).toContain("  - ... and 37 more");
    expect(lines.filter((l) => l.includes("lies outside the 100x50 image"))).toHaveLength(3);
    expect(lines.at(-1)).toMatch(/^ {2}fix: fix the box coordinates/);
    expect(lines).toHaveLength(6);
  });
});
