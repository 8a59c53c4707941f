/**
 * A content-addressed cache of per-image results (a row of `width` floats per image), so an
 * interrupted or repeated run computes only what is missing.
 *
 * Keys are the sha256 of the image file's bytes (renaming or moving a file keeps its results;
 * editing it does not), within one computation name and version, each in its own folder:
 * `<root>/.blindspot-cache/<name>/<version>/`. Bump the version when the computation changes.
 *
 * Rows are buffered and written in chunks, one file per flush, each written atomically
 * (temporary file, fsync, rename): a crash loses at most the unflushed rows and never leaves a
 * half-written chunk. A chunk file is
 *   "BSC1" | width u32 | count u32 | count x 32-byte sha256 | count x width float32 (little-endian)
 * Opening reads only the hashes; rows are read from disk on demand.
 */

import { createHash, randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { writeFileAtomic } from "../io/atomic";

/** sha256 of a file's bytes, hex: the cache key of an image. */
export function hashBytes(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/**
 * The cache root a computation uses: the one it was given; when none was, `$BLINDSPOT_CACHE` if set (one
 * cache for every dataset and notebook: rows are keyed by image content); null turns the cache off.
 */
export function cacheRootOf(option: string | null | undefined): string | null {
  if (option !== undefined) return option;
  const env = process.env.BLINDSPOT_CACHE;
  return env ? path.resolve(env) : null;
}

/** The cache root beside a dataset folder or images folder. */
export function defaultCacheRoot(dir: string): string {
  return path.join(dir, ".blindspot-cache");
}

export interface CacheOptions {
  /** Cache root (e.g. defaultCacheRoot(datasetDir)); results go to <root>/<name>/<version>/. */
  root: string;
  /** Computation name, e.g. "quality" or "embed-mobilenetv2". */
  name: string;
  /** Computation version: results of another version are never returned. */
  version: string | number;
  /** Floats per image. */
  width: number;
  /** Rows buffered before a chunk is written (default 4096). */
  flushRows?: number;
}

const MAGIC = 0x31435342; // "BSC1" read as a little-endian u32
const HEADER = 12;
const HASH_BYTES = 32;
/** A temporary file older than this is left from a crash, not a write in progress. */
const STALE_TMP_MS = 60 * 60 * 1000;

export class ResultCache {
  readonly folder: string;
  readonly width: number;
  /** hash -> chunk number * 2^32 + row. */
  private readonly index = new Map<string, number>();
  private readonly chunks: { file: string; count: number; fd: number | undefined }[] = [];
  /** Rows not yet written, by hash, in the order they came. */
  private pending = new Map<string, Float32Array>();
  private readonly flushRows: number;

  private constructor(options: CacheOptions) {
    if (!(Number.isInteger(options.width) && options.width > 0))
      throw new RangeError(`cache width must be a positive integer, got ${options.width}`);
    this.folder = path.join(options.root, safeName(options.name), safeName(String(options.version)));
    this.width = options.width;
    this.flushRows = options.flushRows ?? 4096;
  }

  /** Opens the cache folder (creating it on the first write), indexing the chunks already there. */
  static open(options: CacheOptions): ResultCache {
    const cache = new ResultCache(options);
    cache.load();
    return cache;
  }

  /** The cache a computation's `cacheRoot` option names (see cacheRootOf), or undefined for none. */
  static openAt(
    cacheRoot: string | null | undefined,
    computation: Omit<CacheOptions, "root">,
  ): ResultCache | undefined {
    const root = cacheRootOf(cacheRoot);
    return root === null ? undefined : ResultCache.open({ ...computation, root });
  }

  /** Images with a result (written or pending). */
  get size(): number {
    let extra = 0;
    for (const h of this.pending.keys()) if (!this.index.has(h)) extra++;
    return this.index.size + extra;
  }

  has(hash: string): boolean {
    return this.pending.has(hash) || this.index.has(hash);
  }

  /** The row of an image, or undefined. */
  get(hash: string): Float32Array | undefined {
    const out = new Float32Array(this.width);
    return this.readInto(hash, out, 0) ? out : undefined;
  }

  /** The rows of many images as one hashes.length x width matrix; `found[i]` is 0 where row i is missing (left 0). */
  getMany(hashes: readonly string[]): { rows: Float32Array; found: Uint8Array } {
    const rows = new Float32Array(hashes.length * this.width);
    const found = Uint8Array.from(hashes, (h, i) => (this.readInto(h, rows, i * this.width) ? 1 : 0));
    return { rows, found };
  }

  /** Adds rows (hashes.length x width floats); written to disk every `flushRows` rows and by flush(). */
  putMany(hashes: readonly string[], rows: Float32Array): void {
    if (rows.length !== hashes.length * this.width)
      throw new RangeError(
        `putMany: ${hashes.length} hashes need ${hashes.length * this.width} floats, got ${rows.length}`,
      );
    hashes.forEach((h, i) => {
      if (!/^[0-9a-f]{64}$/.test(h)) throw new RangeError(`putMany: "${h}" is not a sha256 hex digest (see hashBytes)`);
      this.pending.delete(h); // re-inserted last: the newest row wins
      this.pending.set(h, rows.slice(i * this.width, (i + 1) * this.width));
    });
    if (this.pending.size >= this.flushRows) this.flush();
  }

  /** Writes the pending rows as one chunk file (atomically). */
  flush(): void {
    const n = this.pending.size;
    if (n === 0) return;
    const bytes = new Uint8Array(HEADER + n * (HASH_BYTES + 4 * this.width));
    const view = new DataView(bytes.buffer);
    view.setUint32(0, MAGIC, true);
    view.setUint32(4, this.width, true);
    view.setUint32(8, n, true);
    const floats = new Float32Array(bytes.buffer, HEADER + n * HASH_BYTES, n * this.width);
    const hashes = [...this.pending.keys()];
    hashes.forEach((h, i) => {
      bytes.set(Buffer.from(h, "hex"), HEADER + i * HASH_BYTES);
      floats.set(this.pending.get(h)!, i * this.width);
    });
    // Time first, so that sorted names are write order (a later row for a hash wins on reopen).
    const file = path.join(this.folder, `chunk-${Date.now().toString(36)}-${randomBytes(4).toString("hex")}.bin`);
    writeFileAtomic(file, bytes);
    this.addChunk(file, hashes);
    this.pending = new Map();
  }

  /** Flushes and closes the open chunk files. */
  close(): void {
    this.flush();
    for (const c of this.chunks) {
      if (c.fd !== undefined) fs.closeSync(c.fd);
      c.fd = undefined;
    }
  }

  private readInto(hash: string, out: Float32Array, offset: number): boolean {
    const row = this.pending.get(hash);
    if (row) {
      out.set(row, offset);
      return true;
    }
    const at = this.index.get(hash);
    if (at === undefined) return false;
    const chunk = this.chunks[Math.floor(at / 2 ** 32)];
    chunk.fd ??= fs.openSync(chunk.file, "r");
    const bytes = new Uint8Array(out.buffer, out.byteOffset + offset * 4, this.width * 4);
    fs.readSync(chunk.fd, bytes, 0, bytes.length, HEADER + chunk.count * HASH_BYTES + (at % 2 ** 32) * 4 * this.width);
    return true;
  }

  private load(): void {
    let names: string[];
    try {
      names = fs.readdirSync(this.folder).sort();
    } catch {
      return; // no cache yet
    }
    for (const name of names) {
      const file = path.join(this.folder, name);
      if (name.endsWith(".tmp")) removeIfStale(file);
      else if (name.startsWith("chunk-") && name.endsWith(".bin")) {
        const hashes = this.readHashes(file);
        if (hashes) this.addChunk(file, hashes);
      }
    }
  }

  /** A chunk's hashes; undefined (the chunk is skipped) when it is not a complete chunk of this width. */
  private readHashes(file: string): string[] | undefined {
    const fd = fs.openSync(file, "r");
    try {
      const size = fs.fstatSync(fd).size;
      const head = Buffer.alloc(HEADER);
      if (
        fs.readSync(fd, head, 0, HEADER, 0) < HEADER ||
        head.readUInt32LE(0) !== MAGIC ||
        head.readUInt32LE(4) !== this.width
      )
        return undefined;
      const n = head.readUInt32LE(8);
      if (size !== HEADER + n * (HASH_BYTES + 4 * this.width)) return undefined;
      const raw = Buffer.alloc(n * HASH_BYTES);
      fs.readSync(fd, raw, 0, raw.length, HEADER);
      return Array.from({ length: n }, (_, i) => raw.toString("hex", i * HASH_BYTES, (i + 1) * HASH_BYTES));
    } finally {
      fs.closeSync(fd);
    }
  }

  private addChunk(file: string, hashes: readonly string[]): void {
    const base = this.chunks.length * 2 ** 32;
    this.chunks.push({ file, count: hashes.length, fd: undefined });
    hashes.forEach((h, row) => this.index.set(h, base + row));
  }
}

function removeIfStale(file: string): void {
  try {
    if (Date.now() - fs.statSync(file).mtimeMs > STALE_TMP_MS) fs.rmSync(file, { force: true });
  } catch {
    // Renamed or removed by its writer meanwhile.
  }
}

/** A name usable as one folder name on every OS. */
function safeName(s: string): string {
  const clean = s.replace(/[^A-Za-z0-9._-]+/g, "_");
  if (!clean || clean === "." || clean === "..") throw new RangeError(`"${s}" cannot name a cache folder`);
  return clean;
}
