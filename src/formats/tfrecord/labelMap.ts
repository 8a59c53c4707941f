import type { Category } from "../../dataset/schema";
import { fail } from "../../errors";

/** The label map beside a TFRecord file: ids and names of the classes. */
export const LABEL_MAP = "label_map.pbtxt";

/**
 * Parses a label map in protobuf text format: `item { id: 1 name: 'person' }` blocks
 * (`display_name` stands in for a missing `name`; other keys and nested blocks are skipped).
 */
export function parseLabelMap(text: string, file: string): Category[] {
  const tokens = tokenize(text, file);
  let p = 0;
  const items: Category[] = [];
  const peek = () => tokens[p];
  const next = () => tokens[p++];
  const expected = (what: string): never => {
    const t = peek();
    fail(
      file,
      `line ${t?.line ?? lineCount(text)}`,
      `expected ${what}, found ${t ? JSON.stringify(t.text) : "the end of the file"}`,
      "a label map is a list of item { id: 1 name: 'person' } blocks",
    );
  };
  // Reads one value or block after a key; returns the scalar, or undefined for a block.
  const value = (): string | number | Record<string, unknown> => {
    let t = next();
    if (t?.kind === "punct" && t.text === ":") t = next();
    if (t?.kind === "punct" && (t.text === "{" || t.text === "<")) {
      const close = t.text === "{" ? "}" : ">";
      const block: Record<string, unknown> = {};
      for (;;) {
        const k = peek();
        if (k === undefined) expected(`"${close}"`);
        if (k.kind === "punct" && k.text === close) {
          p++;
          break;
        }
        if (k.kind === "punct" && (k.text === "," || k.text === ";")) {
          p++;
          continue;
        }
        if (k.kind !== "ident") expected("a field name");
        p++;
        const v = value();
        if (!(k.text in block)) block[k.text] = v;
      }
      return block;
    }
    if (t?.kind === "punct" && t.text === "[") {
      const list: unknown[] = [];
      while (peek() && !(peek().kind === "punct" && peek().text === "]")) {
        const v = next();
        if (v.kind !== "punct") list.push(v.value);
      }
      if (!peek()) expected('"]"');
      p++;
      return { list };
    }
    if (t === undefined) return expected("a value");
    if (t.kind === "punct") {
      p--;
      return expected("a value");
    }
    return t.value;
  };
  while (p < tokens.length) {
    const t = next();
    if (t.kind === "punct" && (t.text === "," || t.text === ";")) continue;
    if (t.kind !== "ident") {
      p--;
      expected("item");
    }
    const line = t.line;
    const v = value();
    if (t.text !== "item") continue;
    if (typeof v !== "object")
      fail(file, `line ${line}`, "item must be a block { ... }", "write item { id: 1 name: 'person' }");
    const id = v.id,
      name = typeof v.name === "string" ? v.name : v.display_name;
    if (typeof id !== "number" || !Number.isInteger(id))
      fail(file, `item at line ${line}`, "item has no integer id", "give every item an id: 1, 2, ...");
    if (typeof name !== "string")
      fail(file, `item at line ${line}`, "item has no name", "give every item a name: 'person'");
    if (items.some((c) => c.id === id))
      fail(file, `item at line ${line}`, `id ${id} appears twice`, "give every item its own id");
    items.push({ id, name });
  }
  return items;
}

interface Token {
  kind: "ident" | "string" | "number" | "punct";
  text: string;
  value: string | number;
  line: number;
}

function tokenize(text: string, file: string): Token[] {
  const out: Token[] = [];
  let i = 0,
    line = 1;
  const n = text.length;
  while (i < n) {
    const c = text[i];
    if (c === "\n") {
      line++;
      i++;
      continue;
    }
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === "#") {
      while (i < n && text[i] !== "\n") i++;
      continue;
    }
    if (c === "'" || c === '"') {
      let s = "";
      let j = i + 1;
      for (;;) {
        if (j >= n || text[j] === "\n")
          fail(file, `line ${line}`, "string is never closed", `close the string with ${c}`);
        const d = text[j];
        if (d === c) break;
        if (d === "\\" && j + 1 < n) {
          const e = text[j + 1];
          s += e === "n" ? "\n" : e === "t" ? "\t" : e === "r" ? "\r" : e;
          j += 2;
          continue;
        }
        s += d;
        j++;
      }
      out.push({ kind: "string", text: text.slice(i, j + 1), value: s, line });
      i = j + 1;
      continue;
    }
    const m = /^[A-Za-z_][\w.]*|^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?/.exec(text.slice(i, i + 200));
    if (m) {
      const isNum = !/^[A-Za-z_]/.test(m[0]);
      out.push({ kind: isNum ? "number" : "ident", text: m[0], value: isNum ? Number(m[0]) : m[0], line });
      i += m[0].length;
      continue;
    }
    if ("{}<>:[],;".includes(c)) {
      out.push({ kind: "punct", text: c, value: c, line });
      i++;
      continue;
    }
    fail(
      file,
      `line ${line}`,
      `unexpected character ${JSON.stringify(c)}`,
      "a label map is a list of item { id: 1 name: 'person' } blocks",
    );
  }
  return out;
}

function lineCount(text: string): number {
  return text.split("\n").length;
}

/** Writes a label map in the text format TF OD API reads. */
export function formatLabelMap(categories: readonly Category[]): string {
  const quote = (s: string) => `'${s.replace(/\\/g, "\\\\").replace(/'/g, "\\'").replace(/\n/g, "\\n")}'`;
  return categories.map((c) => `item {\n\tid: ${c.id}\n\tname: ${quote(c.name)}\n}\n`).join("\n");
}
