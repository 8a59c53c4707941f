import * as fs from "node:fs";
import { StringDecoder } from "node:string_decoder";
import { BlindspotError, fail } from "../../errors";
import { openForReading } from "./files";

// A small streaming XML scanner. fast-xml-parser 5.12 needs the whole file as one
// string (CVAT files for 10^7 boxes exceed V8's string limit), takes ~15 s for 50 MB with its
// validator, and leaves numeric references (&#10;) undecoded; CVAT XML needs none of its extras.
// Also the file helpers of the streaming readers (XML, TFRecord) and of format detection:
// opening a labels file or failing with its path, and reading a file's first bytes.

const NAMED: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };

/** Decodes the five XML entities and numeric character references in one pass. */
export function decodeXml(s: string): string {
  if (!s.includes("&")) return s;
  return s.replace(/&(#[xX][0-9a-fA-F]+|#[0-9]+|amp|lt|gt|quot|apos);/g, (m, e: string) => {
    if (e[0] !== "#") return NAMED[e];
    const code = e[1] === "x" || e[1] === "X" ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
    return code <= 0x10ffff ? String.fromCodePoint(code) : m;
  });
}

// Characters XML 1.0 cannot hold at all, even as references.
const INVALID_XML = new RegExp(
  // eslint-disable-next-line no-control-regex
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/.source +
    "|" +
    /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.source,
  "g",
);
const NEEDS_ESCAPE = /[&<>"'\t\n\r\u0000-\u0008\u000B\u000C\u000E-\u001F\uD800-\uDFFF\uFFFE\uFFFF]/;

/** How many characters of `s` XML cannot hold (`escapeXml` writes each as U+FFFD). */
export function invalidXmlChars(s: string): number {
  if (!NEEDS_ESCAPE.test(s)) return 0;
  return s.match(INVALID_XML)?.length ?? 0;
}

/** Escapes text for element content or a double-quoted attribute value. */
export function escapeXml(s: string, counter?: { invalid: number }): string {
  if (!NEEDS_ESCAPE.test(s)) return s;
  const t = s.replace(INVALID_XML, () => {
    if (counter) counter.invalid++;
    return "\uFFFD";
  });
  return t.replace(/[&<>"'\t\n\r]/g, (c) =>
    c === "&"
      ? "&amp;"
      : c === "<"
        ? "&lt;"
        : c === ">"
          ? "&gt;"
          : c === '"'
            ? "&quot;"
            : c === "'"
              ? "&apos;"
              : `&#${c.charCodeAt(0)};`,
  );
}

export interface XmlHandler {
  /** A start tag; `attrs` raw (entities not decoded); `stack` the open elements, this one last. */
  open(name: string, attrs: Record<string, string>, line: number, stack: readonly string[]): void;
  /** An end tag; `text` the element's decoded text after its last child element. */
  close(name: string, text: string, stack: readonly string[]): void;
}

const ATTR = /\s*([^\s=/>"']+)\s*=\s*(?:"([^"]*)"|'([^']*)')/y;

/**
 * Reads a file as XML in chunks, checking that it is well formed (tags nest and close, one
 * root, no text outside it), and calls the handler for each element. Fails with the file, the
 * line and, for a file that ends inside an element, that it is truncated.
 */
export function scanXml(file: string, h: XmlHandler, chunkSize = 1 << 24): void {
  const fd = openForReading(file);
  const decoder = new StringDecoder("utf8");
  const bytes = Buffer.alloc(chunkSize);
  let buf = "",
    pos = 0,
    eof = false,
    first = true;
  let line = 1,
    lineCursor = 0; // newlines counted in buf[0, lineCursor)
  const lineAt = (p: number): number => {
    for (let k = lineCursor; k < p; k++) if (buf.charCodeAt(k) === 10) line++;
    if (p > lineCursor) lineCursor = p;
    return line;
  };
  /** Appends the next chunk, dropping what is consumed; false at the end of the file. */
  const more = (): boolean => {
    if (eof) return false;
    const n = fs.readSync(fd, bytes, 0, bytes.length, null);
    let next = n > 0 ? decoder.write(bytes.subarray(0, n)) : decoder.end();
    if (n === 0) eof = true;
    if (first) {
      next = next.replace(/^\uFEFF/, "");
      first = false;
    }
    lineAt(pos);
    buf = buf.slice(pos) + next;
    lineCursor -= pos;
    pos = 0;
    return n > 0 || next.length > 0;
  };
  /** Index of `s` at or after `from` (shifts with `pos` when chunks load), or -1 at the end. */
  const find = (s: string, from: number): number => {
    for (;;) {
      const k = buf.indexOf(s, from);
      if (k >= 0) return k;
      const rel = Math.max(from, buf.length - s.length + 1) - pos;
      if (!more()) return -1;
      from = pos + rel;
    }
  };
  const stack: string[] = [],
    lines: number[] = [],
    texts: string[] = [];
  let rootSeen = false;
  function truncated(what: string): never {
    const at = lineAt(buf.length);
    throw new BlindspotError({
      file,
      place: `end of file, line ${at}`,
      message: `XML ends too early: the file is truncated (${what})`,
      hint: "the file was cut short (an interrupted download or copy?); export or copy it again",
    });
  }
  function invalid(p: number, msg: string): never {
    throw new BlindspotError({
      file,
      place: `line ${lineAt(p)}`,
      message: `invalid XML: ${msg}`,
      hint: "fix the XML at that place, or export the annotations from CVAT again",
    });
  }
  const unclosed = () => `<${stack[stack.length - 1]}> opened at line ${lines[lines.length - 1]} is not closed`;

  try {
    more();
    for (;;) {
      const lt = find("<", pos);
      const end = lt < 0 ? buf.length : lt;
      if (end > pos) {
        const text = buf.slice(pos, end);
        if (stack.length > 0) texts[texts.length - 1] += decodeXml(text);
        else if (text.trim() !== "") invalid(pos, "text outside the root element");
      }
      if (lt < 0) break;
      pos = lt;
      while (buf.length < pos + 9 && more());
      if (buf.startsWith("<!--", pos)) {
        const e = find("-->", pos + 4);
        if (e < 0) truncated("inside a comment");
        pos = e + 3;
      } else if (buf.startsWith("<![CDATA[", pos)) {
        const e = find("]]>", pos + 9);
        if (e < 0) truncated("inside a CDATA section");
        if (stack.length === 0) invalid(pos, "CDATA outside the root element");
        texts[texts.length - 1] += buf.slice(pos + 9, e);
        pos = e + 3;
      } else if (buf.startsWith("<?", pos)) {
        const e = find("?>", pos + 2);
        if (e < 0) truncated("inside a processing instruction");
        pos = e + 2;
      } else if (buf.startsWith("<!", pos)) {
        // DOCTYPE, with an internal subset in brackets when there is one.
        let e = find(">", pos + 2);
        const open = buf.indexOf("[", pos);
        if (e >= 0 && open >= 0 && open < e) {
          const close = find("]", open);
          e = close < 0 ? -1 : find(">", close);
        }
        if (e < 0) truncated("inside a DOCTYPE");
        pos = e + 1;
      } else if (buf.startsWith("</", pos)) {
        const e = find(">", pos + 2);
        if (e < 0) truncated(stack.length ? unclosed() : "inside an end tag");
        const name = buf.slice(pos + 2, e).trim();
        if (stack.length === 0) invalid(pos, `end tag </${name}> without a start tag`);
        if (name !== stack[stack.length - 1]) {
          invalid(
            pos,
            `expected </${stack[stack.length - 1]}> (opened at line ${lines[lines.length - 1]}), found </${name}>`,
          );
        }
        const text = texts.pop()!;
        h.close(name, text, stack);
        stack.pop();
        lines.pop();
        pos = e + 1;
      } else {
        // A start tag: its end is the first ">" outside quotes.
        let e = find(">", pos + 1);
        for (;;) {
          if (e < 0) truncated(stack.length ? `inside a start tag; ${unclosed()}` : "inside a start tag");
          let q = "";
          for (let k = pos + 1; k < e; k++) {
            const c = buf[k];
            if (q) {
              if (c === q) q = "";
            } else if (c === '"' || c === "'") q = c;
          }
          if (!q) break;
          e = find(">", e + 1);
        }
        const selfClosing = buf.charCodeAt(e - 1) === 47; // "/"
        const inner = buf.slice(pos + 1, selfClosing ? e - 1 : e);
        const m = /^[A-Za-z_:][\w.:-]*/.exec(inner);
        if (!m) invalid(pos, `bad tag ${JSON.stringify(buf.slice(pos, Math.min(e + 1, pos + 40)))}`);
        const name = m[0];
        if (stack.length === 0) {
          if (rootSeen) invalid(pos, `a second root element <${name}>`);
          rootSeen = true;
        }
        const attrs: Record<string, string> = Object.create(null) as Record<string, string>;
        ATTR.lastIndex = name.length;
        let at = name.length;
        for (let a = ATTR.exec(inner); a; a = ATTR.exec(inner)) {
          attrs[a[1]] = a[2] ?? a[3];
          at = ATTR.lastIndex;
        }
        if (inner.slice(at).trim() !== "")
          invalid(pos, `bad attributes in <${name}>: ${JSON.stringify(inner.slice(at).trim().slice(0, 40))}`);
        const ln = lineAt(pos);
        if (texts.length > 0) texts[texts.length - 1] = "";
        stack.push(name);
        lines.push(ln);
        texts.push("");
        h.open(name, attrs, ln, stack);
        if (selfClosing) {
          h.close(name, texts.pop()!, stack);
          stack.pop();
          lines.pop();
        }
        pos = e + 1;
      }
    }
    if (stack.length > 0) truncated(unclosed());
    if (!rootSeen) fail(file, undefined, "the file is empty (no XML element)", "export the annotations again");
  } finally {
    fs.closeSync(fd);
  }
}

/** Name of the first element of an XML text, skipping the declaration, comments and DOCTYPE. */
export function rootName(head: string): string | null {
  let s = head.replace(/^\uFEFF/, "");
  for (;;) {
    s = s.trimStart();
    if (s.startsWith("<?")) s = s.slice(s.indexOf("?>") + 2);
    else if (s.startsWith("<!--")) s = s.slice(s.indexOf("-->") + 3);
    else if (s.startsWith("<!")) s = s.slice(s.indexOf(">") + 1);
    else break;
    if (s.length === 0) return null;
  }
  const m = /^<([A-Za-z_][\w.:-]*)/.exec(s);
  return m ? m[1] : null;
}
