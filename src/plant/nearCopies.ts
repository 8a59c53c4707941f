/**
 * Plants near copies into a folder of real photos, for validating near-duplicate and leakage
 * analyses on images that were not made for them: the originals are linked (or copied) into
 * `out` untouched, beside seeded edits of some of them, and `planted.json` says which file is a
 * copy of which, with what edits, and a seeded train/val/test split of every file.
 *
 * Each copy combines one to three edits, drawn from: crop (5-15 % of each side's length), shift
 * (3-8 % of the size, the uncovered edge mirrored), rescale (0.5-2x), brightness (+-20 %), small
 * rotation (2-6 degrees, corners filled with the image's mean), caption stamp (a line of text
 * burned in), horizontal flip (only with `flip: true`). Every copy is re-encoded as JPEG,
 * at quality 30-95 when "jpeg" is among its edits, else 90.
 *
 * Paths under `root` (default: the folder that holds all sources) are kept, so a copy of
 * `3/IMG_1.JPG` lands in `3/` and loads as the same class with the image-folder format.
 * Originals are split ~70/15/15; half of the copies (seeded) go to another split than their
 * source, the other half to the same split.
 */

import * as fs from "node:fs";
import * as path from "node:path";
import sharp, { type Sharp } from "sharp";
import { hashSeed, Rng } from "../demo/random";
import { BlindspotError } from "../errors";
import { writeFileAtomic } from "../io/atomic";
import { linkOrCopy } from "../io/linkOrCopy";

export type Split = "train" | "val" | "test";

export type Transform =
  | { kind: "crop"; left: number; top: number; right: number; bottom: number }
  | { kind: "shift"; dx: number; dy: number }
  | { kind: "rescale"; factor: number }
  | { kind: "brightness"; factor: number }
  | { kind: "rotate"; degrees: number }
  | { kind: "caption"; text: string }
  | { kind: "flip" }
  | { kind: "jpeg"; quality: number };

export type TransformKind = Transform["kind"];

export interface PlantedPair {
  /** Files relative to `out`. */
  source: string;
  copy: string;
  /** The edits in the order they were applied (the final JPEG encode last when drawn). */
  transforms: Transform[];
}

export interface PlantManifest {
  seed: number;
  pairs: PlantedPair[];
  /** Every file written (originals and copies), relative to `out`. */
  split: Record<string, Split>;
}

export interface PlantOptions {
  /** Image files to copy into `out`; `count` of them (seeded) get a near copy. */
  sources: readonly string[];
  /** Folder written (created if needed); `planted.json` goes in it. */
  out: string;
  /** Near copies to make, each from a different source. */
  count: number;
  seed?: number;
  /** Paths below this folder are kept in `out` (default: the deepest folder holding every source). */
  root?: string;
  /** Allow horizontal flips among the edits (default false: many analyses treat a mirror image as another view). */
  flip?: boolean;
  /** Called with (copies made, count). */
  onProgress?: (done: number, total: number) => void;
}

export const MANIFEST_FILE = "planted.json";

const SPLITS: Record<Split, number> = { train: 0.7, val: 0.15, test: 0.15 };
const EDITS: readonly TransformKind[] = ["crop", "shift", "rescale", "brightness", "rotate", "caption", "jpeg"];
/** The longest side a rescaled copy may have (a 3024-pixel photo doubled would be 36 megapixels). */
const MAX_SIDE = 4096;
const CAPTIONS = ["IMG 2024-05-17", "sample #%d", "(c) photo %d", "copy %d", "www.example.com", "frame %d"];

export async function plantNearCopies(options: PlantOptions): Promise<PlantManifest> {
  const { sources, out, count, seed = 0, flip = false } = options;
  if (!sources.length) throw bad("sources", "no source images given", "pass at least one image path");
  if (!(Number.isInteger(count) && count >= 0 && count <= sources.length))
    throw bad("count", `count must be a whole number from 0 to ${sources.length} (one copy per source), got ${count}`);
  if (!Number.isInteger(seed)) throw bad("seed", `seed must be a whole number, got ${seed}`);
  const root = path.resolve(options.root ?? commonFolder(sources));
  const rel = sources.map((s) => {
    const r = path.relative(root, path.resolve(s));
    if (r.startsWith("..") || path.isAbsolute(r))
      throw bad("root", `${s} is not inside root ${root}`, "pass a root folder that holds every source");
    return r.split(path.sep).join("/");
  });
  if (new Set(rel).size !== rel.length) throw bad("sources", "a source is listed twice", "list each image once");
  for (const s of sources)
    if (!fs.statSync(s, { throwIfNoEntry: false })?.isFile())
      throw new BlindspotError({ file: s, message: "source image not found", hint: "pass existing image files" });

  const splitRng = new Rng(hashSeed(seed, 1));
  const split: Record<string, Split> = {};
  for (const r of rel) split[r] = splitRng.weighted(SPLITS);
  const chosen = new Rng(hashSeed(seed, 2)).shuffle(Array.from(sources.keys())).slice(0, count);
  // Exactly half of the copies (rounded down) cross splits, in a seeded order.
  const crosses = new Rng(hashSeed(seed, 3)).shuffle(Array.from({ length: count }, (_, i) => i < count / 2));

  fs.mkdirSync(out, { recursive: true });
  rel.forEach((r, i) => linkOrCopy(path.resolve(sources[i]), path.join(out, r)));
  const pairs: PlantedPair[] = [];
  for (let c = 0; c < count; c++) {
    const i = chosen[c];
    const rng = new Rng(hashSeed(seed, 4, c));
    const transforms = drawTransforms(rng, flip, c);
    const copy = copyName(rel[i], c);
    const bytes = await applyTransforms(sources[i], transforms);
    writeFileAtomic(path.join(out, copy), bytes);
    const from = split[rel[i]];
    split[copy] = crosses[c] ? rng.pick((Object.keys(SPLITS) as Split[]).filter((s) => s !== from)) : from;
    pairs.push({ source: rel[i], copy, transforms });
    options.onProgress?.(c + 1, count);
  }
  const manifest: PlantManifest = { seed, pairs, split };
  writeFileAtomic(path.join(out, MANIFEST_FILE), JSON.stringify(manifest, null, 1));
  return manifest;
}

function bad(field: string, message: string, hint?: string): BlindspotError {
  return new BlindspotError({ place: `plantNearCopies.${field}`, message, hint });
}

/** The deepest folder that holds every path. */
function commonFolder(files: readonly string[]): string {
  const parts = files.map((f) => path.dirname(path.resolve(f)).split(path.sep));
  let n = parts[0].length;
  for (const p of parts) {
    let k = 0;
    while (k < n && k < p.length && p[k] === parts[0][k]) k++;
    n = k;
  }
  return parts[0].slice(0, n).join(path.sep) || path.sep;
}

/** `3/IMG_1.JPG` -> `3/IMG_1.near7.jpg`: beside its source, so it keeps the source's class folder. */
function copyName(source: string, c: number): string {
  const ext = path.posix.extname(source);
  return `${source.slice(0, source.length - ext.length)}.near${c}.jpg`;
}

function drawTransforms(rng: Rng, flip: boolean, c: number): Transform[] {
  const kinds = rng.shuffle([...EDITS, ...(flip ? (["flip"] as const) : [])]).slice(0, rng.int(1, 3));
  // Geometry first, then colour, the caption, and the encode last, as an editing tool would.
  const order: TransformKind[] = ["crop", "shift", "rotate", "flip", "rescale", "brightness", "caption", "jpeg"];
  kinds.sort((a, b) => order.indexOf(a) - order.indexOf(b));
  return kinds.map((kind): Transform => {
    switch (kind) {
      case "crop": {
        // 5-15 % of each side's length, split at random between its two ends.
        const [w, h] = [rng.range(0.05, 0.15), rng.range(0.05, 0.15)];
        const [l, t] = [w * rng.float(), h * rng.float()];
        return { kind, left: round(l), top: round(t), right: round(w - l), bottom: round(h - t) };
      }
      case "shift":
        return { kind, dx: round(sign(rng) * rng.range(0.03, 0.08)), dy: round(sign(rng) * rng.range(0.03, 0.08)) };
      case "rescale":
        // Half shrink, half enlarge: factors spread evenly on a log scale.
        return { kind, factor: round(2 ** rng.range(-1, 1)) };
      case "brightness":
        return { kind, factor: round(1 + sign(rng) * rng.range(0.05, 0.2)) };
      case "rotate":
        return { kind, degrees: round(sign(rng) * rng.range(2, 6)) };
      case "caption":
        return { kind, text: rng.pick(CAPTIONS).replace("%d", String(1000 + c)) };
      case "flip":
        return { kind };
      case "jpeg":
        return { kind, quality: rng.int(30, 95) };
    }
  });
}

const sign = (rng: Rng) => (rng.chance(0.5) ? -1 : 1);
const round = (x: number) => Math.round(x * 1e4) / 1e4;

interface Raw {
  data: Buffer;
  width: number;
  height: number;
}

/** The source, upright (EXIF orientation applied), edited in order, as JPEG bytes. */
export async function applyTransforms(source: string, transforms: readonly Transform[]): Promise<Buffer> {
  let img = await raw(sharp(source).rotate().removeAlpha().toColourspace("srgb"));
  for (const t of transforms) if (t.kind !== "jpeg") img = await edit(img, t);
  const encode = transforms.find((t): t is Extract<Transform, { kind: "jpeg" }> => t.kind === "jpeg");
  const quality = encode?.quality ?? 90;
  return sharp(img.data, { raw: { width: img.width, height: img.height, channels: 3 } })
    .jpeg({ quality })
    .toBuffer();
}

/** The pipeline's pixels as 3-channel RGB (a composite can add an alpha channel, dropped in a pass of its own). */
async function raw(s: Sharp): Promise<Raw> {
  const { data, info } = await s.raw().toBuffer({ resolveWithObject: true });
  if (info.channels === 3) return { data, width: info.width, height: info.height };
  const { width, height, channels } = info;
  return raw(sharp(data, { raw: { width, height, channels } }).removeAlpha());
}

/** One edit, as its own sharp pass (sharp reorders operations within one pipeline). */
async function edit(img: Raw, t: Exclude<Transform, { kind: "jpeg" }>): Promise<Raw> {
  const { width: W, height: H } = img;
  const s = sharp(img.data, { raw: { width: W, height: H, channels: 3 } });
  switch (t.kind) {
    case "crop": {
      const left = Math.round(t.left * W),
        top = Math.round(t.top * H);
      const width = Math.max(1, W - left - Math.round(t.right * W)),
        height = Math.max(1, H - top - Math.round(t.bottom * H));
      return raw(s.extract({ left, top, width, height }));
    }
    case "shift": {
      // Pad the side the content moves away from by mirroring, then cut the original size back out.
      const dx = Math.round(Math.abs(t.dx) * W),
        dy = Math.round(Math.abs(t.dy) * H);
      const padded = await raw(
        s.extend({
          left: t.dx > 0 ? dx : 0,
          right: t.dx > 0 ? 0 : dx,
          top: t.dy > 0 ? dy : 0,
          bottom: t.dy > 0 ? 0 : dy,
          extendWith: "mirror",
        }),
      );
      return raw(
        sharp(padded.data, { raw: { width: padded.width, height: padded.height, channels: 3 } }).extract({
          left: t.dx > 0 ? 0 : dx,
          top: t.dy > 0 ? 0 : dy,
          width: W,
          height: H,
        }),
      );
    }
    case "rescale": {
      const f = Math.min(t.factor, MAX_SIDE / Math.max(W, H));
      return raw(s.resize(Math.max(1, Math.round(W * f)), Math.max(1, Math.round(H * f)), { fit: "fill" }));
    }
    case "brightness":
      return raw(s.linear(t.factor, 0));
    case "rotate": {
      const fill = meanColour(img);
      const turned = await raw(s.rotate(t.degrees, { background: { r: fill[0], g: fill[1], b: fill[2] } }));
      // Back to the original size, centred: most of the filled corners are cut off again.
      return raw(
        sharp(turned.data, { raw: { width: turned.width, height: turned.height, channels: 3 } }).extract({
          left: Math.floor((turned.width - W) / 2),
          top: Math.floor((turned.height - H) / 2),
          width: W,
          height: H,
        }),
      );
    }
    case "flip":
      return raw(s.flop());
    case "caption": {
      const size = Math.max(6, Math.round(Math.min(W, H) * 0.07));
      const text = await sharp({
        text: {
          text: `<span foreground="white" background="#000000a0">${escapeMarkup(t.text)}</span>`,
          rgba: true,
          dpi: 72,
          font: `sans ${size}`,
        },
      })
        .png()
        .toBuffer({ resolveWithObject: true });
      // A caption longer than a small image is scaled down to fit its width.
      const fit =
        text.info.width > W - 4 || text.info.height > H
          ? await sharp(text.data)
              .resize(Math.max(1, W - 4), H, { fit: "inside" })
              .png()
              .toBuffer({ resolveWithObject: true })
          : text;
      const top = Math.max(0, H - fit.info.height - Math.round(size / 2));
      return raw(s.composite([{ input: fit.data, left: Math.min(2, W - fit.info.width), top }]));
    }
  }
}

function meanColour({ data }: Raw): [number, number, number] {
  const sum = [0, 0, 0];
  for (let p = 0; p < data.length; p += 3) for (let c = 0; c < 3; c++) sum[c] += data[p + c];
  const n = Math.max(1, data.length / 3);
  return [Math.round(sum[0] / n), Math.round(sum[1] / n), Math.round(sum[2] / n)];
}

function escapeMarkup(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}
