/**
 * Dataset-core benchmark: a COCO-val-2017-sized set (5,000 images, ~36,000 boxes) and a
 * 1,000,000-sample table. Prints each figure beside its target, and pycocotools' load time
 * on the same file when it is installed, with the ratio.
 *
 *   npm run bench        (builds, then runs this file)
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { DatasetBuilder } from "../src/dataset/builder";
import { loadDataset, saveDataset } from "../src/dataset/persist";
import { load } from "../src/formats/api";
import { mulberry32 } from "../src/dataset/view";

const OUT = path.resolve(__dirname, "../../bench/out");
const TARGETS = { cocoImport: 2000, filterCount1M: 200, saveLoad1M: 5000 };

function time<T>(fn: () => T): [T, number] {
  const t0 = performance.now();
  const r = fn();
  const ms = performance.now() - t0;
  return [r, ms];
}

async function timeAsync<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const t0 = performance.now();
  const r = await fn();
  return [r, performance.now() - t0];
}

function report(name: string, ms: number, target?: number) {
  const verdict =
    target === undefined ? "" : ms <= target ? `  (target < ${target} ms: met)` : `  (target < ${target} ms: MISSED)`;
  console.log(`${name.padEnd(44)} ${ms.toFixed(0).padStart(7)} ms${verdict}`);
}

/** 5,000 images and ~36,000 boxes over 80 categories, sizes and crowd share like COCO val2017. */
function writeCocoLike(file: string): void {
  const rand = mulberry32(2017);
  const categories = Array.from({ length: 80 }, (_, i) => ({
    id: i + 1 + Math.floor(i / 10),
    name: `class_${i}`,
    supercategory: `group_${i % 12}`,
  }));
  const images = [],
    annotations = [];
  let annId = 1;
  for (let i = 0; i < 5000; i++) {
    const width = 640,
      height = rand() < 0.5 ? 480 : 427;
    images.push({
      id: 100000 + i,
      file_name: `${String(100000 + i).padStart(12, "0")}.jpg`,
      width,
      height,
      license: 1 + (i % 8),
      date_captured: "2013-11-14 16:28:13",
    });
    const boxes = Math.floor(rand() * 15.5);
    for (let k = 0; k < boxes; k++) {
      const w = 4 + rand() ** 2 * 500,
        h = 4 + rand() ** 2 * 400;
      const x = rand() * (width - w),
        y = rand() * Math.max(1, height - h);
      const crowd = rand() < 0.01 ? 1 : 0;
      annotations.push({
        id: annId++,
        image_id: 100000 + i,
        category_id: categories[Math.floor(rand() ** 1.5 * 80)].id,
        bbox: [x, y, w, h],
        area: w * h * 0.7,
        iscrowd: crowd,
        segmentation: [[x, y, x + w, y, x + w, y + h, x, y + h]],
      });
    }
  }
  fs.writeFileSync(
    file,
    JSON.stringify({ info: { description: "COCO-val-2017-sized benchmark set" }, images, annotations, categories }),
  );
}

function million() {
  const n = 1_000_000;
  const rand = mulberry32(1);
  const b = new DatasetBuilder("million", null);
  const weather = ["clear", "rain", "fog", "snow"],
    camera = ["cam_a", "cam_b", "cam_c", "cam_d", "cam_e"];
  for (let i = 0; i < n; i++) {
    b.addSample({
      id: `s${i}`,
      filepath: `img/${i}.jpg`,
      width: 1280,
      height: 720,
      split: rand() < 0.8 ? "train" : "test",
      fields: { weather: weather[i % 4], camera: camera[i % 5], brightness: rand(), hour: i % 24 },
    });
  }
  return b.build();
}

function pycocotoolsLoad(file: string): number | null {
  const py = fs.existsSync(path.resolve(__dirname, "../../.venv/bin/python"))
    ? path.resolve(__dirname, "../../.venv/bin/python")
    : "python3";
  try {
    const out = execFileSync(
      py,
      [
        "-c",
        `import time,sys\nfrom pycocotools.coco import COCO\nt=time.perf_counter()\nimport contextlib,io\nwith ` +
          `contextlib.redirect_stdout(io.StringIO()): COCO(sys.argv[1])\nprint((time.perf_counter()-t)*1000)`,
        file,
      ],
      { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] },
    );
    return Number(out.trim());
  } catch {
    return null;
  }
}

async function main() {
  fs.mkdirSync(OUT, { recursive: true });
  const cocoFile = path.join(OUT, "coco-val2017-sized.json");
  writeCocoLike(cocoFile);
  console.log(`COCO-sized set: ${cocoFile} (${(fs.statSync(cocoFile).size / 1e6).toFixed(1)} MB)`);

  const [ds, importMs] = await timeAsync(() => load(cocoFile, { format: "coco" }));
  report(`COCO import (${ds.count()} images, ${ds.objects.numRows()} boxes)`, importMs, TARGETS.cocoImport);
  const py = pycocotoolsLoad(cocoFile);
  if (py === null) console.log("pycocotools load: not installed here, skipped");
  else report(`pycocotools COCO() on the same file (${(py / importMs).toFixed(2)}x blindspot)`, py);

  const [, countMs] = time(() =>
    ds.filterObjects("d => d.w * d.h < 32 * 32 && d.iscrowd === 0").objects().groupby("label").count(),
  );
  report("COCO small boxes: filter + group-by count", countMs);
  const dir = path.join(OUT, "coco-saved");
  report("COCO save", time(() => saveDataset(ds, dir))[1]);
  report("COCO load", time(() => loadDataset(dir))[1]);

  const [big, buildMs] = time(million);
  report("build 1,000,000-sample table", buildMs);
  const [, fcMs] = time(() =>
    big.samples.filter("d => d.weather === 'rain' && d.brightness < 0.5").groupby("camera").count(),
  );
  report("1M samples: filter + group-by count", fcMs, TARGETS.filterCount1M);
  const [, viewMs] = time(() => big.where("split", "test").countBy("camera"));
  report("1M samples: view where + countBy", viewMs);
  const bigDir = path.join(OUT, "million-saved");
  const [, saveMs] = time(() => saveDataset(big, bigDir));
  const [loaded, loadMs] = time(() => loadDataset(bigDir));
  report("1M samples: save", saveMs);
  report(`1M samples: load (${loaded.count()} rows)`, loadMs);
  report("1M samples: save + load", saveMs + loadMs, TARGETS.saveLoad1M);
  console.log(`peak RSS ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MiB`);
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
