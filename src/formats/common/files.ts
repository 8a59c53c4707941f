import * as fs from "node:fs";
import * as path from "node:path";
import { BlindspotError, fail } from "../../errors";

/** Reads a text file, failing with the path and a hint when it is missing. */
export function readText(file: string): string {
  try {
    return fs.readFileSync(file, "utf8");
  } catch (err) {
    cannotRead(file, err);
  }
}

/**
 * Opens a file of labels for reading, failing with its path when it is missing or unreadable.
 * Returns the file descriptor; the caller closes it.
 */
export function openForReading(file: string): number {
  try {
    return fs.openSync(file, "r");
  } catch (err) {
    cannotRead(file, err);
  }
}

function cannotRead(file: string, err: unknown): never {
  const code = (err as NodeJS.ErrnoException).code;
  fail(
    file,
    undefined,
    code === "ENOENT" ? "file not found" : `cannot read file (${(err as Error).message})`,
    "check the path",
  );
}

/**
 * The first `bytes` bytes of a file as UTF-8 text (a byte order mark removed), for telling
 * formats apart by their start; null when the path is not a readable file.
 */
export function readHead(file: string, bytes = 4096): string | null {
  let fd: number | undefined;
  try {
    if (!fs.statSync(file).isFile()) return null;
    fd = fs.openSync(file, "r");
    const buf = Buffer.alloc(bytes);
    const n = fs.readSync(fd, buf, 0, bytes, 0);
    return buf
      .subarray(0, n)
      .toString("utf8")
      .replace(/^\uFEFF/, "");
  } catch {
    return null;
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/** Whether a JSON file's text starts with `open` (`{` for an object, `[` for a list), spaces aside. */
export function jsonStartsWith(file: string, open: "{" | "["): boolean {
  return /\.json$/i.test(file) && (readHead(file, 256) ?? "").trimStart().startsWith(open);
}

/**
 * A finite number from a parsed file: a number, or text that is one (not blank); else null.
 * With `positive`, zero and negatives are null too (image sizes).
 */
export function finiteNumber(v: unknown, positive = false): number | null {
  const n = typeof v === "number" ? v : typeof v === "string" && v.trim() !== "" ? Number(v) : NaN;
  return Number.isFinite(n) && (!positive || n > 0) ? n : null;
}

/** Parses JSON text; a syntax error names the line and column and says whether the file looks cut short. */
export function parseJson(file: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    const msg = (err as Error).message;
    const m = /position (\d+)/.exec(msg);
    const pos = m ? Number(m[1]) : text.length;
    const before = text.slice(0, pos);
    const line = before.split("\n").length;
    const col = pos - before.lastIndexOf("\n");
    const truncated = /end of (JSON|data)/i.test(msg) || pos >= text.trimEnd().length;
    throw new BlindspotError({
      file,
      place: `line ${line}, column ${col}`,
      message: truncated ? "JSON ends too early: the file is truncated" : `invalid JSON: ${msg}`,
      hint: truncated
        ? "the file was cut short (an interrupted download or copy?); export or copy it again"
        : "fix the JSON syntax at that place",
    });
  }
}

export function readJson(file: string): unknown {
  return parseJson(file, readText(file));
}

/** Lists files under a folder (recursively), relative paths, sorted. */
export function listFiles(dir: string, filter: (rel: string) => boolean): string[] {
  const out: string[] = [];
  const walk = (sub: string) => {
    for (const e of fs.readdirSync(path.join(dir, sub), { withFileTypes: true })) {
      const rel = sub ? `${sub}/${e.name}` : e.name;
      if (e.isDirectory()) walk(rel);
      else if (filter(rel)) out.push(rel);
    }
  };
  walk("");
  return out.sort();
}

/**
 * The one file under a folder that `accepts` takes (an annotation file given by its folder);
 * fails naming the folder when there is none or several. `what` names the file in messages.
 */
export function oneFileIn(dir: string, accepts: (file: string) => boolean, what: string, example: string): string {
  const found = listFiles(dir, (rel) => accepts(path.join(dir, rel)));
  if (found.length === 1) return path.join(dir, found[0]);
  if (found.length === 0) fail(dir, undefined, `no ${what} in this folder`, `pass the file itself (${example})`);
  const shown = found.slice(0, 5).join(", ") + (found.length > 5 ? `, and ${found.length - 5} more` : "");
  fail(dir, undefined, `${found.length} files in this folder could be the ${what}: ${shown}`, "pass the one to read");
}

export const IMAGE_EXTENSIONS = /\.(jpe?g|png|webp|gif|bmp|tiff?|avif|heic)$/i;

export function isDir(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}

export { stem } from "../../io/paths";

/** The image a label file or id names, or why none: no image, or several that fit (`candidates`). */
export type ImageMatch = { file: string } | { file: null; candidates: string[] };

/**
 * The images of a folder, found by a key from a labels file: the relative path without
 * extension (`train/a` for `train/a.jpg`), else the bare file name without extension when one
 * image alone has it. A key that fits several images (`a.jpg` and `a.png`, or `x/a.jpg` and
 * `y/a.jpg` for `a`) matches none, and says which ones fit.
 */
export class ImageIndex {
  private readonly byPath = new Map<string, string[]>();
  private readonly byName = new Map<string, string[]>();

  /** `files`: image paths relative to the images folder, with `/` between folders. */
  constructor(readonly files: readonly string[]) {
    for (const rel of files) {
      const dot = rel.lastIndexOf(".");
      const noExt = dot > rel.lastIndexOf("/") + 1 ? rel.slice(0, dot) : rel;
      push(this.byPath, noExt, rel);
      push(this.byName, noExt.slice(noExt.lastIndexOf("/") + 1), rel);
    }
  }

  /** The images under a folder (none when it does not exist). */
  static of(imagesDir: string): ImageIndex {
    return new ImageIndex(isDir(imagesDir) ? listFiles(imagesDir, (rel) => IMAGE_EXTENSIONS.test(rel)) : []);
  }

  /** The image for a key: its relative path without extension, else its unique bare name. */
  match(key: string): ImageMatch {
    const exact = this.byPath.get(key);
    if (exact) return exact.length === 1 ? { file: exact[0] } : { file: null, candidates: exact };
    const named = this.byName.get(key.slice(key.lastIndexOf("/") + 1));
    if (!named) return { file: null, candidates: [] };
    return named.length === 1 ? { file: named[0] } : { file: null, candidates: named };
  }
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/**
 * Fails, before anything is written, when several samples would be written to the same output
 * file (formats that name a file after the image's bare name: `a/x.jpg` and `b/x.jpg` both
 * give `x.txt`). Names that differ only in case collide too: they are one file on macOS and
 * Windows. `files[i]` is the output file of `sources[i]` (the sample's image path).
 */
export function refuseSharedOutputs(
  out: string,
  files: readonly string[],
  sources: ArrayLike<string>,
  hint: string,
): void {
  const first = new Map<string, number>();
  const clashes = new Map<number, number[]>();
  for (let i = 0; i < files.length; i++) {
    const key = files[i].toLowerCase();
    const k = first.get(key);
    if (k === undefined) first.set(key, i);
    else push(clashes, k, i);
  }
  if (!clashes.size) return;
  const shown = [...clashes].slice(0, 3).map(([k, others]) => {
    const names = [k, ...others].map((i) => JSON.stringify(sources[i]));
    return `${path.relative(out, files[k]) || files[k]} <- ${names.join(", ")}`;
  });
  const n = [...clashes.values()].reduce((s, l) => s + l.length, 0);
  throw new BlindspotError({
    file: out,
    message:
      `${n} sample${n > 1 ? "s" : ""} would overwrite another's file, so nothing was written:\n  - ` +
      `${shown.join("\n  - ")}${clashes.size > 3 ? `\n  - ... and ${clashes.size - 3} more files` : ""}`,
    hint,
  });
}
