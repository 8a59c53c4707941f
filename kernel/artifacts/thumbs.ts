import * as fs from "node:fs";
import * as os from "node:os";
import sharp from "sharp";
import { mapLimit } from "../../src/image/header";
import { exists, writeCacheFile } from "./files";
import { sha256Hex } from "./hash";
import { artifactFile } from "./location";
import { ThumbIndex, type ImageFacts } from "./thumbIndex";

export const WEBP_QUALITY = 75;

/** One image's thumbnail, or why there is none. */
export interface Thumb {
  /** Absolute path of the WebP file; null when missing. */
  file: string | null;
  missing: string | null;
  /** Image size as displayed (EXIF rotation applied); null when unknown. */
  width: number | null;
  height: number | null;
  /** sha256 of the image's bytes (crops of its boxes are named by it); null when missing. */
  contentHash: string | null;
}

/** What a run did: a second run over unchanged images reads and encodes nothing. */
export interface ThumbStats {
  /** Images whose bytes were read (new or changed since the index saw them). */
  read: number;
  /** Thumbnails encoded; fewer than `read` when identical files share one. */
  encoded: number;
  missing: number;
}

export interface ThumbOptions {
  /** Longest side in pixels. */
  size: number;
  /** Called once per image, when it is done. */
  onDone?: () => void;
}

/** Thumbnail of a content hash at a size: equal bytes give one file, whatever their paths. */
function thumbFile(contentHash: string, size: number): string {
  const key = sha256Hex(contentHash, `:webp:${size}:q${WEBP_QUALITY}`);
  return artifactFile("thumbs", key.slice(0, 2), `${key}.webp`);
}

/**
 * Makes (or finds) the thumbnails of distinct image files, several in flight. An image that
 * cannot be read gives a missing thumbnail with the reason; the run goes on.
 */
export async function makeThumbnails(
  images: readonly string[],
  options: ThumbOptions,
): Promise<{ thumbs: Thumb[]; stats: ThumbStats }> {
  const run: Run = {
    index: ThumbIndex.load(artifactFile("thumbs", "index.json")),
    stats: { read: 0, encoded: 0, missing: 0 },
    encoding: new Map(),
  };
  // sharp decodes on libuv's threads; a few files per core keeps them busy while others load.
  const inFlight = Math.min(16, 2 * os.availableParallelism());
  const thumbs = await mapLimit(images, inFlight, async (image) => {
    const thumb = await thumbnail(image, options.size, run);
    if (thumb.missing !== null) run.stats.missing++;
    options.onDone?.();
    return thumb;
  });
  await run.index.save();
  return { thumbs, stats: run.stats };
}

/** State shared by the images of one run. */
interface Run {
  index: ThumbIndex;
  stats: ThumbStats;
  /** Thumbnail file -> its encoding in progress or done. */
  encoding: Map<string, Promise<void>>;
}

async function thumbnail(image: string, size: number, run: Run): Promise<Thumb> {
  let stat: fs.Stats;
  try {
    stat = await fs.promises.stat(image);
  } catch (err) {
    return missingThumb(`image file not found (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  const known = run.index.get(image, stat);
  if (known && (await exists(thumbFile(known.contentHash, size)))) return made(known, size);
  run.stats.read++;
  try {
    const bytes = await fs.promises.readFile(image);
    const meta = await sharp(bytes).metadata();
    if (!meta.width || !meta.height) return missingThumb("the image header gives no size");
    const turned = (meta.orientation ?? 1) >= 5;
    const facts: ImageFacts = {
      contentHash: sha256Hex(bytes),
      width: turned ? meta.height : meta.width,
      height: turned ? meta.width : meta.height,
    };
    const file = thumbFile(facts.contentHash, size);
    // Files with equal bytes in flight together wait for one encoding.
    let written = run.encoding.get(file);
    if (!written) {
      written = encodeUnlessExists(bytes, size, file, run.stats);
      run.encoding.set(file, written);
    }
    await written;
    run.index.set(image, stat, facts);
    return made(facts, size);
  } catch (err) {
    return missingThumb(`unreadable image (${(err as Error).message})`);
  }
}

async function encodeUnlessExists(bytes: Buffer, size: number, file: string, stats: ThumbStats): Promise<void> {
  if (await exists(file)) return;
  const webp = await sharp(bytes, { failOn: "none" })
    .rotate()
    .resize({ width: size, height: size, fit: "inside", withoutEnlargement: true })
    .webp({ quality: WEBP_QUALITY })
    .toBuffer();
  await writeCacheFile(file, webp);
  stats.encoded++;
}

function made(facts: ImageFacts, size: number): Thumb {
  const { width, height, contentHash } = facts;
  return { file: thumbFile(contentHash, size), missing: null, width, height, contentHash };
}

export function missingThumb(reason: string): Thumb {
  return { file: null, missing: reason, width: null, height: null, contentHash: null };
}
