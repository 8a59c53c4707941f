import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { DatasetBuilder } from "../../src/dataset/builder";
import { values } from "../../src/dataset/columns";
import { loadDataset, saveDataset } from "../../src/dataset/persist";
import { tmpDir } from "../helpers/data";

/** A dataset whose content says which version it is, big enough that a save takes a while. */
function versioned(version: number, n: number) {
  const b = new DatasetBuilder(`v${version}`, null);
  b.declareField({ name: "ground_truth", kind: "detections", predicted: false });
  for (let i = 0; i < n; i++) {
    const id = b.addSample({
      filepath: `img${i}.jpg`,
      width: 640,
      height: 480,
      split: i % 5 ? "train" : "test",
      tags: i % 7 ? [] : ["hard"],
      fields: { version, weather: ["rain", "sun"][i % 2], score: i / n },
    });
    b.addObject({
      sampleId: id,
      field: "ground_truth",
      label: `c${i % 3}`,
      x: i % 600,
      y: 10,
      w: 20,
      h: 30,
      segmentation: i % 11 ? null : [[0, 0, 5, 0, 5, 5]],
      attributes: { occluded: i % 2 },
    });
  }
  return b.build();
}

describe("save and load", () => {
  it("round-trips every column, type and the manifest exactly", () => {
    const ds = versioned(1, 1000);
    ds.tag(ds.where("weather", "rain").limit(3), "review");
    const dir = tmpDir("persist");
    saveDataset(ds, dir);
    const back = loadDataset(dir);
    expect(back.samples.objects()).toEqual(ds.samples.objects());
    expect(back.objects.objects()).toEqual(ds.objects.objects());
    expect(back.categories).toEqual(ds.categories);
    expect(back.fields).toEqual(ds.fields);
    expect(back.tagged("review").count()).toBe(3);
    const files = fs.readdirSync(dir).sort();
    expect(files.filter((f) => f.endsWith(".arrow"))).toHaveLength(2);
    saveDataset(back, dir);
    expect(fs.readdirSync(dir).filter((f) => f.endsWith(".arrow"))).toHaveLength(2);
  });

  it("a save touches only its own files; damaged folders give clear errors", () => {
    const dir = tmpDir("persist-own");
    fs.writeFileSync(path.join(dir, "samples-notes.arrow"), "the user's own file");
    fs.writeFileSync(path.join(dir, ".draft.tmp"), "another program's temporary file");
    saveDataset(versioned(1, 10), dir);
    saveDataset(versioned(2, 10), dir);
    expect(fs.readFileSync(path.join(dir, "samples-notes.arrow"), "utf8")).toBe("the user's own file");
    expect(fs.existsSync(path.join(dir, ".draft.tmp"))).toBe(true);
    const m = JSON.parse(fs.readFileSync(path.join(dir, "manifest.json"), "utf8"));
    const table = path.join(dir, m.tables.samples);
    fs.writeFileSync(table, fs.readFileSync(table).subarray(0, 100));
    expect(() => loadDataset(dir)).toThrow(/table file is damaged[\s\S]*restore/);
    fs.writeFileSync(
      path.join(dir, "manifest.json"),
      JSON.stringify({ ...m, tables: { samples: "../../../etc/passwd", objects: m.tables.objects } }),
    );
    expect(() => loadDataset(dir)).toThrow(/names no table files/);
  });

  it("a newer format version is refused politely", () => {
    const dir = tmpDir("persist-version");
    saveDataset(versioned(1, 10), dir);
    const m = JSON.parse(fs.readFileSync(path.join(dir, "manifest.json"), "utf8"));
    fs.writeFileSync(path.join(dir, "manifest.json"), JSON.stringify({ ...m, version: 99 }));
    expect(() => loadDataset(dir)).toThrow(/version 99 is newer.*\n.*upgrade/);
  });

  it("a process killed in the middle of a save leaves the previous version intact", async () => {
    const dir = tmpDir("persist-kill");
    const n = 200_000;
    saveDataset(versioned(1, 50), dir);
    // The child saves version 2 (a large dataset) over and over; it is killed at varied moments.
    const child =
      `
      const { DatasetBuilder } = ` +
      `require(${JSON.stringify(path.resolve(__dirname, "../../dist/src/dataset/builder.js"))});
      const { saveDataset } = require(${JSON.stringify(path.resolve(__dirname, "../../dist/src/dataset/persist.js"))});
      const b = new DatasetBuilder("v2", null);
      for (let i = 0; i < ${n}; i++) b.addSample({ filepath: "img" + i + ".jpg", fields: { version: 2, weather: "w" ` +
      `+ (i % 9) } });
      const ds = b.build();
      process.stdout.write("ready\\n");
      for (;;) { saveDataset(ds, ${JSON.stringify(dir)}); process.stdout.write("saved\\n"); }
    `;
    const outcomes = new Set<string>();
    // Fixed delays hit varied moments of a save; the last round waits for one completed save.
    for (const delay of [0, 5, 20, 45, 80, 130, 200, 300, 450, "after-save"] as const) {
      const p = spawn(process.execPath, ["-e", child], { stdio: ["ignore", "pipe", "inherit"] });
      const said = (word: string) =>
        new Promise<void>((resolve) =>
          p.stdout.on("data", (d: Buffer) => {
            if (d.toString().includes(word)) resolve();
          }),
        );
      await said("ready");
      if (delay === "after-save") await said("saved");
      else await new Promise((r) => setTimeout(r, delay));
      p.kill("SIGKILL");
      await new Promise((r) => p.once("exit", r));
      const ds = loadDataset(dir);
      const versionsSeen = new Set(values<number>(ds.samples, "version"));
      expect(versionsSeen.size).toBe(1);
      const v = [...versionsSeen][0];
      expect(ds.count()).toBe(v === 1 ? 50 : n);
      outcomes.add(`v${v}`);
    }
    // Both outcomes occur across the kill moments: killed before and after a commit.
    expect(outcomes.has("v2")).toBe(true);
  });
});
