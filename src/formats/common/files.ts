import * as fs from "node:fs";
import * as path from "node:path";
import { BlindspotError, fail } from "../../errors";

/** Reads a text file, failing with the path and a hint when it is missing. */
export function readText(file: string): string {
  try {
    return fs.readFileSync(file, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    fail(file, undefined, code === "ENOENT" ? "file not found" : `cannot read file (${(err as Error).message})`, "check the path");
  }
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
      hint: truncated ? "the file was cut short (an interrupted download or copy?); export or copy it again" : "fix the JSON syntax at that place",
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

export const IMAGE_EXTENSIONS = /\.(jpe?g|png|webp|gif|bmp|tiff?|avif|heic)$/i;

export function isDir(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/** File name without folder and extension: the key that joins labels to images across formats. */
export function stem(p: string): string {
  const base = p.split(/[\\/]/).pop()!;
  const dot = base.lastIndexOf(".");
  return dot > 0 ? base.slice(0, dot) : base;
}
