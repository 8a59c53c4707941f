import * as fs from "node:fs";
import { writeCacheFile } from "./files";

/** What is known of an image file at a given size and modification time. */
export interface ImageFacts {
  /** sha256 of the file's bytes. */
  contentHash: string;
  /** Size as displayed (after EXIF rotation). */
  width: number;
  height: number;
}

type Entry = [size: number, mtimeMs: number, contentHash: string, width: number, height: number];

const INDEX_VERSION = 1;

/**
 * Image path -> facts, valid while the file's size and mtime are unchanged, so a second show
 * of the same images reads no image bytes at all. A missing or unreadable index is empty.
 */
export class ThumbIndex {
  private changed = false;

  private constructor(
    private readonly file: string,
    private readonly entries: Map<string, Entry>,
  ) {}

  static load(file: string): ThumbIndex {
    let entries = new Map<string, Entry>();
    try {
      const stored = JSON.parse(fs.readFileSync(file, "utf8")) as { version?: number; entries?: Record<string, Entry> };
      if (stored.version === INDEX_VERSION && stored.entries) entries = new Map(Object.entries(stored.entries));
    } catch {
      // No index yet, or a damaged one: every image is read once more.
    }
    return new ThumbIndex(file, entries);
  }

  get(imagePath: string, stat: { size: number; mtimeMs: number }): ImageFacts | null {
    const e = this.entries.get(imagePath);
    if (!e || e[0] !== stat.size || e[1] !== stat.mtimeMs) return null;
    return { contentHash: e[2], width: e[3], height: e[4] };
  }

  set(imagePath: string, stat: { size: number; mtimeMs: number }, facts: ImageFacts): void {
    this.entries.set(imagePath, [stat.size, stat.mtimeMs, facts.contentHash, facts.width, facts.height]);
    this.changed = true;
  }

  async save(): Promise<void> {
    if (!this.changed) return;
    await writeCacheFile(
      this.file,
      JSON.stringify({ version: INDEX_VERSION, entries: Object.fromEntries(this.entries) }),
    );
    this.changed = false;
  }
}
