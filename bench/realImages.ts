/** The 2,000 shared real images the image benchmarks run on, and their timing helper. */
import * as fs from "node:fs";
import * as path from "node:path";

export const ROOT = path.resolve(__dirname, "../..");
export const SHARED = path.resolve(ROOT, "../shared/data");
export const IMAGES = 2000;

export interface Timing {
  seconds: number;
  cpuSeconds: number;
}

/** Wall-clock and CPU seconds (all threads of this process) of one call. */
export async function timed<T>(f: () => Promise<T>): Promise<Timing & { value: T }> {
  const start = performance.now(),
    cpu = process.cpuUsage();
  const value = await f();
  const used = process.cpuUsage(cpu);
  return { value, seconds: (performance.now() - start) / 1000, cpuSeconds: (used.user + used.system) / 1e6 };
}

function imagesUnder(dir: string): string[] {
  return fs
    .readdirSync(dir, { recursive: true, encoding: "utf8" })
    .filter((f) => /\.(jpe?g|png)$/i.test(f))
    .map((f) => path.join(dir, f))
    .sort();
}

/** All 100 of voc100 and 1,900 of sign-digits, linked into `out`/images (voc/, sign/) so they load as one dataset. */
export function imageSet(out: string): { files: string[]; dir: string } {
  const voc = imagesUnder(path.join(SHARED, "voc100/images"));
  const sign = imagesUnder(path.join(SHARED, "sign-digits/Dataset"));
  const files = [...voc, ...sign].slice(0, IMAGES);
  if (files.length < IMAGES) throw new Error(`${files.length} images found under ${SHARED}, ${IMAGES} needed`);
  const dir = path.join(out, "images");
  fs.rmSync(dir, { recursive: true, force: true });
  files.forEach((f, i) => {
    const link = path.join(dir, i < voc.length ? "voc" : "sign", `${String(i).padStart(4, "0")}${path.extname(f)}`);
    fs.mkdirSync(path.dirname(link), { recursive: true });
    fs.symlinkSync(f, link);
  });
  return { files, dir };
}
