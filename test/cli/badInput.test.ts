import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { HAS_SHARED, tmpDir, VOC, VOC_IMAGES } from "../helpers/data";

const BIN = path.resolve(__dirname, "../../bin/blindspot.js");

function cli(...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: "utf8" });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function noStackTrace(text: string) {
  expect(text).not.toMatch(/^\s+at /m);
}

/** A small COCO file over real VOC images, with one thing wrong chosen by the test. */
function cocoWith(dir: string, edit: (d: any) => void): string {
  const d = JSON.parse(fs.readFileSync(path.join(VOC, "voc100_gt_coco.json"), "utf8"));
  d.images = d.images.slice(0, 5);
  const keep = new Set(d.images.map((im: any) => im.id));
  d.annotations = d.annotations.filter((a: any) => keep.has(a.image_id));
  edit(d);
  const file = path.join(dir, "labels.json");
  fs.writeFileSync(file, JSON.stringify(d));
  return file;
}

function info(file: string, images = VOC_IMAGES) {
  const r = cli("info", file, "--images", images, "--json");
  noStackTrace(r.stderr);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout);
}

describe.skipIf(!HAS_SHARED)("bad input: clear errors and recorded problems", () => {
  it("truncated JSON names the file, the line and column, and the fix", () => {
    const dir = tmpDir("bad-trunc");
    const text = fs.readFileSync(path.join(VOC, "voc100_gt_coco.json"), "utf8");
    const file = path.join(dir, "cut.json");
    fs.writeFileSync(file, text.slice(0, Math.floor(text.length / 2)));
    const r = cli("info", file);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(file);
    expect(r.stderr).toMatch(/line 1, column \d+/);
    expect(r.stderr).toMatch(/truncated/);
    expect(r.stderr).toMatch(/fix: /);
    noStackTrace(r.stderr);
  });

  it("a box outside its image is a recorded problem; the box is kept", () => {
    const dir = tmpDir("bad-box");
    const file = cocoWith(dir, (d) => {
      d.annotations[0].bbox = [400, 100, 300, 50];
    });
    const s = info(file);
    expect(s.objects).toBeGreaterThan(0);
    const p = s.problems.first.find((x: any) => x.kind === "box-outside-image");
    expect(p.file).toBe(path.resolve(file) === file ? file : expect.any(String));
    expect(p.place).toMatch(/object/);
    expect(p.message).toMatch(/outside/);
    expect(p.hint).toBeTruthy();
  });

  it("an unknown category id is a recorded problem naming the annotation; nothing dropped", () => {
    const dir = tmpDir("bad-cat");
    let count = 0;
    const file = cocoWith(dir, (d) => {
      d.annotations[1].category_id = 999;
      count = d.annotations.length;
    });
    const s = info(file);
    expect(s.objects).toBe(count);
    const p = s.problems.first.find((x: any) => x.kind === "unknown-category");
    expect(p.place).toMatch(/annotations\[1\]/);
    expect(p.message).toMatch(/999/);
    expect(p.hint).toMatch(/categor/);
  });

  it("missing and corrupt images and an escaping path become problems on their samples; the rest loads", () => {
    const dir = tmpDir("bad-images");
    const images = path.join(dir, "images");
    fs.mkdirSync(images);
    const file = cocoWith(dir, (d) => {
      for (const im of d.images) fs.copyFileSync(path.join(VOC_IMAGES, im.file_name), path.join(images, im.file_name));
      fs.rmSync(path.join(images, d.images[0].file_name));
      fs.writeFileSync(path.join(images, d.images[1].file_name), Buffer.from("not a jpeg at all, just text"));
      const cut = fs.readFileSync(path.join(images, d.images[3].file_name));
      fs.writeFileSync(path.join(images, d.images[3].file_name), cut.subarray(0, cut.length >> 1));
      d.images[2].file_name = "../../etc/passwd";
    });
    const s = info(file, images);
    expect(s.samples).toBe(5);
    expect(s.problems.byKind).toEqual({
      "missing-image": 1,
      "corrupt-image": 1,
      "truncated-image": 1,
      "path-escapes-dataset": 1,
    });
    expect(s.problems.first.some((p: any) => /truncated/.test(p.message))).toBe(true);
    for (const p of s.problems.first) {
      expect(p.sampleId).toBeTruthy();
      expect(p.hint).toBeTruthy();
    }
    expect(s.problems.first.find((p: any) => p.kind === "path-escapes-dataset").file).toBe("../../etc/passwd");
  });

  it("a label with markup is kept as text", () => {
    const dir = tmpDir("bad-label");
    const label = "<img src=x onerror=alert(1)>";
    const file = cocoWith(dir, (d) => {
      d.categories.find((c: any) => c.id === d.annotations[0].category_id).name = label;
    });
    const s = info(file);
    expect(Object.keys(s.fields[0].labels)).toContain(label);
    const r = cli("convert", file, path.join(dir, "voc"), "--to", "voc", "--images", VOC_IMAGES, "--lossy");
    expect(r.code, r.stderr).toBe(0);
    const xml = fs
      .readdirSync(path.join(dir, "voc/Annotations"))
      .map((f) => fs.readFileSync(path.join(dir, "voc/Annotations", f), "utf8"))
      .join("");
    expect(xml).toContain("<name>&lt;img src=x onerror=alert(1)&gt;</name>");
    const back = cli("info", path.join(dir, "voc"), "--format", "voc", "--json");
    expect(Object.keys(JSON.parse(back.stdout).fields[0].labels)).toContain(label);
  });

  it("unknown options and commands say what is allowed", () => {
    const r = cli("info", "x", "--formt", "coco");
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/unknown option --formt/);
    expect(r.stderr).toMatch(/--format/);
    const c = cli("frobnicate");
    expect(c.stderr).toMatch(/unknown command/);
  });
});

describe("convert: output paths and counts", () => {
  it.skipIf(!HAS_SHARED)(
    "a folder where a file goes (and the reverse) is a clear error; the count is of boxes written",
    () => {
      const dir = tmpDir("out-kind");
      const gt = path.join(VOC, "voc100_gt_coco.json");
      const asFolder = cli("convert", gt, dir, "--to", "coco");
      expect(asFolder.code).toBe(1);
      expect(asFolder.stderr).toMatch(/is a folder, and coco writes one file/);
      noStackTrace(asFolder.stderr);
      const file = path.join(dir, "x.txt");
      fs.writeFileSync(file, "x");
      const asFile = cli("convert", gt, file, "--to", "voc", "--lossy");
      expect(asFile.stderr).toMatch(/is a file .* voc writes a folder/);
      const dets = cli(
        "convert",
        path.join(VOC, "voc100_dets_coco_results.json"),
        path.join(dir, "r.json"),
        "--format",
        "coco-results",
        "--gt",
        gt,
        "--field",
        "model",
        "--to",
        "coco-results",
        "--lossy",
      );
      expect(dets.stdout).toMatch(/100 samples, 452 objects/);
    },
  );

  it("--help prints the usage for any command", () => {
    const r = cli("convert", "--help");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^blindspot: find where/);
  });
});
