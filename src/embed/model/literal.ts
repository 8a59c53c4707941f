/**
 * Reads the value a minified JavaScript module exports, without running the module: nsfwjs ships
 * its TF.js model JSON and weight shards as browserify bundles (`e.exports={format:"graph-model",…}`
 * and `e.exports="base64…"`), and a downloaded package's code is not something to execute.
 *
 * The parser accepts the literal subset a minifier emits for data: objects with bare or quoted
 * keys, arrays, double-quoted strings, numbers such as `.5` or `-1e-3`, `!0`/`!1` for booleans,
 * and null. Anything else (a function, a variable) is refused.
 */

export class LiteralError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(`${message} (at character ${offset})`);
    this.name = "LiteralError";
  }
}

/** The literal a browserify bundle's first module assigns to `module.exports`. */
export function bundledExport(source: string): unknown {
  const m = /\{1:\[function\((\w+),(\w+),(\w+)\)\{\2\.exports=/.exec(source);
  if (!m) throw new LiteralError("no browserify module 1 assigning module.exports", 0);
  const parser = new Parser(source, m.index + m[0].length);
  const value = parser.value();
  if (source[parser.pos] !== "}") throw new LiteralError("module 1 does more than export a literal", parser.pos);
  return value;
}

/** Parses one literal that makes up the whole text. */
export function parseLiteral(text: string): unknown {
  const parser = new Parser(text, 0);
  const value = parser.value();
  if (parser.pos !== text.length) throw new LiteralError("text after the literal", parser.pos);
  return value;
}

const NUMBER = /-?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/y;
const KEY = /[A-Za-z_$][\w$]*/y;

class Parser {
  constructor(
    private readonly s: string,
    public pos: number,
  ) {}

  value(): unknown {
    const c = this.s[this.pos];
    if (c === "{") return this.object();
    if (c === "[") return this.array();
    if (c === '"') return this.string();
    if (c === "!" && (this.s[this.pos + 1] === "0" || this.s[this.pos + 1] === "1")) {
      this.pos += 2;
      return this.s[this.pos - 1] === "0";
    }
    for (const [word, v] of [
      ["true", true],
      ["false", false],
      ["null", null],
    ] as const) {
      if (this.s.startsWith(word, this.pos)) {
        this.pos += word.length;
        return v;
      }
    }
    NUMBER.lastIndex = this.pos;
    const m = NUMBER.exec(this.s);
    if (!m) throw new LiteralError(`unexpected ${JSON.stringify(this.s.slice(this.pos, this.pos + 20))}`, this.pos);
    this.pos += m[0].length;
    return Number(m[0]);
  }

  private object(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    this.pos++;
    while (this.s[this.pos] !== "}") {
      const key = this.key();
      this.expect(":");
      // Define rather than assign, so a "__proto__" key is plain data.
      Object.defineProperty(out, key, { value: this.value(), enumerable: true, writable: true, configurable: true });
      if (this.s[this.pos] === ",") this.pos++;
      else if (this.s[this.pos] !== "}") throw new LiteralError("expected , or }", this.pos);
    }
    this.pos++;
    return out;
  }

  private array(): unknown[] {
    const out: unknown[] = [];
    this.pos++;
    while (this.s[this.pos] !== "]") {
      out.push(this.value());
      if (this.s[this.pos] === ",") this.pos++;
      else if (this.s[this.pos] !== "]") throw new LiteralError("expected , or ]", this.pos);
    }
    this.pos++;
    return out;
  }

  private key(): string {
    if (this.s[this.pos] === '"') return this.string();
    NUMBER.lastIndex = KEY.lastIndex = this.pos;
    const m = KEY.exec(this.s) ?? NUMBER.exec(this.s);
    if (!m) throw new LiteralError("expected an object key", this.pos);
    this.pos += m[0].length;
    return m[0];
  }

  private string(): string {
    const start = this.pos;
    let end = start + 1;
    while (end < this.s.length && this.s[end] !== '"') end += this.s[end] === "\\" ? 2 : 1;
    if (end >= this.s.length) throw new LiteralError("unterminated string", start);
    this.pos = end + 1;
    // A double-quoted JavaScript string without line breaks reads the same as JSON, bar \x and \' escapes.
    const raw = this.s
      .slice(start, end + 1)
      .replace(/\\(x[0-9a-fA-F]{2}|[^])/g, (e, c: string) =>
        c[0] === "x" && c.length === 3 ? `\\u00${c.slice(1)}` : c === "'" ? "'" : e,
      );
    return JSON.parse(raw) as string;
  }

  private expect(c: string): void {
    if (this.s[this.pos] !== c) throw new LiteralError(`expected ${c}`, this.pos);
    this.pos++;
  }
}
